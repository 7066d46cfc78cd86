"""A pilot report's difficulty tags (the ministries concerned)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import Organisation, OrganisationKind
from shidian.core import audit
from shidian.core.errors import DomainError
from shidian.reporting.models import DifficultyTag, PilotReport, TagKind
from shidian.reporting.services.pilot_reports import _editable_for


@transaction.atomic
def add_tag(*, report: PilotReport, kind: str, text: str, ministry_ids: list[int], by: Any) -> DifficultyTag:
    """Tag one difficulty or suggestion of the draft with the ministries concerned."""
    locked = _editable_for(report, by)
    if kind not in TagKind.values:
        raise DomainError(_("未知的标注类别。"))
    if not text.strip():
        raise DomainError(_("请填写困难或建议的内容。"))
    ministries = list(Organisation.objects.filter(kind=OrganisationKind.MINISTRY, pk__in=ministry_ids))
    if not ministries or len(ministries) != len(set(ministry_ids)):
        raise DomainError(_("请至少选择一个涉及的部门。"))
    tag = DifficultyTag.objects.create(report=locked, kind=kind, text=text.strip())
    tag.ministries.set(ministries)
    audit.record(
        action=audit.AuditAction.TAG_CREATED,
        actor=by,
        obj=tag,
        detail={"report": locked.pk, "kind": kind, "ministries": [m.name for m in ministries]},
    )
    return tag


@transaction.atomic
def remove_tag(*, tag: DifficultyTag, by: Any) -> None:
    _editable_for(tag.report, by)
    audit.record(action=audit.AuditAction.TAG_DELETED, actor=by, obj=tag, detail={"report": tag.report_id})
    tag.delete()
