"""An experience drafted and edited: its content and its results, checked and audited."""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit, text
from shidian.core.actors import SystemActor
from shidian.core.audit_actions import AuditAction
from shidian.core.errors import DomainError, NotFound
from shidian.experiences import permissions
from shidian.experiences.models import (
    Experience,
    ExperienceResult,
)
from shidian.experiences.services._common import CONTENT_FIELDS, MAX_RESULTS, ResultRow, _actor
from shidian.pilots.models import PilotArea
from shidian.plans.models import FocusArea


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
    by: User | SystemActor,
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
    *, experience: Experience, by: User | SystemActor, values: Mapping[str, Any], results: Iterable[ResultRow] = ()
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
