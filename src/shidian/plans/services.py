"""Change work plans: versions and their review, tasks, milestones, progress, annual plans, leading groups."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.core import audit, clock, transitions, uploads
from shidian.core import text as core_text
from shidian.core.errors import DomainError
from shidian.pilots.models import PilotArea
from shidian.plans import permissions, scheduling
from shidian.plans.models import (
    MILESTONE_FLOW,
    PLAN_FLOW,
    AnnualGoal,
    AnnualPlan,
    FocusArea,
    Goal,
    LeadingGroup,
    LeadingGroupMember,
    Milestone,
    MilestoneEvidence,
    MilestoneStatus,
    PlanStatus,
    PlanVersion,
    Reminder,
    ReminderKind,
    Task,
    WorkPlan,
)

TASK_FIELDS = [
    "title",
    "focus_area",
    "lead_department",
    "responsible_user",
    "responsible_name",
    "responsible_contact",
    "deadline",
    "weight",
    "use_working_days",
]
MILESTONE_FIELDS = ["name", "deliverable", "duration_days", "due_by", "planned_start", "planned_finish"]
PROGRESS_FIELDS = ["progress_percent", "status", "note", "finished_on"]


def stage_year(pilot: PilotArea) -> int:
    """The stage-result year of the pilot's batch, from the registry (2017 for batches 1-2, 2018 for batch 3)."""
    return pilot.batch.stage_year


def allowed_goal_years(pilot: PilotArea) -> tuple[int, int]:
    """Goals are set for the stage-result year and the programme's last year (both from the registry)."""
    return (stage_year(pilot), pilot.batch.programme_end_year)


MAX_WEIGHT = 100  # a task's weight among the plan's tasks (the field itself would take 32,767)


def plan_window(plan: WorkPlan) -> tuple[dt.date, dt.date]:
    """The days a plan's tasks and milestones may use: from the plan's start to the programme's end (registry)."""
    return plan.start_date, plan.pilot.batch.programme_end


def check_in_window(plan: WorkPlan, day: dt.date, *, label: str) -> None:
    first, last = plan_window(plan)
    if not first <= day <= last:
        raise DomainError(
            _("%(label)s %(date)s 须在方案起始日期 %(first)s 与试点工作截止日期 %(last)s 之间。")
            % {"label": label, "date": day.isoformat(), "first": first.isoformat(), "last": last.isoformat()}
        )


def check_duration(plan: WorkPlan, duration_days: int, *, name: str) -> None:
    """A milestone's duration is at least one day and no longer than the programme window it must fit in."""
    first, last = plan_window(plan)
    longest = (last - first).days + 1
    if not 1 <= duration_days <= longest:
        raise DomainError(
            _("节点“%(name)s”的工期须在 1 至 %(longest)d 天之间（方案起始日期至试点工作截止日期）。")
            % {"name": name, "longest": longest}
        )


# ---- plans and versions -------------------------------------------------------------------------


@transaction.atomic
def ensure_work_plan(
    *, pilot: PilotArea, by: User, start_date: dt.date | None = None, is_demo: bool = False
) -> WorkPlan:
    """The pilot's work plan, created with an empty first draft if it has none."""
    if not permissions.can_edit_plan(by, pilot):
        raise DomainError(_("只有本试点的工作人员可以编制工作方案。"))
    plan = WorkPlan.objects.filter(pilot=pilot).first()
    if plan is not None:
        return plan
    start = start_date or pilot.batch.notice_date or clock.today()
    plan = WorkPlan.objects.create(pilot=pilot, start_date=start, is_demo=is_demo)
    version = PlanVersion.objects.create(plan=plan, number=1, created_by=by)
    audit.record(action=audit.AuditAction.PLAN_CREATED, actor=by, obj=plan, detail={"start_date": start})
    audit.record(action=audit.AuditAction.PLAN_VERSION_CREATED, actor=by, obj=version)
    return plan


def _pilot_of(version: PlanVersion) -> PilotArea:
    return version.plan.pilot


def _lock_editable(version: PlanVersion, by: User) -> PlanVersion:
    """Lock the version; refuse unless ``by`` keeps this pilot's plan and the version is editable."""
    locked = PlanVersion.objects.select_for_update().select_related("plan__pilot__batch").get(pk=version.pk)
    if not permissions.can_edit_plan(by, locked.plan.pilot):
        raise DomainError(_("只有本试点的工作人员可以修改工作方案。"))
    if not locked.is_editable:
        raise DomainError(
            _("“%(status)s”的方案版本不能修改；如需调整，请新建版本。") % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def update_plan_texts(*, version: PlanVersion, implementation_plan: str, action_plan: str, by: User) -> PlanVersion:
    """Set the implementation plan (实施方案) and action plan (行动计划) texts of an editable version."""
    locked = _lock_editable(version, by)
    before = audit.snapshot(locked, ["implementation_plan", "action_plan"])
    implementation_plan = core_text.clean(implementation_plan, multiline=True).strip()
    action_plan = core_text.clean(action_plan, multiline=True).strip()
    if (implementation_plan, action_plan) == (locked.implementation_plan, locked.action_plan):
        return locked  # saved unchanged: nothing to write or record
    locked.implementation_plan = implementation_plan
    locked.action_plan = action_plan
    locked.save(update_fields=["implementation_plan", "action_plan"])
    audit.record(
        action=audit.AuditAction.PLAN_VERSION_UPDATED,
        actor=by,
        obj=locked,
        changes=audit.diff(before, audit.snapshot(locked, ["implementation_plan", "action_plan"])),
    )
    return locked


def _transition(
    version: PlanVersion, *, to: str, by: User, allowed: bool, refusal: str, comment: str = ""
) -> PlanVersion:
    """Move the version through the one transition helper; a decision keeps who decided, when and why."""

    def guard(_locked: PlanVersion) -> None:
        if not allowed:
            raise DomainError(refusal)

    def apply(locked: PlanVersion) -> transitions.Effects:
        now = clock.now()
        if to == PlanStatus.SUBMITTED:
            locked.submitted_at = now
            return transitions.Effects(fields=["submitted_at"])
        if to in (PlanStatus.RETURNED, PlanStatus.APPROVED):
            locked.decided_at, locked.decided_by, locked.review_comment = now, by, comment
            return transitions.Effects(
                fields=["decided_at", "decided_by", "review_comment"], detail={"comment": comment} if comment else None
            )
        return transitions.Effects()

    return transitions.move(
        version,
        to,
        flow=PLAN_FLOW,
        by=by,
        guard=guard,
        apply=apply,
        queryset=PlanVersion.objects.select_related("plan__pilot"),
    )


@transaction.atomic
def submit_plan(*, version: PlanVersion, by: User) -> PlanVersion:
    """The pilot submits the version to its provincial commission (draft or returned → submitted)."""
    pilot = version.plan.pilot
    if not version.tasks.exists():
        raise DomainError(_("方案还没有任务，不能报送。"))
    return _transition(
        version,
        to=PlanStatus.SUBMITTED,
        by=by,
        allowed=permissions.can_edit_plan(by, pilot),
        refusal=_("只有本试点的工作人员可以报送工作方案。"),
    )


@transaction.atomic
def return_plan(*, version: PlanVersion, comment: str, by: User) -> PlanVersion:
    """The province returns a submitted version with its comments."""
    if not comment.strip():
        raise DomainError(_("退回时必须填写审核意见。"))
    return _transition(
        version,
        to=PlanStatus.RETURNED,
        by=by,
        allowed=permissions.can_review_plan(by, version.plan.pilot),
        refusal=_("只有试点所在省的发展改革部门可以审核工作方案。"),
        comment=comment.strip(),
    )


@transaction.atomic
def approve_plan(*, version: PlanVersion, by: User, comment: str = "") -> PlanVersion:
    """The province approves a submitted version; it is frozen and becomes the plan in force."""
    approved = _transition(
        version,
        to=PlanStatus.APPROVED,
        by=by,
        allowed=permissions.can_review_plan(by, version.plan.pilot),
        refusal=_("只有试点所在省的发展改革部门可以审核工作方案。"),
        comment=comment.strip(),
    )
    # The approved version keeps the reference names it was approved with (a later rename changes nothing).
    tasks = list(
        Task.objects.filter(version=approved)
        .select_related("focus_area", "lead_department")
        .prefetch_related("supporting_departments")
    )
    for task in tasks:
        task.approved_names = task.names_in_force()
    frozen: list[str] = ["approved_names"]
    Task.objects.bulk_update(tasks, frozen)
    # Progress reported on the version in force meanwhile carries over to the newly approved one.
    for milestone in Milestone.objects.filter(task__version=approved, copied_from__isnull=False).select_related(
        "copied_from"
    ):
        source = milestone.copied_from
        if source is None:
            continue
        for name in [*PROGRESS_FIELDS, "progress_updated_at"]:
            setattr(milestone, name, getattr(source, name))
        milestone.save(update_fields=[*PROGRESS_FIELDS, "progress_updated_at"])
    return approved


@transaction.atomic
def reopen_plan(*, version: PlanVersion, by: User) -> PlanVersion:
    """Take a returned version back to draft."""
    return _transition(
        version,
        to=PlanStatus.DRAFT,
        by=by,
        allowed=permissions.can_edit_plan(by, version.plan.pilot),
        refusal=_("只有本试点的工作人员可以修改工作方案。"),
    )


@transaction.atomic
def start_new_version(*, plan: WorkPlan, by: User) -> PlanVersion:
    """Copy the latest approved version into a new draft (changes to an approved plan need approval again)."""
    locked = WorkPlan.objects.select_for_update().select_related("pilot").get(pk=plan.pk)
    if not permissions.can_edit_plan(by, locked.pilot):
        raise DomainError(_("只有本试点的工作人员可以修改工作方案。"))
    latest = locked.versions.order_by("-number").first()
    if latest is None or latest.status != PlanStatus.APPROVED:
        raise DomainError(_("已有尚未批准的版本，请在该版本上修改。"))
    new = PlanVersion.objects.create(
        plan=locked,
        number=latest.number + 1,
        implementation_plan=latest.implementation_plan,
        action_plan=latest.action_plan,
        based_on=latest,
        created_by=by,
    )
    _copy_content(latest, new)
    audit.record(action=audit.AuditAction.PLAN_VERSION_CREATED, actor=by, obj=new, detail={"based_on": latest.number})
    return new


def _copy_content(source: PlanVersion, target: PlanVersion) -> None:
    Goal.objects.bulk_create(
        Goal(version=target, position=g.position, text=g.text, target_year=g.target_year) for g in source.goals.all()
    )
    for task in source.tasks.prefetch_related("supporting_departments", "milestones__depends_on"):
        supporting = list(task.supporting_departments.all())
        milestones = list(task.milestones.all())
        old_task_pk = task.pk
        task.pk = None
        task.id = None
        task.version = target
        task.copied_from_id = old_task_pk
        task.approved_names = {}  # a new draft shows the names in force now
        task.save()
        task.supporting_departments.set(supporting)
        mapping: dict[int, Milestone] = {}
        deps: dict[int, list[int]] = {}
        for milestone in milestones:
            old_pk = milestone.pk
            deps[old_pk] = [d.pk for d in milestone.depends_on.all()]
            milestone.pk = None
            milestone.id = None
            milestone.task = task
            milestone.copied_from_id = old_pk
            milestone.save()
            mapping[old_pk] = milestone
        for old_pk, dep_pks in deps.items():
            mapping[old_pk].depends_on.add(*[mapping[d] for d in dep_pks])  # new rows: nothing to replace


# ---- goals --------------------------------------------------------------------------------------


def check_goal_year(pilot: PilotArea, target_year: int) -> None:
    years = allowed_goal_years(pilot)
    if target_year not in years:
        raise DomainError(
            _("“%(pilot)s”是%(batch)s试点，目标年份只能是 %(stage)d 年（阶段目标）或 %(end)d 年。")
            % {"pilot": pilot.name, "batch": pilot.batch, "stage": years[0], "end": years[1]}
        )


@transaction.atomic
def add_goal(*, version: PlanVersion, text: str, target_year: int, by: User) -> Goal:
    locked = _lock_editable(version, by)
    text = core_text.clean(text).strip()
    core_text.check_lengths(Goal, {"text": text})
    if not text:
        raise DomainError(_("目标内容不能为空。"))
    check_goal_year(locked.plan.pilot, target_year)
    goal = Goal.objects.create(
        version=locked, text=text.strip(), target_year=target_year, position=locked.goals.count() + 1
    )
    audit.record(action=audit.AuditAction.GOAL_CREATED, actor=by, obj=goal, detail={"target_year": target_year})
    return goal


@transaction.atomic
def delete_goal(*, goal: Goal, by: User) -> None:
    _lock_editable(goal.version, by)
    audit.record(action=audit.AuditAction.GOAL_DELETED, actor=by, obj=goal)
    goal.delete()


# ---- tasks and milestones -----------------------------------------------------------------------


def pilot_departments(pilot: PilotArea) -> list[Organisation]:
    """The departments of ``pilot`` (the only ones that may lead or support its tasks)."""
    return list(Organisation.objects.filter(kind=OrganisationKind.PILOT_DEPARTMENT, pilot=pilot).order_by("name"))


def check_department(pilot: PilotArea, organisation: Organisation, *, label: str) -> None:
    if organisation.kind != OrganisationKind.PILOT_DEPARTMENT or organisation.pilot_id != pilot.pk:
        raise DomainError(
            _("%(label)s“%(name)s”不是“%(pilot)s”的政府部门。")
            % {"label": label, "name": organisation.name, "pilot": pilot.name}
        )


def _check_task_values(plan: WorkPlan, values: dict[str, Any], supporting: Sequence[Organisation]) -> None:
    """Every rule a task's values must meet, shared by adding, editing and importing a task."""
    pilot = plan.pilot
    for name in ("title", "responsible_name", "responsible_contact"):
        values[name] = core_text.clean(str(values.get(name) or "")).strip()
    core_text.check_lengths(Task, {n: values[n] for n in ("title", "responsible_name", "responsible_contact")})
    if not str(values.get("title", "")).strip():
        raise DomainError(_("任务名称不能为空。"))
    check_department(pilot, values["lead_department"], label=_("牵头单位"))
    for organisation in supporting:
        check_department(pilot, organisation, label=_("配合单位"))
    focus_area: FocusArea = values["focus_area"]
    if not focus_area.is_active:
        raise DomainError(_("重点领域“%(name)s”已停用。") % {"name": focus_area.name})
    user: User | None = values.get("responsible_user")
    if user is None and not str(values.get("responsible_name", "")).strip():
        raise DomainError(_("请指定责任人（用户或姓名）。"))
    if user is not None and (user.organisation is None or user.organisation.pilot_id != pilot.pk):
        raise DomainError(_("责任人必须是本试点的用户。"))
    if not 1 <= int(values.get("weight", 1)) <= MAX_WEIGHT:
        raise DomainError(_("权重必须是 1 至 %(max)d 之间的整数。") % {"max": MAX_WEIGHT})
    deadline: dt.date = values["deadline"]
    if deadline < plan.start_date:
        raise DomainError(_("任务期限不能早于方案起始日期 %(start)s。") % {"start": plan.start_date})
    check_in_window(plan, deadline, label=_("任务期限"))


@transaction.atomic
def add_task(
    *,
    version: PlanVersion,
    title: str,
    focus_area: FocusArea,
    lead_department: Organisation,
    deadline: dt.date,
    by: User,
    supporting_departments: Sequence[Organisation] = (),
    responsible_user: User | None = None,
    responsible_name: str = "",
    responsible_contact: str = "",
    weight: int = 1,
    use_working_days: bool = False,
) -> Task:
    """Add a task to an editable version; departments must belong to the pilot."""
    locked = _lock_editable(version, by)
    values: dict[str, Any] = {
        "title": title.strip(),
        "focus_area": focus_area,
        "lead_department": lead_department,
        "responsible_user": responsible_user,
        "responsible_name": responsible_name.strip(),
        "responsible_contact": responsible_contact.strip(),
        "deadline": deadline,
        "weight": weight,
        "use_working_days": use_working_days,
    }
    _check_task_values(locked.plan, values, supporting_departments)
    task = Task.objects.create(version=locked, position=locked.tasks.count() + 1, **values)
    task.supporting_departments.set(supporting_departments)
    audit.record(
        action=audit.AuditAction.TASK_CREATED,
        actor=by,
        obj=task,
        changes={k: [None, v] for k, v in audit.snapshot(task, TASK_FIELDS).items()},
    )
    return task


@transaction.atomic
def update_task(
    *, task: Task, by: User, supporting_departments: Sequence[Organisation] | None = None, **values: Any
) -> Task:
    """Change a task of an editable version and reschedule its milestones."""
    locked_version = _lock_editable(task.version, by)
    locked = Task.objects.select_for_update().get(pk=task.pk)
    before = audit.snapshot(locked, TASK_FIELDS)
    unknown = set(values) - set(TASK_FIELDS)
    if unknown:
        raise DomainError(_("未知字段：%(field)s") % {"field": "、".join(sorted(unknown))})
    merged = {n: values.get(n, getattr(locked, n)) for n in TASK_FIELDS}
    current = list(locked.supporting_departments.all())
    supporting = current if supporting_departments is None else list(supporting_departments)
    _check_task_values(locked_version.plan, merged, supporting)
    unchanged = all(merged[n] == getattr(locked, n) for n in TASK_FIELDS) and {o.pk for o in supporting} == {
        o.pk for o in current
    }
    if unchanged:
        return locked  # saved unchanged: nothing to write, reschedule or record
    for name, value in merged.items():
        setattr(locked, name, value)
    locked.save()
    locked.supporting_departments.set(supporting)
    reschedule_task(task=locked)
    audit.record(
        action=audit.AuditAction.TASK_UPDATED,
        actor=by,
        obj=locked,
        changes=audit.diff(before, audit.snapshot(locked, TASK_FIELDS)),
    )
    return locked


@transaction.atomic
def delete_task(*, task: Task, by: User) -> None:
    _lock_editable(task.version, by)
    audit.record(action=audit.AuditAction.TASK_DELETED, actor=by, obj=task)
    task.delete()


def reschedule_task(*, task: Task) -> scheduling.Schedule:
    """Store the backward schedule of the task's milestones; DomainError (nothing kept) if they do not fit."""
    milestones = list(task.milestones.prefetch_related("depends_on"))
    steps = [
        scheduling.Step(
            key=str(m.pk),
            name=m.name,
            duration=m.duration_days,
            depends_on=tuple(str(d.pk) for d in m.depends_on.all()),
            finish_by=m.due_by,
        )
        for m in milestones
    ]
    plan = task.version.plan
    schedule = scheduling.schedule_backward(
        steps, deadline=task.deadline, not_before=plan.start_date, working_days=task.use_working_days
    )
    for milestone in milestones:
        slot = schedule.slots[str(milestone.pk)]
        milestone.planned_start = slot.latest_start
        milestone.planned_finish = slot.latest_finish
        milestone.slack_days = slot.slack_days
    Milestone.objects.bulk_update(milestones, ["planned_start", "planned_finish", "slack_days"])
    if task.schedule_note != schedule.calendar_note:
        task.schedule_note = schedule.calendar_note
        task.save(update_fields=["schedule_note"])
    return schedule


@transaction.atomic
def add_milestone(
    *,
    task: Task,
    name: str,
    duration_days: int,
    by: User,
    depends_on: Iterable[Milestone] = (),
    deliverable: str = "",
    due_by: dt.date | None = None,
) -> Milestone:
    """Add a milestone and reschedule the task backwards from its deadline (refused if it cannot fit)."""
    locked = _lock_editable(task.version, by)
    deps = list(depends_on)
    if any(d.task_id != task.pk for d in deps):
        raise DomainError(_("前置节点必须属于同一任务。"))
    name = core_text.clean(name).strip()
    deliverable = core_text.clean(deliverable).strip()
    core_text.check_lengths(Milestone, {"name": name, "deliverable": deliverable})
    if not name:
        raise DomainError(_("节点名称不能为空。"))
    check_duration(locked.plan, duration_days, name=name)
    if due_by is not None:
        check_in_window(locked.plan, due_by, label=_("要求完成时间"))
    if due_by is not None and due_by > task.deadline:
        raise DomainError(
            _("节点“%(name)s”的要求完成时间 %(date)s 晚于任务期限 %(deadline)s。")
            % {"name": name, "date": due_by.isoformat(), "deadline": task.deadline.isoformat()}
        )
    milestone = Milestone.objects.create(
        task=task,
        position=task.milestones.count() + 1,
        name=name.strip(),
        duration_days=duration_days,
        deliverable=deliverable.strip(),
        due_by=due_by,
    )
    # A new milestone has no links yet: add() reads only the link table, where set() would first read the
    # current links through Milestone's default ordering (joins over tasks and versions; slow on PostgreSQL).
    milestone.depends_on.add(*deps)
    reschedule_task(task=task)
    milestone.refresh_from_db()
    audit.record(
        action=audit.AuditAction.MILESTONE_CREATED,
        actor=by,
        obj=milestone,
        changes={k: [None, v] for k, v in audit.snapshot(milestone, MILESTONE_FIELDS).items()},
        detail={"depends_on": [d.name for d in deps]},
    )
    return milestone


@transaction.atomic
def set_dependencies(*, milestone: Milestone, depends_on: Iterable[Milestone], by: User) -> Milestone:
    """Replace a milestone's predecessors; a cycle or a chain that cannot fit is refused (nothing kept)."""
    _lock_editable(milestone.task.version, by)
    deps = list(depends_on)
    if any(d.task_id != milestone.task_id for d in deps):
        raise DomainError(_("前置节点必须属于同一任务。"))
    before = sorted(d.name for d in milestone.depends_on.all())
    milestone.depends_on.set(deps)
    reschedule_task(task=milestone.task)
    audit.record(
        action=audit.AuditAction.MILESTONE_UPDATED,
        actor=by,
        obj=milestone,
        changes={"depends_on": [before, sorted(d.name for d in deps)]},
    )
    return milestone


@transaction.atomic
def delete_milestone(*, milestone: Milestone, by: User) -> None:
    _lock_editable(milestone.task.version, by)
    task = milestone.task
    audit.record(action=audit.AuditAction.MILESTONE_DELETED, actor=by, obj=milestone)
    milestone.delete()
    reschedule_task(task=task)


# ---- progress and evidence ----------------------------------------------------------------------


@transaction.atomic
def update_milestone_progress(
    *,
    milestone: Milestone,
    progress_percent: int,
    status: str,
    by: User,
    note: str = "",
    finished_on: dt.date | None = None,
) -> Milestone:
    """A lead department reports a milestone's progress (percent, status, note)."""
    if not 0 <= progress_percent <= 100:
        raise DomainError(_("完成进度必须在 0 到 100 之间。"))
    if status not in MilestoneStatus.values:
        raise DomainError(_("未知状态：%(status)s") % {"status": status})

    def guard(locked: Milestone) -> None:
        if not permissions.can_update_milestone(by, locked):
            raise DomainError(_("只有牵头单位可以更新该节点的进度。"))
        if locked.task.version.status == PlanStatus.SUBMITTED:
            raise DomainError(_("方案正在审核中，暂不能更新进度。"))

    def apply(locked: Milestone) -> transitions.Effects:
        percent, finished = progress_percent, finished_on
        if status == MilestoneStatus.DONE:
            # Keep the stored finish date when none is given: re-saving to change the note must not move it.
            percent, finished = 100, finished or locked.finished_on or clock.today()
        elif percent == 100:
            raise DomainError(_("进度为 100% 时请把状态设为“已完成”。"))
        else:
            finished = None
        progress = ["progress_percent", "note", "finished_on"]
        cleaned = core_text.clean(note, multiline=True).strip()
        wanted = {"progress_percent": percent, "note": cleaned, "finished_on": finished}
        if locked.status == status and all(getattr(locked, n) == v for n, v in wanted.items()):
            return transitions.Effects(unchanged=True)  # saved unchanged: nothing to write or record
        before = audit.snapshot(locked, progress)
        locked.progress_percent, locked.note, locked.finished_on = percent, cleaned, finished
        locked.progress_updated_at = clock.now()
        return transitions.Effects(
            fields=[*progress, "progress_updated_at"],
            action=audit.AuditAction.MILESTONE_PROGRESS,
            changes=audit.diff(before, audit.snapshot(locked, progress)),
        )

    return transitions.move(
        milestone,
        status,
        flow=MILESTONE_FLOW,
        by=by,
        guard=guard,
        apply=apply,
        queryset=Milestone.objects.select_related("task__version"),
    )


def sniff_evidence(content: bytes) -> str:
    """The evidence type by content (PDF, PNG, JPEG, GIF, DOCX, XLSX); anything else is refused."""
    kind = uploads.sniff(content)
    if kind not in uploads.DOCUMENTS:
        raise uploads.type_refused(uploads.DOCUMENTS)
    return kind.name


@transaction.atomic
def attach_evidence(*, milestone: Milestone, file_name: str, content: bytes, by: User) -> MilestoneEvidence:
    """Attach a file to a milestone after checking its type by content and its size."""
    if not permissions.can_update_milestone(by, milestone):
        raise DomainError(_("只有牵头单位可以上传该节点的佐证材料。"))
    kind = uploads.check(
        content, allowed=uploads.DOCUMENTS, max_bytes=settings.PLAN_EVIDENCE_MAX_BYTES, name=file_name
    ).name
    digest = hashlib.sha256(content).hexdigest()[:16]
    evidence = MilestoneEvidence(
        milestone=milestone,
        original_name=file_name[:200] or f"evidence.{kind}",
        kind=kind,
        size=len(content),
        uploaded_by=by,
    )
    evidence.file.save(f"{digest}.{kind}", ContentFile(content), save=False)
    evidence.save()
    audit.record(
        action=audit.AuditAction.EVIDENCE_ATTACHED,
        actor=by,
        obj=evidence,
        detail={"milestone": milestone.pk, "kind": kind, "size": len(content)},
    )
    return evidence


# ---- annual plans -------------------------------------------------------------------------------


def _can_keep_annual_plan(by: User, department: Organisation) -> bool:
    pilot = department.pilot
    if pilot is None:
        return False
    return permissions.can_edit_plan(by, pilot) or (
        permissions.sees_pilot(by, pilot) and by.organisation_id == department.pk
    )


@transaction.atomic
def generate_annual_plan(*, department: Organisation, year: int, version: PlanVersion, by: User) -> AnnualPlan:
    """Create or refresh a department's plan for ``year``: one goal per milestone it leads due that year.

    Free-text goals added by hand are kept; milestone goals are refreshed.
    """
    if department.kind != OrganisationKind.PILOT_DEPARTMENT or department.pilot_id != version.plan.pilot_id:
        raise DomainError(_("年度计划只能为本试点的政府部门生成。"))
    if not _can_keep_annual_plan(by, department):
        raise DomainError(_("只有本试点的工作人员或该部门可以编制年度计划。"))
    annual, created = AnnualPlan.objects.select_for_update().get_or_create(
        department=department, year=year, defaults={"pilot_id": department.pilot_id}
    )
    annual.generated_from = version
    annual.save(update_fields=["generated_from", "updated_at"])
    annual.goals.filter(milestone__isnull=False).delete()
    milestones = (
        Milestone.objects.filter(task__version=version, task__lead_department=department, planned_finish__year=year)
        .select_related("task")
        .order_by("planned_finish", "task__position", "position")
    )
    start = annual.goals.count()
    AnnualGoal.objects.bulk_create(
        AnnualGoal(
            annual_plan=annual,
            position=start + i,
            milestone=m,
            due_on=m.planned_finish,
            text=_("%(task)s：%(milestone)s") % {"task": m.task.title, "milestone": m.name}
            + (_("（%(deliverable)s）") % {"deliverable": m.deliverable} if m.deliverable else ""),
        )
        for i, m in enumerate(milestones, start=1)
    )
    audit.record(
        action=audit.AuditAction.ANNUAL_PLAN_GENERATED if created else audit.AuditAction.ANNUAL_PLAN_REFRESHED,
        actor=by,
        obj=annual,
        detail={"version": version.number, "milestones": len(milestones)},
    )
    return annual


@transaction.atomic
def add_annual_goal(*, annual_plan: AnnualPlan, text: str, by: User, due_on: dt.date | None = None) -> AnnualGoal:
    if not _can_keep_annual_plan(by, annual_plan.department):
        raise DomainError(_("只有本试点的工作人员或该部门可以编制年度计划。"))
    text = core_text.clean(text).strip()
    core_text.check_lengths(AnnualGoal, {"text": text})
    if not text.strip():
        raise DomainError(_("目标内容不能为空。"))
    goal = AnnualGoal.objects.create(
        annual_plan=annual_plan, text=text.strip(), due_on=due_on, position=annual_plan.goals.count() + 1
    )
    audit.record(action=audit.AuditAction.ANNUAL_GOAL_CREATED, actor=by, obj=goal)
    return goal


@transaction.atomic
def delete_annual_goal(*, goal: AnnualGoal, by: User) -> None:
    if not _can_keep_annual_plan(by, goal.annual_plan.department):
        raise DomainError(_("只有本试点的工作人员或该部门可以编制年度计划。"))
    audit.record(action=audit.AuditAction.ANNUAL_GOAL_DELETED, actor=by, obj=goal)
    goal.delete()


# ---- leading group ------------------------------------------------------------------------------


@transaction.atomic
def appoint_member(
    *,
    pilot: PilotArea,
    role: str,
    valid_from: dt.date,
    by: User,
    person_name: str = "",
    title: str = "",
    organisation: Organisation | None = None,
    is_demo: bool = False,
) -> LeadingGroupMember:
    """Add a seat to the pilot's leading group; a new 组长 ends the current one's term (history kept)."""
    if not permissions.can_edit_plan(by, pilot):
        raise DomainError(_("只有本试点的工作人员可以维护领导小组。"))
    person_name, title = core_text.clean(person_name).strip(), core_text.clean(title).strip()
    core_text.check_lengths(LeadingGroupMember, {"person_name": person_name, "title": title})
    if not person_name.strip() and organisation is None:
        raise DomainError(_("请填写姓名或选择成员单位。"))
    if organisation is not None:
        check_department(pilot, organisation, label=_("成员单位"))
    group, _created = LeadingGroup.objects.get_or_create(
        pilot=pilot,
        defaults={
            "name": _("%(pilot)s新型城镇化综合试点工作领导小组") % {"pilot": pilot.name},
            "office_name": _("领导小组办公室"),
            "established_on": valid_from,
            "is_demo": is_demo,
        },
    )
    if role in ("leader", "office_head"):
        for current in group.members.select_for_update().filter(role=role, valid_until__isnull=True):
            current.valid_until = max(current.valid_from, valid_from - dt.timedelta(days=1))
            current.save(update_fields=["valid_until"])
            audit.record(
                action=audit.AuditAction.GROUP_MEMBER_ENDED,
                actor=by,
                obj=current,
                detail={"until": current.valid_until},
            )
    member = LeadingGroupMember.objects.create(
        group=group,
        role=role,
        person_name=person_name.strip(),
        title=title.strip(),
        organisation=organisation,
        valid_from=valid_from,
    )
    audit.record(action=audit.AuditAction.GROUP_MEMBER_APPOINTED, actor=by, obj=member, detail={"role": role})
    return member


@transaction.atomic
def end_membership(*, member: LeadingGroupMember, valid_until: dt.date, by: User) -> LeadingGroupMember:
    locked = LeadingGroupMember.objects.select_for_update().select_related("group__pilot").get(pk=member.pk)
    if not permissions.can_edit_plan(by, locked.group.pilot):
        raise DomainError(_("只有本试点的工作人员可以维护领导小组。"))
    if locked.valid_until is not None:
        raise DomainError(_("该成员的任期已经结束。"))
    if valid_until < locked.valid_from:
        raise DomainError(_("终止日期不能早于起始日期。"))
    locked.valid_until = valid_until
    locked.save(update_fields=["valid_until"])
    audit.record(action=audit.AuditAction.GROUP_MEMBER_ENDED, actor=by, obj=locked, detail={"until": valid_until})
    return locked


# ---- reminders ----------------------------------------------------------------------------------


def create_reminders(*, today: dt.date, days: Sequence[int] | None = None) -> int:
    """In-app reminders N days before a milestone is due and once it is overdue; never twice.

    Where e-mail is configured (SHIDIAN_EMAIL_ENABLED), recipients with an address also get an e-mail
    after commit.
    """
    from shidian.plans import selectors

    days = list(settings.PLAN_REMINDER_DAYS if days is None else days)
    created: list[Reminder] = []
    for milestone, recipients in selectors.milestones_needing_reminders(today=today, days=days):
        if milestone.planned_finish is None:
            continue
        if milestone.planned_finish < today:
            kind, before = ReminderKind.OVERDUE, 0
        else:
            kind, before = ReminderKind.DUE_SOON, (milestone.planned_finish - today).days
        for user in recipients:
            try:
                with transaction.atomic():
                    reminder = Reminder.objects.create(
                        user=user, milestone=milestone, kind=kind, days_before=before, due_on=milestone.planned_finish
                    )
            except IntegrityError:
                continue
            created.append(reminder)
    if created and settings.EMAIL_ENABLED:
        ids = [r.pk for r in created]
        transaction.on_commit(lambda: _email_reminders(ids))
    return len(created)


def _email_reminders(reminder_ids: list[int]) -> None:
    """E-mail each reminder to its recipient (only users with an address)."""
    from django.core.mail import send_mail

    for reminder in Reminder.objects.filter(pk__in=reminder_ids).select_related("user", "milestone__task"):
        if not reminder.user.email:
            continue
        if reminder.kind == ReminderKind.OVERDUE:
            subject = _("节点已逾期：%(milestone)s") % {"milestone": reminder.milestone.name}
        else:
            subject = _("节点将于 %(days)d 天后到期：%(milestone)s") % {
                "days": reminder.days_before,
                "milestone": reminder.milestone.name,
            }
        send_mail(
            subject=subject,
            message=_("任务“%(task)s”的节点“%(milestone)s”计划完成时间为 %(due)s。")
            % {"task": reminder.milestone.task.title, "milestone": reminder.milestone.name, "due": reminder.due_on},
            from_email=None,
            recipient_list=[reminder.user.email],
        )


@transaction.atomic
def mark_reminder_read(*, reminder: Reminder, by: User) -> Reminder:
    if reminder.user_id != by.pk:
        raise DomainError(_("只能处理自己的提醒。"))
    if reminder.read_at is None:
        reminder.read_at = timezone.now()
        reminder.save(update_fields=["read_at"])
    return reminder
