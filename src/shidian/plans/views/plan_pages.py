"""A pilot's work plan: the list, the plan page, versions, goals, tasks and their milestones."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shidian.accounts.models import Organisation
from shidian.core import clock, scoping
from shidian.core.forms import errors_as_messages
from shidian.core.http import AuthedHttpRequest
from shidian.core.roles import Capability, Reach
from shidian.plans import forms, permissions, selectors, services
from shidian.plans.models import PlanStatus
from shidian.plans.views._common import _attempt, _pilot_users, _to_plan


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    """Send each role to its plan page."""
    scoping.require(request.user, Capability.VIEW_PLANS)
    scope = scoping.scope_for(request.user)
    if scoping.can(request.user, Capability.UPDATE_PROGRESS):
        return redirect("plans:my_tasks")
    if scope.reach is Reach.PILOT and scope.pilots:
        return redirect("plans:plan", pilot_id=min(scope.pilots))
    if scope.reach is Reach.PROVINCE:
        return redirect("plans:province")
    return redirect("plans:national")


@login_required
@require_GET
def plan(request: AuthedHttpRequest, pilot_id: int) -> HttpResponse:
    pilot = selectors.get_pilot_for(user=request.user, pilot_id=pilot_id)
    version_param = request.GET.get("version")
    version_id = int(version_param) if version_param and version_param.isdigit() else None
    page = selectors.plan_page(user=request.user, pilot=pilot, version_id=version_id)
    version = page.version
    can_edit = permissions.can_edit_plan(request.user, pilot)
    editable = bool(can_edit and version and version.is_editable)
    context: dict[str, Any] = {
        "page": page,
        "pilot": pilot,
        "version": version,
        "can_edit": can_edit,
        "editable": editable,
        "can_review": bool(version and permissions.can_review_plan(request.user, pilot)),
        "today": clock.today(),
        "latest": page.versions[0] if page.versions else None,
        "approved": next((v for v in page.versions if v.status == PlanStatus.APPROVED), None),
        "history": selectors.review_history(version=version) if version else [],
    }
    if editable and version is not None:
        departments = pilot.organisations.filter(kind="pilot_department").order_by("name")
        context["texts_form"] = forms.TextsForm(
            initial={"implementation_plan": version.implementation_plan, "action_plan": version.action_plan}
        )
        context["goal_form"] = forms.GoalForm(years=services.allowed_goal_years(pilot))
        context["task_form"] = forms.TaskForm(departments=departments, users=_pilot_users(pilot.pk))
    if context["can_review"] and version is not None and version.status == PlanStatus.SUBMITTED:
        context["review_form"] = forms.ReviewForm()
    return render(request, "plans/plan.html", context)


@login_required
@require_POST
def start_plan(request: AuthedHttpRequest, pilot_id: int) -> HttpResponse:
    pilot = selectors.get_pilot_for(user=request.user, pilot_id=pilot_id)
    _attempt(request, lambda: services.ensure_work_plan(pilot=pilot, by=request.user), _("已创建工作方案草稿。"))
    return _to_plan(pilot.pk)


@login_required
@require_POST
def new_version(request: AuthedHttpRequest, pilot_id: int) -> HttpResponse:
    pilot = selectors.get_pilot_for(user=request.user, pilot_id=pilot_id)
    work_plan = getattr(pilot, "work_plan", None)
    if work_plan is None:
        raise Http404
    _attempt(request, lambda: services.start_new_version(plan=work_plan, by=request.user), _("已新建方案版本。"))
    return _to_plan(pilot.pk)


@login_required
@require_POST
def version_texts(request: AuthedHttpRequest, plan_version_id: int) -> HttpResponse:
    version = selectors.get_version_for(user=request.user, version_id=plan_version_id)
    form = forms.TextsForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.update_plan_texts(version=version, by=request.user, **form.cleaned_data),
            _("已保存。"),
        )
    return _to_plan(version.plan.pilot_id, version.pk)


@login_required
@require_POST
def add_goal(request: AuthedHttpRequest, plan_version_id: int) -> HttpResponse:
    version = selectors.get_version_for(user=request.user, version_id=plan_version_id)
    form = forms.GoalForm(request.POST, years=services.allowed_goal_years(version.plan.pilot))
    if form.is_valid():
        _attempt(
            request,
            lambda: services.add_goal(version=version, by=request.user, **form.cleaned_data),
            _("已添加目标。"),
        )
    else:
        errors_as_messages(request, form)
    return _to_plan(version.plan.pilot_id, version.pk)


@login_required
@require_POST
def add_task(request: AuthedHttpRequest, plan_version_id: int) -> HttpResponse:
    version = selectors.get_version_for(user=request.user, version_id=plan_version_id)
    departments = Organisation.objects.filter(kind="pilot_department", pilot_id=version.plan.pilot_id)
    form = forms.TaskForm(
        request.POST, departments=departments, users=_pilot_users(version.plan.pilot_id), plan=version.plan
    )
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["supporting_departments"] = list(data["supporting_departments"])
        _attempt(
            request,
            lambda: services.add_task(version=version, by=request.user, **data),
            _("已添加任务。"),
        )
    else:
        errors_as_messages(request, form)
    return _to_plan(version.plan.pilot_id, version.pk)


@login_required
@require_http_methods(["GET", "POST"])
def edit_task(request: AuthedHttpRequest, task_id: int) -> HttpResponse:
    task = selectors.get_task_for(user=request.user, task_id=task_id)
    pilot = task.version.plan.pilot
    if not permissions.can_edit_plan(request.user, pilot):
        raise Http404
    departments = Organisation.objects.filter(kind="pilot_department", pilot_id=pilot.pk).order_by("name")
    initial = {name: getattr(task, name) for name in services.TASK_FIELDS}
    initial["supporting_departments"] = list(task.supporting_departments.all())
    form = forms.TaskForm(
        request.POST or None,
        departments=departments,
        users=_pilot_users(pilot.pk),
        initial=initial,
        plan=task.version.plan,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        supporting = list(data.pop("supporting_departments"))
        if _attempt(
            request,
            lambda: services.update_task(task=task, supporting_departments=supporting, by=request.user, **data),
            _("任务已更新，节点已重新倒排。"),
        ):
            return _to_plan(pilot.pk, task.version_id)
    elif request.method == "POST":
        errors_as_messages(request, form)
    return render(request, "plans/task_edit.html", {"task": task, "form": form, "pilot": pilot})


@login_required
@require_POST
def delete_task(request: AuthedHttpRequest, task_id: int) -> HttpResponse:
    task = selectors.get_task_for(user=request.user, task_id=task_id)
    _attempt(request, lambda: services.delete_task(task=task, by=request.user), _("已删除任务。"))
    return _to_plan(task.version.plan.pilot_id, task.version_id)


@login_required
@require_POST
def add_milestone(request: AuthedHttpRequest, task_id: int) -> HttpResponse:
    task = selectors.get_task_for(user=request.user, task_id=task_id)
    form = forms.MilestoneForm(request.POST, task=task)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["depends_on"] = list(data["depends_on"])
        _attempt(
            request,
            lambda: services.add_milestone(task=task, by=request.user, **data),
            _("已添加节点，并按期限倒排了时间。"),
        )
    else:
        errors_as_messages(request, form)
    return _to_plan(task.version.plan.pilot_id, task.version_id)
