"""What the API shows of reporting rounds and pilot reports."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from shidian.reporting.models import ReportingRound


class RoundOut(Schema):
    id: int
    year: int
    kind: str
    period: str
    pilot_due: dt.date
    province_due: dt.date

    @staticmethod
    def resolve_period(obj: ReportingRound) -> str:
        return obj.period_code


class PilotReportOut(Schema):
    id: int
    pilot_id: int
    round_id: int
    status: str
    updated_at: dt.datetime
