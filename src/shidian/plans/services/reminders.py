"""Milestone reminders: create, e-mail, mark read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core.errors import DomainError
from shidian.plans.models import Reminder, ReminderKind


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
