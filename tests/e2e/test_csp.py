"""The Content-Security-Policy holds in the browser: the pages run with no refusal, and a refusal is caught."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_main_pages_cause_no_csp_violation(
    site: str, login: Callable[..., None], new_context: Callable[[], Any], offline: Any
) -> None:
    from shidian.plans.focus_areas import ensure_focus_areas
    from shidian.plans.tests import factories

    ensure_focus_areas()
    _plan, version, _tasks, _ms = factories.make_plan(tasks=1, milestones=2, deadline=dt.date(2018, 12, 31))
    page = new_context().new_page()
    login(page, "demo-province")
    for path in ["/", "/pilots/", f"/plans/pilot/{version.plan.pilot_id}/", "/indicators/", "/accounts/changes/"]:
        page.goto(f"{site}{path}")
        page.wait_for_load_state("networkidle")
    # The timeline bars are placed by app.js from data attributes (no inline style).
    bar = page.locator(".gantt-bar").first
    page.goto(f"{site}/plans/pilot/{version.plan.pilot_id}/")
    assert bar.evaluate("el => el.style.width").endswith("%")
    admin = new_context().new_page()
    login(admin, "demo-secadmin")
    for path in ["/admin/", "/admin/accounts/user/", "/admin/accounts/user/add/"]:
        admin.goto(f"{site}{path}")
        admin.wait_for_load_state("networkidle")
    assert offline.csp_violations == []


def test_an_inline_script_would_be_refused_and_reported(
    site: str, login: Callable[..., None], page: Any, offline: Any
) -> None:
    """The guard itself can fail: an injected inline script is blocked and shows up as a violation."""
    login(page, "demo-province")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = 1'; document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.ran") is None
    assert offline.csp_violations
    offline.csp_violations.clear()  # expected here; the teardown check covers every other test
