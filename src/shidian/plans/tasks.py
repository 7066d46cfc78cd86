"""Background work of the plans (django.tasks; run daily by ``manage.py send_plan_reminders``)."""

from __future__ import annotations

from django.tasks import task

from shidian.core import clock
from shidian.plans import services


@task()
def send_plan_reminders() -> dict[str, int]:
    """Create the in-app reminders due today (N days before a milestone is due, and when it is overdue)."""
    return {"reminders": services.create_reminders(today=clock.today())}
