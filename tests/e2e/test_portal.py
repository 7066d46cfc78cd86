"""The public portal in the browser: a provincial officer publishes news with a picture; a reader who is not
signed in finds it, moves by keyboard, reads it without JavaScript and prints it; nothing leaves this machine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def test_news_with_a_picture_reaches_the_public_portal(site: str, new_context: Any, login: Any, tmp_path: Path) -> None:
    from shidian.portal.demo import demo_picture

    picture = tmp_path / "upload.png"
    picture.write_bytes(demo_picture(7))
    writer = new_context().new_page()
    login(writer, "demo-province")
    writer.goto(f"{site}/portal/manage/news/new/")
    writer.fill("input[name=title]", "柳州市推进城乡统筹发展")
    writer.fill("textarea[name=summary]", "柳州市城乡统筹发展的新做法。")
    writer.fill("textarea[name=body]", "第一段。\n\n第二段。")
    writer.set_input_files("input[name=image]", str(picture))
    writer.fill("input[name=image_alt]", "城市天际线示意图")
    with writer.expect_navigation():
        writer.click("form[data-testid=news-form] button[type=submit]")
    with writer.expect_navigation():
        writer.click("text=在公众门户发布")
    assert "已发布" in writer.inner_text("[data-testid=news-status]")

    reader = new_context().new_page()
    reader.goto(f"{site}/portal/")
    reader.keyboard.press("Tab")
    assert reader.evaluate("document.activeElement.getAttribute('href')") == "#main"  # the skip link comes first
    reader.click("text=柳州市推进城乡统筹发展")
    image = reader.locator("article[data-testid=news-item] img")
    assert image.get_attribute("alt") == "城市天际线示意图"
    # The picture decodes (a broken one never gets a width); it may still be loading when the page is. decode()
    # waits for it in the page (a string predicate of wait_for_function is polled through eval, which the CSP
    # refuses once the first check fails: it did on a loaded machine).
    assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    reader.emulate_media(media="print")
    assert not reader.locator("nav.site-sections").is_visible()  # the print layout drops the navigation
    reader.emulate_media(media="screen")

    without_js = new_context(java_script_enabled=False).new_page()
    without_js.goto(f"{site}/portal/pilots/?province=45")
    assert without_js.locator("[data-testid=tile-grid] li").count() >= 31
    assert without_js.locator("[data-testid=pilot-table] tbody tr").count() >= 1
    assert "柳州市" in without_js.inner_text("[data-testid=pilot-table]")
