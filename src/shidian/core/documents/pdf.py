"""The server's PDF: the same DOCX laid out by LibreOffice (headless), so both read alike.

LibreOffice resolves the official font names through the fontconfig file that ``make setup`` installs
(scripts/fontconfig/): 仿宋 and 小标宋 in Noto Serif CJK, 楷体 in LXGW WenKai or AR PL UKai, 黑体 in Noto Sans CJK;
it embeds the subsets it draws with. One LibreOffice profile per process, used by one conversion at a time.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from shidian.core.documents.docx import has_record, render_docx
from shidian.core.documents.elements import OfficialDocument

CONVERT_TIMEOUT_S = 120
_lock = threading.Lock()
_profile: Path | None = None


class ConverterMissing(RuntimeError):
    """LibreOffice is not installed (``make setup`` installs libreoffice-writer-nogui)."""


def soffice() -> str:
    """Return the path of LibreOffice's ``soffice``, or raise :class:`ConverterMissing`."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise ConverterMissing("LibreOffice (soffice) not found: install libreoffice-writer-nogui (make setup)")
    return found


def _profile_dir() -> Path:
    global _profile
    if _profile is None or not _profile.exists():
        _profile = Path(tempfile.mkdtemp(prefix=f"shidian-lo-{os.getpid()}-"))
    return _profile


def docx_to_pdf(content: bytes) -> bytes:
    """Return the PDF LibreOffice lays out from DOCX bytes."""
    return _convert([content])[0]


def _convert(contents: list[bytes]) -> list[bytes]:
    """Lay several DOCX out in one LibreOffice run (it starts once: most of a conversion's cost)."""
    program = soffice()
    with _lock, tempfile.TemporaryDirectory(prefix="shidian-pdf-") as work:
        sources = [Path(work) / f"document-{index}.docx" for index in range(len(contents))]
        for source, content in zip(sources, contents, strict=True):
            source.write_bytes(content)
        command = [
            program,
            f"-env:UserInstallation={_profile_dir().as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            work,
            *map(str, sources),
        ]
        result = subprocess.run(  # noqa: S603 - fixed program and arguments, the files are ours
            command, capture_output=True, timeout=CONVERT_TIMEOUT_S, check=False
        )
        targets = [source.with_suffix(".pdf") for source in sources]
        if result.returncode != 0 or not all(target.exists() for target in targets):
            raise RuntimeError(f"LibreOffice could not convert the document: {result.stderr.decode(errors='replace')}")
        return [target.read_bytes() for target in targets]


def page_count(pdf: bytes) -> int:
    """Return the number of pages of a PDF."""
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def render_pdf(document: OfficialDocument) -> bytes:
    """Return the document as PDF, laid out from its DOCX.

    A document with a 版记 ends on an even page (GB/T 9704: the 版记 is on the last, even page, the back of
    the sheet). Only the layout knows the page count, so LibreOffice lays out, in one run, the document as it
    is and with one and with two page breaks before the 版记, and the first that ends on an even page is
    kept: one break when the 版记 shared an odd last page with the body, two when it stood alone on it
    (the body's last page, even, had no room left), which leaves a blank page before the 版记's page.
    """
    if not has_record(document):
        return docx_to_pdf(render_docx(document))
    variants = _convert([render_docx(document, record_page_breaks=breaks) for breaks in range(3)])
    return next((pdf for pdf in variants if page_count(pdf) % 2 == 0), variants[0])
