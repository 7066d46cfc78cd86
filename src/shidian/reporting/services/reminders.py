"""Report reminders: how many days before, sending them, by e-mail."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit
from shidian.core.actors import system
from shidian.reporting.models import (
    PilotReportVersion,
    ProvinceReportVersion,
    ReminderKind,
    ReportingRound,
    ReportReminder,
)


def reminder_days() -> int:
    return int(getattr(settings, "REPORT_REMINDER_DAYS", 5))


def _notify_by_email(reminders: list[ReportReminder]) -> None:
    """Send reminder e-mails to the pilot offices and provincial commissions (only where e-mail is on)."""
    if not settings.EMAIL_ENABLED or not reminders:
        return
    from django.core.mail import send_mail

    for reminder in reminders:
        users = User.objects.filter(is_active=True).exclude(email="")
        if reminder.pilot_id is not None:
            users = users.filter(organisation__pilot_id=reminder.pilot_id, role="pilot_officer")
        else:
            users = users.filter(organisation__province_id=reminder.province_id, role="provincial_officer")
        recipients = list(users.values_list("email", flat=True))
        if recipients:
            send_mail(
                subject=_("报告报送提醒：%(round)s") % {"round": reminder.round},
                message=_("%(round)s的报送期限是 %(due)s（%(kind)s）。")
                % {"round": reminder.round, "due": reminder.due, "kind": ReminderKind(reminder.kind).label},
                from_email=None,
                recipient_list=recipients,
            )


@transaction.atomic
def send_reminders(*, today: dt.date, days_before: int | None = None) -> list[ReportReminder]:
    """Remind pilots and provinces that have not submitted: N days before the due date and once overdue.

    A reminder of each kind is created at most once per round and pilot/province (unique constraints),
    so running this daily is safe. E-mail goes out after commit where e-mail is configured.
    """
    from shidian.pilots.models import PilotArea
    from shidian.reporting.selectors.completeness import _status_history, reporting_on

    days = reminder_days() if days_before is None else days_before
    created: list[ReportReminder] = []
    pilots = PilotArea.objects.all()
    history = _status_history(pilots)
    pilot_provinces = dict(pilots.values_list("pk", "province_id"))
    for reporting_round in ReportingRound.objects.all():
        for due, is_pilot in ((reporting_round.pilot_due, True), (reporting_round.province_due, False)):
            if due - dt.timedelta(days=days) <= today <= due:
                kind = ReminderKind.UPCOMING
            elif today > due and today <= due + dt.timedelta(days=60):
                kind = ReminderKind.OVERDUE
            else:
                continue
            expected = [p for p in pilot_provinces if reporting_on(history.get(p, []), due)]
            if is_pilot:
                done = set(
                    PilotReportVersion.objects.filter(report__round=reporting_round).values_list(
                        "report__pilot_id", flat=True
                    )
                )
                new = [
                    ReportReminder(
                        round=reporting_round, pilot_id=p, province_id=pilot_provinces[p], kind=kind, due=due
                    )
                    for p in expected
                    if p not in done
                ]
            else:
                done = set(
                    ProvinceReportVersion.objects.filter(report__round=reporting_round).values_list(
                        "report__province_id", flat=True
                    )
                )
                new = [
                    ReportReminder(round=reporting_round, pilot=None, province_id=v, kind=kind, due=due)
                    for v in sorted({pilot_provinces[p] for p in expected})
                    if v not in done
                ]
            existing = set(
                ReportReminder.objects.filter(round=reporting_round, kind=kind, pilot__isnull=not is_pilot).values_list(
                    "pilot_id" if is_pilot else "province_id", flat=True
                )
            )
            fresh = [r for r in new if (r.pilot_id if is_pilot else r.province_id) not in existing]
            ReportReminder.objects.bulk_create(fresh)
            created.extend(fresh)
    if created:
        audit.record(
            action=audit.AuditAction.REMINDERS_SENT,
            actor=system("send_report_reminders"),
            detail={"count": len(created), "today": today},
        )
        transaction.on_commit(lambda: _notify_by_email(created))
    return created
