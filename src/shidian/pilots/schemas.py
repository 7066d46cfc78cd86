"""What the API shows of batches and pilot areas."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from shidian.pilots.models import PilotArea


class BatchOut(Schema):
    number: int
    notice_number: str
    notice_date: dt.date | None
    declared_areas: int
    start_by: dt.date | None
    stage_results_by: dt.date | None
    rollout_by: dt.date | None


class PilotOut(Schema):
    id: int
    name: str
    batch: int
    province_code: str
    province: str
    kind: str
    status: str
    verification: str
    division_code: str | None

    @staticmethod
    def resolve_batch(obj: PilotArea) -> int:
        return obj.batch.number

    @staticmethod
    def resolve_province_code(obj: PilotArea) -> str:
        return obj.province.code

    @staticmethod
    def resolve_province(obj: PilotArea) -> str:
        return obj.province.name

    @staticmethod
    def resolve_division_code(obj: PilotArea) -> str | None:
        return obj.division.code if obj.division is not None else None
