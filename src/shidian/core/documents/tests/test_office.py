"""How many times a document is laid out by LibreOffice, and how many LibreOffice instances that starts.

A LibreOffice start costs about 1 s of CPU, most of a conversion: each process keeps one running
(core.documents.pdf) and hands it every conversion; when it fails, the conversion runs one-shot. These tests
count (``pdf.counters``), they do not time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from shidian.core.documents import Kind, OfficialDocument, Paragraph, pdf, render_docx, render_pdf
from shidian.core.documents.docx import compose
from shidian.core.documents.tests import pdfcheck
from shidian.core.documents.tests.test_libreoffice import BODY

pytestmark = pytest.mark.libreoffice


def letter(paragraphs: int, title: str = "关于报送2018年度试点工作情况的函") -> OfficialDocument:
    """A 上行文 with a 版记: one paragraph lays out on 2 pages (even), four on 3 (odd: the 版记 moves)."""
    return OfficialDocument(
        title=title,
        kind=Kind.UPWARD,
        issuer_mark="广西壮族自治区发展和改革委员会",
        number="桂发改规划〔2019〕1号",
        signer="张三",
        recipients=["国家发展改革委"],
        blocks=[Paragraph(BODY) for _ in range(paragraphs)],
        signature="广西壮族自治区发展和改革委员会",
        date=dt.date(2019, 1, 10),
        copies_to=["公安部"],
        printed_by="广西壮族自治区发展和改革委员会办公室",
        printed_on=dt.date(2019, 1, 10),
    )


@dataclasses.dataclass
class Asked:
    conversions: int = 0
    served: int = 0
    office_starts: int = 0


@pytest.fixture
def count() -> Callable[[Callable[[], object]], Asked]:
    """Run a callable and return what it asked of LibreOffice."""

    def run(fn: Callable[[], object]) -> Asked:
        before = dataclasses.replace(pdf.counters)
        fn()
        after = pdf.counters
        return Asked(
            after.conversions - before.conversions,
            after.served - before.served,
            after.office_starts - before.office_starts,
        )

    return run


@pytest.fixture
def warm() -> Iterator[None]:
    """A running office, as in a server process after its first document."""
    pdf.docx_to_pdf(compose(letter(1)).save())
    assert pdf._office is not None and pdf._office.alive()
    yield


def test_the_first_layout_ends_even_or_odd_as_the_counts_below_assume() -> None:
    assert pdf.page_count(pdf.docx_to_pdf(compose(letter(1)).save())) == 2
    assert pdf.page_count(pdf.docx_to_pdf(compose(letter(4)).save())) == 3


@pytest.mark.usefixtures("warm")
def test_each_document_is_laid_out_once_or_twice_and_starts_no_libreoffice(count: Callable[..., Asked]) -> None:
    # Ends even: one layout is both the DOCX's check and the PDF.
    assert count(lambda: render_docx(letter(1))) == Asked(conversions=1, served=1)
    assert count(lambda: render_pdf(letter(1))) == Asked(conversions=1, served=1)
    # Ends odd: the DOCX moves its 版记 after one layout; the PDF lays the moved document out again.
    assert count(lambda: render_docx(letter(4))) == Asked(conversions=1, served=1)
    assert count(lambda: render_pdf(letter(4))) == Asked(conversions=2, served=2)
    # No 版记 (an attachment-style document): the DOCX needs no layout, the PDF one.
    plan = dataclasses.replace(letter(4), kind=Kind.ATTACHMENT, copies_to=[], printed_by="")
    assert count(lambda: render_docx(plan)) == Asked()
    assert count(lambda: render_pdf(plan)) == Asked(conversions=1, served=1)


def test_many_documents_start_one_libreoffice(count: Callable[..., Asked]) -> None:
    pdf.stop_office()
    asked = count(lambda: [render_pdf(letter(n)) for n in (1, 4, 1)])
    assert asked == Asked(conversions=4, served=4, office_starts=1)


@pytest.mark.usefixtures("warm")
def test_a_killed_office_is_replaced(count: Callable[..., Asked]) -> None:
    assert pdf._office is not None and pdf._office.process is not None
    watchdog = pdf._office.process
    for pid in _offices_in(watchdog.pid):  # LibreOffice crashes; its watchdog cleans up and ends
        os.kill(pid, signal.SIGKILL)
    watchdog.wait(timeout=30)
    asked = count(lambda: pdfcheck.pages(render_pdf(letter(1))))
    assert asked == Asked(conversions=1, served=1, office_starts=1)


@pytest.mark.usefixtures("warm")
def test_an_office_that_does_not_answer_in_time_gives_way_to_a_one_shot_conversion(
    count: Callable[..., Asked], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "SERVED_TIMEOUT_S", 0.01)
    served = pdf._office
    content = render_pdf(letter(1))
    assert served is not None and not served.alive() and not served.profile.exists()  # stopped, profile gone
    assert pdf.page_count(content) == 2
    monkeypatch.undo()
    assert count(lambda: render_pdf(letter(1))) == Asked(conversions=1, served=1, office_starts=1)


def test_warm_up_is_off_in_tests_and_without_the_running_office() -> None:
    assert pdf.warm_up() is None
    with override_settings(DOCUMENTS_OFFICE_WARM_UP=True, DOCUMENTS_OFFICE_PERSISTENT=False):
        assert pdf.warm_up() is None


@override_settings(DOCUMENTS_OFFICE_WARM_UP=True)
def test_after_the_warm_up_the_first_document_starts_no_libreoffice(count: Callable[..., Asked]) -> None:
    pdf.stop_office()
    thread = pdf.warm_up()
    assert thread is not None
    thread.join(pdf.START_TIMEOUT_S + 5)
    assert pdf._office is not None and pdf._office.alive()
    assert count(lambda: render_pdf(letter(1))) == Asked(conversions=1, served=1)


@override_settings(DOCUMENTS_OFFICE_WARM_UP=True)
def test_a_document_asked_for_during_the_warm_up_waits_for_that_office(count: Callable[..., Asked]) -> None:
    pdf.stop_office()

    def warm_then_convert() -> None:
        thread = pdf.warm_up()
        render_pdf(letter(1))  # at once: the warm-up is still starting LibreOffice
        assert thread is not None
        thread.join(pdf.START_TIMEOUT_S + 5)

    assert count(warm_then_convert) == Asked(conversions=1, served=1, office_starts=1)


def test_an_office_that_does_not_start_gives_way_to_a_one_shot_conversion(
    count: Callable[..., Asked], monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf.stop_office()
    monkeypatch.setattr(pdf, "START_TIMEOUT_S", 0)
    asked = count(lambda: render_pdf(letter(1)))
    # The office was started and stopped; the one-shot conversion started LibreOffice again.
    assert asked == Asked(conversions=1, served=0, office_starts=2)
    assert pdf._office is None


def test_without_the_running_office_each_conversion_starts_libreoffice(count: Callable[..., Asked]) -> None:
    with override_settings(DOCUMENTS_OFFICE_PERSISTENT=False):
        assert count(lambda: render_pdf(letter(4))) == Asked(conversions=2, office_starts=2)


@pytest.mark.usefixtures("warm")
def test_concurrent_requests_each_get_their_own_document(count: Callable[..., Asked]) -> None:
    titles = [f"关于报送第{n}批试点工作情况的函" for n in "一二三四"]
    results: dict[str, bytes] = {}

    def convert(title: str) -> None:
        results[title] = render_pdf(letter(1, title=title))

    def convert_all() -> None:
        threads = [threading.Thread(target=convert, args=(title,)) for title in titles]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert count(convert_all) == Asked(conversions=4, served=4)
    for title in titles:
        text = "".join(line.text for page in pdfcheck.pages(results[title]) for line in page)
        assert title in text and all(other not in text for other in titles if other != title)


def test_the_office_ends_with_its_process_even_killed(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import django, sys
        django.setup()
        from shidian.core.documents import pdf
        from shidian.core.documents.docx import compose
        from shidian.core.documents.tests.test_office import letter
        pdf.docx_to_pdf(compose(letter(1)).save())
        print(pdf._office.process.pid, pdf._office.profile, flush=True)
        sys.stdin.read()
        """
    )
    source = str(Path(pdf.__file__).resolve().parents[3])  # this checkout's src, not an installed copy
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shidian.settings.test", "PYTHONPATH": source}
    child = subprocess.Popen(  # noqa: S603 - this interpreter, our script
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=tmp_path
    )
    assert child.stdout is not None
    group, profile = child.stdout.readline().decode().split()
    assert Path(profile).exists() and _offices_in(int(group))
    child.kill()
    child.wait()
    deadline = time.monotonic() + 30
    while (_offices_in(int(group)) or Path(profile).exists()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _offices_in(int(group))
    assert not Path(profile).exists()


def _pids_in(group: int) -> list[int]:
    """Return the live processes of a process group."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            pids.append(int(stat.parent.name))
    return pids


def _offices_in(group: int) -> list[int]:
    """Return the LibreOffice processes of a process group."""
    offices = []
    for pid in _pids_in(group):
        try:
            if b"soffice" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0]:
                offices.append(pid)
        except OSError:
            continue
    return offices
