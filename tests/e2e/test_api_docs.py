"""The interactive API docs load Swagger UI from this server only, within the site's CSP."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def test_the_api_docs_render_from_local_assets(page: Any, live_server: Any, offline: Any) -> None:
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
    assert page.locator(".opblock-summary-path", has_text="/api/v1/indicators/values").count() >= 1
    offline.assert_offline()
    assert offline.csp_violations == []


def test_a_user_makes_a_token_sees_it_once_and_revokes_it(page: Any, site: str, login: Any, offline: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    login(page, "demo-province")
    page.goto(f"{site}/accounts/api/tokens/")
    page.fill("input[name=name]", "统计局推送")
    page.select_option("select[name=access]", "write")
    page.fill("input[name=expires_on]", (timezone.localdate() + dt.timedelta(days=90)).isoformat())
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    secret = page.locator("[data-testid=new-secret] code").inner_text()
    assert secret.startswith("sdt_")
    page.goto(f"{site}/accounts/api/tokens/")
    assert secret not in page.content()
    with page.expect_navigation():
        page.locator("[data-testid=own-tokens] button").click()
    assert page.locator("[data-testid=own-tokens]").inner_text().count("已吊销") == 1
    offline.assert_offline()
