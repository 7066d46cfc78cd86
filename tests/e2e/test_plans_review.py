"""Plan review in the browser: the pilot submits, the province returns with a comment, the pilot resubmits,
the province approves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _draft_plan() -> Any:
    from shidian.plans.focus_areas import ensure_focus_areas
    from shidian.plans.tests import factories

    ensure_focus_areas()
    _plan, version, _tasks, _ms = factories.make_plan(tasks=1, milestones=2, deadline=dt.date(2018, 12, 31))
    return version


def test_pilot_submits_province_returns_pilot_resubmits_province_approves(
    site: str, login: Callable[..., None], new_context: Callable[[], Any]
) -> None:
    from shidian.core.models import AuditEvent
    from shidian.plans.models import PlanStatus, PlanVersion

    version = _draft_plan()
    plan_url = f"{site}/plans/pilot/{version.plan.pilot_id}/"
    pilot_page = new_context().new_page()
    province_page = new_context().new_page()
    login(pilot_page, "demo-pilot")
    login(province_page, "demo-province")

    # The pilot office sees its draft on the timeline and submits it.
    pilot_page.goto(plan_url)
    assert pilot_page.locator("[data-testid=plan-status]").inner_text() == "草稿"
    assert pilot_page.locator("[data-testid=milestone-row]").count() == 2
    assert pilot_page.locator("[data-testid=review-form]").count() == 0
    with pilot_page.expect_navigation():
        pilot_page.click("[data-testid=submit-plan]")
    with pilot_page.expect_navigation():
        pilot_page.get_by_test_id("confirm").click()
    assert pilot_page.locator("[data-testid=plan-status]").inner_text() == "已报送"
    assert pilot_page.locator("[data-testid=submit-plan]").count() == 0

    # The provincial commission returns it with a comment.
    province_page.goto(plan_url)
    assert province_page.locator("[data-testid=plan-status]").inner_text() == "已报送"
    province_page.fill("[data-testid=review-form] textarea[name=comment]", "请补充存量建设用地盘活的时间节点。")
    with province_page.expect_navigation():
        province_page.click("[data-testid=return-plan]")
    with province_page.expect_navigation():
        province_page.get_by_test_id("confirm").click()
    assert province_page.locator("[data-testid=plan-status]").inner_text() == "已退回"
    assert province_page.locator("[data-testid=review-form]").count() == 0

    # The pilot reads the comment, adds a milestone through the form and resubmits.
    pilot_page.goto(plan_url)
    assert "请补充存量建设用地盘活的时间节点。" in pilot_page.locator("[data-testid=review-comment]").inner_text()
    pilot_page.click("[data-testid=add-milestone] summary")
    form = pilot_page.locator("[data-testid=milestone-form]").first
    form.locator("input[name=name]").fill("盘活存量用地")
    form.locator("input[name=duration_days]").fill("20")
    with pilot_page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert pilot_page.locator("[data-testid=milestone-row]").count() == 3
    with pilot_page.expect_navigation():
        pilot_page.click("[data-testid=submit-plan]")
    with pilot_page.expect_navigation():
        pilot_page.get_by_test_id("confirm").click()
    assert pilot_page.locator("[data-testid=plan-status]").inner_text() == "已报送"

    # The province approves; the approved version is frozen (no editing forms, no submit button).
    province_page.goto(plan_url)
    with province_page.expect_navigation():
        province_page.click("[data-testid=approve-plan]")
    with province_page.expect_navigation():
        province_page.get_by_test_id("confirm").click()
    assert province_page.locator("[data-testid=plan-status]").inner_text() == "已批准"
    pilot_page.goto(plan_url)
    assert pilot_page.locator("[data-testid=plan-status]").inner_text() == "已批准"
    assert pilot_page.locator("[data-testid=milestone-form]").count() == 0
    assert pilot_page.locator("[data-testid=new-version]").count() == 1
    pilot_page.click("[data-testid=review-history] summary")
    history = pilot_page.locator("[data-testid=review-history] li").all_inner_texts()
    assert [h.split(" · ")[-1] for h in history] == [
        "已报送",
        "已退回：请补充存量建设用地盘活的时间节点。",
        "已报送",
        "已批准",
    ]

    stored = PlanVersion.objects.get(pk=version.pk)
    assert stored.status == PlanStatus.APPROVED
    actions = list(
        AuditEvent.objects.filter(object_type="plans.PlanVersion", object_id=str(version.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert [a for a in actions if a.startswith("plans.version.") and a != "plans.version.created"] == [
        "plans.version.submitted",
        "plans.version.returned",
        "plans.version.submitted",
        "plans.version.approved",
    ]

    # The pilot downloads the approved plan as DOCX and PDF and reads both back.
    _read_back_plan_documents(pilot_page, stored)


def _read_back_plan_documents(page: Any, version: Any) -> None:
    import io
    from pathlib import Path

    from django.utils import timezone
    from docx import Document
    from pypdf import PdfReader

    from shidian.core import formatting

    title = f"{version.plan.pilot.name}国家新型城镇化综合试点工作方案"
    approved_on = formatting.date(timezone.localdate(version.decided_at))  # 成文日期: the day it was approved
    with page.expect_download() as download_info:
        page.locator('a[href*="export.docx"]').click()
    assert download_info.value.suggested_filename.endswith(".docx")
    docx = Document(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    texts = [p.text for p in docx.paragraphs]
    assert title in texts and "（第1版 · 已批准）" in texts
    assert approved_on in texts
    cells = [cell.text for row in docx.tables[0].rows for cell in row.cells]
    assert "测试任务1" in cells and "　盘活存量用地" in cells
    with page.expect_download(timeout=60_000) as download_info:  # LibreOffice lays the PDF out
        page.get_by_test_id("plan-pdf").click(timeout=60_000)
    assert download_info.value.suggested_filename.endswith(".pdf")
    reader = PdfReader(download_info.value.path())
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "").replace(" ", "")
    assert title in text and "测试任务1" in text and "盘活存量用地" in text and "—1—" in text
    assert approved_on.replace(" ", "") in text
