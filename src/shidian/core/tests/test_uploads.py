"""One upload check for every upload: type by content, size, zip bombs; downloads typed by content."""

from __future__ import annotations

import io
import zipfile

import pytest

from shidian.core import uploads
from shidian.core.errors import DomainError

PDF = b"%PDF-1.4\n%%EOF\n"


def office(kind: str, payload: bytes = b"<x/>", *, size: int = 0) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", payload)
        if size:
            archive.writestr("bomb.xml", b"\x00" * size)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PDF, uploads.PDF),
        (b"\x89PNG\r\n\x1a\nxxxx", uploads.PNG),
        (b"\xff\xd8\xff\xe0", uploads.JPEG),
        (office("docx"), uploads.DOCX),
        (office("xlsx"), uploads.XLSX),
        ("省,名称\n广西,柳州\n".encode(), uploads.CSV),
    ],
)
def test_kinds_are_told_by_content(content: bytes, kind: uploads.FileKind) -> None:
    assert uploads.sniff(content) is kind


@pytest.mark.parametrize("allowed", [uploads.DOCUMENTS, uploads.TABLES, uploads.WORKBOOKS])
def test_a_zip_bomb_is_refused_by_every_upload(allowed: tuple[uploads.FileKind, ...]) -> None:
    bomb = office("xlsx", size=60 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    with pytest.raises(DomainError, match="压缩炸弹"):
        uploads.check(bomb, allowed=allowed, max_bytes=10 * 1024 * 1024)


def test_a_zip_bomb_docx_is_refused_as_evidence_and_as_attachment() -> None:
    bomb = office("docx", size=60 * 1024 * 1024)
    with pytest.raises(DomainError, match="压缩炸弹"):
        uploads.check(bomb, allowed=uploads.DOCUMENTS, max_bytes=10 * 1024 * 1024, name="x.docx")
    from shidian.plans.services import sniff_evidence
    from shidian.reporting.uploads import check_attachment

    with pytest.raises(DomainError, match="压缩炸弹"):
        sniff_evidence(bomb)
    with pytest.raises(DomainError, match="压缩炸弹"):
        check_attachment(file_name="x.docx", content=bomb)


def test_html_is_not_a_document_whatever_its_name() -> None:
    with pytest.raises(DomainError, match="类型不允许"):
        uploads.check(
            b"<html><script>alert(1)</script></html>", allowed=uploads.DOCUMENTS, max_bytes=1000, name="x.pdf"
        )


def test_size_and_emptiness() -> None:
    with pytest.raises(DomainError, match="文件为空"):
        uploads.check(b"", allowed=uploads.DOCUMENTS, max_bytes=10)
    with pytest.raises(DomainError, match="文件过大"):
        uploads.check(PDF, allowed=uploads.DOCUMENTS, max_bytes=5)


def test_a_download_takes_its_type_from_the_content_not_the_name() -> None:
    response = uploads.attachment_response(PDF, file_name="x.html")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "x.pdf" in response["Content-Disposition"] and ".html" not in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_text_stored_under_another_name_is_served_as_bytes() -> None:
    response = uploads.attachment_response(b"<html><script>alert(1)</script></html>", file_name="x.html")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]


def test_stored_keeps_name_type_size_digest_and_bytes() -> None:
    import hashlib

    content = b"%PDF-1.4 test"
    columns = uploads.stored(content, file_name="名" * 250, content_type="application/pdf")
    assert columns == {
        "file_name": "名" * 200,
        "content_type": "application/pdf",
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "content": content,
    }
