"""The statistics of difficulties and the routing of categories to the units that answer them. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shidian.core import clock
from shidian.core.errors import DomainError, NotFound
from shidian.core.http import AuthedHttpRequest
from shidian.exchange import forms, permissions, selectors, services
from shidian.exchange.models import Category
from shidian.exchange.views._common import _require_view


@login_required
@require_GET
def statistics(request: AuthedHttpRequest) -> HttpResponse:
    """Response times per lead department (national users)."""
    today = clock.today()
    rows = selectors.department_statistics(user=request.user, today=today)
    return render(request, "exchange/statistics.html", {"rows": rows, "today": today})


@login_required
@require_GET
def routing(request: AuthedHttpRequest) -> HttpResponse:
    """The routing table: which departments each category goes to."""
    _require_view(request)
    return render(
        request,
        "exchange/routing.html",
        {"rules": selectors.routing_table(), "can_edit": permissions.can_manage_routing(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_routing(request: AuthedHttpRequest, category: str) -> HttpResponse:
    if not permissions.can_manage_routing(request.user) or category not in Category.values:
        raise NotFound
    rule = selectors.get_rule(category=category)
    initial = {"lead": rule.lead, "co_handlers": list(rule.co_handlers.all())}
    form = forms.RoutingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_routing(
                category=category,
                lead=form.cleaned_data["lead"],
                co_handlers=form.cleaned_data["co_handlers"],
                by=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("分办规则已保存；此后提出的问题按新规则分办。"))
            return redirect("exchange:routing")
    return render(request, "exchange/edit_routing.html", {"form": form, "rule": rule})
