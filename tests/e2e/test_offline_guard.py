"""The offline guard itself: a request to another host is caught and aborted."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e

OUTSIDE = "http://example.com/tracker.js"
OUTSIDE_WS = "ws://example.com/socket"


def test_the_csp_refuses_outside_requests_first(page: Any, live_server: Any, offline: Any) -> None:
    """The Content-Security-Policy (connect-src 'self') stops the request before the guard sees it."""
    page.goto(f"{live_server.url}/accounts/login/")
    outcome = page.evaluate("url => fetch(url, {mode: 'no-cors'}).then(() => 'loaded', () => 'blocked')", OUTSIDE)
    assert outcome == "blocked"
    assert offline.outside == []
    assert offline.csp_violations
    offline.csp_violations.clear()  # deliberate here


def test_guard_blocks_and_reports_outside_requests(new_context: Any, live_server: Any, offline: Any) -> None:
    # Without the page's CSP (bypassed here), the guard is the last line: it must still catch the request.
    page = new_context(bypass_csp=True).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    offline.assert_offline()  # the platform's own page stays on this machine

    failed: list[tuple[str, str | None]] = []
    page.on("requestfailed", lambda request: failed.append((request.url, request.failure)))
    outcome = page.evaluate("url => fetch(url, {mode: 'no-cors'}).then(() => 'loaded', () => 'blocked')", OUTSIDE)
    assert outcome == "blocked"
    assert offline.outside == [OUTSIDE]
    assert failed and failed[0][0] == OUTSIDE and "BLOCKED_BY_CLIENT" in str(failed[0][1])

    # A WebSocket to another host is recorded too (and never opened: the guard closes it).
    page.evaluate(
        """url => new Promise(done => {
            const ws = new WebSocket(url);
            ws.onclose = ws.onerror = () => done(ws.readyState);
        })""",
        OUTSIDE_WS,
    )
    assert offline.outside == [OUTSIDE, OUTSIDE_WS]
    with pytest.raises(AssertionError, match="outside localhost"):
        offline.assert_offline()
    # Forget the deliberate request so the teardown check passes for this test only.
    offline.requests.clear()
