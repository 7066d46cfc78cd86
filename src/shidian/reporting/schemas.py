"""What the API shows of reporting rounds and pilot reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from shidian.core.formatting import fractions_as_text
from shidian.reporting.models import PilotReportVersion, ProvinceReport, ProvinceReportVersion, ReportingRound


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


class AttachmentOut(Schema):
    id: int
    file_name: str
    content_type: str
    size: int
    sha256: str


class PilotReportVersionOut(Schema):
    """One submission of a pilot report, as it was submitted (the five sections, tags and attached facts)."""

    id: int
    report_id: int
    number: int
    submitted_at: dt.datetime
    is_late: bool
    progress: str
    practices: str
    results: str
    difficulties: str
    suggestions: str
    tags: list[Any]
    facts: dict[str, Any]
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj: PilotReportVersion) -> list[Any]:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_facts(obj: PilotReportVersion) -> dict[str, Any]:
        return dict(fractions_as_text(obj.facts))


class ProvinceReportOut(Schema):
    id: int
    province_code: str
    province: str
    round_id: int
    status: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_province_code(obj: ProvinceReport) -> str:
        return obj.province.code

    @staticmethod
    def resolve_province(obj: ProvinceReport) -> str:
        return obj.province.name


class ProvinceReportVersionOut(Schema):
    """One submission of a province report to the national commission, as it was."""

    id: int
    report_id: int
    number: int
    submitted_at: dt.datetime
    is_late: bool
    overview: str
    pilot_sections: list[Any]
    statistics: dict[str, Any]
    difficulties: str
    suggestions: str
    tags: list[Any]
    facts: dict[str, Any]

    @staticmethod
    def resolve_facts(obj: ProvinceReportVersion) -> dict[str, Any]:
        return dict(fractions_as_text(obj.facts))

    @staticmethod
    def resolve_statistics(obj: ProvinceReportVersion) -> dict[str, Any]:
        return dict(fractions_as_text(obj.statistics))


class CellOut(Schema):
    state: str = Field(description="exempt / not_due / due / on_time / late / missing / returned / accepted")
    label: str
    counted: bool
    submitted: bool
    on_time: bool
    late: bool
    report_id: int | None


class MatrixRowOut(Schema):
    id: int = Field(description="试点地区或省级单位的编号")
    label: str
    province: str
    batch: str
    region: str
    cells: list[CellOut] = Field(description="与 rounds 一一对应")

    @staticmethod
    def resolve_id(obj: Any) -> int:
        return int(obj.object_id)


class RateOut(Schema):
    label: str
    expected: int
    submitted: int
    on_time: int
    submitted_rate: str | None = Field(description="百分比，写作文本")
    on_time_rate: str | None = Field(description="百分比，写作文本")

    @staticmethod
    def resolve_submitted_rate(obj: Any) -> str | None:
        return None if obj.submitted_rate is None else f"{obj.submitted_rate:.1f}"

    @staticmethod
    def resolve_on_time_rate(obj: Any) -> str | None:
        return None if obj.on_time_rate is None else f"{obj.on_time_rate:.1f}"


class CompletenessOut(Schema):
    """The completeness matrix as the page shows it: pilots and provinces by rounds, with the rates."""

    rounds: list[RoundOut]
    pilot_rows: list[MatrixRowOut]
    province_rows: list[MatrixRowOut]
    by_province: list[RateOut]
    by_batch: list[RateOut]
    by_region: list[RateOut]
    province_total: RateOut
    total: RateOut
