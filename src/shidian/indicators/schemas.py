"""What the API shows of the indicator system and its values, and what a push sends."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict

from shidian.core.schemas import InputSchema
from shidian.indicators.models import Indicator, IndicatorValue


class IndicatorOut(Schema):
    code: str
    name: str
    name_en: str
    unit: str
    category: str
    value_type: str
    decimals: int
    period_type: str
    direction: str
    computed: bool
    min_value: str | None
    max_value: str | None

    @staticmethod
    def resolve_category(obj: Indicator) -> str:
        return obj.category.code

    @staticmethod
    def resolve_computed(obj: Indicator) -> bool:
        return obj.is_computed

    @staticmethod
    def resolve_min_value(obj: Indicator) -> str | None:
        return None if obj.min_value is None else str(obj.min_value)

    @staticmethod
    def resolve_max_value(obj: Indicator) -> str | None:
        return None if obj.max_value is None else str(obj.max_value)


class ValueOut(Schema):
    id: int
    pilot_id: int
    indicator: str
    period: str
    value: str = Field(description="十进制数，写作文本以免精度损失")
    status: str
    source: str
    version: int
    entered_at: dt.datetime

    @staticmethod
    def resolve_indicator(obj: IndicatorValue) -> str:
        return obj.indicator.code

    @staticmethod
    def resolve_value(obj: IndicatorValue) -> str:
        return format(obj.value.normalize(), "f")  # 400.500000 → "400.5", 1E+2 → "100"


class ValueRowIn(InputSchema):
    model_config = ConfigDict(extra="forbid")

    pilot_id: int = Field(ge=1, le=2**31 - 1)
    indicator: str = Field(min_length=1, max_length=60)
    period: str = Field(min_length=4, max_length=7, examples=["2018", "2018H1"])
    value: str = Field(min_length=1, max_length=40, description='十进制数写作文本，如 "12.5"；是/否指标写 是 或 否')
    note: str = Field("", max_length=200)


class ValuePushIn(InputSchema):
    model_config = ConfigDict(extra="forbid")

    rows: list[ValueRowIn] = Field(max_length=20_000)


class ValuePushOut(Schema):
    job_id: int
    rows: int
    written: int
    replayed: bool
