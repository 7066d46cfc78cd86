"""An experience's documents and photos: checked by content, photos re-encoded, audited."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from shidian.accounts.models import User
from shidian.core import audit, text, uploads
from shidian.core.actors import SystemActor
from shidian.core.audit_actions import AuditAction
from shidian.core.errors import NotFound
from shidian.experiences import permissions
from shidian.experiences.models import (
    Experience,
    ExperienceFile,
    FileKind,
)
from shidian.experiences.services._common import ATTACHMENTS, _actor


@transaction.atomic
def add_file(
    *, experience: Experience, by: User | SystemActor, content: bytes, file_name: str, caption: str = ""
) -> ExperienceFile:
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
def remove_file(*, stored: ExperienceFile, by: User | SystemActor) -> None:
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
