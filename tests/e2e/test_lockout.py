"""Five wrong passwords lock the account: even the right password then shows the locked-out page."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from shidian.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

LOCKED = "账号已锁定"


def _submit(page: Any, site: str, username: str, password: str) -> Any:
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation() as navigation:
        page.click("main form button[type=submit]")
    return navigation.value


def test_five_wrong_passwords_lock_the_account(page: Any, site: str) -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    for attempt in range(1, 5):
        response = _submit(page, site, "demo-expert", f"wrong-password-{attempt}")
        # Not locked yet: the login form again, with the error.
        expect(page.locator("main [role=alert]")).to_contain_text("用户名或密码不正确")
        expect(page.locator("input[name=password]")).to_be_visible()
        assert LOCKED not in page.content(), f"locked after {attempt} failures"
        assert response.status == 200

    _submit(page, site, "demo-expert", "wrong-password-5")
    _submit(page, site, "demo-expert", DEMO_PASSWORD)
    expect(page.locator("main h1")).to_have_text(LOCKED)
    expect(page.get_by_test_id("who")).to_have_count(0)

    # The correct password did not sign the user in.
    page.goto(f"{site}/")
    assert page.url.startswith(f"{site}/accounts/login/")
    expect(page.get_by_test_id("who")).to_have_count(0)
