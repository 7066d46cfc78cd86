"""Report attachments: PDF, DOCX, XLSX and images, checked by core.uploads (content, size, zip bombs)."""

from __future__ import annotations

from django.conf import settings

from shidian.core import uploads

DOCX = uploads.DOCX.content_type
XLSX = uploads.XLSX.content_type


def max_bytes() -> int:
    return int(settings.REPORT_ATTACHMENT_MAX_BYTES)


def sniff(content: bytes) -> str | None:
    """The content type of an allowed attachment, judged by its bytes; None if not allowed."""
    kind = uploads.sniff(content)
    return kind.content_type if kind in uploads.DOCUMENTS else None


def check_attachment(*, file_name: str, content: bytes) -> str:
    """Return the content type, or refuse a file that is empty, too large, a zip bomb or of a type not allowed."""
    return uploads.check(content, allowed=uploads.DOCUMENTS, max_bytes=max_bytes(), name=file_name).content_type
