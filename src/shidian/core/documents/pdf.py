"""LibreOffice (headless) lays a DOCX out as PDF: the server's PDF reads like the DOCX (see paging.py).

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
