"""A plan version's tasks and their schedule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import Organisation, User
from shidian.core import audit
from shidian.core import text as core_text
from shidian.core.errors import DomainError
from shidian.plans import scheduling
from shidian.plans.models import FocusArea, Milestone, PlanVersion, Task, WorkPlan
from shidian.plans.services.rules import MAX_WEIGHT, TASK_FIELDS, check_department, check_in_window
from shidian.plans.services.versions import _lock_editable


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
