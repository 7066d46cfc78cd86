"""Change the registry: load batches, import pilot lists, move pilots through their lifecycle."""

from __future__ import annotations

import csv
import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shidian.core import audit, clock, scoping, transitions
from shidian.core.actors import SystemActor
from shidian.core.errors import DomainError
from shidian.core.roles import Capability
from shidian.pilots import signals
from shidian.pilots.models import (
    PILOT_FLOW,
    REGISTRY_IMPORT_FLOW,
    Batch,
    PilotArea,
    PilotStatus,
    PilotStatusChange,
    Programme,
    RegistryImport,
)
from shidian.pilots.registry_import import PILOT_FIELDS, ImportPlan, plan_registry_import
from shidian.regions import services as region_services
from shidian.regions.models import Province

if TYPE_CHECKING:
    from shidian.accounts.models import User  # types only: accounts sits above the registry

PREVIEW_VALID_FOR = dt.timedelta(hours=12)
PROGRAMME_NAME = "国家新型城镇化综合试点"


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
            signals.pilot_admitted.send(sender=PilotArea, pilot=pilot)
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
def preview_registry_upload(*, content: bytes, file_name: str, by: User) -> tuple[RegistryImport, ImportPlan]:
    """Validate an uploaded file and keep it for confirmation; raise ImportRejected if any row is bad."""
    scoping.require(by, Capability.IMPORT_REGISTRY)
    plan = plan_registry_import(content)
    upload = RegistryImport.objects.create(
        file_name=file_name[:200], content=content, uploaded_by=by, summary=plan.summary, fingerprint=plan.fingerprint
    )
    return upload, plan


@transaction.atomic
def confirm_registry_upload(*, upload: RegistryImport, by: User) -> ImportPlan:
    """Apply a previewed upload once; the file is validated again against today's registry."""
    scoping.require(by, Capability.IMPORT_REGISTRY)
    applied: list[ImportPlan] = []

    def guard(locked: RegistryImport) -> None:
        if locked.uploaded_by_id != by.pk:
            raise DomainError(_("该导入已处理或不属于您。"))

    def apply(locked: RegistryImport) -> transitions.Effects:
        if timezone.now() - locked.uploaded_at > PREVIEW_VALID_FOR:
            raise DomainError(
                _("预览已超过 %(hours)d 小时，请重新上传并预览。") % {"hours": PREVIEW_VALID_FOR.seconds // 3600}
            )
        if plan_registry_import(bytes(locked.content)).fingerprint != locked.fingerprint:
            raise DomainError(_("名录在预览后已有变化，确认的内容将与预览不同：请重新上传并预览。"))
        plan = apply_registry_import(content=bytes(locked.content), file_name=locked.file_name, by=by)
        locked.summary = plan.summary
        applied.append(plan)
        return transitions.Effects(fields=["summary"], detail={"file": locked.file_name})

    transitions.move(upload, RegistryImport.State.APPLIED, flow=REGISTRY_IMPORT_FLOW, by=by, guard=guard, apply=apply)
    return applied[0]


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
        signals.pilot_status_changed.send(sender=PilotArea, pilot=locked, effective_on=effective_on)
        return transitions.Effects(
            detail={"effective_on": effective_on, "reason": reason, "document_number": document_number}
        )

    return transitions.move(pilot, to, flow=PILOT_FLOW, by=by, apply=apply)
