"""Scheduled work for the exchange: escalate difficulties past their reply deadline (run daily)."""

from __future__ import annotations

from django.tasks import task

from shidian.core.actors import system
from shidian.exchange import services


@task()
def escalate_overdue_difficulties() -> dict[str, int]:
    """Escalate to the commission every unanswered difficulty whose reply deadline passed (business date)."""
    escalated = services.escalate_overdue(by=system("escalate_difficulties"))
    return {"escalated": len(escalated)}
