"""Evidence files attached to a milestone."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit, uploads
from shidian.core.errors import DomainError
from shidian.plans import permissions
from shidian.plans.models import Milestone, MilestoneEvidence


def sniff_evidence(content: bytes) -> str:
    """The evidence type by content (PDF, PNG, JPEG, GIF, DOCX, XLSX); anything else is refused."""
    kind = uploads.sniff(content)
    if kind not in uploads.DOCUMENTS:
        raise uploads.type_refused(uploads.DOCUMENTS)
    return kind.name


@transaction.atomic
def attach_evidence(*, milestone: Milestone, file_name: str, content: bytes, by: User) -> MilestoneEvidence:
    """Attach a file to a milestone after checking its type by content and its size."""
    if not permissions.can_update_milestone(by, milestone):
        raise DomainError(_("只有牵头单位可以上传该节点的佐证材料。"))
    kind = uploads.check(
        content, allowed=uploads.DOCUMENTS, max_bytes=settings.PLAN_EVIDENCE_MAX_BYTES, name=file_name
    ).name
    digest = hashlib.sha256(content).hexdigest()[:16]
    evidence = MilestoneEvidence(
        milestone=milestone,
        original_name=file_name[:200] or f"evidence.{kind}",
        kind=kind,
        size=len(content),
        uploaded_by=by,
    )
    evidence.file.save(f"{digest}.{kind}", ContentFile(content), save=False)
    evidence.save()
    audit.record(
        action=audit.AuditAction.EVIDENCE_ATTACHED,
        actor=by,
        obj=evidence,
        detail={"milestone": milestone.pk, "kind": kind, "size": len(content)},
    )
    return evidence
