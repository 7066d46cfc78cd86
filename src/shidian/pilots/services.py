"""Change the registry: load batches, import pilot lists, move pilots through their lifecycle."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shidian.accounts import services as account_services
from shidian.accounts.models import User
from shidian.core import audit, clock, scoping, transitions
from shidian.core.actors import SystemActor
from shidian.core.errors import DomainError, ImportRejected, RowError
from shidian.core.roles import Capability
from shidian.core.tables import read_table
from shidian.pilots.models import (
    PILOT_FLOW,
    AreaKind,
    Batch,
    DivisionMatch,
    PilotArea,
    PilotStatus,
    PilotStatusChange,
    Programme,
    RegistryImport,
    Verification,
)
from shidian.regions import services as region_services
from shidian.regions.models import Division, Province

PREVIEW_VALID_FOR = dt.timedelta(hours=12)
PROGRAMME_NAME = "国家新型城镇化综合试点"
REQUIRED_COLUMNS = ["batch", "province", "name", "level", "verification", "source_note"]
OPTIONAL_COLUMNS = ["division_code"]
COLUMN_LABELS = {
    "batch": "batch（批次）",
    "province": "province（省份）",
    "name": "name（名称）",
    "level": "level（类型）",
    "verification": "verification（核实程度）",
    "source_note": "source_note（来源说明）",
    "division_code": "division_code（区划代码）",
}
PILOT_FIELDS = ["kind", "verification", "source_note", "division", "listed_division", "division_match"]


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@transaction.atomic
def load_batches() -> list[Batch]:
    """Create or update the programme and its three batches from the reference file."""
    programme, _created = Programme.objects.get_or_create(
        name=PROGRAMME_NAME,
        defaults={
            "basis": "《国家新型城镇化规划（2014—2020年）》；《国家新型城镇化综合试点总体实施方案》"
            "（发改规划〔2014〕2960号）"
        },
    )
    batches = []
    with region_services.reference_path("batches.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            batch, _created = Batch.objects.update_or_create(
                number=int(row["batch"]),
                defaults={
                    "programme": programme,
                    "notice_number": row["notice_number"],
                    "notice_number_verified": row["notice_number_verified"] == "yes",
                    "notice_date": _date(row["notice_date"]),
                    "published": row["published"],
                    "declared_areas": int(row["declared_areas"]),
                    "declared_note": row["declared_note"],
                    "start_by": _date(row["start_by"]),
                    "stage_results_by": _date(row["stage_results_by"]),
                    "rollout_by": _date(row["rollout_by"]),
                    "contacts_due": _date(row["contacts_due"]),
                },
            )
            batches.append(batch)
    return batches


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


def plan_registry_import(content: bytes) -> ImportPlan:
    """Validate every row of a registry file; raise ImportRejected with all errors, or return the plan."""
    table = read_table(content, max_bytes=settings.REGISTRY_IMPORT_MAX_BYTES)
    errors: list[RowError] = []
    missing = [c for c in REQUIRED_COLUMNS if c not in table.header]
    for column in missing:
        errors.append(RowError(row=1, column=COLUMN_LABELS[column], sheet=table.sheet, message=_("缺少必需的列。")))
    if errors:
        raise ImportRejected(errors)
    if not table.rows:
        raise ImportRejected([RowError(row=None, column=None, sheet=table.sheet, message=_("文件没有数据行。"))])

    provinces = {p.name: p for p in Province.objects.all()}
    batches = {b.number: b for b in Batch.objects.all()}
    kinds = set(AreaKind.values)
    verifications = set(Verification.values)
    existing = {
        (p.batch.number, p.province.name, p.name): p
        for p in PilotArea.objects.select_related("batch", "province", "division", "listed_division")
    }
    # An area is admitted once: the same province and name in another batch is a mistake in the file.
    listed_in = {(province_name, name): batch for batch, province_name, name in existing}
    division_cache: dict[tuple[int, tuple[str, ...]], list[Division]] = {}
    seen: dict[tuple[int, str, str], int] = {}
    seen_area: dict[tuple[str, str], int] = {}
    planned: list[PlannedRow] = []

    def err(row: int, column: str, message: str) -> None:
        errors.append(RowError(row=row, column=COLUMN_LABELS[column], sheet=table.sheet, message=message))

    for number, cells in table.rows:
        before = len(errors)
        batch_no: int | None = None
        raw_batch = cells.get("batch", "")
        if not re.fullmatch(r"[123]", raw_batch):
            err(number, "batch", _("批次必须是 1、2 或 3，实际为“%(value)s”。") % {"value": raw_batch})
        elif int(raw_batch) not in batches:
            err(number, "batch", _("批次 %(value)s 尚未建立。") % {"value": raw_batch})
        else:
            batch_no = int(raw_batch)
        province = provinces.get(cells.get("province", ""))
        if province is None:
            err(number, "province", _("未知的省份“%(value)s”。") % {"value": cells.get("province", "")})
        name = cells.get("name", "")
        if not name:
            err(number, "name", _("名称不能为空。"))
        elif len(name) > 100:
            err(number, "name", _("名称过长（最多 100 字）。"))
        elif province is not None and (name == province.name) != (cells.get("level", "") == AreaKind.PROVINCE):
            err(number, "name", _("省级试点的名称必须是省份本身，其他类型的名称不能是省份。"))
        kind = cells.get("level", "")
        if kind not in kinds:
            err(
                number,
                "level",
                _("未知的类型“%(value)s”，应为：%(allowed)s。")
                % {"value": kind, "allowed": "、".join(AreaKind.values)},
            )
        verification = cells.get("verification", "")
        if verification not in verifications:
            err(
                number,
                "verification",
                _("未知的核实程度“%(value)s”，应为：%(allowed)s。")
                % {"value": verification, "allowed": "、".join(Verification.values)},
            )
        code = cells.get("division_code", "")
        listed_division: Division | None = None
        if code:
            listed_division = region_services.division_by_code(code)
            if listed_division is None:
                err(number, "division_code", _("未知的区划代码“%(value)s”。") % {"value": code})
            elif province is not None and listed_division.province_id != province.pk:
                err(
                    number,
                    "division_code",
                    _("区划代码“%(value)s”不属于%(province)s。") % {"value": code, "province": province.name},
                )
        if batch_no is not None and province is not None and name:
            key = (batch_no, province.name, name)
            area = (province.name, name)
            if key in seen:
                err(number, "name", _("与第 %(other)d 行重复（同一批次、省份和名称）。") % {"other": seen[key]})
            elif area in seen_area:
                err(
                    number,
                    "batch",
                    _("与第 %(other)d 行是同一地区：一个地区只能列入一个批次。") % {"other": seen_area[area]},
                )
            elif listed_in.get(area, batch_no) != batch_no:
                err(
                    number,
                    "batch",
                    _("%(name)s已列入第 %(batch)d 批，一个地区只能列入一个批次。")
                    % {"name": name, "batch": listed_in[area]},
                )
            else:
                seen[key] = number
                seen_area[area] = number
        if len(errors) > before or batch_no is None or province is None:
            continue
        match = DivisionMatch.CODE if listed_division is not None else DivisionMatch.NONE
        if listed_division is None:
            listed_division = region_services.resolve_division(
                province=province, listed_name=name, kind=kind, cache=division_cache
            )
            match = DivisionMatch.RESOLVED if listed_division is not None else DivisionMatch.NONE
        values: dict[str, Any] = {
            "kind": kind,
            "verification": verification,
            "source_note": cells.get("source_note", ""),
            "listed_division": listed_division,
            "division": listed_division.current_successor() if listed_division is not None else None,
            "division_match": match,
        }
        current = existing.get((batch_no, province.name, name))
        if current is None:
            planned.append(PlannedRow(number, "create", batch_no, province.name, name, values=values))
            continue
        changes = audit.diff(audit.snapshot(current, PILOT_FIELDS), {k: audit.plain(v) for k, v in values.items()})
        planned.append(
            PlannedRow(
                number,
                "update" if changes else "unchanged",
                batch_no,
                province.name,
                name,
                changes=changes,
                values=values,
            )
        )
    if errors:
        raise ImportRejected(errors)
    return ImportPlan(planned)


def admission_reason(batch: Batch) -> str:
    """The admission entry of a pilot's history, stored in Chinese whatever the operator's language."""
    with translation.override("zh-hans"):
        return _("列入%(batch)s国家新型城镇化综合试点") % {"batch": batch}


@transaction.atomic
def apply_registry_import(*, content: bytes, file_name: str, by: User | SystemActor) -> ImportPlan:
    """Import a registry file: every row valid, or nothing written. Idempotent by (batch, province, name)."""
    scoping.require(by, Capability.IMPORT_REGISTRY)
    plan = plan_registry_import(content)
    batches = {b.number: b for b in Batch.objects.all()}
    provinces = {p.name: p for p in Province.objects.all()}
    for row in plan.rows:
        if row.action == "unchanged":
            continue
        batch = batches[row.batch]
        province = provinces[row.province]
        if row.action == "create":
            pilot = PilotArea.objects.create(batch=batch, province=province, name=row.name, **row.values)
            PilotStatusChange.objects.create(
                pilot=pilot,
                from_status="",
                to_status=PilotStatus.ACTIVE,
                effective_on=batch.notice_date or dt.date(2014, 12, 29),
                reason=admission_reason(batch),
                document_number=batch.notice_number,
            )
            account_services.ensure_pilot_organisations(pilot=pilot)
            audit.record(
                action=audit.AuditAction.PILOT_CREATED,
                actor=by,
                obj=pilot,
                changes=audit.diff({}, audit.snapshot(pilot, ["batch", "province", "name", *PILOT_FIELDS])),
                detail={"file": file_name, "row": row.row},
            )
        else:
            pilot = PilotArea.objects.select_for_update().get(batch=batch, province=province, name=row.name)
            for key, value in row.values.items():
                setattr(pilot, key, value)
            pilot.save(update_fields=[*row.values.keys(), "updated_at"])
            audit.record(
                action=audit.AuditAction.PILOT_UPDATED,
                actor=by,
                obj=pilot,
                changes=row.changes,
                detail={"file": file_name, "row": row.row},
            )
    audit.record(action=audit.AuditAction.REGISTRY_IMPORTED, actor=by, detail={"file": file_name, **plan.summary})
    return plan


@transaction.atomic
def preview_registry_upload(*, content: bytes, file_name: str, by: Any) -> tuple[RegistryImport, ImportPlan]:
    """Validate an uploaded file and keep it for confirmation; raise ImportRejected if any row is bad."""
    scoping.require(by, Capability.IMPORT_REGISTRY)
    plan = plan_registry_import(content)
    upload = RegistryImport.objects.create(
        file_name=file_name[:200], content=content, uploaded_by=by, summary=plan.summary, fingerprint=plan.fingerprint
    )
    return upload, plan


@transaction.atomic
def confirm_registry_upload(*, upload: RegistryImport, by: Any) -> ImportPlan:
    """Apply a previewed upload once; the file is validated again against today's registry."""
    scoping.require(by, Capability.IMPORT_REGISTRY)
    locked = RegistryImport.objects.select_for_update().get(pk=upload.pk)
    if locked.state != RegistryImport.State.PREVIEWED or locked.uploaded_by_id != by.pk:
        raise DomainError(_("该导入已处理或不属于您。"))
    if timezone.now() - locked.uploaded_at > PREVIEW_VALID_FOR:
        raise DomainError(
            _("预览已超过 %(hours)d 小时，请重新上传并预览。") % {"hours": PREVIEW_VALID_FOR.seconds // 3600}
        )
    if plan_registry_import(bytes(locked.content)).fingerprint != locked.fingerprint:
        raise DomainError(_("名录在预览后已有变化，确认的内容将与预览不同：请重新上传并预览。"))
    plan = apply_registry_import(content=bytes(locked.content), file_name=locked.file_name, by=by)
    locked.state = RegistryImport.State.APPLIED
    locked.summary = plan.summary
    locked.save(update_fields=["state", "summary"])
    return plan


@transaction.atomic
def change_pilot_status(
    *, pilot: PilotArea, to: str, effective_on: dt.date, reason: str, by: User, document_number: str = ""
) -> PilotArea:
    """Move a pilot in its lifecycle (warn, lift, eliminate, complete) as the status map allows."""
    scoping.require(by, Capability.CHANGE_PILOT_STATUS)

    def apply(locked: PilotArea) -> transitions.Effects:
        if not reason.strip():
            raise DomainError(_("请填写状态变更理由。"))
        last = locked.status_changes.order_by("-effective_on", "-id").first()
        if last is not None and effective_on < last.effective_on:
            raise DomainError(
                _("生效日期不能早于上一次状态变更（%(date)s）。") % {"date": last.effective_on.isoformat()}
            )
        if effective_on > clock.today():
            raise DomainError(_("生效日期不能晚于今天：状态变更在决定生效后登记。"))
        PilotStatusChange.objects.create(
            pilot=locked,
            from_status=locked.status,
            to_status=to,
            effective_on=effective_on,
            reason=reason,
            document_number=document_number,
            decided_by=by,
        )
        return transitions.Effects(
            detail={"effective_on": effective_on, "reason": reason, "document_number": document_number}
        )

    return transitions.move(pilot, to, flow=PILOT_FLOW, by=by, apply=apply)
