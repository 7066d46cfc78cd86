"""A pilot report's attachments."""

from __future__ import annotations

from django.db import transaction

from shidian.accounts.models import User
from shidian.core import audit
from shidian.core import uploads as core_uploads
from shidian.reporting import uploads
from shidian.reporting.models import Attachment, PilotReport
from shidian.reporting.services.pilot_reports import _editable_for


@transaction.atomic
def add_attachment(*, report: PilotReport, file_name: str, content: bytes, by: User) -> Attachment:
    """Attach a file to the draft after checking its type by content and its size."""
    content_type = uploads.check_attachment(file_name=file_name, content=content)
    locked = _editable_for(report, by)
    attachment = Attachment.objects.create(
        report=locked,
        uploaded_by=by,
        # The name's end is kept (its extension), where a long name would lose it.
        **core_uploads.stored(content, file_name=file_name[-200:], content_type=content_type),
    )
    audit.record(
        action=audit.AuditAction.ATTACHMENT_ADDED,
        actor=by,
        obj=attachment,
        detail={"report": locked.pk, "size": len(content), "content_type": content_type},
    )
    return attachment


@transaction.atomic
def remove_attachment(*, attachment: Attachment, by: User) -> Attachment:
    """Take a file out of the draft (versions that included it keep it)."""
    _editable_for(attachment.report, by)
    attachment.is_current = False
    attachment.save(update_fields=["is_current"])
    audit.record(action=audit.AuditAction.ATTACHMENT_REMOVED, actor=by, obj=attachment)
    return attachment
