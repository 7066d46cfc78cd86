"""Attachments: type judged by content, size-limited; refused files change nothing."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from docx import Document

from shidian.accounts.models import User
from shidian.core.errors import DomainError
from shidian.reporting import services
from shidian.reporting.models import Attachment
from shidian.reporting.tests.factories import filled_report, year_end

pytestmark = pytest.mark.django_db
UserGetter = Callable[[str], User]


def docx_bytes() -> bytes:
    out = io.BytesIO()
    Document().save(out)
    return out.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%...\n"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("报告.pdf", PDF, "application/pdf"),
        ("照片.png", PNG, "image/png"),
        ("说明.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_allowed_files_are_attached(user: UserGetter, name: str, content: bytes, content_type: str) -> None:
    pilot = user("demo-pilot")
    report = filled_report(pilot, year_end())
    attachment = services.add_attachment(report=report, file_name=name, content=content, by=pilot)
    assert attachment.content_type == content_type and attachment.size == len(content)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("伪装.pdf", b"MZ\x90\x00 this is an exe"),
        ("脚本.docx", b"#!/bin/sh\nrm -rf /\n"),
        ("普通压缩包.xlsx", b""),
        ("空.png", b""),
    ],
)
def test_wrong_types_are_refused(user: UserGetter, name: str, content: bytes) -> None:
    pilot = user("demo-pilot")
    report = filled_report(pilot, year_end())
    if name == "普通压缩包.xlsx":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("readme.txt", "not an office file")
        content = out.getvalue()
    with pytest.raises(DomainError, match=name):
        services.add_attachment(report=report, file_name=name, content=content, by=pilot)
    assert not Attachment.objects.filter(report=report).exists()


def test_too_large_files_are_refused(user: UserGetter, settings: Any) -> None:
    settings.REPORT_ATTACHMENT_MAX_BYTES = 1024 * 1024
    pilot = user("demo-pilot")
    report = filled_report(pilot, year_end())
    with pytest.raises(DomainError, match="文件过大"):
        services.add_attachment(report=report, file_name="大.pdf", content=PDF + b"0" * 1024 * 1024, by=pilot)
    assert not Attachment.objects.filter(report=report).exists()


def test_submitted_versions_keep_their_attachments(user: UserGetter) -> None:
    pilot, province = user("demo-pilot"), user("demo-province")
    report = filled_report(pilot, year_end())
    first = services.add_attachment(report=report, file_name="a.pdf", content=PDF, by=pilot)
    report = services.submit_pilot_report(report=report, by=pilot)
    with pytest.raises(DomainError):
        services.add_attachment(report=report, file_name="b.pdf", content=PDF, by=pilot)
    report = services.return_pilot_report(report=report, comment="换附件", by=province)
    services.remove_attachment(attachment=first, by=pilot)
    services.add_attachment(report=report, file_name="b.pdf", content=PDF, by=pilot)
    report = services.submit_pilot_report(report=report, by=pilot)
    v1, v2 = report.versions.order_by("number")
    assert [a.file_name for a in v1.attachments.all()] == ["a.pdf"]
    assert [a.file_name for a in v2.attachments.all()] == ["b.pdf"]
