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
