"""Validate a registry file (试点名录) row by row into an import plan; nothing is written here.

Each column's rule is one entry of ``COLUMNS``: its label in the file, whether it is required, and the
function that turns the cell into a value or refuses it with a Chinese message. Checks across rows
(duplicates, an area listed in two batches) and the division lookup follow as separate steps.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import TextChoices
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shidian.core import audit
from shidian.core.errors import ImportRejected, RowError
from shidian.core.tables import read_table
from shidian.pilots.models import AreaKind, Batch, DivisionMatch, PilotArea, Verification
from shidian.regions import services as region_services
from shidian.regions.models import Division, Province

PILOT_FIELDS = ["kind", "verification", "source_note", "division", "listed_division", "division_match"]


class CellRefused(Exception):
    """A cell's value is refused; ``message`` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class References:
    """What the rules look values up in, read once per file."""

    provinces: dict[str, Province]
    batches: dict[int, Batch]

    @classmethod
    def load(cls) -> References:
        return cls(
            provinces={p.name: p for p in Province.objects.all()},
            batches={b.number: b for b in Batch.objects.all()},
        )


# A rule gets the raw cell, the whole raw row and the values parsed so far (columns run in order).
Rule = Callable[[str, Mapping[str, str], dict[str, Any], References], Any]


def _batch(raw: str, cells: Mapping[str, str], parsed: dict[str, Any], refs: References) -> int:
    if not re.fullmatch(r"[123]", raw):
        raise CellRefused(_("批次必须是 1、2 或 3，实际为“%(value)s”。") % {"value": raw})
    if int(raw) not in refs.batches:
        raise CellRefused(_("批次 %(value)s 尚未建立。") % {"value": raw})
    return int(raw)


def _province(raw: str, cells: Mapping[str, str], parsed: dict[str, Any], refs: References) -> Province:
    province = refs.provinces.get(raw)
    if province is None:
        raise CellRefused(_("未知的省份“%(value)s”。") % {"value": raw})
    return province


def _name(raw: str, cells: Mapping[str, str], parsed: dict[str, Any], refs: References) -> str:
    if not raw:
        raise CellRefused(_("名称不能为空。"))
    if len(raw) > 100:
        raise CellRefused(_("名称过长（最多 100 字）。"))
    province: Province | None = parsed.get("province")
    if province is not None and (raw == province.name) != (cells.get("level", "") == AreaKind.PROVINCE):
        raise CellRefused(_("省级试点的名称必须是省份本身，其他类型的名称不能是省份。"))
    return raw


def _one_of(choices: type[TextChoices], label: Promise) -> Rule:
    allowed = list(choices.values)

    def rule(raw: str, cells: Mapping[str, str], parsed: dict[str, Any], refs: References) -> str:
        if raw not in allowed:
            raise CellRefused(
                _("未知的%(label)s“%(value)s”，应为：%(allowed)s。")
                % {"label": str(label), "value": raw, "allowed": "、".join(allowed)}
            )
        return raw

    return rule


def _text(raw: str, cells: Mapping[str, str], parsed: dict[str, Any], refs: References) -> str:
    return raw


def _division_code(raw: str, cells: Mapping[str, str], parsed: dict[str, Any], refs: References) -> Division | None:
    if not raw:
        return None
    division = region_services.division_by_code(raw)
    if division is None:
        raise CellRefused(_("未知的区划代码“%(value)s”。") % {"value": raw})
    province: Province | None = parsed.get("province")
    if province is not None and division.province_id != province.pk:
        raise CellRefused(_("区划代码“%(value)s”不属于%(province)s。") % {"value": raw, "province": province.name})
    return division


@dataclass(frozen=True)
class Column:
    key: str  # the header in the file
    label: str  # how errors name it
    required: bool
    rule: Rule


COLUMNS: tuple[Column, ...] = (
    Column("batch", "batch（批次）", True, _batch),
    Column("province", "province（省份）", True, _province),
    Column("name", "name（名称）", True, _name),
    Column("level", "level（类型）", True, _one_of(AreaKind, gettext_lazy("类型"))),
    Column("verification", "verification（核实程度）", True, _one_of(Verification, gettext_lazy("核实程度"))),
    Column("source_note", "source_note（来源说明）", True, _text),
    Column("division_code", "division_code（区划代码）", False, _division_code),
)
LABELS = {c.key: c.label for c in COLUMNS}


@dataclass
class PlannedRow:
    """What importing one row will do."""

    row: int
    action: str  # "create", "update" or "unchanged"
    batch: int
    province: str
    name: str
    changes: dict[str, list[Any]] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportPlan:
    rows: list[PlannedRow]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def summary(self) -> dict[str, int]:
        return {a: self.count(a) for a in ("create", "update", "unchanged")}

    @property
    def fingerprint(self) -> str:
        """What applying the plan would change; confirmation must match the preview's."""
        payload = [
            (r.row, r.action, r.batch, r.province, r.name, r.changes, {k: audit.plain(v) for k, v in r.values.items()})
            for r in self.rows
        ]
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False, default=str).encode()).hexdigest()


class _Uniqueness:
    """An area is admitted once: the same row twice, or the same area in two batches, is a mistake."""

    def __init__(self, existing: Mapping[tuple[int, str, str], PilotArea]) -> None:
        self.listed_in = {(province, name): batch for batch, province, name in existing}
        self.seen: dict[tuple[int, str, str], int] = {}
        self.seen_area: dict[tuple[str, str], int] = {}

    def check(self, number: int, batch: int, province: str, name: str) -> tuple[str, str] | None:
        """(column, message) of the first clash, or None after noting the row."""
        key, area = (batch, province, name), (province, name)
        if key in self.seen:
            return "name", _("与第 %(other)d 行重复（同一批次、省份和名称）。") % {"other": self.seen[key]}
        if area in self.seen_area:
            return "batch", _("与第 %(other)d 行是同一地区：一个地区只能列入一个批次。") % {
                "other": self.seen_area[area]
            }
        if self.listed_in.get(area, batch) != batch:
            return "batch", _("%(name)s已列入第 %(batch)d 批，一个地区只能列入一个批次。") % {
                "name": name,
                "batch": self.listed_in[area],
            }
        self.seen[key] = number
        self.seen_area[area] = number
        return None


def plan_registry_import(content: bytes) -> ImportPlan:
    """Validate every row of a registry file; raise ImportRejected with all errors, or return the plan."""
    table = read_table(content, max_bytes=settings.REGISTRY_IMPORT_MAX_BYTES)
    missing = [c for c in COLUMNS if c.required and c.key not in table.header]
    if missing:
        raise ImportRejected(
            [RowError(row=1, column=c.label, sheet=table.sheet, message=_("缺少必需的列。")) for c in missing]
        )
    if not table.rows:
        raise ImportRejected([RowError(row=None, column=None, sheet=table.sheet, message=_("文件没有数据行。"))])

    refs = References.load()
    existing = {
        (p.batch.number, p.province.name, p.name): p
        for p in PilotArea.objects.select_related("batch", "province", "division", "listed_division")
    }
    uniqueness = _Uniqueness(existing)
    division_cache: dict[tuple[int, tuple[str, ...]], list[Division]] = {}
    errors: list[RowError] = []
    planned: list[PlannedRow] = []
    for number, cells in table.rows:

        def refuse(column: str, message: str, row: int = number) -> None:
            errors.append(RowError(row=row, column=LABELS[column], sheet=table.sheet, message=message))

        before = len(errors)
        parsed: dict[str, Any] = {}
        for column in COLUMNS:
            try:
                parsed[column.key] = column.rule(cells.get(column.key, ""), cells, parsed, refs)
            except CellRefused as refused:
                refuse(column.key, refused.message)
        if {"batch", "province", "name"} <= parsed.keys():
            clash = uniqueness.check(number, parsed["batch"], parsed["province"].name, parsed["name"])
            if clash is not None:
                refuse(*clash)
        if len(errors) > before:
            continue
        planned.append(_planned_row(number, parsed, existing, division_cache))
    if errors:
        raise ImportRejected(errors)
    return ImportPlan(planned)


def _planned_row(
    number: int,
    parsed: dict[str, Any],
    existing: Mapping[tuple[int, str, str], PilotArea],
    division_cache: dict[tuple[int, tuple[str, ...]], list[Division]],
) -> PlannedRow:
    """What a valid row does: create the pilot, or update it (with the changes), or nothing."""
    province: Province = parsed["province"]
    listed: Division | None = parsed["division_code"]
    match = DivisionMatch.CODE if listed is not None else DivisionMatch.NONE
    if listed is None:
        listed = region_services.resolve_division(
            province=province, listed_name=parsed["name"], kind=parsed["level"], cache=division_cache
        )
        match = DivisionMatch.RESOLVED if listed is not None else DivisionMatch.NONE
    values: dict[str, Any] = {
        "kind": parsed["level"],
        "verification": parsed["verification"],
        "source_note": parsed["source_note"],
        "listed_division": listed,
        "division": listed.current_successor() if listed is not None else None,
        "division_match": match,
    }
    key = (parsed["batch"], province.name, parsed["name"])
    current = existing.get(key)
    if current is None:
        return PlannedRow(number, "create", *key, values=values)
    changes = audit.diff(audit.snapshot(current, PILOT_FIELDS), {k: audit.plain(v) for k, v in values.items()})
    return PlannedRow(number, "update" if changes else "unchanged", *key, changes=changes, values=values)
