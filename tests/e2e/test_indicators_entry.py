"""A pilot enters indicator values; an out-of-range one is refused with the field named; the province accepts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from shidian.indicators.models import IndicatorValue, ValueStatus
from shidian.pilots.models import PilotArea

pytestmark = pytest.mark.e2e


def test_pilot_enters_province_accepts(new_context: Callable[[], Any], site: str, login: Callable[..., None]) -> None:
    liuzhou = PilotArea.objects.get(name="柳州市")
    pilot_page = new_context().new_page()
    login(pilot_page, "demo-pilot")
    with pilot_page.expect_navigation():
        pilot_page.locator("header nav a", has_text="指标监测").click()
    pilot_page.goto(f"{site}/indicators/pilots/{liuzhou.pk}/")
    with pilot_page.expect_navigation():
        pilot_page.get_by_test_id("entry-2018").click()
    expect(pilot_page.locator("h1")).to_contain_text("指标填报")
    # Units and ranges are shown beside the fields, grouped by category.
    expect(pilot_page.locator("fieldset legend", has_text="城镇化水平")).to_be_visible()
    row = pilot_page.locator("tr", has=pilot_page.locator("#id_urban_rate_resident"))
    expect(row).to_contain_text("%")
    expect(row).to_contain_text("0 ~ 100")

    pilot_page.fill("#id_resident_population", "400")
    pilot_page.fill("#id_hukou_population", "380")
    pilot_page.fill("#id_hukou_urban_population", "171")
    pilot_page.fill("#id_urban_rate_resident", "130")
    with pilot_page.expect_navigation():
        pilot_page.get_by_role("button", name="保存并报送").click()
    errors = pilot_page.get_by_test_id("entry-errors")
    expect(errors).to_contain_text("常住人口城镇化率：130 超出有效范围 0 ~ 100")
    expect(errors).to_contain_text("未保存任何数据")
    assert not IndicatorValue.objects.filter(pilot=liuzhou).exists()
    # The user's other entries are kept in the form; correct the one refused.
    expect(pilot_page.locator("#id_resident_population")).to_have_value("400")
    pilot_page.fill("#id_urban_rate_resident", "63.5")
    with pilot_page.expect_navigation():
        pilot_page.get_by_role("button", name="保存并报送").click()
    expect(pilot_page.get_by_test_id("confirm-recipient")).to_contain_text("广西壮族自治区发展改革委")
    with pilot_page.expect_navigation():
        pilot_page.get_by_test_id("confirm").click()
    expect(pilot_page.locator("article.message")).to_contain_text("已保存并报送")
    expect(pilot_page.get_by_test_id("computed-urban_rate_hukou")).to_have_text("45")
    assert IndicatorValue.objects.filter(pilot=liuzhou, status=ValueStatus.SUBMITTED).count() == 5

    province_page = new_context().new_page()
    login(province_page, "demo-province")
    province_page.goto(f"{site}/indicators/")
    with province_page.expect_navigation():
        province_page.locator("nav.subnav a", has_text="待确认数据").click()
    with province_page.expect_navigation():
        province_page.get_by_test_id(f"review-{liuzhou.pk}-2018").click()
    expect(province_page.get_by_test_id("status-urban_rate_resident")).to_have_text("已报送")
    with province_page.expect_navigation():
        province_page.get_by_test_id("accept").click()
    with province_page.expect_navigation():
        province_page.get_by_test_id("confirm").click()
    expect(province_page.locator("article.message")).to_contain_text("已确认")
    assert set(IndicatorValue.objects.filter(pilot=liuzhou).values_list("status", flat=True)) == {ValueStatus.ACCEPTED}

    # The pilot's monitoring page now charts the accepted value.
    pilot_page.goto(f"{site}/indicators/pilots/{liuzhou.pk}/")
    expect(pilot_page.get_by_test_id("series-urban_rate_resident")).to_have_attribute("data-rendered", "true")
