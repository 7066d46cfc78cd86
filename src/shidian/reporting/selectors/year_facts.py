"""The year's reports as facts for the annual evaluation (set-based; callers scope)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from shidian.reporting.models import CommentKind, PilotReport, PilotReportVersion, ReportingRound, ReviewComment


@dataclass(frozen=True)
class ReportFact:
    """How a pilot reported in one round of a year: first submission (late or not) and returns."""

    round_id: int
    kind: str
    due: dt.date
    report_id: int | None
    first_submitted_at: dt.datetime | None
    late: bool
    returns: int
    year_end_submitted: bool


def report_facts_for_year(
    *, pilot_ids: list[int], year: int
) -> tuple[list[ReportingRound], dict[int, list[ReportFact]]]:
    """The year's rounds and, per pilot id, one fact per round (a missing one too), in four queries; callers scope."""
    year_rounds = list(ReportingRound.objects.filter(year=year).order_by("pilot_due", "id"))
    reports = list(
        PilotReport.objects.filter(pilot_id__in=pilot_ids, round__in=year_rounds).values_list(
            "id", "pilot_id", "round_id"
        )
    )
    report_ids = [r[0] for r in reports]
    first: dict[int, tuple[dt.datetime, bool]] = {}
    for report_id, submitted_at, late in (
        PilotReportVersion.objects.filter(report_id__in=report_ids, number=1)
        .values_list("report_id", "submitted_at", "is_late")
        .order_by()
    ):
        first[report_id] = (submitted_at, late)
    returns: dict[int, int] = defaultdict(int)
    for report_id in (
        ReviewComment.objects.filter(kind=CommentKind.RETURN, pilot_report_version__report_id__in=report_ids)
        .values_list("pilot_report_version__report_id", flat=True)
        .order_by()
    ):
        returns[report_id] += 1
    by_key = {(pilot_id, round_id): report_id for report_id, pilot_id, round_id in reports}
    facts: dict[int, list[ReportFact]] = {}
    for pilot_id in pilot_ids:
        rows = []
        for r in year_rounds:
            found = by_key.get((pilot_id, r.pk))
            submitted = first.get(found) if found is not None else None
            rows.append(
                ReportFact(
                    round_id=r.pk,
                    kind=r.kind,
                    due=r.pilot_due,
                    report_id=found,
                    first_submitted_at=submitted[0] if submitted else None,
                    late=bool(submitted and submitted[1]),
                    returns=returns.get(found, 0) if found is not None else 0,
                    year_end_submitted=bool(submitted) and r.kind == "year_end",
                )
            )
        facts[pilot_id] = rows
    return year_rounds, facts
