"""Build reporting records through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from shidian.pilots.models import PilotArea
from shidian.reporting import services
from shidian.reporting.models import SECTION_FIELDS, PilotReport, ReportingRound, RoundKind

TEXT = {name: f"{name} 的内容：推进农业转移人口市民化，完善体制机制。" for name in SECTION_FIELDS}


def year_end(year: int = 2017) -> ReportingRound:
    return services.open_round(year=year, kind=RoundKind.YEAR_END)


def on(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def liuzhou() -> PilotArea:
    return PilotArea.objects.get(name="柳州市")


def filled_report(by: Any, reporting_round: ReportingRound, pilot: PilotArea | None = None) -> PilotReport:
    report = services.open_pilot_report(pilot=pilot or liuzhou(), reporting_round=reporting_round, by=by)
    return services.save_pilot_draft(report=report, revision=report.revision, sections=TEXT, by=by)


def submitted_report(
    by: Any, reporting_round: ReportingRound, *, when: dt.date | None = None, pilot: PilotArea | None = None
) -> PilotReport:
    report = filled_report(by, reporting_round, pilot)
    return services.submit_pilot_report(report=report, by=by, now=on(when or reporting_round.pilot_due))
