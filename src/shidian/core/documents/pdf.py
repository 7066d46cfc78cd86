"""The server's PDF: the same DOCX laid out by LibreOffice (headless), so both read alike.

LibreOffice resolves the official font names through the fontconfig file that ``make setup`` installs
(scripts/fontconfig/): 仿宋 and 小标宋 in Noto Serif CJK, 楷体 in LXGW WenKai or AR PL UKai, 黑体 in Noto Sans CJK;
it embeds the subsets it draws with. One LibreOffice profile per process, used by one conversion at a time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from shidian.core.documents.docx import render_docx
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
    program = soffice()
    with _lock, tempfile.TemporaryDirectory(prefix="shidian-pdf-") as work:
        source = Path(work) / "document.docx"
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
            str(source),
        ]
        result = subprocess.run(  # noqa: S603 - fixed program and arguments, the file is ours
            command, capture_output=True, timeout=CONVERT_TIMEOUT_S, check=False
        )
        target = Path(work) / "document.pdf"
        if result.returncode != 0 or not target.exists():
            raise RuntimeError(f"LibreOffice could not convert the document: {result.stderr.decode(errors='replace')}")
        return target.read_bytes()


def render_pdf(document: OfficialDocument) -> bytes:
    """Return the document as PDF, laid out from its DOCX."""
    return docx_to_pdf(render_docx(document))
