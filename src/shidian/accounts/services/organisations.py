"""The organisations accounts belong to: the national ones, the provinces' commissions, each pilot's government."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db import transaction

from shidian.accounts.models import (
    Organisation,
    OrganisationKind,
    OrganisationName,
)
from shidian.core import audit
from shidian.pilots.models import PilotArea
from shidian.regions.models import Province

NATIONAL_COMMISSION = "国家发展改革委"
PLANNING_DIVISION = "国家发展改革委发展规划司"
OPERATIONS_UNIT = "试点平台运维单位"
EXPERT_PANEL = "国家新型城镇化综合试点评估专家组"

# The 11 departments of the joint review (batch-3 notice), named as the notice names them; the commission
# itself is the first. Those renamed since are created under today's name (organisation_names.csv).
JOINT_REVIEW_MINISTRIES = [
    "中央编办",
    "公安部",
    "民政部",
    "财政部",
    "人力资源社会保障部",
    "国土资源部",
    "住房城乡建设部",
    "农业部",
    "中国人民银行",
    "中国银监会",
]


def provincial_commission_name(province: Province) -> str:
    if province.code == "66":
        return "新疆生产建设兵团发展改革委"
    return f"{province.name}发展改革委"


@transaction.atomic
def ensure_base_organisations() -> None:
    """Create the national, ministerial, provincial and operations units if missing."""
    commission, _created = Organisation.objects.get_or_create(
        kind=OrganisationKind.NATIONAL_COMMISSION, name=NATIONAL_COMMISSION
    )
    Organisation.objects.get_or_create(
        kind=OrganisationKind.NATIONAL_DIVISION, name=PLANNING_DIVISION, defaults={"parent": commission}
    )
    load_organisation_names()  # rename units created under a former name before looking them up
    successors = {(row["kind"], row["former_name"]): row["name"] for row in _organisation_name_rows()}
    for name in JOINT_REVIEW_MINISTRIES:
        current = successors.get((OrganisationKind.MINISTRY, name), name)
        Organisation.objects.get_or_create(kind=OrganisationKind.MINISTRY, name=current)
    for province in Province.objects.all():
        Organisation.objects.get_or_create(
            kind=OrganisationKind.PROVINCIAL_COMMISSION,
            name=provincial_commission_name(province),
            defaults={"province": province, "parent": commission},
        )
    Organisation.objects.get_or_create(kind=OrganisationKind.OPERATIONS, name=OPERATIONS_UNIT)
    Organisation.objects.get_or_create(kind=OrganisationKind.EXPERT_PANEL, name=EXPERT_PANEL)
    load_organisation_names()


def _organisation_name_rows() -> list[dict[str, str]]:
    path = Path(settings.REFERENCE_DATA_DIR) / "organisation_names.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def load_organisation_names() -> int:
    """Give renamed organisations today's name and keep their former names with dates; idempotent."""
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in _organisation_name_rows():
        groups.setdefault((row["kind"], row["name"]), []).append(row)
    recorded = 0
    for (kind, current), rows in groups.items():
        names = [current, *(row["former_name"] for row in rows)]
        candidates = {o.name: o for o in Organisation.objects.filter(kind=kind, name__in=names)}
        organisation = candidates.get(current) or next((candidates[n] for n in names if n in candidates), None)
        if organisation is None:
            continue
        if organisation.name != current:
            before = organisation.name
            organisation.name = current
            organisation.save(update_fields=["name"])
            audit.record(
                action=audit.AuditAction.ORGANISATION_RENAMED,
                obj=organisation,
                username="load_reference",
                changes={"name": [before, current]},
            )
        for row in rows:
            _name, created = OrganisationName.objects.update_or_create(
                organisation=organisation,
                name=row["former_name"],
                defaults={
                    "valid_from": dt.date.fromisoformat(row["valid_from"]) if row["valid_from"] else None,
                    "valid_until": dt.date.fromisoformat(row["valid_until"]),
                    "change_note": row["source_note"][:300],
                },
            )
            recorded += int(created)
    return recorded


def resolve_organisation(*, kind: str, name: str) -> Organisation | None:
    """The organisation known by ``name`` today or formerly: work addressed to a renamed unit reaches its successor."""
    current = Organisation.objects.filter(kind=kind, name=name).first()
    if current is not None:
        return current
    return Organisation.objects.filter(kind=kind, former_names__name=name).order_by("pk").first()


def pilot_government_name(*, province_name: str, pilot_name: str) -> str:
    """Name a pilot's government unit; the province prefix keeps names unique across provinces."""
    if pilot_name == province_name:
        return f"{pilot_name}人民政府"
    return f"{province_name}{pilot_name}人民政府"


@transaction.atomic
def ensure_pilot_organisations(*, pilot: PilotArea) -> Organisation:
    """Create a pilot's government and its leading-group office if missing; return the office."""
    province_commission = Organisation.objects.filter(
        kind=OrganisationKind.PROVINCIAL_COMMISSION, province_id=pilot.province_id
    ).first()
    government, _created = Organisation.objects.get_or_create(
        kind=OrganisationKind.PILOT_GOVERNMENT,
        pilot=pilot,
        defaults={
            "name": pilot_government_name(province_name=pilot.province.name, pilot_name=pilot.name),
            "province_id": pilot.province_id,
            "parent": province_commission,
        },
    )
    office, _created = Organisation.objects.get_or_create(
        kind=OrganisationKind.PILOT_OFFICE,
        pilot=pilot,
        defaults={
            "name": f"{government.name}新型城镇化综合试点工作领导小组办公室",
            "province_id": pilot.province_id,
            "parent": government,
        },
    )
    return office
