"""A pilot raises a 土地 difficulty → routed to 自然资源部 → the ministry accepts and answers it from its workbench
→ the pilot closes it with a rating; each side was notified (the ministry's and the pilot's inboxes and header
badges, derived by the notification centre after each commit), and the pages are screenshotted."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from shidian.core import clock
from shidian.core.audit_actions import AuditAction
from shidian.core.models import AuditEvent
from shidian.exchange.models import Difficulty, DifficultyStatus
from shidian.exchange.tests import factories
from shidian.notifications.models import Notification
from shidian.notifications.registry import rules_for

pytestmark = pytest.mark.e2e
TODAY = dt.date(2019, 7, 8)
SHOTS = Path(os.environ.get("SHIDIAN_SCREENSHOTS", Path(__file__).resolve().parents[2] / "var" / "screenshots"))


@pytest.fixture
def business_day() -> Iterator[None]:
    with clock.travel_to(TODAY):  # the live server runs in this process, so it shares the business date
        yield


def _told(action: AuditAction, item: Difficulty) -> set[str]:
    event = AuditEvent.objects.filter(action=action, object_id=str(item.pk)).latest("id")
    return {u.username for rule in rules_for(action) for note in rule(event) for u in note.recipients}


def _inbox(page: Any, site: str, who: str, title: str) -> Any:
    """Open /notifications/ and return the one notification with ``title`` (screenshotted)."""
    page.goto(f"{site}/notifications/")
    note = page.get_by_test_id("inbox").locator("li", has_text=title)
    expect(note).to_have_count(1)
    page.screenshot(path=str(SHOTS / f"exchange-inbox-{who}.png"), full_page=True)
    return note


def _badge_counts(page: Any, username: str) -> None:
    """The header's badge (loaded by htmx) shows the unread count the database holds for ``username``."""
    unread = Notification.objects.filter(recipient__username=username, read_at__isnull=True).count()
    assert unread > 0
    page.reload()
    expect(page.get_by_test_id("header-notifications").get_by_test_id("unread-count")).to_have_text(str(unread))


def test_a_land_difficulty_from_raising_to_closing(site: str, login: Any, new_context: Any, business_day: None) -> None:
    ministry = factories.user("demo-natres")  # the demo's reviewer of 自然资源部
    SHOTS.mkdir(parents=True, exist_ok=True)
    pilot, mnr = new_context().new_page(), new_context().new_page()

    login(pilot, "demo-pilot")
    pilot.goto(f"{site}/exchange/raise/")
    pilot.select_option("select[name=category]", "land")
    pilot.fill("input[name=title]", "城镇建设用地指标紧张")
    pilot.fill("textarea[name=description]", "新增建设用地计划指标不足，产业园区项目无法按期落地。")
    pilot.set_input_files("input[name=attachments]", files=[
        {"name": "用地说明.pdf", "mimeType": "application/pdf", "buffer": factories.PDF}
    ])  # fmt: skip
    with pilot.expect_navigation():
        pilot.get_by_test_id("raise-form").locator("button[type=submit]").click()
    expect(pilot.get_by_test_id("lead")).to_have_text("自然资源部")
    expect(pilot.get_by_test_id("status")).to_contain_text("已提交")
    item = Difficulty.objects.get()
    assert _told(AuditAction.DIFFICULTY_RAISED, item) == {"demo-natres", "demo-ministry"}  # lead, co-handler

    login(mnr, "demo-natres")
    section = mnr.get_by_test_id("section-difficulties_to_answer")
    expect(section.locator("li").first).to_contain_text("城镇建设用地指标紧张")
    with mnr.expect_navigation():
        section.locator("li a").first.click()
    with mnr.expect_navigation():
        mnr.get_by_test_id("accept-form").locator("button").click()
    expect(mnr.get_by_test_id("status")).to_contain_text("已受理")
    mnr.fill("textarea[name=body]", "已商自治区自然资源厅，在年度计划中对试点单列安排。")
    with mnr.expect_navigation():
        mnr.get_by_test_id("answer-form").locator("button[type=submit]").click()
    expect(mnr.get_by_test_id("status")).to_contain_text("已答复")
    mnr.screenshot(path=str(SHOTS / "exchange-ministry-answered.png"), full_page=True)
    assert _told(AuditAction.DIFFICULTY_ANSWERED, item) == {"demo-pilot"}

    # The pilot's side was told: its inbox holds the answer (derived after the commit), the header counts it.
    answer_note = _inbox(pilot, site, "pilot", "自然资源部已答复：城镇建设用地指标紧张，请办结并评价")
    expect(answer_note).to_contain_text("未读")
    _badge_counts(pilot, "demo-pilot")

    pilot.goto(f"{site}/")
    answered = pilot.get_by_test_id("section-difficulties_answered")
    expect(answered.locator("li").first).to_contain_text("城镇建设用地指标紧张")
    with pilot.expect_navigation():
        answered.locator("li a").first.click()
    expect(pilot.get_by_test_id("replies")).to_contain_text("单列安排")
    pilot.get_by_test_id("close-form").locator("input[value='4']").check()
    pilot.fill("textarea[name=comment]", "答复明确。")
    with pilot.expect_navigation():
        pilot.get_by_test_id("close-form").locator("button[type=submit]").click()
    expect(pilot.get_by_test_id("status")).to_contain_text("已办结")
    expect(pilot.get_by_test_id("rating")).to_contain_text("满意度 4 分")
    pilot.screenshot(path=str(SHOTS / "exchange-pilot-closed.png"), full_page=True)
    item.refresh_from_db()
    assert item.status == DifficultyStatus.CLOSED and item.rating == 4 and item.lead == ministry.organisation
    assert _told(AuditAction.DIFFICULTY_CLOSED, item) == {"demo-natres"}

    # Each side was notified: the ministry's inbox shows the routed item and its closing, the header counts them.
    routed = _inbox(mnr, site, "ministry", "新分办的问题：柳州市 · 城镇建设用地指标紧张")
    expect(mnr.get_by_test_id("inbox")).to_contain_text("已办结（满意度 4 分）：城镇建设用地指标紧张")
    _badge_counts(mnr, "demo-natres")
    with mnr.expect_navigation():  # opening it marks it read and goes to the item
        routed.locator("form button").first.click()
    expect(mnr.get_by_test_id("status")).to_contain_text("已办结")
    assert Notification.objects.get(recipient=ministry, title__startswith="新分办的问题").read_at is not None
    _badge_counts(mnr, "demo-natres")
