"""A task's milestones: add, depend, delete, report progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit, clock, transitions
from shidian.core import text as core_text
from shidian.core.errors import DomainError
from shidian.plans import permissions
from shidian.plans.models import MILESTONE_FLOW, Milestone, MilestoneStatus, PlanStatus, Task
from shidian.plans.services.rules import MILESTONE_FIELDS, check_duration, check_in_window
from shidian.plans.services.tasks import reschedule_task
from shidian.plans.services.versions import _lock_editable


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
