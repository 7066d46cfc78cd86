"""A plan version's submission and the province's review, with their confirmations, and the difference of versions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shidian.accounts import selectors as account_selectors
from shidian.core.forms import errors_as_messages
from shidian.core.http import AuthedHttpRequest
from shidian.plans import forms, permissions, selectors, services
from shidian.plans.views._common import _attempt, _to_plan


@login_required
@require_POST
def submit(request: AuthedHttpRequest, plan_version_id: int) -> HttpResponse:
    version = selectors.get_version_for(user=request.user, version_id=plan_version_id)
    _attempt(
        request,
        lambda: services.submit_plan(version=version, by=request.user),
        _("已报送省级发展改革部门。"),
    )
    return _to_plan(version.plan.pilot_id, version.pk)


@login_required
@require_GET
def submit_confirm(request: AuthedHttpRequest, plan_version_id: int) -> HttpResponse:
    """Say what submitting the plan does and to whom before it happens."""
    version = selectors.get_version_for(user=request.user, version_id=plan_version_id)
    pilot = version.plan.pilot
    if not permissions.can_edit_plan(request.user, pilot) or not version.is_editable:
        raise Http404
    return render(
        request,
        "core/confirm.html",
        {
            "heading": _("确认报送：%(pilot)s 工作方案第 %(n)d 版") % {"pilot": pilot.name, "n": version.number},
            "recipient": account_selectors.province_commission_name(pilot.province_id),
            "consequences": [
                _("方案报送省级发展改革部门审核，审核期间不能修改。"),
                _("省级批准后成为现行方案，并永久固定；退回后可修改再报送。"),
            ],
            "action": reverse("plans:submit", kwargs={"plan_version_id": version.pk}),
            "hidden": [],
            "button": _("确认报送"),
            "cancel": reverse("plans:plan", kwargs={"pilot_id": pilot.pk}) + f"?version={version.pk}",
        },
    )


@login_required
@require_POST
def review_confirm(request: AuthedHttpRequest, plan_version_id: int) -> HttpResponse:
    """Say what approving or returning the plan does and to whom before it happens."""
    version = selectors.get_version_for(user=request.user, version_id=plan_version_id)
    pilot = version.plan.pilot
    if not permissions.can_review_plan(request.user, pilot):
        raise Http404
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        errors_as_messages(request, form)
        return _to_plan(pilot.pk, version.pk)
    decision, comment = form.cleaned_data["decision"], form.cleaned_data["comment"]
    target = {"pilot": pilot.name, "n": version.number}
    if decision == "approve":
        heading = _("确认批准：%(pilot)s 工作方案第 %(n)d 版") % target
        consequences = [
            _("该版本成为现行方案并永久固定，之后的调整须新建版本再报审。"),
            _("各责任部门按该版本的节点报送进度。"),
        ]
        button = _("确认批准")
    else:
        if not comment.strip():
            messages.error(request, _("退回时必须填写审核意见。"))
            return _to_plan(pilot.pk, version.pk)
        heading = _("确认退回：%(pilot)s 工作方案第 %(n)d 版") % target
        consequences = [_("方案退回试点修改，试点会在工作台最上方看到您的审核意见。")]
        button = _("确认退回")
    return render(
        request,
        "core/confirm.html",
        {
            "heading": heading,
            "recipient": pilot.name,
            "consequences": consequences,
            "comment": comment,
            "action": reverse("plans:review", kwargs={"plan_version_id": version.pk}),
            "hidden": [("decision", decision), ("comment", comment)],
            "button": button,
            "cancel": reverse("plans:plan", kwargs={"pilot_id": pilot.pk}) + f"?version={version.pk}",
        },
    )


@login_required
@require_POST
def reopen(request: AuthedHttpRequest, plan_version_id: int) -> HttpResponse:
    version = selectors.get_version_for(user=request.user, version_id=plan_version_id)
    _attempt(request, lambda: services.reopen_plan(version=version, by=request.user), _("已转为草稿。"))
    return _to_plan(version.plan.pilot_id, version.pk)


@login_required
@require_POST
def review(request: AuthedHttpRequest, plan_version_id: int) -> HttpResponse:
    version = selectors.get_version_for(user=request.user, version_id=plan_version_id)
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        errors_as_messages(request, form)
    elif form.cleaned_data["decision"] == "approve":
        _attempt(
            request,
            lambda: services.approve_plan(version=version, comment=form.cleaned_data["comment"], by=request.user),
            _("已批准。"),
        )
    else:
        _attempt(
            request,
            lambda: services.return_plan(version=version, comment=form.cleaned_data["comment"], by=request.user),
            _("已退回修改。"),
        )
    return _to_plan(version.plan.pilot_id, version.pk)


@login_required
@require_GET
def diff(request: AuthedHttpRequest, plan_version_id: int) -> HttpResponse:
    version = selectors.get_version_for(user=request.user, version_id=plan_version_id)
    against_param = request.GET.get("against", "")
    if against_param.isdigit():
        old = selectors.get_version_for(user=request.user, version_id=int(against_param))
        if old.plan_id != version.plan_id:
            raise Http404
    elif version.based_on_id is not None:
        old = selectors.get_version_for(user=request.user, version_id=version.based_on_id)
    else:
        old = None
    differences = selectors.diff_versions(old=old, new=version) if old else []
    return render(
        request,
        "plans/diff.html",
        {"version": version, "old": old, "differences": differences, "pilot": version.plan.pilot},
    )
