"""The language selector in the header switches the interface language."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_selecting_english_switches_html_lang(page: Any, site: str, login: Any) -> None:
    login(page, "demo-province")
    page.goto(f"{site}/registry/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "zh-hans")
    select = page.locator("header select[name=language]")
    expect(select).to_have_value("zh-hans")

    with page.expect_navigation():
        select.select_option("en")

    expect(html).to_have_attribute("lang", "en")
    assert page.url == f"{site}/registry/"  # set_language sent us back to the page we were on
    expect(page.locator("header select[name=language]")).to_have_value("en")
    # Still a working, signed-in page (catalogues may be missing: no assertion on wording).
    expect(page.locator("main h1")).to_be_visible()
    expect(page.get_by_test_id("who")).to_be_visible()
    expect(page.get_by_test_id("chart-batch")).to_have_attribute("data-rendered", "true")

    # The choice sticks for the next page.
    page.goto(f"{site}/pilots/")
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("result-count")).to_be_visible()
