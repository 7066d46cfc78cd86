"""The reporting round trip in the browser: pilot → province → pilot → province → commission and ministry."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from playwright.sync_api import expect
from pypdf import PdfReader

from shidian.reporting import services
from shidian.reporting.models import SECTIONS, PilotReport, ProvinceReport, ReadReceipt, RoundKind

pytestmark = pytest.mark.e2e
PDF_TIMEOUT_MS = 60_000


def test_year_end_report_round_trip(site: str, login: Any, new_context: Any) -> None:
    reporting_round = services.open_round(year=2017, kind=RoundKind.YEAR_END, by=services.OPENER)
    pilot, province, ministry, national = (new_context().new_page() for _ in range(4))

    # The pilot writes its year-end report; autosave keeps the draft; then it submits.
    login(pilot, "demo-pilot")
    pilot.goto(f"{site}/reporting/")
    with pilot.expect_navigation():
        pilot.get_by_test_id("start-2017").click()
    expect(pilot.get_by_test_id("report-title")).to_contain_text("柳州市")
    for name, label, _guide in SECTIONS:
        pilot.fill(f"[data-rich-for={name}]", f"{label}：柳州市2017年推进试点工作的情况。")
    expect(pilot.get_by_test_id("saved")).to_be_visible(timeout=15_000)
    report = PilotReport.objects.get(round=reporting_round, pilot__name="柳州市")
    assert report.progress.startswith("<p>工作进展情况") or report.progress.startswith("工作进展情况")
    # Rich text: bold through the toolbar reaches the stored draft as <strong>.
    pilot.locator("[data-rich-for=results]").click()
    pilot.keyboard.press("End")
    pilot.locator('.rich-editor[data-for="id_results"] [data-command=bold]').click()
    pilot.keyboard.type("重点成果")
    expect(pilot.get_by_test_id("saved")).to_contain_text("修订号 2", timeout=15_000)
    report.refresh_from_db()
    assert "<strong>重点成果</strong>" in report.results
    with pilot.expect_navigation():
        pilot.get_by_test_id("submit").click()
    with pilot.expect_navigation():
        pilot.get_by_test_id("confirm").click()
    expect(pilot.get_by_test_id("report-status")).to_have_text("已报送")

    # The province returns it with a comment.
    login(province, "demo-province")
    province.goto(f"{site}/reporting/")
    with province.expect_navigation():
        province.get_by_test_id("awaiting").get_by_role("link", name="柳州市").click()
    province.fill("textarea[name=comment]", "请补充常住人口城镇化率的完成情况。")
    with province.expect_navigation():
        province.get_by_test_id("return").click()
    with province.expect_navigation():
        province.get_by_test_id("confirm").click()
    expect(province.get_by_test_id("report-status")).to_have_text("已退回")

    # The pilot sees the comment, revises and resubmits (a second version).
    pilot.reload()
    expect(pilot.get_by_test_id("review-comment")).to_contain_text("常住人口城镇化率")
    pilot.fill("[data-rich-for=progress]", "工作进展情况：常住人口城镇化率达到 60%，已补充。")
    with pilot.expect_navigation():
        pilot.get_by_test_id("submit").click()
    with pilot.expect_navigation():
        pilot.get_by_test_id("confirm").click()
    expect(pilot.get_by_test_id("report-status")).to_have_text("已报送")
    expect(pilot.get_by_test_id("versions").locator("tbody tr")).to_have_count(3)  # two versions, one comment row

    # The province accepts it, assembles its own report and submits it to the commission.
    province.reload()
    with province.expect_navigation():
        province.get_by_test_id("accept").click()
    with province.expect_navigation():
        province.get_by_test_id("confirm").click()
    expect(province.get_by_test_id("report-status")).to_have_text("已接收")
    province.goto(f"{site}/reporting/")
    with province.expect_navigation():
        province.get_by_test_id("start-province-2017").click()
    expect(province.locator("textarea[name^=pilot_]")).to_have_count(1)
    province.fill("textarea[name=overview]", "2017年，广西督促指导各试点地区落实试点任务。")
    with province.expect_navigation():
        province.get_by_test_id("submit-province").click()
    expect(province.get_by_test_id("confirm-recipient")).to_contain_text("国家发展改革委")
    with province.expect_navigation():
        province.get_by_test_id("confirm").click()
    expect(province.get_by_test_id("province-report-status")).to_have_text("已报送")

    # The ministry finds the copy in its inbox and reads it; the province sees the read receipt.
    login(ministry, "demo-ministry")
    ministry.goto(f"{site}/reporting/")
    inbox = ministry.get_by_test_id("ministry-inbox")
    expect(inbox).to_contain_text("未读")
    with ministry.expect_navigation():
        inbox.get_by_role("link", name="广西壮族自治区").click()
    expect(ministry.get_by_test_id("copy-title")).to_contain_text("广西壮族自治区")
    assert ReadReceipt.objects.filter(reader__username="demo-ministry").count() == 1
    province.reload()
    expect(province.get_by_test_id("copies")).to_contain_text("demo-ministry")

    # The national officer opens the province report and downloads the DOCX.
    login(national, "demo-national")
    national.goto(f"{site}/reporting/")
    with national.expect_navigation():
        national.get_by_test_id("national-inbox").get_by_role("link", name="广西壮族自治区").click()
    with national.expect_download() as download_info:
        national.get_by_test_id("province-docx-1").click()
    content = Path(download_info.value.path()).read_bytes()
    texts = [p.text for p in Document(io.BytesIO(content)).paragraphs]
    assert "广西壮族自治区2017年度报告" in texts
    assert "（一）柳州市" in texts
    assert "国家发展改革委：" in texts and any(t.startswith("抄送：") for t in texts)
    with national.expect_download(timeout=PDF_TIMEOUT_MS) as download_info:  # LibreOffice lays the PDF out
        national.locator('a[href*="format=pdf"]').first.click(timeout=PDF_TIMEOUT_MS)
    pdf = PdfReader(download_info.value.path())
    pdf_text = "".join(page.extract_text() for page in pdf.pages).replace("\n", "").replace(" ", "")
    assert "广西壮族自治区2017年度报告" in pdf_text and "—1—" in pdf_text
    assert ProvinceReport.objects.get(round=reporting_round).versions.count() == 1

    # The pilot opens its own report's documents: the DOCX and the PDF of its second version.
    pilot.reload()  # still on its report's page
    with pilot.expect_download() as download_info:
        pilot.get_by_test_id("docx-2").click()
    texts = [p.text for p in Document(download_info.value.path()).paragraphs]
    assert "柳州市2017年度报告" in texts and "广西壮族自治区发展和改革委员会：" in texts
    with pilot.expect_download(timeout=PDF_TIMEOUT_MS) as download_info:
        pilot.locator('a[href*="format=pdf"]').first.click(timeout=PDF_TIMEOUT_MS)
    pdf_text = "".join(page.extract_text() for page in PdfReader(download_info.value.path()).pages)
    assert "工作进展情况" in pdf_text


def test_two_editors_get_a_conflict_message(site: str, login: Any, new_context: Any) -> None:
    reporting_round = services.open_round(year=2018, kind=RoundKind.MID_YEAR, by=services.OPENER)
    first, second = new_context().new_page(), new_context().new_page()
    login(first, "demo-pilot")
    first.goto(f"{site}/reporting/")
    with first.expect_navigation():
        first.get_by_test_id("start-2018H1").click()
    login(second, "demo-pilot")
    second.goto(first.url)  # both editors have loaded revision 0

    first.fill("[data-rich-for=progress]", "第一位编辑写的进展。")
    expect(first.get_by_test_id("saved")).to_be_visible(timeout=15_000)
    second.fill("[data-rich-for=progress]", "第二位编辑写的进展。")
    expect(second.get_by_test_id("conflict")).to_contain_text("没有保存", timeout=15_000)
    report = PilotReport.objects.get(round=reporting_round, pilot__name="柳州市")
    assert "第一位编辑写的进展。" in report.progress and report.revision == 1
