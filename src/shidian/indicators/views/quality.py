"""Data-quality issues: the list and the follow-up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shidian.core import scoping
from shidian.core.errors import DomainError
from shidian.core.http import AuthedHttpRequest
from shidian.core.roles import Capability
from shidian.indicators import selectors, services
from shidian.indicators.forms import FollowUpForm, QualityFilterForm
from shidian.indicators.views._common import PAGE_SIZE, _business, _period


@login_required
@require_http_methods(["GET", "POST"])
def quality(request: AuthedHttpRequest) -> HttpResponse:
    """The data-quality list of a province or the nation; POST runs the checks for a period."""
    _business(request)
    may_follow = scoping.can(request.user, Capability.FOLLOW_UP_QUALITY)
    if request.method == "POST":
        if not may_follow:
            raise Http404
        the_period = _period(request.POST.get("period", ""))
        found = services.run_quality_checks(period=the_period, by=request.user)
        messages.success(request, _("检查完成，新发现 %(n)d 个问题。") % {"n": found})
        return redirect(f"{request.path}?period={the_period.code}")
    filters = QualityFilterForm(request.GET or None)
    status = period = ""
    if filters.is_valid():
        status, period = filters.cleaned_data["status"], filters.cleaned_data["period"]
    issues = selectors.quality_issues(user=request.user, status=status, period=period)
    page = Paginator(issues, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "indicators/quality.html",
        {
            "page": page,
            "filters": filters,
            "may_follow": may_follow,
            "follow_form": FollowUpForm(),
            "periods": selectors.periods(),
        },
    )


@login_required
@require_POST
def follow_up(request: AuthedHttpRequest, issue_id: int) -> HttpResponse:
    _business(request)
    issue = selectors.get_issue_for(user=request.user, issue_id=issue_id)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_issue(
                issue=issue,
                to=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
            messages.success(request, _("已更新处理状态。"))
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("indicators:quality")
