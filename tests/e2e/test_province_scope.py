"""A provincial officer sees its own province only: dashboard, pilot list, map section, pilot pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from shidian.pilots.models import PilotArea
from shidian.regions.models import Province

pytestmark = pytest.mark.e2e

GUANGXI = "广西壮族自治区"


def _list_rows(page: Any) -> list[list[str]]:
    """Every row of the pilot list, following the pager to the last page."""
    rows: list[list[str]] = []
    while True:
        for row in page.locator("[data-testid=pilot-row]").all():
            rows.append([cell.strip() for cell in row.locator("td").all_inner_texts()])
        next_link = page.locator("nav.pager a", has_text="下一页")
        if next_link.count() == 0:
            return rows
        with page.expect_navigation():
            next_link.click()


def test_province_officer_sees_only_guangxi(page: Any, site: str, login: Any, offline: Any) -> None:
    guangxi_pilots = PilotArea.objects.filter(province__name=GUANGXI).count()
    assert guangxi_pilots > 0
    # The restriction means something only if other provinces' pilots exist.
    assert PilotArea.objects.exclude(province__name=GUANGXI).exists()

    login(page, "demo-province")
    assert page.url == f"{site}/"
    expect(page.locator("main h1")).to_have_text("工作台")  # the workbench is home; the charts are one click away
    with page.expect_navigation():
        page.locator("header nav a", has_text="名录概览").click()
    expect(page.locator("main h1")).to_have_text("试点概览")
    expect(page.get_by_test_id("who")).to_contain_text(f"{GUANGXI}发展改革委")
    expect(page.locator("main hgroup p")).to_contain_text(f"{guangxi_pilots} 个试点地区")
    expect(page.get_by_test_id("chart-batch")).to_have_attribute("data-rendered", "true")

    # The pilot list, reached through the header navigation.
    with page.expect_navigation():
        page.locator("header nav a", has_text="试点名录").click()
    expect(page.get_by_test_id("result-count")).to_have_text(f"共 {guangxi_pilots} 个")
    rows = _list_rows(page)
    provinces = [row[2] for row in rows]
    assert provinces == [GUANGXI] * guangxi_pilots, provinces

    # The map section of the dashboard: the tile grid (no approved boundary uploaded) and the counts table.
    page.goto(f"{site}/registry/#map")
    chart = page.locator("#map [data-testid=province-map]")
    expect(chart).to_have_attribute("data-rendered", "true")
    expect(chart.locator("canvas").first).to_be_attached()
    assert chart.locator("canvas").first.bounding_box()["width"] > 0
    option = chart.evaluate("el => echarts.getInstanceByDom(el).getOption()")
    assert option["series"][0]["type"] == "scatter"  # the tile grid, not a boundary map
    tiles = {d["name"]: d["value"][2] for d in option["series"][0]["data"]}
    short_name = Province.objects.get(name=GUANGXI).short_name
    assert tiles[short_name] == guangxi_pilots
    assert sum(tiles.values()) == guangxi_pilots  # every other tile is empty
    expect(page.get_by_test_id("review-number")).to_have_count(0)

    counts = [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in page.locator("[data-testid=province-counts] tbody tr").all()
    ]
    assert counts == [[GUANGXI, str(guangxi_pilots)]]

    assert offline.requested(r"^http://(localhost|127\.0\.0\.1):\d+/static/vendor/echarts\.min\.js$")
    assert offline.failed_static() == []
    offline.assert_offline()


def test_other_province_pilot_page_is_not_found(page: Any, site: str, login: Any) -> None:
    shunyi = PilotArea.objects.get(province__name="北京市", name="顺义区")
    own = PilotArea.objects.filter(province__name=GUANGXI).order_by("pk").first()
    assert own is not None

    login(page, "demo-province")
    # Control: the officer's own province's pilot page opens.
    response = page.goto(f"{site}/pilots/{own.pk}/")
    assert response is not None and response.status == 200
    expect(page.locator("main")).to_contain_text(own.name)

    response = page.goto(f"{site}/pilots/{shunyi.pk}/")
    assert response is not None and response.status == 404
    assert "顺义区" not in page.content()
    # Not-allowed looks the same as not-found: an id that does not exist gives the same page.
    missing = (PilotArea.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    page.wait_for_load_state("networkidle")  # the header's unread badge loads after the page (htmx)
    body = page.locator("body").inner_text()
    response = page.goto(f"{site}/pilots/{missing}/")
    assert response is not None and response.status == 404
    page.wait_for_load_state("networkidle")
    assert re.sub(r"\d+", "", page.locator("body").inner_text()) == re.sub(r"\d+", "", body)
