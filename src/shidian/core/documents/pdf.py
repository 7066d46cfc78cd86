"""LibreOffice (headless) lays a DOCX out as PDF: the server's PDF reads like the DOCX (see paging.py).

LibreOffice resolves the official font names through the fontconfig file that ``make setup`` installs
(scripts/fontconfig/): 仿宋 and 小标宋 in Noto Serif CJK, 楷体 in LXGW WenKai or AR PL UKai, 黑体 in Noto Sans CJK;
it embeds the subsets it draws with.

Starting LibreOffice costs about 1 s of CPU, most of a conversion (a 22-page report adds 0.2 to 0.5 s), so
each process keeps one LibreOffice running (:class:`_Office`, its own profile) and converts through it: the
conversion command is the one-shot ``soffice --convert-to`` with the running office's profile, and
``soffice`` hands it to that office over its single-instance pipe and waits for the result, without starting
another office. The running office keeps an empty hidden document open: LibreOffice ends itself when a
handed-over conversion leaves no document open. One conversion at a time per process (a lock); a timeout;
when the running office cannot start, does not answer in time or loses a document, it is stopped and the
conversion runs one-shot (a LibreOffice of its own, the previous behaviour). A watchdog shell ends the
office when this process ends, even killed. Setting ``SHIDIAN_DOCUMENTS_OFFICE_PERSISTENT=0`` (Django
setting ``DOCUMENTS_OFFICE_PERSISTENT``) converts one-shot always.

The office starts with the first document (6 to 10 s on a busy machine) unless the server process warms it
up when it starts (:func:`warm_up`, ``SHIDIAN_DOCUMENTS_OFFICE_WARM_UP``, on by default, off in tests).
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import hashlib
import io
import logging
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

logger = logging.getLogger(__name__)

CONVERT_TIMEOUT_S = 120  # a one-shot conversion: LibreOffice's start, the layout and the export
SERVED_TIMEOUT_S = 60  # a conversion by the running office (its start is paid already)
START_TIMEOUT_S = 60  # the running office's start, until it listens
SERVED_LIMIT = 200  # conversions before the running office is replaced (bounds what it may leak)
# Where LibreOffice's pipes live: the first writable of these, fixed, not $TMPDIR (sal/osl/unx/pipe.cxx).
PIPE_DIRS = (Path("/tmp"), Path("/var/tmp"))  # noqa: S108 - LibreOffice's choice, read, never written here

# The watchdog: starts the office ("$0" "$@"), then waits on its own stdin, a pipe from this process; at
# EOF (this process closed it or ended) it ends the office's process group, TERM then KILL. The shell
# ignores TERM only after the office started (a child would inherit the ignore); when the office has ended,
# it removes the office's profile and the two pipes LibreOffice leaves behind when ended by a signal.
_WATCHDOG = r"""
exec 3<&0
"$0" "$@" </dev/null >/dev/null 2>&1 &
office=$!
trap '' TERM
( read -r _ <&3; kill -TERM 0; sleep 10; kill -KILL 0 ) &
exec 3<&-
wait "$office"
rm -rf -- "$SHIDIAN_OFFICE_PROFILE"
rm -f -- "$SHIDIAN_OFFICE_PIPE_1" "$SHIDIAN_OFFICE_PIPE_2"
"""


class ConverterMissing(RuntimeError):
    """LibreOffice is not installed (``make setup`` installs libreoffice-writer-nogui)."""


class OfficeUnavailable(RuntimeError):
    """The running LibreOffice could not start or stopped answering."""


@dataclasses.dataclass
class Counters:
    """What this process asked of LibreOffice: documents converted and LibreOffice instances started."""

    conversions: int = 0  # documents laid out (a run of several documents counts each)
    served: int = 0  # of those, by the running office
    office_starts: int = 0  # LibreOffice instances started: the running office's and every one-shot's


counters = Counters()
_lock = threading.Lock()
_profile: Path | None = None  # the one-shot conversions' profile
_profile_pid = 0
_office: _Office | None = None


def soffice() -> str:
    """Return the path of LibreOffice's ``soffice``, or raise :class:`ConverterMissing`."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise ConverterMissing("LibreOffice (soffice) not found: install libreoffice-writer-nogui (make setup)")
    return found


def persistent() -> bool:
    """Whether conversions go through a LibreOffice kept running (the default)."""
    from django.conf import settings

    return bool(getattr(settings, "DOCUMENTS_OFFICE_PERSISTENT", True))


def _profile_dir() -> Path:
    global _profile, _profile_pid
    if _profile is None or _profile_pid != os.getpid() or not _profile.exists():
        _profile, _profile_pid = Path(tempfile.mkdtemp(prefix=f"shidian-lo-{os.getpid()}-")), os.getpid()
    return _profile


def _pipe_path(name: str) -> Path:
    folder = next((folder for folder in PIPE_DIRS if os.access(folder, os.W_OK)), PIPE_DIRS[0])
    return folder / f"OSL_PIPE_{os.getuid()}_{name}"


def _single_instance_pipe(profile: Path) -> str:
    """The name of the pipe on which LibreOffice hands a second start's arguments to the running office.

    desktop/source/app/officeipcthread.cxx: "SingleOfficeIPC_" and the MD5 of the profile's URL (UTF-16),
    each byte in hexadecimal without leading zero.
    """
    digest = hashlib.md5(profile.as_uri().encode("utf-16-le"), usedforsecurity=False).digest()
    return "SingleOfficeIPC_" + "".join(format(byte, "x") for byte in digest)


class _Office:
    """One LibreOffice of this process, kept running with its own profile, started by a watchdog shell."""

    def __init__(self, program: str) -> None:
        self.program = program
        self.owner = os.getpid()
        self.profile = Path(tempfile.mkdtemp(prefix=f"shidian-lo-{os.getpid()}-served-"))
        self.pipe = f"shidian_{os.getpid()}_{secrets.token_hex(4)}"
        self.served = 0
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the office and wait until it listens, or raise :class:`OfficeUnavailable`."""
        command = [
            self.program,
            f"-env:UserInstallation={self.profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            f"--accept=pipe,name={self.pipe};urp;",
            "private:factory/swriter",  # a document stays open, so the office outlives each conversion
        ]
        counters.office_starts += 1
        self.process = subprocess.Popen(  # noqa: S603 - fixed program and arguments
            ["/bin/sh", "-c", _WATCHDOG, *command],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            env={
                **os.environ,
                "SHIDIAN_OFFICE_PROFILE": str(self.profile),
                "SHIDIAN_OFFICE_PIPE_1": str(_pipe_path(self.pipe)),
                "SHIDIAN_OFFICE_PIPE_2": str(_pipe_path(_single_instance_pipe(self.profile))),
            },
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        # The listening pipe opens after the single-instance pipe the conversions are handed over on.
        listening = _pipe_path(self.pipe)
        while not listening.exists():
            if not self.alive() or time.monotonic() > deadline:
                self.stop()
                raise OfficeUnavailable("LibreOffice did not start listening")
            time.sleep(0.05)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """End the office (the watchdog ends its process group) and remove its profile."""
        process, self.process = self.process, None
        if process is not None:
            if process.stdin is not None:
                with contextlib.suppress(OSError):
                    process.stdin.close()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def _running_office(program: str) -> _Office:
    """Return this process's running office, started (or replaced) when needed."""
    global _office
    if _office is not None and _office.owner != os.getpid():
        _office = None  # forked: the parent's office is the parent's (see _after_fork_in_child)
    if _office is not None and (not _office.alive() or _office.served >= SERVED_LIMIT):
        _office.stop()
        _office = None
    if _office is None:
        office = _Office(program)
        office.start()
        _office = office
    return _office


def warm_up_enabled() -> bool:
    """Whether a server process starts its LibreOffice when it starts (``DOCUMENTS_OFFICE_WARM_UP``)."""
    from django.conf import settings

    return persistent() and bool(getattr(settings, "DOCUMENTS_OFFICE_WARM_UP", False))


def warm_up() -> threading.Thread | None:
    """Start this process's LibreOffice in the background, so its first document does not wait for the start.

    Called where a server process starts (shidian/wsgi.py), when ``warm_up_enabled()``. The start holds the
    conversion lock: a document asked for meanwhile waits for this office instead of starting another. A
    failure is logged; the first conversion then tries again as without warm-up. Returns the thread, or None
    when warm-up is off.
    """
    if not warm_up_enabled():
        return None

    def start() -> None:
        try:
            program = soffice()
            with _lock:
                _running_office(program)
        except (ConverterMissing, OfficeUnavailable, OSError) as error:
            logger.warning("LibreOffice warm-up failed (the first document will start it): %s", error)

    thread = threading.Thread(target=start, name="shidian-office-warm-up", daemon=True)
    thread.start()
    return thread


def stop_office() -> None:
    """Stop this process's running office, if any (the next conversion starts another)."""
    global _office
    with _lock:
        if _office is not None and _office.owner == os.getpid():
            _office.stop()
        _office = None


def docx_to_pdf(content: bytes) -> bytes:
    """Return the PDF LibreOffice lays out from DOCX bytes."""
    return _convert([content])[0]


def _command(program: str, profile: Path, work: str, sources: list[Path]) -> list[str]:
    return [
        program,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "pdf:writer_pdf_Export",
        "--outdir",
        work,
        *map(str, sources),
    ]


def _convert(contents: list[bytes]) -> list[bytes]:
    """Lay DOCX out as PDF: by the running office, else by a LibreOffice started for them (one-shot)."""
    global _office
    program = soffice()
    with _lock, tempfile.TemporaryDirectory(prefix="shidian-pdf-") as work:
        sources = [Path(work) / f"document-{index}.docx" for index in range(len(contents))]
        for source, content in zip(sources, contents, strict=True):
            source.write_bytes(content)
        targets = [source.with_suffix(".pdf") for source in sources]
        if persistent():
            try:
                office = _running_office(program)
                command = _command(program, office.profile, work, sources)
                subprocess.run(  # noqa: S603 - fixed program and arguments, the files are ours
                    command, capture_output=True, timeout=SERVED_TIMEOUT_S, check=False, stdin=subprocess.DEVNULL
                )
                if office.alive() and all(target.exists() for target in targets):
                    office.served += 1
                    counters.conversions += len(contents)
                    counters.served += len(contents)
                    return [target.read_bytes() for target in targets]
                logger.warning("the running LibreOffice did not convert the document: converting it one-shot")
            except (OfficeUnavailable, subprocess.TimeoutExpired, OSError) as error:
                logger.warning("the running LibreOffice failed (%s): converting the document one-shot", error)
            if _office is not None:
                _office.stop()
                _office = None
            for target in targets:
                target.unlink(missing_ok=True)
        counters.office_starts += 1
        result = subprocess.run(  # noqa: S603 - fixed program and arguments, the files are ours
            _command(program, _profile_dir(), work, sources),
            capture_output=True,
            timeout=CONVERT_TIMEOUT_S,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        if result.returncode != 0 or not all(target.exists() for target in targets):
            raise RuntimeError(f"LibreOffice could not convert the document: {result.stderr.decode(errors='replace')}")
        counters.conversions += len(contents)
        return [target.read_bytes() for target in targets]


def _after_fork_in_child() -> None:
    global _lock, _office
    _lock = threading.Lock()  # a thread of the parent may have held it
    if _office is not None and _office.process is not None and _office.process.stdin is not None:
        with contextlib.suppress(OSError):  # the parent's office must end with the parent, not with us
            _office.process.stdin.close()  # this process's copy only
    _office = None


def _at_exit() -> None:
    """Let the watchdog end the office (EOF on its pipe) without waiting for it."""
    if _office is not None and _office.owner == os.getpid() and _office.process is not None:
        with contextlib.suppress(OSError):
            if _office.process.stdin is not None:
                _office.process.stdin.close()


os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(_at_exit)


def page_count(pdf: bytes) -> int:
    """Return the number of pages of a PDF."""
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)
