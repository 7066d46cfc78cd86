"""WCAG 2.1 AA in the browser: axe-core finds no violation on each role's workbench and main pages.

axe-core comes from npm (node_modules, a development dependency) and is evaluated in the page through the
DevTools protocol, which the Content-Security-Policy does not govern; users are never sent it. The walk runs
over the whole demo at its business date, so the workbenches, queues and the completeness matrix have rows.
From each role's workbench it opens the links of the page (the navigation and the work items) and the links of
those pages, breadth first: one page per URL shape over the whole walk (a list links to hundreds of detail pages,
and the roles share most list pages), a bounded number per role. Every role's workbench is always checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from shidian.bootstrap import data
from shidian.bootstrap.data import demo_today
from shidian.core import clock

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ROLES = [
    "demo-pilot",
    "demo-province",
    "demo-national",
    "demo-ministry",
    "demo-department",
    "demo-expert",
    "demo-auditor",
    "demo-secadmin",
    "demo-sysadmin",
]
PAGES_PER_ROLE = 12
DEPTH = 2
# Not pages: downloads, the language switch and logout, and the admin's repetitive add/history/delete forms.
NOT_A_PAGE = re.compile(
    r"logout|/i18n/|/portal/language/|export|download|format=|\.(docx|pdf|xlsx|csv|json)$|/(add|history|delete)/"
)
RUN_AXE = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
  .then(r => r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' '))
  .join(' | ')))"""


def shape(url: str) -> str:
    """The URL with its numbers and query values blanked: pages of one shape share one template."""
    parts = urlsplit(url)
    query = re.sub(r"=[^&]*", "=", parts.query)
    return re.sub(r"\d+", "N", parts.path) + ("?" + query if query else "")


def violations(page: Any) -> list[str]:
    assert AXE.exists(), f"{AXE} is missing: run `npm ci` (axe-core is a development dependency)"
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found: list[str] = page.evaluate(RUN_AXE, WCAG_21_AA)
    return found


def walk(page: Any, site: str, shapes: set[str], settled: Any, start: str = "/") -> dict[str, list[str]]:
    """The violations of the workbench (or ``start``) and the pages reached from it whose shape is new."""
    found: dict[str, list[str]] = {}
    queue: list[tuple[str, int]] = [(start, 0)]
    while queue and len(found) < PAGES_PER_ROLE:
        url, depth = queue.pop(0)
        if depth and shape(url) in shapes:
            continue
        shapes.add(shape(url))
        response = page.goto(f"{site}{url}")
        assert response is not None and response.status < 500, url
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        settled(page)  # the fragments htmx loads after the page are checked too
        found[url] = violations(page)
        if depth < DEPTH:
            hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
            queue += [(h.split("#")[0], depth + 1) for h in hrefs if h.startswith("/") and not NOT_A_PAGE.search(h)]
    return found


def portal_experience_pages() -> list[str]:
    """The experience overview, a theme, a batch, an experience with photos and spread, the search, open data."""
    from shidian.experiences import selectors

    experience = next(e for e in selectors.published() if selectors.adoptions_of(e) and selectors.public_photos(e))
    return [
        "/portal/experiences/",
        f"/portal/experiences/themes/{experience.focus_area.code}/",
        f"/portal/experiences/batches/{experience.batch_id}/",
        f"/portal/experiences/{experience.pk}/",
        f"/portal/pilots/{experience.pilot_id}/",
        "/portal/search/",
        "/portal/search/?q=户籍",
        "/portal/search/?q=" + "户籍" * 80,
        "/portal/data/",
    ]


@pytest.fixture
def demo_day(site: str) -> Iterator[str]:
    """The whole demo at its business date (the live server runs in this process and shares the clock)."""
    data.load_demo()
    with clock.travel_to(demo_today()):
        yield site


def test_axe_core_is_loaded_and_can_fail(page: Any, site: str) -> None:
    """The check itself: a control without a label is a violation."""
    page.goto(f"{site}/accounts/login/")
    assert violations(page) == []
    page.evaluate("() => document.querySelector('main form').append(document.createElement('select'))")
    assert any(v.startswith("select-name") for v in violations(page))


def test_every_roles_workbench_and_main_pages_meet_wcag_21_aa(
    demo_day: str, new_context: Any, login: Any, settled: Any
) -> None:
    failures: dict[str, list[str]] = {}
    opened: dict[str, list[str]] = {}
    shapes: set[str] = set()
    for username in ROLES:
        page = new_context().new_page()
        login(page, username)
        found = walk(page, demo_day, shapes, settled)
        opened[username] = list(found)
        failures.update({f"{username} {url}": v for url, v in found.items() if v})
    assert all(urls[0] == "/" for urls in opened.values()), opened  # every role's workbench was checked
    # The public portal, as a reader who is not signed in: its home and the pages it links to.
    public = walk(new_context().new_page(), demo_day, shapes, settled, start="/portal/")
    assert len([url for url in public if url.startswith("/portal/")]) >= 6, list(public)
    failures.update({f"public {url}": v for url, v in public.items() if v})
    # The portal's typical experiences and its search, each page checked whatever the walk reached.
    reader = new_context().new_page()
    for url in portal_experience_pages():
        response = reader.goto(f"{demo_day}{url}")
        assert response is not None and response.status == 200, url
        found = violations(reader)
        if found:
            failures[f"public {url}"] = found
    assert len(shapes) >= 30, sorted(shapes)  # the walk went well beyond the workbenches
    assert not failures, "\n".join(f"{where}: {'; '.join(v)}" for where, v in failures.items())
