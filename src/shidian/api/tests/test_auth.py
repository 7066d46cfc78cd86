"""Personal access tokens: shown once, stored hashed, acting as their user, revocable at once, rate limited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from shidian.accounts.models import User
from shidian.api import services
from shidian.api.models import ApiToken, RateWindow
from shidian.core.errors import DomainError
from shidian.core.models import AuditEvent
from shidian.pilots.models import PilotArea

pytestmark = pytest.mark.django_db


def _guangxi_and_other() -> tuple[PilotArea, PilotArea]:
    guangxi = PilotArea.objects.filter(province__name="广西壮族自治区").first()
    other = PilotArea.objects.exclude(province__name="广西壮族自治区").first()
    assert guangxi is not None and other is not None
    return guangxi, other


def test_the_secret_is_not_stored_only_its_hash(user: Callable[[str], User]) -> None:
    token, secret = services.create_token(
        user=user("demo-province"), name="统计局", access="read", expires_on=timezone.localdate() + dt.timedelta(days=9)
    )
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in {stored.secret_hash, stored.prefix, stored.name}
    assert stored.secret_hash == services.secret_hash(secret)
    assert secret.startswith(stored.prefix)


def test_a_token_lives_at_most_one_year(user: Callable[[str], User]) -> None:
    with pytest.raises(DomainError):
        services.create_token(
            user=user("demo-province"),
            name="x",
            access="read",
            expires_on=timezone.localdate() + dt.timedelta(days=400),
        )
    assert not ApiToken.objects.exists()


def test_anonymous_calls_get_401_with_a_chinese_message() -> None:
    response = Client().get("/api/v1/registry/pilots")
    assert response.status_code == 401
    assert "令牌" in response.json()["message"]


def test_a_token_acts_as_its_user_with_the_same_scope(token_client: Callable[..., Any]) -> None:
    guangxi, other = _guangxi_and_other()
    client = token_client("demo-province")
    assert client.get(f"/api/v1/registry/pilots/{guangxi.pk}").status_code == 200
    response = client.get(f"/api/v1/registry/pilots/{other.pk}")
    assert response.status_code == 404
    assert response.json()["message"] == "未找到。"
    listed = client.get("/api/v1/registry/pilots?page_size=1000").json()["results"]
    assert {p["province"] for p in listed} == {"广西壮族自治区"}


def test_revocation_takes_effect_at_once(token_client: Callable[..., Any], user: Callable[[str], User]) -> None:
    client = token_client("demo-province")
    assert client.get("/api/v1/registry/batches").status_code == 200
    token = ApiToken.objects.get()
    services.revoke_token(token=token, by=user("demo-province"))
    assert client.get("/api/v1/registry/batches").status_code == 401


def test_an_expired_token_is_refused(token_client: Callable[..., Any]) -> None:
    client = token_client("demo-province")
    now = timezone.now()
    ApiToken.objects.update(created_at=now - dt.timedelta(days=2), expires_at=now - dt.timedelta(seconds=1))
    assert client.get("/api/v1/registry/batches").status_code == 401


def test_a_token_of_a_deactivated_user_is_refused(token_client: Callable[..., Any]) -> None:
    client = token_client("demo-province")
    User.objects.filter(username="demo-province").update(is_active=False)
    assert client.get("/api/v1/registry/batches").status_code == 401


def test_only_its_user_revokes_a_token(token_client: Callable[..., Any], user: Callable[[str], User]) -> None:
    token_client("demo-province")
    with pytest.raises(DomainError):
        services.revoke_token(token=ApiToken.objects.get(), by=user("demo-pilot"))
    assert ApiToken.objects.get().revoked_at is None


def test_a_read_only_token_cannot_write(token_client: Callable[..., Any]) -> None:
    client = token_client("demo-province", access="read")
    response = client.post("/api/v1/indicators/values", data={"rows": []}, content_type="application/json")
    assert response.status_code == 403
    assert "只读" in response.json()["message"]


@override_settings(API_TOKEN_REQUESTS_PER_MINUTE=3)
def test_too_many_requests_get_a_clear_429(token_client: Callable[..., Any]) -> None:
    client = token_client("demo-province")
    statuses = [client.get("/api/v1/registry/batches").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/registry/batches")
    assert "频繁" in response.json()["message"]
    assert 0 < int(response["Retry-After"]) <= 60


@override_settings(API_TOKEN_REQUESTS_PER_MINUTE=2)
def test_the_rate_limit_counts_in_the_database_not_in_process_memory(token_client: Callable[..., Any]) -> None:
    client = token_client("demo-province")
    assert [client.get("/api/v1/registry/batches").status_code for _ in range(2)] == [200, 200]
    caches["default"].clear()  # the memory of this process, which another waitress process would not share
    assert client.get("/api/v1/registry/batches").status_code == 429
    assert list(RateWindow.objects.values_list("count", flat=True)) == [3]


def _token(user: User, name: str = "统计局") -> ApiToken:
    token, _secret = services.create_token(
        user=user, name=name, access="read", expires_on=timezone.localdate() + dt.timedelta(days=9)
    )
    return token


def test_counting_a_call_is_one_statement(user: Callable[[str], User], django_assert_num_queries: Any) -> None:
    token = _token(user("demo-province"))
    services.rate_limit_wait(token)  # the first call of the minute also clears the windows that are over
    with django_assert_num_queries(1):
        assert services.rate_limit_wait(token) == 0
    assert RateWindow.objects.get(token=token).count == 2


def test_each_token_has_its_own_count_and_windows_that_are_over_go(user: Callable[[str], User]) -> None:
    first, second = _token(user("demo-province")), _token(user("demo-province"), "规划院")
    minute = int(timezone.now().timestamp()) // 60
    RateWindow.objects.create(token=second, minute=minute - 3, count=599)
    for _ in range(3):
        services.rate_limit_wait(first)
    services.rate_limit_wait(second)
    windows = set(RateWindow.objects.values_list("token_id", "minute", "count"))
    assert windows == {(first.pk, minute, 3), (second.pk, minute, 1)}


def test_the_token_pages_show_the_secret_once_and_revoke(client_as: Callable[[str], Client]) -> None:
    client = client_as("demo-province")
    expires = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    page = client.post("/accounts/api/tokens/", {"name": "统计局推送", "access": "write", "expires_on": expires})
    assert page.status_code == 200
    token = ApiToken.objects.get()
    secret = page.context["secret"]
    assert secret.startswith(token.prefix) and secret in page.content.decode()
    assert secret not in client.get("/accounts/api/tokens/").content.decode()
    event = AuditEvent.objects.filter(action="api.token.created").get()
    assert event.object_id == str(token.pk)
    client.post(f"/accounts/api/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_token_pages_write_their_times_through_core_formatting(
    token_client: Callable[..., Any], client_as: Callable[[str], Client]
) -> None:
    token_client("demo-province")
    created = dt.datetime(2026, 3, 4, 1, 5, tzinfo=dt.UTC)  # 09:05 in Beijing
    ApiToken.objects.update(
        created_at=created,
        last_used_at=created + dt.timedelta(days=1, hours=7),  # 16:05 the next day
        revoked_at=created + dt.timedelta(days=2, hours=15),  # the day after next, 00:05 Beijing time
        expires_at=dt.datetime(2026, 4, 30, 15, 59, tzinfo=dt.UTC),  # 23:59 on 30 April in Beijing
    )
    own = client_as("demo-province").get("/accounts/api/tokens/").content.decode()
    row = own.split('data-testid="own-tokens"', 1)[1].split("</table>", 1)[0]
    assert "2026年3月4日 09:05" in row and "2026年3月5日 16:05" in row and "2026年4月30日" in row
    audit = client_as("demo-auditor").get("/accounts/api/tokens/").content.decode()
    row = audit.split('data-testid="all-tokens"', 1)[1].split("</table>", 1)[0]
    for text in ("2026年3月4日 09:05", "2026年3月5日 16:05", "2026年3月7日 00:05", "2026年4月30日"):
        assert text in row, text
    assert "2026-03" not in own + audit


def test_another_users_token_cannot_be_revoked_through_the_page(
    token_client: Callable[..., Any], client_as: Callable[[str], Client]
) -> None:
    token_client("demo-province")
    token = ApiToken.objects.get()
    assert client_as("demo-pilot").post(f"/accounts/api/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_auditor_lists_every_token_others_only_their_own(
    token_client: Callable[..., Any], client_as: Callable[[str], Client]
) -> None:
    token_client("demo-province")
    assert len(client_as("demo-auditor").get("/accounts/api/tokens/").context["all_tokens"]) == 1
    assert client_as("demo-pilot").get("/accounts/api/tokens/").context["all_tokens"] is None


def test_the_browser_session_reads_and_needs_csrf_to_write(user: Callable[[str], User]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user("demo-province"))
    assert client.get("/api/v1/registry/batches").status_code == 200
    response = client.post("/api/v1/indicators/values", data={"rows": []}, content_type="application/json")
    assert response.status_code == 403


@pytest.mark.parametrize("username", ["demo-auditor", "demo-secadmin", "demo-sysadmin"])
def test_the_admin_duties_are_refused_by_token_and_by_session(
    token_client: Callable[..., Any], client_as: Callable[[str], Client], username: str
) -> None:
    """The admin duties reach no business data on the pages; the API refuses them too, lists included."""
    for client in (token_client(username, access="read"), client_as(username)):
        response = client.get("/api/v1/registry/pilots")
        assert response.status_code == 403, response.content
        assert "不能使用数据接口" in response.json()["message"]
    assert client_as("demo-province").get("/api/v1/registry/pilots").status_code == 200
