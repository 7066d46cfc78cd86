"""What the API shows of provinces and divisions."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class ProvinceOut(Schema):
    code: str
    name: str
    short_name: str
    region: str


class DivisionOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    level: str
    province_code: str | None
    parent_code: str | None
    valid_from: dt.date | None
    valid_until: dt.date | None

    @staticmethod
    def resolve_province_code(obj: object) -> str | None:
        province = getattr(obj, "province", None)
        return province.code if province is not None else None

    @staticmethod
    def resolve_parent_code(obj: object) -> str | None:
        parent = getattr(obj, "parent", None)
        return parent.code if parent is not None else None
