"""Writes of experiences: check permission and state, write, audit. Views, the demo and tests call these only."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from shidian.core import audit, clock, search, text, uploads
from shidian.core.audit_actions import AuditAction
from shidian.core.errors import DomainError, NotFound
from shidian.core.transitions import Effects, move
from shidian.experiences import permissions
from shidian.experiences.models import (
    EXPERIENCE_FLOW,
    Adoption,
    Experience,
    ExperienceFile,
    ExperienceResult,
    ExperienceStatus,
    FileKind,
    PromotionBatch,
)
from shidian.pilots.models import PilotArea
from shidian.plans.models import FocusArea

SEARCH_KIND = "experience"
CONTENT_FIELDS = ("title", "focus_area", "summary", "body")
MAX_RESULTS = 20
ATTACHMENTS = (uploads.PDF, uploads.DOCX, uploads.XLSX)


@dataclass(frozen=True)
class ResultRow:
    """One result with a number as typed: what, value, unit."""

    what: str
    value: decimal.Decimal
    unit: str = ""


def _actor(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


def _clean_content(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {
        "title": text.clean(str(values.get("title", ""))).strip(),
        "summary": text.clean(str(values.get("summary", "")), multiline=True).strip(),
        "body": text.clean(str(values.get("body", "")), multiline=True).strip(),
    }
    if not cleaned["title"]:
        raise DomainError(_("“标题”不能为空。"))
    text.check_lengths(Experience, cleaned)
    focus = values.get("focus_area")
    if not isinstance(focus, FocusArea):
        raise DomainError(_("请选择“重点领域”。"))
    cleaned["focus_area"] = focus
    return cleaned


def _clean_results(rows: Iterable[ResultRow]) -> list[ResultRow]:
    cleaned: list[ResultRow] = []
    for n, row in enumerate(rows, start=1):
        what = text.clean(row.what).strip()
        unit = text.clean(row.unit).strip()
        if not what:
            raise DomainError(_("成效数据第 %(n)d 行：“成效”不能为空。") % {"n": n})
        if len(what) > 100 or len(unit) > 20:
            raise DomainError(_("成效数据第 %(n)d 行：“成效”最多 100 个字，“单位”最多 20 个字。") % {"n": n})
        if not row.value.is_finite() or abs(row.value) >= decimal.Decimal("1e14"):
            raise DomainError(_("成效数据第 %(n)d 行：“数值”超出范围。") % {"n": n})
        cleaned.append(ResultRow(what, row.value.quantize(decimal.Decimal("0.01")), unit))
    if len(cleaned) > MAX_RESULTS:
        raise DomainError(_("成效数据最多 %(n)d 行。") % {"n": MAX_RESULTS})
    return cleaned


def _write_results(experience: Experience, rows: Sequence[ResultRow]) -> None:
    experience.results.all().delete()
    ExperienceResult.objects.bulk_create(
        ExperienceResult(experience=experience, position=n, what=r.what, value=r.value, unit=r.unit)
        for n, r in enumerate(rows, start=1)
    )


def _results_snapshot(experience: Experience) -> list[str]:
    return [f"{r.what} {r.value}{r.unit}" for r in experience.results.all()]


@transaction.atomic
def create_experience(
    *,
    pilot: PilotArea,
    by: Any,
    values: Mapping[str, Any],
    results: Iterable[ResultRow] = (),
    is_demo: bool = False,
) -> Experience:
    """Draft a new experience of ``pilot`` (its own office only)."""
    if not permissions.can_propose_for(by, pilot):
        raise NotFound
    cleaned = _clean_content(values)
    rows = _clean_results(results)
    experience = Experience.objects.create(pilot=pilot, created_by=_actor(by), is_demo=is_demo, **cleaned)
    _write_results(experience, rows)
    audit.record(
        action=AuditAction.EXPERIENCE_CREATED,
        actor=by,
        obj=experience,
        detail={"title": experience.title, "results": len(rows)},
    )
    return experience


@transaction.atomic
def update_experience(
    *, experience: Experience, by: Any, values: Mapping[str, Any], results: Iterable[ResultRow] = ()
) -> Experience:
    """Change a draft or returned experience; saving it unchanged writes nothing."""
    locked = Experience.objects.select_for_update().get(pk=experience.pk)
    if not permissions.can_propose_for(by, locked.pilot):
        raise NotFound
    if not locked.is_editable:
        raise DomainError(_("只有草稿或退回修改的典型经验可以修改。"))
    cleaned = _clean_content(values)
    rows = _clean_results(results)
    before = {**audit.snapshot(locked, CONTENT_FIELDS), "results": _results_snapshot(locked)}
    for name, value in cleaned.items():
        setattr(locked, name, value)
    after = {
        **audit.snapshot(locked, CONTENT_FIELDS),
        "results": [f"{r.what} {r.value}{r.unit}" for r in rows],
    }
    changes = audit.diff(before, after)
    if not changes:
        return locked
    locked.save(update_fields=[*CONTENT_FIELDS, "updated_at"])
    if "results" in changes:
        _write_results(locked, rows)
    audit.record(action=AuditAction.EXPERIENCE_UPDATED, actor=by, obj=locked, changes=changes)
    return locked


@transaction.atomic
def add_file(*, experience: Experience, by: Any, content: bytes, file_name: str, caption: str = "") -> ExperienceFile:
    """Attach a document (PDF, DOCX, XLSX) or a photo; photos are re-encoded without their metadata."""
    if not permissions.can_edit(by, experience):
        raise NotFound
    name = text.clean(file_name).strip()[:200] or "file"
    caption = text.clean(caption).strip()[:200]
    limit = settings.EXPERIENCE_FILE_MAX_BYTES
    sniffed = uploads.check(content, allowed=(*ATTACHMENTS, *uploads.IMAGES), max_bytes=limit, name=name)
    width = height = None
    if sniffed in uploads.IMAGES:
        image = uploads.reencode_image(content, max_bytes=limit, name=name)
        content, sniffed, width, height = image.content, image.kind, image.width, image.height
        name = uploads.download_name(name, sniffed)
        kind = FileKind.PHOTO
    else:
        kind = FileKind.ATTACHMENT
    stored = ExperienceFile.objects.create(
        experience=experience,
        kind=kind,
        caption=caption,
        width=width,
        height=height,
        uploaded_by=_actor(by),
        **uploads.stored(content, file_name=name, content_type=sniffed.content_type),
    )
    audit.record(
        action=AuditAction.EXPERIENCE_FILE_ADDED,
        actor=by,
        obj=stored,
        detail={"experience": experience.pk, "file_name": name, "kind": kind, "size": len(content)},
    )
    return stored


@transaction.atomic
def remove_file(*, stored: ExperienceFile, by: Any) -> None:
    """Remove a file from a draft or returned experience."""
    if not permissions.can_edit(by, stored.experience):
        raise NotFound
    audit.record(
        action=AuditAction.EXPERIENCE_FILE_REMOVED,
        actor=by,
        obj=stored,
        detail={"experience": stored.experience_id, "file_name": stored.file_name},
    )
    stored.delete()


def submit_experience(*, experience: Experience, by: Any) -> Experience:
    """The pilot submits its experience to its province (again after a return)."""

    def guard(locked: Experience) -> None:
        if not permissions.can_propose_for(by, locked.pilot):
            raise NotFound

    def apply(locked: Experience) -> Effects:
        labels = {"summary": _("摘要"), "body": _("正文")}
        missing = [label for name, label in labels.items() if not getattr(locked, name)]
        if missing:
            raise DomainError(_("报送前请填写：%(fields)s。") % {"fields": "、".join(missing)})
        locked.submitted_on = clock.today()
        return Effects(fields=["submitted_on"])

    return move(experience, ExperienceStatus.SUBMITTED, flow=EXPERIENCE_FLOW, by=by, guard=guard, apply=apply)


def _comment(comment: str, *, required: bool) -> str:
    cleaned = text.clean(comment, multiline=True).strip()
    if required and not cleaned:
        raise DomainError(_("请填写“审核意见”。"))
    text.check_lengths(Experience, {"review_comment": cleaned})
    return cleaned


def recommend_experience(*, experience: Experience, by: Any, comment: str = "") -> Experience:
    """The province recommends its pilot's experience to the commission."""
    cleaned = _comment(comment, required=False)

    def guard(locked: Experience) -> None:
        if not permissions.can_recommend(by, locked):
            raise NotFound

    def apply(locked: Experience) -> Effects:
        locked.recommended_on = clock.today()
        locked.review_comment = cleaned
        return Effects(fields=["recommended_on", "review_comment"], detail={"comment": cleaned})

    return move(experience, ExperienceStatus.RECOMMENDED, flow=EXPERIENCE_FLOW, by=by, guard=guard, apply=apply)


def return_experience(*, experience: Experience, by: Any, comment: str) -> Experience:
    """The province returns the experience to its pilot, saying why."""
    cleaned = _comment(comment, required=True)

    def guard(locked: Experience) -> None:
        if not permissions.can_recommend(by, locked):
            raise NotFound

    def apply(locked: Experience) -> Effects:
        locked.review_comment = cleaned
        return Effects(fields=["review_comment"], detail={"comment": cleaned})

    return move(experience, ExperienceStatus.RETURNED, flow=EXPERIENCE_FLOW, by=by, guard=guard, apply=apply)


def _require_select(by: Any) -> None:
    if not permissions.can_select(by):
        raise NotFound


def select_experience(*, experience: Experience, by: Any, batch: PromotionBatch | None) -> Experience:
    """The commission selects a recommended experience into a promotion batch."""
    _require_select(by)
    if batch is None:
        raise DomainError(_("请选择“推广批次”。"))

    def apply(locked: Experience) -> Effects:
        locked.batch = batch
        locked.selected_on = clock.today()
        return Effects(fields=["batch", "selected_on"], changes={"batch": [None, batch.name]})

    return move(experience, ExperienceStatus.SELECTED, flow=EXPERIENCE_FLOW, by=by, apply=apply)


def decline_experience(*, experience: Experience, by: Any, comment: str) -> Experience:
    """The commission declines a recommended experience, saying why."""
    _require_select(by)
    cleaned = _comment(comment, required=True)

    def apply(locked: Experience) -> Effects:
        locked.review_comment = cleaned
        return Effects(fields=["review_comment"], detail={"comment": cleaned})

    return move(experience, ExperienceStatus.DECLINED, flow=EXPERIENCE_FLOW, by=by, apply=apply)


@transaction.atomic
def publish_experience(*, experience: Experience, by: Any) -> Experience:
    """Publish a selected experience (anything not selected is refused) and index it for search."""
    _require_select(by)

    def apply(locked: Experience) -> Effects:
        locked.published_on = clock.today()
        return Effects(fields=["published_on"])

    published = move(experience, ExperienceStatus.PUBLISHED, flow=EXPERIENCE_FLOW, by=by, apply=apply)
    index_experience(published)
    return published


def search_text(experience: Experience) -> str:
    """The text search reads of an experience: pilot, focus area, batch, summary, body and results."""
    parts = [
        experience.pilot.name,
        experience.focus_area.name,
        experience.batch.name if experience.batch else "",
        experience.summary,
        experience.body,
        *(f"{r.what} {r.value}{r.unit}" for r in experience.results.all()),
    ]
    return "\n".join(p for p in parts if p)


def index_experience(experience: Experience) -> None:
    """Put a published experience into the search index (other statuses are never indexed)."""
    if not experience.is_published:
        search.remove_entry(kind=SEARCH_KIND, object_id=experience.pk)
        return
    search.index_entry(
        kind=SEARCH_KIND,
        object_id=experience.pk,
        title=experience.title,
        text=search_text(experience),
        url=reverse("experiences:detail", kwargs={"experience_id": experience.pk}),
        published=True,
        province_id=experience.pilot.province_id,
        pilot_id=experience.pilot_id,
        dated=experience.published_on,
    )


def reindex_experiences() -> int:
    """Rebuild the experiences' part of the search index (after a dictionary change, or a restore)."""
    published = list(
        Experience.objects.filter(status=ExperienceStatus.PUBLISHED).select_related("pilot", "focus_area", "batch")
    )
    for experience in published:
        index_experience(experience)
    search.remove_kind(SEARCH_KIND, keep=[e.pk for e in published])
    return len(published)


@transaction.atomic
def create_batch(*, name: str, by: Any, issued_on: dt.date | None = None, is_demo: bool = False) -> PromotionBatch:
    """Open a named promotion batch (e.g. 国家新型城镇化综合试点经验（第一批）)."""
    _require_select(by)
    cleaned = text.clean(name).strip()
    if not cleaned:
        raise DomainError(_("“批次名称”不能为空。"))
    text.check_lengths(PromotionBatch, {"name": cleaned})
    if PromotionBatch.objects.filter(name=cleaned).exists():
        raise DomainError(_("已有名为“%(name)s”的推广批次。") % {"name": cleaned})
    batch = PromotionBatch.objects.create(name=cleaned, issued_on=issued_on, created_by=_actor(by), is_demo=is_demo)
    audit.record(action=AuditAction.PROMOTION_BATCH_CREATED, actor=by, obj=batch, detail={"name": cleaned})
    return batch


@transaction.atomic
def record_adoption(
    *,
    experience: Experience,
    pilot: PilotArea,
    by: Any,
    what: str,
    adopted_on: dt.date,
    result: str = "",
    is_demo: bool = False,
) -> Adoption:
    """Another pilot records that it adopted a published experience (what, when, with what result)."""
    if not permissions.can_propose_for(by, pilot):
        raise NotFound
    if not experience.is_published:
        raise DomainError(_("只能登记借鉴已发布的典型经验。"))
    if pilot.pk == experience.pilot_id:
        raise DomainError(_("典型经验的提出地区不能登记借鉴自己的经验。"))
    cleaned_what = text.clean(what).strip()
    cleaned_result = text.clean(result, multiline=True).strip()
    if not cleaned_what:
        raise DomainError(_("“借鉴内容”不能为空。"))
    text.check_lengths(Adoption, {"what": cleaned_what, "result": cleaned_result})
    if adopted_on > clock.today():
        raise DomainError(_("“借鉴日期”不能晚于今天。"))
    if experience.published_on and adopted_on < experience.published_on:
        raise DomainError(_("“借鉴日期”不能早于经验发布日期 %(day)s。") % {"day": experience.published_on})
    if Adoption.objects.filter(experience=experience, pilot=pilot).exists():
        raise DomainError(_("本地区已登记借鉴过这条经验。"))
    adoption = Adoption.objects.create(
        experience=experience,
        pilot=pilot,
        what=cleaned_what,
        adopted_on=adopted_on,
        result=cleaned_result,
        recorded_by=_actor(by),
        is_demo=is_demo,
    )
    audit.record(
        action=AuditAction.ADOPTION_RECORDED,
        actor=by,
        obj=adoption,
        detail={"experience": experience.pk, "pilot": pilot.name, "adopted_on": adopted_on},
    )
    return adoption
