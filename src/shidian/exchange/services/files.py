"""Files received with difficulties and notices: checked before anything is written, stored, audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from shidian.accounts.models import User
from shidian.core import audit, uploads
from shidian.core.actors import SystemActor
from shidian.core.audit_actions import AuditAction
from shidian.exchange.models import Difficulty, DifficultyFile, Notice, NoticeFile, Reply


@dataclass(frozen=True)
class Upload:
    """A file as a form received it: its name and bytes."""

    name: str
    content: bytes


def _checked(files: Sequence[Upload]) -> list[tuple[Upload, str]]:
    """Every file checked (type by content, size) before anything is written; a refusal names the file."""
    limit = int(settings.EXCHANGE_FILE_MAX_BYTES)
    return [
        (f, uploads.check(f.content, allowed=uploads.DOCUMENTS, max_bytes=limit, name=f.name).content_type)
        for f in files
    ]


def _store_files(
    difficulty: Difficulty, files: list[tuple[Upload, str]], by: User | SystemActor, *, reply: Reply | None = None
) -> None:
    for upload, content_type in files:
        stored = DifficultyFile.objects.create(
            difficulty=difficulty,
            reply=reply,
            uploaded_by=_user(by),
            **uploads.stored(upload.content, file_name=upload.name, content_type=content_type),
        )
        audit.record(
            action=AuditAction.DIFFICULTY_FILE_ADDED,
            actor=by,
            obj=difficulty,
            detail={
                "file": stored.file_name,
                "size": stored.size,
                "sha256": stored.sha256,
                "reply": reply.pk if reply is not None else None,
            },
        )


def _store_notice_files(notice: Notice, files: list[tuple[Upload, str]]) -> None:
    for upload, content_type in files:
        NoticeFile.objects.create(
            notice=notice, **uploads.stored(upload.content, file_name=upload.name, content_type=content_type)
        )


def _user(by: User | SystemActor) -> User | None:
    """The person acting, or None for the platform's own jobs."""
    return by if isinstance(by, User) else None


def record_download(*, obj: Notice | Difficulty, by: User | SystemActor, file_name: str, action: AuditAction) -> None:
    """A download of a stored file or a generated document is audited."""
    audit.record(action=action, actor=by, obj=obj, detail={"file": file_name})
