"""Scheduled work for reporting: open rounds and send reminders (run daily)."""

from __future__ import annotations

from django.tasks import task

from shidian.core import clock
from shidian.reporting import services


@task()
def open_reporting_rounds() -> dict[str, int]:
    """Open every round whose opening day has come and remind pilots and provinces of due dates."""
    today = clock.today()
    opened = services.open_due_rounds(today=today)
    reminders = services.send_reminders(today=today)
    return {"rounds": len(opened), "reminders": len(reminders)}
