"""The workbench in the browser: the pilot finds its returned report on top, revises and submits (confirming);
the province finds it on top of its queue and accepts it (confirming). Each role's workbench is screenshotted."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from shidian.accounts.models import User
from shidian.core import clock
from shidian.reporting import services
from shidian.reporting.models import PilotReport, ReportStatus, RoundKind
from shidian.reporting.tests import factories

pytestmark = pytest.mark.e2e
TODAY = dt.date(2019, 7, 8)
COMMENT = "请补充常住人口城镇化率的完成情况。"
SHOTS = Path(os.environ.get("SHIDIAN_SCREENSHOTS", Path(__file__).resolve().parents[2] / "var" / "screenshots"))


@pytest.fixture
def business_day() -> Iterator[None]:
    with clock.travel_to(TODAY):  # the live server runs in this process, so it shares the business date
        yield


def test_returned_report_from_workbench_to_acceptance(
    site: str, login: Any, new_context: Any, business_day: None
) -> None:
    reporting_round = services.open_round(year=2019, kind=RoundKind.MID_YEAR, by=services.OPENER)
    report = factories.submitted_report(
        User.objects.get(username="demo-pilot"), reporting_round, when=dt.date(2019, 7, 5)
    )
    services.return_pilot_report(report=report, comment=COMMENT, by=User.objects.get(username="demo-province"))
    pilot, province = new_context().new_page(), new_context().new_page()

    login(pilot, "demo-pilot")
    assert pilot.url.rstrip("/") == site  # the workbench is home
    first = pilot.locator("[data-testid^=section-]").first
    expect(first).to_have_attribute("data-testid", "section-returned")
    expect(first.get_by_test_id("bench-comment")).to_contain_text(COMMENT)
    expect(pilot.get_by_test_id("count-returned")).to_have_text("1")
    with pilot.expect_navigation():
        first.locator("li.bench-item a").first.click()
    expect(pilot.get_by_test_id("review-comment")).to_contain_text(COMMENT)
    pilot.fill("[data-rich-for=progress]", "工作进展情况：常住人口城镇化率达到 60%，已补充。")
    with pilot.expect_navigation():
        pilot.get_by_test_id("submit").click()
    expect(pilot.get_by_test_id("confirm-recipient")).to_contain_text("广西壮族自治区发展改革委")
    with pilot.expect_navigation():
        pilot.get_by_test_id("confirm").click()
    expect(pilot.get_by_test_id("report-status")).to_have_text("已报送")

    login(province, "demo-province")
    queue = province.get_by_test_id("section-report_reviews")
    expect(queue.locator("li").first).to_contain_text("柳州市")
    expect(province.get_by_test_id("count-report_reviews")).to_have_text("1")
    with province.expect_navigation():
        queue.locator("li a").first.click()
    with province.expect_navigation():
        province.get_by_test_id("accept").click()
    expect(province.get_by_test_id("confirm-step")).to_contain_text("柳州市")
    with province.expect_navigation():
        province.get_by_test_id("confirm").click()
    expect(province.get_by_test_id("report-status")).to_have_text("已接收")
    assert PilotReport.objects.get(pk=report.pk).status == ReportStatus.ACCEPTED
    province.goto(f"{site}/")
    expect(province.get_by_test_id("count-report_reviews")).to_have_text("0")


@pytest.mark.parametrize(
    "username",
    [
        "demo-pilot",
        "demo-province",
        "demo-national",
        "demo-ministry",
        "demo-department",
        "demo-expert",
        "demo-auditor",
        "demo-secadmin",
        "demo-sysadmin",
    ],
)
def test_screenshot_each_workbench(site: str, login: Any, new_context: Any, business_day: None, username: str) -> None:
    reporting_round = services.open_round(year=2019, kind=RoundKind.MID_YEAR, by=services.OPENER)
    report = factories.submitted_report(
        User.objects.get(username="demo-pilot"), reporting_round, when=dt.date(2019, 7, 5)
    )
    services.return_pilot_report(report=report, comment=COMMENT, by=User.objects.get(username="demo-province"))
    page = new_context().new_page()
    login(page, username)
    expect(page.locator("main h1")).to_have_text("工作台")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{username}.png"), full_page=True)
