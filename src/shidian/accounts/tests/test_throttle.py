"""Password spraying from one address is slowed, never locked out (an office behind one NAT address)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone

from shidian.accounts.models import LoginFailure
from shidian.conftest import DEMO_PASSWORD
from shidian.core.models import AuditEvent

OFFICE = "10.20.30.40"
LOGIN = "/accounts/login/"


def attempt(client: Client, username: str, password: str, ip: str = OFFICE) -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def spray(client: Client, times: int, ip: str = OFFICE) -> None:
    """One password tried on many accounts, each account only once (no account lockout triggers)."""
    for i in range(times):
        attempt(client, f"nobody-{i}", "Spring#2026", ip)


@pytest.fixture(autouse=True)
def _small_limit(settings: Any) -> None:
    settings.LOGIN_ADDRESS_FAILURES = 5
    settings.LOGIN_ADDRESS_MAX_WAIT_SECONDS = 60
    settings.LOGIN_ADDRESS_WINDOW_MINUTES = 15


@pytest.mark.django_db
class TestAddressThrottle:
    def test_below_the_limit_nothing_waits(self, client: Client) -> None:
        spray(client, 4)
        assert attempt(client, "demo-pilot", DEMO_PASSWORD).status_code == 302

    def test_past_the_limit_the_address_must_wait_and_the_password_is_not_checked(self, client: Client) -> None:
        spray(client, 5)
        response = attempt(client, "demo-pilot", DEMO_PASSWORD)
        assert response.status_code == 429
        assert int(response["Retry-After"]) >= 1
        page = response.content.decode()
        assert "此网络地址登录失败次数过多" in page and "账号未被锁定" in page
        assert SESSION_KEY not in client.session
        # The wrong guess during the wait is not even counted as a try of that account.
        assert not AccessAttempt.objects.filter(username="demo-pilot").exists()
        assert AuditEvent.objects.filter(action="accounts.login_throttled", actor_username="demo-pilot").exists()

    def test_after_the_wait_a_colleague_behind_the_same_address_signs_in(self, client: Client) -> None:
        spray(client, 5)
        assert attempt(client, "demo-pilot", DEMO_PASSWORD).status_code == 429
        LoginFailure.objects.update(failed_at=timezone.now() - dt.timedelta(seconds=61))
        colleague = Client()
        assert attempt(colleague, "demo-pilot", DEMO_PASSWORD).status_code == 302
        assert colleague.session[SESSION_KEY]

    def test_the_wait_doubles_with_each_further_failure_up_to_the_maximum(self, client: Client) -> None:
        from shidian.accounts import throttle

        spray(client, 5)
        assert 1 <= throttle.wait_seconds(OFFICE) <= 1
        spray(client, 3)  # during the wait: answered "wait", not counted
        assert LoginFailure.objects.filter(ip=OFFICE).count() == 5
        for _i in range(3):
            LoginFailure.objects.create(ip=OFFICE)
        assert 7 <= throttle.wait_seconds(OFFICE) <= 8
        for _i in range(10):
            LoginFailure.objects.create(ip=OFFICE)
        assert throttle.wait_seconds(OFFICE) == 60

    def test_another_address_is_not_slowed(self, client: Client) -> None:
        spray(client, 5)
        assert attempt(Client(), "demo-pilot", DEMO_PASSWORD, ip="10.99.0.1").status_code == 302

    def test_failures_older_than_the_window_do_not_count(self, client: Client) -> None:
        spray(client, 5)
        LoginFailure.objects.update(failed_at=timezone.now() - dt.timedelta(minutes=16))
        assert attempt(client, "demo-pilot", DEMO_PASSWORD).status_code == 302

    def test_no_account_is_locked_by_the_spray(self, client: Client) -> None:
        spray(client, 5)
        assert not AccessAttempt.objects.filter(failures_since_start__gte=5).exists()
