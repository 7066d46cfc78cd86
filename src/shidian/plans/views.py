"""Plan pages: timeline, editing, review, diff, my tasks, province and national views, Excel/Word. Thin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shidian.accounts.models import Organisation, User
from shidian.core import audit, clock, listing, scoping, uploads
from shidian.core.errors import DomainError, ImportRejected
from shidian.core.http import AuthedHttpRequest
from shidian.core.roles import Capability, Reach
from shidian.plans import filters, forms, permissions, selectors, services, workbook
from shidian.plans.models import PlanStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _form_errors(request: AuthedHttpRequest, form: Any) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        messages.error(request, _("%(label)s：%(errors)s") % {"label": label, "errors": "；".join(errors)})


def _attempt(request: AuthedHttpRequest, action: Callable[[], object], success: str) -> bool:
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def _to_plan(pilot_id: int, version_id: int | None = None) -> HttpResponse:
    response = redirect("plans:plan", pilot_id=pilot_id)
    if version_id is not None:
        response["Location"] += f"?version={version_id}"
    return response


def _pilot_users(pilot_id: int) -> Any:
    return User.objects.filter(organisation__pilot_id=pilot_id, is_active=True).order_by("username")


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
        _form_errors(request, form)
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
        _form_errors(request, form)
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
        _form_errors(request, form)
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
        _form_errors(request, form)
    return _to_plan(task.version.plan.pilot_id, task.version_id)


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


def _province_commission(pilot: Any) -> str:
    office = Organisation.objects.filter(kind="provincial_commission", province_id=pilot.province_id).first()
    return office.name if office else _("省级发展改革部门")


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
            "recipient": _province_commission(pilot),
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
        _form_errors(request, form)
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
        _form_errors(request, form)
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


@login_required
@require_http_methods(["GET", "POST"])
def milestone(request: AuthedHttpRequest, milestone_id: int) -> HttpResponse:
    item = selectors.get_milestone_for(user=request.user, milestone_id=milestone_id)
    can_update = permissions.can_update_milestone(request.user, item)
    editable = item.task.version.is_editable and permissions.can_edit_plan(request.user, item.task.version.plan.pilot)
    form = forms.ProgressForm(
        request.POST or None,
        initial={
            "progress_percent": item.progress_percent,
            "status": item.status,
            "note": item.note,
            "finished_on": item.finished_on,
        },
    )
    if request.method == "POST":
        if form.is_valid():
            if _attempt(
                request,
                lambda: services.update_milestone_progress(milestone=item, by=request.user, **form.cleaned_data),
                _("进度已更新。"),
            ):
                return redirect("plans:milestone", milestone_id=item.pk)
        else:
            _form_errors(request, form)
    return render(
        request,
        "plans/milestone.html",
        {
            "milestone": item,
            "task": item.task,
            "form": form if can_update else None,
            "evidence_form": forms.EvidenceForm() if can_update else None,
            "evidence": item.evidence.select_related("uploaded_by"),
            "overdue": item.is_overdue(clock.today()),
            "dependencies_form": forms.DependenciesForm(
                milestone=item, initial={"depends_on": list(item.depends_on.all())}
            )
            if editable
            else None,
        },
    )


@login_required
@require_GET
def evidence_file(request: AuthedHttpRequest, milestone_id: int, evidence_id: int) -> HttpResponse:
    item = selectors.get_milestone_for(user=request.user, milestone_id=milestone_id)
    document = item.evidence.filter(pk=evidence_id).first()
    if document is None:
        raise Http404
    audit.record(
        action=audit.AuditAction.EVIDENCE_DOWNLOADED,
        actor=request.user,
        obj=document,
        detail={"file": document.original_name, "milestone": item.pk},
    )
    with document.file.open("rb") as stored:
        content = stored.read()
    # Typed by the content, never by the name the uploader chose (x.html is no page).
    return uploads.attachment_response(content, file_name=document.original_name)


@login_required
@require_POST
def milestone_dependencies(request: AuthedHttpRequest, milestone_id: int) -> HttpResponse:
    item = selectors.get_milestone_for(user=request.user, milestone_id=milestone_id)
    form = forms.DependenciesForm(request.POST, milestone=item)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.set_dependencies(
                milestone=item,
                depends_on=list(form.cleaned_data["depends_on"]),
                by=request.user,
            ),
            _("前置节点已更新，并重新倒排了时间。"),
        )
    else:
        _form_errors(request, form)
    return redirect("plans:milestone", milestone_id=item.pk)


@login_required
@require_POST
def milestone_delete(request: AuthedHttpRequest, milestone_id: int) -> HttpResponse:
    item = selectors.get_milestone_for(user=request.user, milestone_id=milestone_id)
    if _attempt(request, lambda: services.delete_milestone(milestone=item, by=request.user), _("已删除节点。")):
        return _to_plan(item.task.version.plan.pilot_id, item.task.version_id)
    return redirect("plans:milestone", milestone_id=item.pk)


@login_required
@require_POST
def evidence(request: AuthedHttpRequest, milestone_id: int) -> HttpResponse:
    item = selectors.get_milestone_for(user=request.user, milestone_id=milestone_id)
    form = forms.EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.PLAN_EVIDENCE_MAX_BYTES:
            messages.error(
                request,
                _("文件过大：%(size)d 字节，上限 %(limit)d 字节。")
                % {"size": upload.size, "limit": settings.PLAN_EVIDENCE_MAX_BYTES},
            )
        else:
            _attempt(
                request,
                lambda: services.attach_evidence(
                    milestone=item,
                    file_name=upload.name,
                    content=upload.read(),
                    by=request.user,
                ),
                _("佐证材料已上传。"),
            )
    else:
        _form_errors(request, form)
    return redirect("plans:milestone", milestone_id=item.pk)


@login_required
@require_GET
def my_tasks(request: AuthedHttpRequest) -> HttpResponse:
    items = selectors.my_milestones(user=request.user)
    today = clock.today()
    return render(
        request,
        "plans/my_tasks.html",
        {
            "rows": [(m, m.is_overdue(today)) for m in items],
            "supported": selectors.supported_tasks(user=request.user),
            "organisation": getattr(request.user, "organisation", None),
            "year": today.year,
        },
    )


@login_required
@require_GET
def province(request: AuthedHttpRequest) -> HttpResponse:
    scoping.require(request.user, Capability.VIEW_PLANS)
    organisation = getattr(request.user, "organisation", None)
    province_obj = getattr(organisation, "province", None)
    scope = scoping.scope_for(request.user)
    if province_obj is None or scope.reach is not Reach.PROVINCE:
        return redirect("plans:national")
    rows = selectors.province_progress(user=request.user, province=province_obj)
    list_filter = filters.PlanListFilter(request.GET, national=False)
    if request.GET.get("format") == "xlsx":
        return _progress_download(request, list_filter, list_filter.apply(rows), province_obj.name)
    page, query = listing.page_of(request, list_filter.apply(rows))
    return render(
        request,
        "plans/province.html",
        {"rows": page, "query": query, "filters": list_filter, "province": province_obj},
    )


@login_required
@require_GET
def national(request: AuthedHttpRequest) -> HttpResponse:
    view = selectors.national_progress(user=request.user)
    chart = {
        "tooltip": {},
        "xAxis": {"type": "category", "data": [b.label for b in view.by_focus_area], "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value", "max": 100, "name": "%"},
        "series": [{"type": "bar", "data": [b.progress or 0 for b in view.by_focus_area]}],
        "grid": {"bottom": 120},
    }
    list_filter = filters.PlanListFilter(request.GET, national=True)
    if request.GET.get("format") == "xlsx":
        return _progress_download(request, list_filter, list_filter.apply(view.rows), _("全国"))
    page, query = listing.page_of(request, list_filter.apply(view.rows))
    return render(
        request,
        "plans/national.html",
        {"view": view, "chart": chart, "rows": page, "query": query, "filters": list_filter},
    )


def _progress_download(
    request: AuthedHttpRequest, list_filter: filters.PlanListFilter, rows: list[Any], scope_name: str
) -> HttpResponse:
    """Every filtered row of a plans list as XLSX, audited with the filters used."""
    content = workbook.progress_list_xlsx(rows)
    audit.record(
        action=audit.AuditAction.PLAN_LIST_EXPORTED,
        actor=request.user,
        detail={"format": "xlsx", "rows": len(rows), "filters": list_filter.active()},
    )
    name = _("%(scope)s工作方案进展-%(date)s.xlsx") % {"scope": scope_name, "date": clock.today().isoformat()}
    return _download(content, XLSX, name)


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
            _form_errors(request, form)
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
        _form_errors(request, form)
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


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"plan.{name.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{_quote(name)}"
    )
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@login_required
@require_GET
def template_xlsx(request: AuthedHttpRequest, pilot_id: int) -> HttpResponse:
    pilot = selectors.get_pilot_for(user=request.user, pilot_id=pilot_id)
    if not permissions.can_edit_plan(request.user, pilot):
        raise Http404
    content = workbook.template_xlsx(pilot=pilot)
    audit.record(action=audit.AuditAction.PLAN_TEMPLATE_DOWNLOADED, actor=request.user, obj=pilot)
    return _download(content, XLSX, _("%(pilot)s工作方案模板.xlsx") % {"pilot": pilot.name})


def _version_for_export(request: AuthedHttpRequest, pilot_id: int) -> Any:
    pilot = selectors.get_pilot_for(user=request.user, pilot_id=pilot_id)
    version_param = request.GET.get("version", "")
    version_id = (
        int(version_param) if version_param.isdigit() else selectors.current_version_ids([pilot.pk]).get(pilot.pk)
    )
    if version_id is None:
        raise Http404
    version = selectors.get_version_for(user=request.user, version_id=version_id)
    if version.plan.pilot_id != pilot.pk:
        raise Http404
    return version


@login_required
@require_GET
def export_xlsx(request: AuthedHttpRequest, pilot_id: int) -> HttpResponse:
    version = _version_for_export(request, pilot_id)
    name = _("%(pilot)s工作方案第%(number)d版.xlsx") % {"pilot": version.plan.pilot.name, "number": version.number}
    content = workbook.export_xlsx(version=version)
    audit.record(action=audit.AuditAction.PLAN_EXPORTED, actor=request.user, obj=version, detail={"format": "xlsx"})
    return _download(content, XLSX, name)


@login_required
@require_GET
def export_docx(request: AuthedHttpRequest, pilot_id: int) -> HttpResponse:
    version = _version_for_export(request, pilot_id)
    name = _("%(pilot)s工作方案第%(number)d版.docx") % {"pilot": version.plan.pilot.name, "number": version.number}
    content = workbook.export_docx(version=version)
    audit.record(action=audit.AuditAction.PLAN_EXPORTED, actor=request.user, obj=version, detail={"format": "docx"})
    return _download(content, DOCX, name)


@login_required
@require_GET
def export_pdf(request: AuthedHttpRequest, pilot_id: int) -> HttpResponse:
    version = _version_for_export(request, pilot_id)
    name = _("%(pilot)s工作方案第%(number)d版.pdf") % {"pilot": version.plan.pilot.name, "number": version.number}
    return _download(workbook.export_pdf(version=version), "application/pdf", name)


@login_required
@require_http_methods(["GET", "POST"])
def import_plan(request: AuthedHttpRequest, pilot_id: int) -> HttpResponse:
    """Upload → preview (every error by sheet, row, column) → confirm; nothing is written before confirming."""
    pilot = selectors.get_pilot_for(user=request.user, pilot_id=pilot_id)
    if not permissions.can_edit_plan(request.user, pilot):
        raise Http404
    versions = selectors.versions_of(pilot=pilot)
    latest = versions[0] if versions else None
    form = forms.PlanUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"pilot": pilot, "form": form, "version": latest}
    if latest is None or not latest.is_editable:
        context["blocked"] = True
        return render(request, "plans/import.html", context)
    user = request.user
    if request.method == "POST" and request.POST.get("confirm"):
        pending = workbook.pending_import_for(version=latest, import_id=request.POST.get("import_id", ""), by=user)
        if pending is None:
            messages.error(request, _("预览已失效，请重新上传。"))
            return redirect("plans:import", pilot_id=pilot.pk)
        try:
            preview = workbook.confirm_pending_import(pending=pending, by=user)
        except ImportRejected as exc:
            context["errors"] = exc.errors
        except DomainError as exc:
            context["errors"] = [exc.message]
        else:
            messages.success(
                request,
                _("已导入 %(tasks)d 项任务、%(milestones)d 个节点。")
                % {"tasks": len(preview.tasks), "milestones": preview.milestone_count},
            )
            return _to_plan(pilot.pk, latest.pk)
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(settings.PLAN_IMPORT_MAX_BYTES + 1)
        try:
            context["preview"] = workbook.preview_upload(version=latest, content=content, by=user)
        except ImportRejected as exc:
            context["errors"] = exc.errors
        except DomainError as exc:
            context["errors"] = [exc.message]
        else:
            # The file waits in the database (with an expiry), not in the session.
            context["pending"] = workbook.keep_pending_import(
                version=latest, content=content, file_name=upload.name or "", by=user
            )
    return render(request, "plans/import.html", context)
