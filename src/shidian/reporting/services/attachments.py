"""A pilot report's attachments."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction

from shidian.core import audit
from shidian.reporting import uploads
from shidian.reporting.models import Attachment, PilotReport
from shidian.reporting.services.pilot_reports import _editable_for


@transaction.atomic
def add_attachment(*, report: PilotReport, file_name: str, content: bytes, by: Any) -> Attachment:
    """Attach a file to the draft after checking its type by content and its size."""
    content_type = uploads.check_attachment(file_name=file_name, content=content)
    locked = _editable_for(report, by)
    attachment = Attachment.objects.create(
        report=locked,
        file_name=file_name[-200:],
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by=by,
    )
    audit.record(
        action=audit.AuditAction.ATTACHMENT_ADDED,
        actor=by,
        obj=attachment,
        detail={"report": locked.pk, "size": len(content), "content_type": content_type},
    )
    return attachment


@transaction.atomic
def remove_attachment(*, attachment: Attachment, by: Any) -> Attachment:
    """Take a file out of the draft (versions that included it keep it)."""
    _editable_for(attachment.report, by)
    attachment.is_current = False
    attachment.save(update_fields=["is_current"])
    audit.record(action=audit.AuditAction.ATTACHMENT_REMOVED, actor=by, obj=attachment)
    return attachment
