"""A pilot's leading group and the departments' annual plans."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shidian.core.forms import errors_as_messages
from shidian.core.http import AuthedHttpRequest
from shidian.plans import forms, permissions, selectors, services
from shidian.plans.views._common import _attempt


@login_required
@require_http_methods(["GET", "POST"])
def leading_group(request: AuthedHttpRequest, pilot_id: int) -> HttpResponse:
    pilot = selectors.get_pilot_for(user=request.user, pilot_id=pilot_id)
    members = selectors.leading_group_members(user=request.user, pilot=pilot)
    can_edit = permissions.can_edit_plan(request.user, pilot)
    departments = pilot.organisations.filter(kind="pilot_department").order_by("name")
    form = forms.MemberForm(request.POST or None, departments=departments)
    if request.method == "POST":
        if not can_edit:
            raise Http404
        if form.is_valid():
            if _attempt(
                request,
                lambda: services.appoint_member(pilot=pilot, by=request.user, **form.cleaned_data),
                _("已更新领导小组。"),
            ):
                return redirect("plans:leading_group", pilot_id=pilot.pk)
        else:
            errors_as_messages(request, form)
    return render(
        request,
        "plans/leading_group.html",
        {
            "pilot": pilot,
            "current": [m for m in members if m.valid_until is None],
            "past": [m for m in members if m.valid_until is not None],
            "form": form if can_edit else None,
            "end_form": forms.EndMemberForm() if can_edit else None,
        },
    )


@login_required
@require_POST
def end_member(request: AuthedHttpRequest, member_id: int) -> HttpResponse:
    member = selectors.get_member_for(user=request.user, member_id=member_id)
    form = forms.EndMemberForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.end_membership(member=member, by=request.user, **form.cleaned_data),
            _("任期已结束。"),
        )
    else:
        errors_as_messages(request, form)
    return redirect("plans:leading_group", pilot_id=member.group.pilot_id)


@login_required
@require_http_methods(["GET", "POST"])
def annual_plan(request: AuthedHttpRequest, department_id: int, year: int) -> HttpResponse:
    department = selectors.get_department_for(user=request.user, department_id=department_id)
    pilot = department.pilot
    if pilot is None:
        raise Http404
    form = forms.AnnualGoalForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "generate":
            version_id = selectors.current_version_ids([pilot.pk]).get(pilot.pk)
            if version_id is None:
                messages.error(request, _("本试点还没有工作方案。"))
            else:
                version = selectors.get_version_for(user=request.user, version_id=version_id)
                _attempt(
                    request,
                    lambda: services.generate_annual_plan(
                        department=department,
                        year=year,
                        version=version,
                        by=request.user,
                    ),
                    _("已按工作方案生成年度计划。"),
                )
        elif form.is_valid():
            annual = next(
                (a for a in selectors.annual_plans_of(user=request.user, department=department) if a.year == year), None
            )
            if annual is None:
                messages.error(request, _("请先生成年度计划。"))
            else:
                _attempt(
                    request,
                    lambda: services.add_annual_goal(annual_plan=annual, by=request.user, **form.cleaned_data),
                    _("已添加目标。"),
                )
        return redirect("plans:annual_plan", department_id=department.pk, year=year)
    plans_of = selectors.annual_plans_of(user=request.user, department=department)
    return render(
        request,
        "plans/annual_plan.html",
        {
            "department": department,
            "year": year,
            "annual": next((a for a in plans_of if a.year == year), None),
            "years": [a.year for a in plans_of],
            "form": form,
            "can_keep": permissions.can_edit_plan(request.user, pilot)
            or getattr(request.user, "organisation_id", None) == department.pk,
        },
    )


@login_required
@require_POST
def delete_annual_goal(request: AuthedHttpRequest, goal_id: int) -> HttpResponse:
    goal = selectors.get_annual_goal_for(user=request.user, goal_id=goal_id)
    annual = goal.annual_plan
    _attempt(request, lambda: services.delete_annual_goal(goal=goal, by=request.user), _("已删除目标。"))
    return redirect("plans:annual_plan", department_id=annual.department_id, year=annual.year)
