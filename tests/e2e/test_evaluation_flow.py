"""The annual evaluation in the browser: run → objection → answer → publish → bulletin DOCX read back."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from playwright.sync_api import expect

from shidian.evaluation.models import Bulletin, Objection, Run, RunStatus
from shidian.evaluation.tests import factories

pytestmark = pytest.mark.e2e


def test_run_objection_answer_publish_and_bulletin(site: str, login: Any, new_context: Any) -> None:
    pilots = factories.some_pilots(3)
    factories.only_pilots(pilots)
    factories.scheme(2018)
    national, province = new_context().new_page(), new_context().new_page()

    login(national, "demo-national")
    national.goto(f"{site}/evaluation/schemes/2018/")
    with national.expect_navigation():
        national.get_by_test_id("start-run").get_by_role("button").click()
    expect(national.get_by_test_id("run-state")).to_have_attribute("data-state", "done")
    expect(national.get_by_test_id("ranking")).to_contain_text("柳州市")
    expect(national.get_by_test_id("sensitivity")).to_be_visible()
    run = Run.objects.get()

    login(province, "demo-province")
    province.goto(f"{site}/evaluation/runs/{run.pk}/")
    expect(province.get_by_test_id("ranking")).to_contain_text("柳州市")
    with province.expect_navigation():
        province.get_by_role("link", name="柳州市").click()
    province.fill("textarea[name=reasons]", "柳州市年度报告已按期报送，请核实。")
    with province.expect_navigation():
        province.get_by_test_id("objection-form").locator("button[type=submit]").click()
    objection = Objection.objects.get()

    national.reload()
    with national.expect_navigation():
        national.get_by_test_id("publish").get_by_role("button").click()
    expect(national.locator("body")).to_contain_text("1 条异议未答复")
    national.locator(f"[data-testid=objection-{objection.pk}] textarea").fill("经核实，维持原结果。")
    with national.expect_navigation():
        national.locator(f"[data-testid=objection-{objection.pk}] button").click()
    with national.expect_navigation():
        national.get_by_test_id("publish").get_by_role("button").click()
    expect(national.get_by_test_id("run-status")).to_have_text("已发布")
    assert Run.objects.get().status == RunStatus.PUBLISHED

    form = national.get_by_test_id("bulletin-form")
    expect(form.locator("input[name=number]")).to_have_count(0)  # the 发文字号 is issued, not typed
    form.locator("textarea[name=problems]").fill("部分试点年度报告报送不及时。")
    with national.expect_navigation():
        form.get_by_role("button").click()
    expect(national.get_by_test_id("bulletin-state")).to_contain_text("草稿")
    with national.expect_navigation():
        national.get_by_test_id("bulletin-issue").get_by_role("button").click()
    bulletin = Bulletin.objects.get()
    assert bulletin.status == "issued" and re.fullmatch(r"发改规划〔\d{4}〕\d+号", bulletin.number)
    expect(national.get_by_test_id("bulletin-state")).to_contain_text(bulletin.number)
    expect(national.get_by_test_id("bulletin-form")).to_have_count(0)  # no edits after issue
    # The served DOCX is laid out once by LibreOffice (core.documents.paging: 版记 on an even page), which takes
    # well over the default 10 s on a loaded machine.
    with national.expect_download(timeout=120_000) as download:
        national.get_by_test_id("bulletin-docx").click(timeout=120_000)
    content = Path(download.value.path()).read_bytes()
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert bulletin.number in text and "柳州市" in text + cells and "部分试点年度报告报送不及时。" in text
