"""Milestone reminders: a user's, and the milestones that need one."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import Q

from shidian.accounts.models import User
from shidian.core.errors import NotFound
from shidian.core.roles import Role
from shidian.plans.models import Milestone, MilestoneStatus, Reminder
from shidian.plans.selectors.versions import current_version_ids


def get_reminder_for(*, user: Any, reminder_id: int) -> Reminder:
    reminder = Reminder.objects.filter(pk=reminder_id, user_id=getattr(user, "pk", 0) or 0).first()
    if reminder is None:
        raise NotFound
    return reminder


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
