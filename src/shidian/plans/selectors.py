"""Read work plans for a user: the version in force, progress roll-ups, province and national views."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from shidian.accounts.models import Organisation, User
from shidian.core import clock, scoping
from shidian.core.errors import NotFound
from shidian.core.roles import Capability, Role
from shidian.pilots.models import BATCH_NAMES, PilotArea
from shidian.plans import permissions
from shidian.plans.models import (
    AnnualGoal,
    AnnualPlan,
    FocusArea,
    LeadingGroupMember,
    Milestone,
    MilestoneStatus,
    PlanStatus,
    PlanVersion,
    Reminder,
    Task,
    WorkPlan,
)


def _require_plans(user: Any) -> None:
    scoping.require(user, Capability.VIEW_PLANS)


def visible_pilots(*, user: Any) -> QuerySet[PilotArea]:
    _require_plans(user)
    return scoping.restrict(PilotArea.objects.with_facts(), user)


def get_pilot_for(*, user: Any, pilot_id: int) -> PilotArea:
    _require_plans(user)
    return scoping.get_for(PilotArea.objects.with_facts(), user, pk=pilot_id)


def get_version_for(*, user: Any, version_id: int) -> PlanVersion:
    _require_plans(user)
    return scoping.get_for(
        PlanVersion.objects.select_related("plan__pilot__batch", "plan__pilot__province", "decided_by"),
        user,
        pk=version_id,
    )


def get_task_for(*, user: Any, task_id: int) -> Task:
    _require_plans(user)
    return scoping.get_for(
        Task.objects.select_related("version__plan__pilot", "lead_department"),
        user,
        pk=task_id,
    )


def get_milestone_for(*, user: Any, milestone_id: int) -> Milestone:
    _require_plans(user)
    return scoping.get_for(
        Milestone.objects.select_related("task__version__plan__pilot", "task__lead_department"),
        user,
        pk=milestone_id,
    )


def get_member_for(*, user: Any, member_id: int) -> LeadingGroupMember:
    _require_plans(user)
    return scoping.get_for(
        LeadingGroupMember.objects.select_related("group__pilot"),
        user,
        pk=member_id,
    )


def get_department_for(*, user: Any, department_id: int) -> Organisation:
    _require_plans(user)
    return scoping.get_for(
        Organisation.objects.filter(kind="pilot_department").select_related("pilot"),
        user,
        pk=department_id,
    )


def get_annual_goal_for(*, user: Any, goal_id: int) -> AnnualGoal:
    _require_plans(user)
    return scoping.get_for(
        AnnualGoal.objects.select_related("annual_plan__department"),
        user,
        pk=goal_id,
    )


def get_reminder_for(*, user: Any, reminder_id: int) -> Reminder:
    reminder = Reminder.objects.filter(pk=reminder_id, user_id=getattr(user, "pk", 0) or 0).first()
    if reminder is None:
        raise NotFound
    return reminder


# ---- the version in force -------------------------------------------------------------------------


def current_version_ids(pilot_ids: Iterable[int] | None = None) -> dict[int, int]:
    """{pilot id: id of its version in force}: the latest approved one, else the latest one."""
    versions = PlanVersion.objects.all()
    if pilot_ids is not None:
        versions = versions.filter(plan__pilot_id__in=list(pilot_ids))
    chosen: dict[int, tuple[bool, int, int]] = {}
    for pilot_id, version_id, number, status in versions.values_list("plan__pilot_id", "id", "number", "status"):
        key = (status == PlanStatus.APPROVED, number, version_id)
        if pilot_id not in chosen or key > chosen[pilot_id]:
            chosen[pilot_id] = key
    return {pilot_id: key[2] for pilot_id, key in chosen.items()}


def attention_version_ids(pilot_ids: Iterable[int] | None = None) -> dict[int, int]:
    """{pilot id: id of its latest version} where that version still needs work or review (not approved)."""
    versions = PlanVersion.objects.all()
    if pilot_ids is not None:
        versions = versions.filter(plan__pilot_id__in=list(pilot_ids))
    latest: dict[int, tuple[int, int, str]] = {}
    for pilot_id, version_id, number, status in versions.values_list("plan__pilot_id", "id", "number", "status"):
        if pilot_id not in latest or number > latest[pilot_id][0]:
            latest[pilot_id] = (number, version_id, status)
    return {pilot_id: vid for pilot_id, (_n, vid, status) in latest.items() if status != PlanStatus.APPROVED}


def plans_awaiting_review(*, user: Any) -> list[PlanVersion]:
    """Submitted plan versions the user's provincial commission must approve or return, oldest first."""
    if not scoping.can(user, Capability.REVIEW_PLANS):
        return []
    return list(
        scoping.restrict(
            PlanVersion.objects.filter(status=PlanStatus.SUBMITTED).select_related("plan__pilot__province"),
            user,
            province_field="plan__pilot__province",
            pilot_field="plan__pilot",
        ).order_by("submitted_at", "id")
    )


def versions_of(*, pilot: PilotArea) -> list[PlanVersion]:
    return list(PlanVersion.objects.filter(plan__pilot=pilot).select_related("decided_by").order_by("-number"))


# ---- progress arithmetic (pure, over loaded rows) ---------------------------------------------------


@dataclass(frozen=True)
class MilestoneRow:
    task_id: int
    task_weight: int
    focus_area: str
    duration: int
    progress: int
    status: str
    planned_finish: dt.date | None
    finished_on: dt.date | None = None

    def done_by(self, day: dt.date) -> bool:
        """Done, and (where the completion date is known) done on or before ``day``."""
        return self.status == MilestoneStatus.DONE and (self.finished_on is None or self.finished_on <= day)

    def overdue(self, today: dt.date) -> bool:
        """Past its planned finish on ``today`` and not done by then."""
        return self.planned_finish is not None and self.planned_finish < today and not self.done_by(today)


def weighted_progress(pairs: Iterable[tuple[float, float]]) -> float | None:
    """Weighted mean of (weight, percent) pairs; None when there is nothing to weigh."""
    total = 0.0
    weight_sum = 0.0
    for weight, percent in pairs:
        total += weight * percent
        weight_sum += weight
    return round(total / weight_sum, 1) if weight_sum else None


def task_progress(milestones: Sequence[MilestoneRow]) -> float | None:
    """Task progress: milestone progress weighted by duration."""
    return weighted_progress((m.duration, m.progress) for m in milestones)


def rollup(rows: Sequence[MilestoneRow]) -> float | None:
    """Pilot progress: task progress weighted by task weight (tasks without milestones count as 0%)."""
    by_task: dict[int, list[MilestoneRow]] = defaultdict(list)
    for row in rows:
        by_task[row.task_id].append(row)
    return weighted_progress((ms[0].task_weight, task_progress(ms) or 0.0) for ms in by_task.values())


def _rows(version_ids: Iterable[int]) -> dict[int, list[MilestoneRow]]:
    """Milestone rows per version id, in one query."""
    result: dict[int, list[MilestoneRow]] = defaultdict(list)
    values = Milestone.objects.filter(task__version_id__in=list(version_ids)).values_list(
        "task__version_id",
        "task_id",
        "task__weight",
        "task__focus_area__name",
        "duration_days",
        "progress_percent",
        "status",
        "planned_finish",
        "finished_on",
    )
    for version_id, task_id, weight, focus, duration, progress, status, finish, finished in values:
        result[version_id].append(MilestoneRow(task_id, weight, focus, duration, progress, status, finish, finished))
    return result


def _task_counts(version_ids: Iterable[int]) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for version_id in Task.objects.filter(version_id__in=list(version_ids)).values_list("version_id", flat=True):
        counts[version_id] += 1
    return counts


def pilot_progress_facts(*, pilot: PilotArea, period_end: dt.date) -> dict[str, Any]:
    """Plain facts about a pilot's plan as of ``period_end`` (for reports); no user check, callers scope."""
    version_id = current_version_ids([pilot.pk]).get(pilot.pk)
    if version_id is None:
        return {
            "has_plan": False,
            "plan_status": None,
            "version": None,
            "tasks": 0,
            "milestones": 0,
            "milestones_due": 0,
            "milestones_done": 0,
            "overdue": 0,
            "progress_percent": None,
            "tasks_by_focus_area": [],
        }
    version = PlanVersion.objects.get(pk=version_id)
    rows = _rows([version_id])[version_id]
    by_focus: dict[str, set[int]] = defaultdict(set)
    for name, task_id in Task.objects.filter(version_id=version_id).values_list("focus_area__name", "id"):
        by_focus[name].add(task_id)
    due = [r for r in rows if r.planned_finish is not None and r.planned_finish <= period_end]
    return {
        "has_plan": True,
        "plan_status": version.status,
        "version": version.number,
        "tasks": sum(len(v) for v in by_focus.values()),
        "milestones": len(rows),
        "milestones_due": len(due),
        "milestones_done": sum(1 for r in due if r.done_by(period_end)),
        "overdue": sum(1 for r in rows if r.overdue(period_end)),
        "progress_percent": rollup(rows),
        "tasks_by_focus_area": [
            {"focus_area": name, "tasks": len(ids)} for name, ids in sorted(by_focus.items(), key=lambda i: -len(i[1]))
        ],
    }


# ---- views of many pilots ------------------------------------------------------------------------


@dataclass
class PilotProgress:
    pilot: PilotArea
    version: PlanVersion | None
    pending: PlanVersion | None = None  # a newer draft, submitted or returned version than the one in force
    tasks: int = 0
    milestones: int = 0
    done: int = 0
    overdue: int = 0
    progress: float | None = None


def _progress_rows(pilots: Sequence[PilotArea], today: dt.date) -> list[PilotProgress]:
    current = current_version_ids([p.pk for p in pilots])
    attention = attention_version_ids([p.pk for p in pilots])
    versions = PlanVersion.objects.in_bulk([*current.values(), *attention.values()])
    rows = _rows(current.values())
    tasks = _task_counts(current.values())
    result = []
    for pilot in pilots:
        version_id = current.get(pilot.pk)
        ms = rows.get(version_id, []) if version_id else []
        result.append(
            PilotProgress(
                pilot=pilot,
                version=versions.get(version_id) if version_id else None,
                pending=versions.get(attention[pilot.pk])
                if attention.get(pilot.pk, version_id) != version_id
                else None,
                tasks=tasks.get(version_id, 0) if version_id else 0,
                milestones=len(ms),
                done=sum(1 for m in ms if m.status == MilestoneStatus.DONE),
                overdue=sum(1 for m in ms if m.overdue(today)),
                progress=rollup(ms) if ms else None,
            )
        )
    return result


def province_progress(*, user: Any, province: Any, today: dt.date | None = None) -> list[PilotProgress]:
    """Each pilot of ``province`` (within the user's reach): plan status, progress, overdue milestones."""
    pilots = list(visible_pilots(user=user).filter(province=province))
    return _progress_rows(pilots, today or clock.today())


@dataclass
class Breakdown:
    label: str
    pilots: int = 0
    with_plan: int = 0
    approved: int = 0
    overdue: int = 0
    progress_pairs: list[tuple[float, float]] = field(default_factory=list)

    @property
    def progress(self) -> float | None:
        return weighted_progress(self.progress_pairs)


@dataclass
class NationalView:
    by_batch: list[Breakdown]
    by_region: list[Breakdown]
    by_focus_area: list[Breakdown]
    rows: list[PilotProgress]


def national_progress(*, user: Any, today: dt.date | None = None) -> NationalView:
    """Progress of every visible pilot, grouped by batch, region and focus area."""
    today = today or clock.today()
    pilots = list(visible_pilots(user=user))
    rows = _progress_rows(pilots, today)
    by_batch: dict[str, Breakdown] = {}
    by_region: dict[str, Breakdown] = {}
    for row in rows:
        batch_label = str(BATCH_NAMES.get(row.pilot.batch.number, row.pilot.batch.number))
        region_label = str(row.pilot.province.get_region_display())
        for groups, label in ((by_batch, batch_label), (by_region, region_label)):
            item = groups.setdefault(label, Breakdown(label=label))
            item.pilots += 1
            if row.version is not None:
                item.with_plan += 1
                item.approved += row.version.status == PlanStatus.APPROVED
                item.overdue += row.overdue
                if row.progress is not None:
                    item.progress_pairs.append((1.0, row.progress))
    current = current_version_ids([p.pk for p in pilots])
    focus: dict[str, Breakdown] = {fa.name: Breakdown(label=fa.name) for fa in FocusArea.objects.all()}
    pilot_of_version = {v: p for p, v in current.items()}
    seen: set[tuple[str, int]] = set()
    for version_id, ms in _rows(current.values()).items():
        by_task: dict[int, list[MilestoneRow]] = defaultdict(list)
        for m in ms:
            by_task[m.task_id].append(m)
        for task_ms in by_task.values():
            item = focus.setdefault(task_ms[0].focus_area, Breakdown(label=task_ms[0].focus_area))
            key = (item.label, pilot_of_version[version_id])
            if key not in seen:
                seen.add(key)
                item.pilots += 1
            item.with_plan += 1  # here: tasks
            item.overdue += sum(1 for m in task_ms if m.overdue(today))
            item.progress_pairs.append((task_ms[0].task_weight, task_progress(task_ms) or 0.0))
    return NationalView(
        by_batch=list(by_batch.values()),
        by_region=list(by_region.values()),
        by_focus_area=[b for b in focus.values() if b.with_plan],
        rows=rows,
    )


# ---- one plan ------------------------------------------------------------------------------------


@dataclass
class GanttBar:
    milestone: Milestone
    left: float
    width: float
    overdue: bool


@dataclass
class TaskView:
    task: Task
    progress: float | None
    bars: list[GanttBar]
    overdue: int


@dataclass
class PlanPage:
    pilot: PilotArea
    plan: WorkPlan | None
    version: PlanVersion | None
    versions: list[PlanVersion]
    tasks: list[TaskView]
    progress: float | None
    overdue: int
    start: dt.date | None
    end: dt.date | None
    today_left: float | None
    years: list[tuple[int, float]]


def plan_page(*, user: Any, pilot: PilotArea, version_id: int | None = None, today: dt.date | None = None) -> PlanPage:
    """The plan of ``pilot`` as a timeline: the chosen version.

    By default the pilot's office and its reviewing province see the version that needs attention (a draft,
    submitted or returned version newer than the approved one); everyone else sees the one in force.
    """
    if not permissions.sees_pilot(user, pilot):
        raise NotFound
    today = today or clock.today()
    plan = WorkPlan.objects.filter(pilot=pilot).first()
    versions = versions_of(pilot=pilot)
    if version_id is None and (permissions.can_edit_plan(user, pilot) or permissions.can_review_plan(user, pilot)):
        version_id = attention_version_ids([pilot.pk]).get(pilot.pk)
    if version_id is None:
        version_id = current_version_ids([pilot.pk]).get(pilot.pk)
    version = next((v for v in versions if v.pk == version_id), None)
    if version_id is not None and version is None:
        raise NotFound
    if version is None:
        return PlanPage(pilot, plan, None, versions, [], None, 0, None, None, None, [])
    tasks = list(
        Task.objects.filter(version=version)
        .select_related("focus_area", "lead_department", "responsible_user")
        .prefetch_related(
            "supporting_departments",
            Prefetch("milestones", queryset=Milestone.objects.prefetch_related("depends_on", "evidence")),
        )
    )
    dates = [d for t in tasks for m in t.milestones.all() for d in (m.planned_start, m.planned_finish) if d]
    start = min([plan.start_date if plan else today, *dates]) if dates else None
    end = max([*(t.deadline for t in tasks), *dates]) if dates else None
    span = max(((end - start).days + 1) if start and end else 1, 1)

    origin = start or today

    def pos(day: dt.date) -> float:
        return round(100.0 * (day - origin).days / span, 3)

    views: list[TaskView] = []
    all_rows: list[MilestoneRow] = []
    for task in tasks:
        bars = []
        rows = []
        for m in task.milestones.all():
            rows.append(
                MilestoneRow(
                    task.pk,
                    task.weight,
                    task.focus_area_label,
                    m.duration_days,
                    m.progress_percent,
                    m.status,
                    m.planned_finish,
                    m.finished_on,
                )
            )
            if m.planned_start and m.planned_finish:
                bars.append(
                    GanttBar(
                        m,
                        pos(m.planned_start),
                        # width by day count: planned_finish + 1 day would overflow on 9999-12-31
                        max(round(100.0 * ((m.planned_finish - m.planned_start).days + 1) / span, 3), 0.3),
                        m.is_overdue(today),
                    )
                )
        all_rows += rows
        views.append(TaskView(task, task_progress(rows), bars, sum(1 for r in rows if r.overdue(today))))
    # Today is drawn where it falls; after the end of the timeline it is pinned to the right edge.
    today_left = (100.0 if today > end else pos(today) if start <= today else None) if start and end else None
    years = [(y, pos(dt.date(y, 1, 1))) for y in range(start.year + 1, end.year + 1)] if start and end else []
    return PlanPage(
        pilot,
        plan,
        version,
        versions,
        views,
        rollup(all_rows) if all_rows else None,
        sum(v.overdue for v in views),
        start,
        end,
        today_left,
        years,
    )


# ---- my tasks, reminders, annual plans, leading group ------------------------------------------------


def my_milestones(*, user: Any) -> list[Milestone]:
    """Milestones of the tasks the user's organisation leads, in the versions in force."""
    _require_plans(user)
    organisation_id = getattr(user, "organisation_id", None)
    if organisation_id is None:
        return []
    pilot_id = getattr(user.organisation, "pilot_id", None)
    current = current_version_ids([pilot_id] if pilot_id else [])
    return list(
        Milestone.objects.filter(task__version_id__in=list(current.values()), task__lead_department_id=organisation_id)
        .select_related("task__focus_area", "task__version")
        .order_by("planned_finish", "task__position", "position")
    )


def supported_tasks(*, user: Any) -> list[Task]:
    """Tasks of the versions in force that the user's organisation supports (配合单位)."""
    _require_plans(user)
    organisation = getattr(user, "organisation", None)
    if organisation is None or organisation.pilot_id is None:
        return []
    current = current_version_ids([organisation.pilot_id])
    return list(
        Task.objects.filter(version_id__in=list(current.values()), supporting_departments=organisation)
        .select_related("lead_department", "focus_area")
        .order_by("deadline", "position")
    )


def reminders_for(*, user: Any, limit: int = 20) -> list[Reminder]:
    return list(
        Reminder.objects.filter(user_id=getattr(user, "pk", 0) or 0, read_at__isnull=True)
        .select_related("milestone__task")
        .order_by("due_on", "id")[:limit]
    )


def milestones_needing_reminders(*, today: dt.date, days: Sequence[int]) -> list[tuple[Milestone, list[User]]]:
    """Open milestones of the versions in force due in exactly one of ``days`` days, or overdue; with recipients."""
    current = current_version_ids()
    due_dates = [today + dt.timedelta(days=d) for d in days]
    milestones = list(
        Milestone.objects.filter(task__version_id__in=list(current.values()))
        .exclude(status=MilestoneStatus.DONE)
        .filter(Q(planned_finish__in=due_dates) | Q(planned_finish__lt=today))
        .select_related("task__responsible_user")
    )
    departments = {m.task.lead_department_id for m in milestones}
    users_by_department: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(organisation_id__in=departments, role=Role.DEPARTMENT_USER, is_active=True):
        users_by_department[user.organisation_id or 0].append(user)
    result = []
    for m in milestones:
        recipients = list(users_by_department.get(m.task.lead_department_id, []))
        responsible = m.task.responsible_user
        if responsible is not None and responsible.is_active and responsible not in recipients:
            recipients.append(responsible)
        result.append((m, recipients))
    return result


def annual_plans_of(*, user: Any, department: Organisation) -> list[AnnualPlan]:
    _require_plans(user)
    return list(AnnualPlan.objects.filter(department=department).prefetch_related("goals").order_by("year"))


def leading_group_members(*, user: Any, pilot: PilotArea) -> list[LeadingGroupMember]:
    if not permissions.sees_pilot(user, pilot):
        raise NotFound
    return list(
        LeadingGroupMember.objects.filter(group__pilot=pilot)
        .select_related("organisation")
        .order_by("valid_until", "role", "valid_from", "id")
    )


@dataclass(frozen=True)
class ReviewStep:
    at: dt.datetime
    who: str
    organisation: str
    status: str
    comment: str


def review_history(*, version: PlanVersion) -> list[ReviewStep]:
    """Each submission, return and approval of a version, with its comment (from the audit trail)."""
    from shidian.core.models import AuditEvent

    moves = {f"plans.version.{s}": s for s in PlanStatus.values}
    events = AuditEvent.objects.filter(
        object_type="plans.PlanVersion", object_id=str(version.pk), action__in=list(moves)
    ).order_by("occurred_at", "id")
    return [
        ReviewStep(
            at=e.occurred_at,
            who=e.actor_username,
            organisation=e.organisation_name,
            status=str(PlanStatus(moves[e.action]).label),
            comment=str((e.detail or {}).get("comment", "")),
        )
        for e in events
    ]


# ---- version differences -------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    change: str  # "added", "removed", "changed"
    subject: str
    field: str = ""
    before: str = ""
    after: str = ""


def _task_facts(task: Task) -> dict[str, str]:
    return {
        _("重点领域"): task.focus_area_label,
        _("牵头单位"): task.lead_department_label,
        _("配合单位"): "、".join(sorted(task.supporting_labels)),
        _("责任人"): task.responsible,
        _("完成期限"): task.deadline.isoformat(),
        _("权重"): str(task.weight),
    }


def _milestone_facts(m: Milestone) -> dict[str, str]:
    return {
        _("工期（天）"): str(m.duration_days),
        _("成果形式"): m.deliverable,
        _("前置节点"): "、".join(sorted(d.name for d in m.depends_on.all())),
        _("计划完成"): m.planned_finish.isoformat() if m.planned_finish else "",
    }


def _goal_subject(text: str, year: int) -> str:
    return _("目标（%(year)d 年）：%(text)s") % {"year": year, "text": text}


def _task_subject(title: str) -> str:
    return _("任务：%(title)s") % {"title": title}


def _milestone_subject(task: str, milestone: str) -> str:
    return _("节点：%(task)s / %(milestone)s") % {"task": task, "milestone": milestone}


def _load(version: PlanVersion) -> list[Task]:
    return list(
        version.tasks.select_related("focus_area", "lead_department", "responsible_user").prefetch_related(
            "supporting_departments", "milestones__depends_on"
        )
    )


def diff_versions(*, old: PlanVersion, new: PlanVersion) -> list[Difference]:
    """What changed from ``old`` to ``new``: texts, goals, tasks and milestones."""
    out: list[Difference] = []
    for label, attr in ((_("实施方案"), "implementation_plan"), (_("行动计划"), "action_plan")):
        if getattr(old, attr) != getattr(new, attr):
            out.append(Difference("changed", label, label, getattr(old, attr), getattr(new, attr)))
    old_goals = {(g.text, g.target_year) for g in old.goals.all()}
    new_goals = {(g.text, g.target_year) for g in new.goals.all()}
    out += [Difference("removed", _goal_subject(t, y)) for t, y in sorted(old_goals - new_goals)]
    out += [Difference("added", _goal_subject(t, y)) for t, y in sorted(new_goals - old_goals)]
    old_tasks = _load(old)
    new_tasks = _load(new)
    old_by_pk = {t.pk: t for t in old_tasks}
    old_by_title = {t.title: t for t in old_tasks}
    matched: set[int] = set()
    for task in new_tasks:
        before = old_by_pk.get(task.copied_from_id or 0) or old_by_title.get(task.title)
        if before is None:
            out.append(Difference("added", _task_subject(task.title)))
            continue
        matched.add(before.pk)
        if before.title != task.title:
            out.append(Difference("changed", _task_subject(task.title), _("任务"), before.title, task.title))
        a, b = _task_facts(before), _task_facts(task)
        out += [Difference("changed", _task_subject(task.title), k, a[k], b[k]) for k in a if a[k] != b[k]]
        old_ms = list(before.milestones.all())
        old_ms_by_pk = {m.pk: m for m in old_ms}
        old_ms_by_name = {m.name: m for m in old_ms}
        seen: set[int] = set()
        for m in task.milestones.all():
            prior = old_ms_by_pk.get(m.copied_from_id or 0) or old_ms_by_name.get(m.name)
            subject = _milestone_subject(task.title, m.name)
            if prior is None:
                out.append(Difference("added", subject))
                continue
            seen.add(prior.pk)
            x, y = _milestone_facts(prior), _milestone_facts(m)
            out += [Difference("changed", subject, k, x[k], y[k]) for k in x if x[k] != y[k]]
        out += [Difference("removed", _milestone_subject(task.title, m.name)) for m in old_ms if m.pk not in seen]
    out += [Difference("removed", _task_subject(t.title)) for t in old_tasks if t.pk not in matched]
    return out


# ---- the workbench --------------------------------------------------------------------------------


def milestones_due(*, user: Any, today: dt.date, within_days: int = 30) -> list[Milestone]:
    """Open milestones of the versions in force due within ``within_days`` days or overdue, earliest first.

    A department sees the milestones of the tasks it leads; a pilot office those of its whole plan.
    """
    if not scoping.can(user, Capability.VIEW_PLANS):
        return []
    scope = scoping.scope_for(user)
    if not scope.pilots:
        return []
    current = current_version_ids(scope.pilots)
    milestones = Milestone.objects.filter(task__version_id__in=list(current.values()))
    if scoping.can(user, Capability.UPDATE_PROGRESS):
        milestones = milestones.filter(task__lead_department_id=getattr(user, "organisation_id", None))
    return list(
        milestones.exclude(status=MilestoneStatus.DONE)
        .filter(planned_finish__lte=today + dt.timedelta(days=within_days))
        .select_related("task", "task__lead_department")
        .order_by("planned_finish", "task__position", "position", "id")
    )


@dataclass(frozen=True)
class PlanState:
    """A pilot's plan as its office must know it: the version in force and the one that needs attention."""

    pilot: PilotArea
    in_force: PlanVersion | None
    pending: PlanVersion | None


def plan_state(*, user: Any, pilot: PilotArea) -> PlanState:
    if not permissions.sees_pilot(user, pilot):
        raise NotFound
    current = current_version_ids([pilot.pk]).get(pilot.pk)
    attention = attention_version_ids([pilot.pk]).get(pilot.pk)
    versions = PlanVersion.objects.in_bulk([v for v in (current, attention) if v is not None])
    in_force = versions.get(current) if current is not None else None
    if in_force is not None and in_force.status != PlanStatus.APPROVED:
        in_force = None
    return PlanState(pilot, in_force, versions.get(attention) if attention is not None else None)


def tasks_of(*, version: PlanVersion) -> list[Task]:
    """A version's tasks with their departments and milestones (the API's and the diff's read)."""
    return _load(version)


# ---- the annual evaluation reads milestones due in a year (set-based) ------------------------------


@dataclass(frozen=True)
class DueMilestone:
    """A milestone of a pilot's version in force that fell due in the evaluated year."""

    milestone_id: int
    task: str
    name: str
    duration: int
    due: dt.date
    status: str
    finished_on: dt.date | None
    progress: int

    @property
    def done(self) -> bool:
        return self.status == MilestoneStatus.DONE

    @property
    def on_time(self) -> bool:
        """Done by its due date (a done milestone without a completion date counts as on time)."""
        return self.done and (self.finished_on is None or self.finished_on <= self.due)


def milestones_due_in_year(*, pilot_ids: Iterable[int], year: int) -> dict[int, list[DueMilestone]]:
    """{pilot id: milestones due in ``year``} of each pilot's version in force, in two queries; callers scope.

    A milestone's due date is its planned finish, else the date it is required by.
    """
    versions = current_version_ids(pilot_ids)
    pilot_of = {version_id: pilot_id for pilot_id, version_id in versions.items()}
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = (
        Milestone.objects.filter(task__version_id__in=list(versions.values()))
        .filter(Q(planned_finish__range=(start, end)) | Q(planned_finish__isnull=True, due_by__range=(start, end)))
        .values_list(
            "task__version_id",
            "id",
            "task__title",
            "name",
            "duration_days",
            "planned_finish",
            "due_by",
            "status",
            "finished_on",
            "progress_percent",
        )
        .order_by("task__version_id", "id")
    )
    result: dict[int, list[DueMilestone]] = defaultdict(list)
    for version_id, mid, task, name, duration, finish, due_by, status, finished, progress in rows:
        due = finish or due_by
        if due is None:  # excluded by the filter; keeps the type exact
            continue
        result[pilot_of[version_id]].append(DueMilestone(mid, task, name, duration, due, status, finished, progress))
    return dict(result)
