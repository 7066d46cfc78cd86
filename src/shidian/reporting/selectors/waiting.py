"""Submitted reports and since when they wait for a decision."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone


@dataclass
class Waiting:
    """A submitted report and the first day it waited (the submission of its latest version)."""

    report: Any
    since: dt.date | None


def _waiting(reports: list[Any], version_model: Any) -> list[Waiting]:
    latest: dict[int, dt.datetime] = {}
    for report_id, submitted_at in version_model.objects.filter(report__in=reports).values_list(
        "report_id", "submitted_at"
    ):
        if report_id not in latest or submitted_at > latest[report_id]:
            latest[report_id] = submitted_at
    result = [Waiting(r, timezone.localdate(latest[r.pk]) if r.pk in latest else None) for r in reports]
    return sorted(result, key=lambda w: (w.since or dt.date.max, w.report.pk))
