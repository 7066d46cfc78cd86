"""Submitted reports and since when they wait for a decision."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

if TYPE_CHECKING:
    from shidian.reporting.models import PilotReport, ProvinceReport


@dataclass
class Waiting[R: (PilotReport, ProvinceReport)]:
    """A submitted report and the first day it waited (the submission of its latest version)."""

    report: R
    since: dt.date | None


def _waiting[R: (PilotReport, ProvinceReport)](reports: list[R], version_model: Any) -> list[Waiting[R]]:
    latest: dict[int, dt.datetime] = {}
    for report_id, submitted_at in version_model.objects.filter(report__in=reports).values_list(
        "report_id", "submitted_at"
    ):
        if report_id not in latest or submitted_at > latest[report_id]:
            latest[report_id] = submitted_at
    result = [Waiting(r, timezone.localdate(latest[r.pk]) if r.pk in latest else None) for r in reports]
    return sorted(result, key=lambda w: (w.since or dt.date.max, w.report.pk))
