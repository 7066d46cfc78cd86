"""Promotion batches (推广批次) and adoptions of a published experience elsewhere."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit, clock, text
from shidian.core.actors import SystemActor
from shidian.core.audit_actions import AuditAction
from shidian.core.errors import DomainError, NotFound
from shidian.experiences import permissions
from shidian.experiences.models import (
    Adoption,
    Experience,
    PromotionBatch,
)
from shidian.experiences.services._common import _actor
from shidian.experiences.services.review import _require_select
from shidian.pilots.models import PilotArea


@transaction.atomic
def create_batch(
    *, name: str, by: User | SystemActor, issued_on: dt.date | None = None, is_demo: bool = False
) -> PromotionBatch:
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
    by: User | SystemActor,
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
