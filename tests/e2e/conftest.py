"""Browser fixtures: Debian's Chromium driven by Playwright (sync API) against pytest-django's live server.

* One Chromium per e2e package run, a fresh browser context (cookies, storage) per test.
* ``offline`` guard: every request a page makes is recorded; any request to a host other
  than 127.0.0.1/localhost is aborted before it leaves the browser, and the test fails at
  teardown if one was attempted (data: and blob: URLs are fine).
* CSP guard: a Content-Security-Policy refusal reported on the console fails the test at teardown.
* ``site``: the live server's base URL after the reference data and the demo accounts are
  re-loaded (live_server implies a transactional database, flushed after every test).

Static files: pytest-django's live server wraps the WSGI app in
``django.contrib.staticfiles.handlers.StaticFilesHandler`` when staticfiles is installed, so
/static/ is served from the finders (STATICFILES_DIRS + app static dirs) as in
StaticLiveServerTestCase; no collectstatic and no manifest are needed (settings.test uses
plain StaticFilesStorage).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
LOCAL_SCHEMES = frozenset({"data", "blob"})
DEFAULT_TIMEOUT_MS = 10_000
E2E_MARKER = "e2e: browser tests in headless Chromium (Playwright)"


def pytest_configure(config: pytest.Config) -> None:
    if not any(line.split(":", 1)[0].strip() == "e2e" for line in config.getini("markers")):
        config.addinivalue_line("markers", E2E_MARKER)


def pytest_itemcollected(item: pytest.Item) -> None:
    """Every test in this folder is a browser test (the SQLite pass leaves them out by this marker)."""
    item.add_marker(pytest.mark.e2e)


def is_local(url: str) -> bool:
    """True for URLs that stay on this machine: http(s)/ws(s) to 127.0.0.1 or localhost, data:, blob:."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.hostname in LOCAL_HOSTS


@dataclass
class OfflineGuard:
    """Every URL the browser asked for, and the ones that would have left this machine."""

    requests: list[str] = field(default_factory=list)
    responses: list[tuple[str, int]] = field(default_factory=list)
    # Chromium reports every Content-Security-Policy refusal on the console; a page must cause none.
    csp_violations: list[str] = field(default_factory=list)

    def record_console(self, text: str) -> None:
        if "Content Security Policy" in text:
            self.csp_violations.append(text)

    def assert_no_csp_violations(self) -> None:
        assert not self.csp_violations, f"Content-Security-Policy violations: {self.csp_violations}"

    def record(self, url: str) -> None:
        self.requests.append(url)

    def record_response(self, url: str, status: int) -> None:
        self.responses.append((url, status))

    def failed_static(self) -> list[tuple[str, int]]:
        """Static assets that did not load (the live server serves them from the finders)."""
        return [
            (url, status)
            for url, status in self.responses
            if urlsplit(url).path.startswith(settings.STATIC_URL) and status >= 400
        ]

    @property
    def outside(self) -> list[str]:
        return [url for url in self.requests if not is_local(url)]

    def assert_offline(self) -> None:
        outside = self.outside
        assert not outside, f"the page requested {len(outside)} URL(s) outside localhost: {outside}"

    def requested(self, pattern: str) -> list[str]:
        return [url for url in self.requests if re.search(pattern, url)]


# -- browser ---------------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def _async_unsafe_ok() -> Iterator[None]:
    """Playwright's sync API keeps an asyncio loop marked as running on the main thread; the ORM calls
    the tests (and pytest-django's flush) make there are still plain synchronous calls."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package")
def browser(_async_unsafe_ok: None) -> Iterator[Any]:
    # No skip when Chromium is missing: the browser tests are part of `make test` and must not vanish.
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is not installed (apt-get install chromium)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def offline() -> OfflineGuard:
    return OfflineGuard()


def _refuse_socket(ws: Any, offline: OfflineGuard) -> None:
    """WebSockets do not show up as requests: record the attempt here, then close it unconnected."""
    offline.record(ws.url)
    ws.close()


@pytest.fixture
def new_context(browser: Any, offline: OfflineGuard) -> Iterator[Callable[..., Any]]:
    """Make fresh, guarded browser contexts (a test that needs two users at once asks twice)."""
    contexts: list[Any] = []

    def make(**options: Any) -> Any:
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", service_workers="block", **options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.on("request", lambda request: offline.record(request.url))
        context.on("response", lambda response: offline.record_response(response.url, response.status))
        context.on("console", lambda message: offline.record_console(message.text))
        # Anything not bound for this machine is aborted before the browser opens a connection.
        context.route(lambda url: not is_local(url), lambda route: route.abort("blockedbyclient"))
        context.route_web_socket(lambda url: not is_local(url), lambda ws: _refuse_socket(ws, offline))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    offline.assert_offline()
    offline.assert_no_csp_violations()


@pytest.fixture
def context(new_context: Callable[[], Any]) -> Any:
    return new_context()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


# -- server and data -------------------------------------------------------------------------------


class _OneRequestAtATime:
    """A WSGI app that runs one request at a time, the response body included.

    On SQLite the live server's threads and the test share one in-memory connection (there is no other way
    to see the test's data), and Django's per-connection state (the open transaction, savepoints) is not
    meant for two threads at once. A page that fetched its boundary file while its unread badge loaded was
    seen answered as if signed out (a 302 to the login page, then a 302 back: issue 16's red run). PostgreSQL
    gives every server thread its own connection and keeps the concurrency.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with self.lock:
            body = self.app(environ, start_response)
            try:
                return list(body)
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()


def _serialise_on_shared_sqlite(live_server: Any) -> None:
    from django.db import connections

    httpd = live_server.thread.httpd
    shared = any(conn.vendor == "sqlite" and conn.is_in_memory_db() for conn in connections.all())
    if shared and not isinstance(httpd.get_app(), _OneRequestAtATime):
        httpd.set_app(_OneRequestAtATime(httpd.get_app()))


@pytest.fixture
def site(live_server: Any, _async_unsafe_ok: None) -> str:
    """The live server's URL, with the reference data and demo accounts loaded into the (flushed) database."""
    from shidian.conftest import restore_session_data

    _serialise_on_shared_sqlite(live_server)
    restore_session_data()
    return str(live_server.url)


# No htmx request in flight and no swap pending: what a page loads after itself (the unread badge) is in.
# Playwright's "networkidle" waits for half a second without a request after that, on every page.
HTMX_SETTLED = "() => !window.htmx || !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"


def settle(page: Any) -> None:
    """Wait until the page's htmx fragments have arrived and been swapped in."""
    page.wait_for_function(HTMX_SETTLED, polling=50)


@pytest.fixture
def settled() -> Callable[[Any], None]:
    return settle


@pytest.fixture
def login(site: str) -> Callable[..., None]:
    """Log in through the real login form."""
    from shidian.accounts.demo import DEMO_PASSWORD

    def do(page: Any, username: str, password: str = DEMO_PASSWORD) -> None:
        page.goto(f"{site}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        # The page after login loads its unread badge by htmx; let it finish before the test goes on.
        settle(page)

    return do
