"""Reporting rounds: all of them, one, the round the programme is in."""

from __future__ import annotations

import datetime as dt

from shidian.core.errors import NotFound
from shidian.reporting.models import ReportingRound


def rounds() -> list[ReportingRound]:
    return sorted(ReportingRound.objects.all(), key=lambda r: r.sort_key)


def get_round(*, round_id: int) -> ReportingRound:
    try:
        return ReportingRound.objects.get(pk=round_id)
    except (ReportingRound.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound from exc


# A round opens this many days before the pilots' due date (services.OPEN_DAYS_BEFORE_DUE).
_OPEN_DAYS_BEFORE_DUE = 30


def current_round(*, today: dt.date) -> ReportingRound | None:
    """The round the programme is in on ``today``: the latest one that has opened."""
    opened = [r for r in rounds() if r.pilot_due - dt.timedelta(days=_OPEN_DAYS_BEFORE_DUE) <= today]
    return opened[-1] if opened else None
