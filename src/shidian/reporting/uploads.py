"""Check report attachments by their content: PDF, DOCX, XLSX, PNG, JPEG, GIF; size-limited."""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from shidian.core.errors import DomainError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Uncompressed size a DOCX/XLSX may claim before it is treated as a zip bomb.
MAX_UNZIPPED = 200 * 1024 * 1024

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def max_bytes() -> int:
    return int(getattr(settings, "REPORT_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _office_type(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                return None
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def sniff(content: bytes) -> str | None:
    """The content type of an allowed file, judged by its bytes (never by its name); None if not allowed."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if content.startswith(b"PK\x03\x04"):
        return _office_type(content)
    return None


def check_attachment(*, file_name: str, content: bytes) -> str:
    """Return the content type, or refuse a file that is empty, too large or of a type not allowed."""
    limit = max_bytes()
    if not content:
        raise DomainError(_("附件“%(name)s”是空文件。") % {"name": file_name})
    if len(content) > limit:
        raise DomainError(
            _("附件“%(name)s”超过大小上限（%(limit)d MB）。") % {"name": file_name, "limit": limit // (1024 * 1024)}
        )
    content_type = sniff(content)
    if content_type is None:
        raise DomainError(
            _("附件“%(name)s”的类型不允许：只接受 PDF、DOCX、XLSX 和图片（PNG、JPEG、GIF），按文件内容判断。")
            % {"name": file_name}
        )
    return content_type
