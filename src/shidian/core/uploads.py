"""One check for every upload and one way to serve stored files back.

Type by content, never by name; size and zip-bomb limits before anything parses the file. Report
attachments, milestone evidence, the plan, indicator and registry imports all go through ``check``;
downloads of stored files go through ``attachment_response`` with the type of the sniffed content, so a
file named ``x.html`` is never served as a page.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _

from shidian.core.errors import DomainError


@dataclass(frozen=True)
class FileKind:
    """A file type the platform accepts: short name, extension and the content type it is served with."""

    name: str
    extension: str
    content_type: str
    label: str


PDF = FileKind("pdf", "pdf", "application/pdf", "PDF")
PNG = FileKind("png", "png", "image/png", "PNG")
JPEG = FileKind("jpg", "jpg", "image/jpeg", "JPEG")
GIF = FileKind("gif", "gif", "image/gif", "GIF")
DOCX = FileKind("docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX")
XLSX = FileKind("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX")
CSV = FileKind("csv", "csv", "text/csv; charset=utf-8", "CSV")
BINARY = FileKind("bin", "bin", "application/octet-stream", "")

# What each kind of upload may be.
DOCUMENTS = (PDF, DOCX, XLSX, PNG, JPEG, GIF)  # report attachments, milestone evidence
TABLES = (XLSX, CSV)  # registry and indicator imports
WORKBOOKS = (XLSX,)  # the plan import (filled-in template)

KINDS_BY_NAME = {k.name: k for k in (PDF, PNG, JPEG, GIF, DOCX, XLSX, CSV)}

_SIGNATURES: list[tuple[bytes, FileKind]] = [
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
]


def _refuse(message: str, name: str) -> DomainError:
    if name:
        return DomainError(_("“%(name)s”：%(message)s") % {"name": name, "message": message})
    return DomainError(message)


def check_zip(content: bytes, *, name: str = "") -> set[str]:
    """The member names of a ZIP container, after refusing a damaged archive or a zip bomb."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _refuse(_("文件损坏，无法读取。"), name) from exc
    total = sum(info.file_size for info in members)
    packed = sum(info.compress_size for info in members) or 1
    if (
        len(members) > settings.UPLOAD_ZIP_MAX_MEMBERS
        or total > settings.UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES
        or total / packed > settings.UPLOAD_ZIP_MAX_RATIO
    ):
        raise _refuse(_("文件解压后过大，已拒绝（疑似压缩炸弹）。"), name)
    return {info.filename for info in members}


def sniff(content: bytes, *, name: str = "") -> FileKind | None:
    """The kind of ``content`` judged by its bytes; None for anything the platform does not accept.

    Office files are ZIP containers: the archive is checked against zip bombs before its names are read.
    Text without NUL bytes counts as CSV (only table imports accept it).
    """
    for signature, kind in _SIGNATURES:
        if content.startswith(signature):
            return kind
    if content.startswith(b"PK\x03\x04"):
        names = check_zip(content, name=name)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return XLSX
        return None
    if content and b"\x00" not in content[:8192]:
        return CSV
    return None


def _kinds_text(allowed: Iterable[FileKind]) -> str:
    return "、".join(k.label for k in allowed)


def check(content: bytes, *, allowed: Iterable[FileKind], max_bytes: int, name: str = "") -> FileKind:
    """Return the kind of an acceptable upload; refuse one that is empty, too large, a zip bomb or not allowed."""
    allowed = tuple(allowed)
    if not content:
        raise _refuse(_("文件为空。"), name)
    if len(content) > max_bytes:
        raise _refuse(
            _("文件过大：%(size)d 字节，上限 %(limit)d 字节。") % {"size": len(content), "limit": max_bytes}, name
        )
    kind = sniff(content, name=name)
    if kind is None or kind not in allowed:
        raise type_refused(allowed, name=name)
    return kind


def type_refused(allowed: Iterable[FileKind], *, name: str = "") -> DomainError:
    """The one refusal for a file of a type this upload does not accept."""
    kinds = _kinds_text(allowed)
    return _refuse(_("文件类型不允许：只接受 %(kinds)s 文件（按文件内容判断，不看文件名）。") % {"kinds": kinds}, name)


def stored(content: bytes, *, file_name: str, content_type: str) -> dict[str, Any]:
    """The columns every kept upload shares, ready for ``create(**...)``: name, type, size, sha256 and bytes.

    Report attachments, experience files and exchange files keep the same five columns; the digest lets
    anyone check later that the bytes served are the bytes received.
    """
    return {
        "file_name": file_name[:200],
        "content_type": content_type,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "content": content,
    }


def _ascii_name(file_name: str, kind: FileKind) -> str:
    stem = file_name.rsplit(".", 1)[0] if "." in file_name else file_name
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in stem).strip("_") or "file"
    return f"{safe[:60]}.{kind.extension}"


def download_name(file_name: str, kind: FileKind) -> str:
    """The name offered to the browser: the user's name, with the extension of the real content."""
    stem = file_name.rsplit(".", 1)[0] if "." in file_name else file_name
    return f"{stem or 'file'}.{kind.extension}"


def attachment_response(content: bytes, *, file_name: str, kind: FileKind | None = None) -> HttpResponse:
    """Serve stored bytes as a download, typed by their sniffed content (never by the stored name)."""
    if kind is None:
        try:
            kind = sniff(content) or BINARY
        except DomainError:
            kind = BINARY
    if kind is CSV and not file_name.lower().endswith(".csv"):
        kind = BINARY  # text that was not uploaded as a table is offered as plain bytes
    name = download_name(file_name, kind) if kind is not BINARY else file_name
    response = HttpResponse(content, content_type=kind.content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{_ascii_name(name, kind)}\"; filename*=UTF-8''{quote(name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


IMAGES = (PNG, JPEG, GIF)  # photos (experiences, portal news)


@dataclass(frozen=True)
class Image:
    """An uploaded image as the platform keeps it: re-encoded bytes, their kind and size in pixels."""

    content: bytes
    kind: FileKind
    width: int
    height: int


def reencode_image(
    content: bytes,
    *,
    max_bytes: int,
    max_pixels: int = 40_000_000,
    max_side: int = 2400,
    name: str = "",
) -> Image:
    """Re-encode an uploaded picture from its pixels alone: the one re-encoder (experiences' photos, portal news).

    Decoding runs a parser over bytes someone else chose, so the upload is typed by content first (``check``:
    PNG, JPEG or GIF, at most ``max_bytes``); Pillow reads only the header before the pixel count is checked, so a
    small file claiming a huge canvas (a decompression bomb) is refused before it is decoded, and Pillow's own
    bomb warning is an error too. The first frame is decoded once, turned upright by its EXIF orientation, scaled
    to at most ``max_side`` pixels and copied into a *new* image from its pixels alone (Pillow would otherwise
    write a JPEG's comment, EXIF or ICC profile back), then written as JPEG, or PNG where it has transparency:
    nothing of the original file (EXIF with GPS and camera, comments, ICC profile, trailing bytes, other frames)
    survives.
    """
    import warnings

    from PIL import Image as PILImage
    from PIL import ImageOps, UnidentifiedImageError

    check(content, allowed=IMAGES, max_bytes=max_bytes, name=name)
    bomb = _("图片像素过多，已拒绝（疑似解压炸弹）。")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(content)) as source:
                width, height = source.size
                if width <= 0 or height <= 0 or width * height > max_pixels:
                    raise _refuse(bomb, name)
                source.seek(0)  # the first frame of an animation only
                source.load()
                picture = ImageOps.exif_transpose(source)
    except DomainError:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
        raise _refuse(bomb, name) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise _refuse(_("不是可以读取的图片（只接受 PNG、JPEG 或 GIF 图片）。"), name) from exc
    picture.thumbnail((max_side, max_side), PILImage.Resampling.LANCZOS)
    has_alpha = picture.mode in {"RGBA", "LA", "PA"} or (picture.mode == "P" and "transparency" in picture.info)
    mode = "RGBA" if has_alpha else "RGB"
    converted = picture.convert(mode)
    clean = PILImage.frombytes(mode, converted.size, converted.tobytes())
    out = io.BytesIO()
    if has_alpha:
        clean.save(out, format="PNG", optimize=True)
        kind = PNG
    else:
        clean.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
        kind = JPEG
    return Image(out.getvalue(), kind, clean.width, clean.height)
