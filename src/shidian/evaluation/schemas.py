"""What the API shows of published evaluation runs and their results."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from shidian.core.formatting import fractions_as_text
from shidian.evaluation.models import Result, Run


class RunOut(Schema):
    id: int
    year: int
    number: int
    status: str
    total_pilots: int
    published_at: dt.datetime | None
    published_on: dt.date | None
    objections_until: dt.date | None
    excellent_from: str = Field(description="优秀分数线，写作文本")
    good_from: str
    pass_from: str

    @staticmethod
    def resolve_year(obj: Run) -> int:
        return obj.scheme.year

    @staticmethod
    def resolve_excellent_from(obj: Run) -> str:
        return str(obj.scheme.excellent_from)

    @staticmethod
    def resolve_good_from(obj: Run) -> str:
        return str(obj.scheme.good_from)

    @staticmethod
    def resolve_pass_from(obj: Run) -> str:
        return str(obj.scheme.pass_from)


class ResultOut(Schema):
    id: int
    run_id: int
    pilot_id: int
    pilot: str
    province_code: str
    batch: int
    score: str = Field(description="综合得分，写作文本")
    grade: str
    rank_overall: int
    rank_batch: int
    rank_region: int
    rank_province: int

    @staticmethod
    def resolve_pilot(obj: Result) -> str:
        return obj.pilot.name

    @staticmethod
    def resolve_province_code(obj: Result) -> str:
        return obj.pilot.province.code

    @staticmethod
    def resolve_batch(obj: Result) -> int:
        return obj.pilot.batch.number

    @staticmethod
    def resolve_score(obj: Result) -> str:
        return str(obj.score)


class ResultDetailOut(ResultOut):
    """A result with the full breakdown of every number, as stored by the run (docs/evaluation.md)."""

    breakdown: dict[str, Any] = Field(description="得分构成；其中的小数写作文本")

    @staticmethod
    def resolve_breakdown(obj: Result) -> dict[str, Any]:
        return dict(fractions_as_text(obj.breakdown))
