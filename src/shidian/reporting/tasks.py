"""Scheduled work for reporting: open the rounds whose day has come (run daily; reminders are notifications)."""

from __future__ import annotations

from django.tasks import task

from shidian.core import clock
from shidian.reporting import services


@task()
def open_reporting_rounds() -> dict[str, int]:
    """Open every round whose opening day has come (``reporting.notify`` reminds of the due dates)."""
    opened = services.open_due_rounds(today=clock.today())
    return {"rounds": len(opened)}
