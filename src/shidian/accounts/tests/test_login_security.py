"""Login security (等保 2.0): password policy and age, lockout, idle timeout, sessions — through the real pages."""

from __future__ import annotations

import datetime as dt
import runpy
from collections.abc import Callable
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shidian.accounts import services
from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.accounts.validators import CharacterClassValidator, character_classes
from shidian.conftest import DEMO_PASSWORD
from shidian.core.models import AuditEvent
from shidian.core.roles import Role
from shidian.pilots.models import PilotArea

LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"
PASSWORD_CHANGE = "/accounts/password/"
BASE_SETTINGS = settings.BASE_DIR / "settings" / "base.py"
POLICY_VARIABLES = [
    "PASSWORD_MIN_LENGTH",
    "PASSWORD_MIN_CLASSES",
    "PASSWORD_MAX_AGE_DAYS",
    "SESSION_IDLE_MINUTES",
    "LOCKOUT_FAILURES",
    "LOCKOUT_MINUTES",
]


def load_base_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    """Evaluate settings/base.py afresh with only these policy variables set (it does no I/O, so this is cheap)."""
    for name in POLICY_VARIABLES:
        monkeypatch.delenv(f"SHIDIAN_{name}", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(f"SHIDIAN_{name}", value)
    return runpy.run_path(str(BASE_SETTINGS))


def validator_options(validators: list[dict[str, Any]], name: str) -> dict[str, Any]:
    options: dict[str, Any] = next(v for v in validators if v["NAME"].endswith(name)).get("OPTIONS", {})
    return options


def post_login(client: Client, username: str, password: str, ip: str = "127.0.0.1") -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in_as(client: Client) -> str | None:
    """The username the client's session is signed in as, or None."""
    user_id = client.session.get(SESSION_KEY)
    return None if user_id is None else User.objects.get(pk=user_id).username


def refusals(password: str, user: User | None = None) -> set[str]:
    """The codes of the policy rules ``password`` breaks."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return {e.code or "" for e in exc.error_list}
    return set()


# ---------------------------------------------------------------- password policy


class TestPasswordPolicy:
    def test_eight_characters_of_three_classes_pass(self) -> None:
        assert refusals("Gx7kLm2p") == set()  # lower, upper, digit
        assert refusals("gx7k#m2p") == set()  # lower, digit, other
        assert refusals("GX7K#M2P") == set()  # upper, digit, other

    def test_seven_characters_are_too_short(self) -> None:
        assert refusals("Gx7kLm2") == {"password_too_short"}

    def test_two_character_classes_are_too_simple(self) -> None:
        assert refusals("gxqklmzpw") == {"password_too_simple"}
        assert refusals("gx7klm2pw") == {"password_too_simple"}
        assert refusals("GX#KLM!PW") == {"password_too_simple"}

    def test_common_passwords_are_refused_even_with_three_classes(self) -> None:
        assert "password_too_common" in refusals("Password1")

    def test_counts_the_four_character_classes(self) -> None:
        assert character_classes("abc") == 1
        assert character_classes("aB") == 2
        assert character_classes("aB3") == 3
        assert character_classes("aB3 ") == 4
        assert character_classes("试点试点") == 0  # CJK characters are letters of no class

    def test_character_class_validator_takes_its_minimum(self) -> None:
        four = CharacterClassValidator(min_classes=4)
        four.validate("Gx7k#m2p")
        with pytest.raises(ValidationError) as raised:
            four.validate("Gx7kLm2p")
        assert raised.value.code == "password_too_simple"
        assert "至少 4 类" in raised.value.messages[0]
        CharacterClassValidator(min_classes=2).validate("gx7klm2pw")

    def test_settings_build_the_validators_from_the_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        default = load_base_settings(monkeypatch)
        assert default["PASSWORD_MIN_LENGTH"] == 8
        assert validator_options(default["AUTH_PASSWORD_VALIDATORS"], "MinimumLengthValidator") == {"min_length": 8}
        assert validator_options(default["AUTH_PASSWORD_VALIDATORS"], "CharacterClassValidator") == {"min_classes": 3}

        strict = load_base_settings(monkeypatch, PASSWORD_MIN_LENGTH="12", PASSWORD_MIN_CLASSES="4")
        validators = strict["AUTH_PASSWORD_VALIDATORS"]
        assert validator_options(validators, "MinimumLengthValidator") == {"min_length": 12}
        assert validator_options(validators, "CharacterClassValidator") == {"min_classes": 4}
        with override_settings(AUTH_PASSWORD_VALIDATORS=validators):
            assert refusals("Gx7k#m2pQ") == {"password_too_short"}
            assert refusals("Gx7kLm2pQr5w") == {"password_too_simple"}
            assert refusals("Gx7k#m2pQr5w") == set()

    def test_the_active_settings_are_the_documented_defaults(self) -> None:
        assert settings.PASSWORD_MIN_LENGTH == 8
        assert settings.PASSWORD_MIN_CLASSES == 3
        assert settings.PASSWORD_MAX_AGE_DAYS == 90


# ---------------------------------------------------------------- password age and temporary passwords


def age_password(username: str, days: float) -> None:
    User.objects.filter(username=username).update(password_changed_at=timezone.now() - dt.timedelta(days=days))


@pytest.mark.django_db
class TestPasswordAge:
    PAGES = ["/", "/pilots/", "/registry/completeness/"]

    def test_a_password_of_91_days_sends_every_page_to_the_change_page(
        self, client_as: Callable[[str], Client]
    ) -> None:
        age_password("demo-province", 91)
        client = client_as("demo-province")
        for url in self.PAGES:
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"] == PASSWORD_CHANGE, url
        page = client.get(PASSWORD_CHANGE)
        assert page.status_code == 200
        assert "初始密码或已过期" in page.content.decode()

    def test_a_password_of_89_days_is_still_good(self, client_as: Callable[[str], Client]) -> None:
        age_password("demo-province", 89)
        client = client_as("demo-province")
        assert client.get("/pilots/").status_code == 200
        assert "初始密码或已过期" not in client.get(PASSWORD_CHANGE).content.decode()

    def test_admin_duties_are_sent_too(self, client_as: Callable[[str], Client]) -> None:
        age_password("demo-secadmin", 91)
        response = client_as("demo-secadmin").get("/admin/accounts/user/")
        assert response.status_code == 302
        assert response["Location"] == PASSWORD_CHANGE

    @override_settings(PASSWORD_MAX_AGE_DAYS=30)
    def test_the_maximum_age_is_a_setting(self, client_as: Callable[[str], Client]) -> None:
        age_password("demo-province", 31)
        assert client_as("demo-province").get("/pilots/")["Location"] == PASSWORD_CHANGE

    @override_settings(PASSWORD_MAX_AGE_DAYS=0)
    def test_zero_turns_expiry_off(self, client_as: Callable[[str], Client]) -> None:
        age_password("demo-province", 4000)
        assert client_as("demo-province").get("/pilots/").status_code == 200

    def test_logout_stays_possible_with_an_expired_password(self, client_as: Callable[[str], Client]) -> None:
        age_password("demo-province", 91)
        client = client_as("demo-province")
        response = client.post(LOGOUT)
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:login")
        assert logged_in_as(client) is None


@pytest.mark.django_db
class TestTemporaryPassword:
    """The first password is a one-time code: shown once, valid 72 hours, replaced at first login."""

    def new_account(self, user: Callable[[str], User]) -> tuple[User, str]:
        office = Organisation.objects.get(kind=OrganisationKind.PILOT_OFFICE, pilot__name="柳州市")
        proposed = services.request_account(
            username="lz-officer",
            role=Role.PILOT_OFFICER,
            organisation=office,
            full_name="柳州试点办新人",
            by=user("demo-secadmin"),
        )
        services.approve_account_change(change=proposed.change, by=user("demo-province"))
        return User.objects.get(pk=proposed.user.pk), proposed.one_time_code

    def test_first_login_leads_only_to_the_change_page(self, client: Client, user: Callable[[str], User]) -> None:
        account, code = self.new_account(user)
        assert account.password_changed_at is None
        assert post_login(client, "lz-officer", code).status_code == 302
        assert logged_in_as(client) == "lz-officer"
        liuzhou = PilotArea.objects.get(name="柳州市")
        for url in ["/", "/pilots/", f"/pilots/{liuzhou.pk}/"]:
            response = client.get(url)
            assert (response.status_code, response["Location"]) == (302, PASSWORD_CHANGE), url

        response = client.post(
            PASSWORD_CHANGE,
            {"old_password": code, "new_password": "Mine#Liuzhou02", "confirm_password": "Mine#Liuzhou02"},
        )
        assert response.status_code == 302
        changed = User.objects.get(pk=account.pk)
        assert changed.password_changed_at is not None
        assert changed.check_password("Mine#Liuzhou02")
        # The session survives the change and the pilot's pages open now.
        assert client.get(f"/pilots/{liuzhou.pk}/").status_code == 200

    def test_the_code_expires_after_72_hours(self, client: Client, user: Callable[[str], User]) -> None:
        account, code = self.new_account(user)
        User.objects.filter(pk=account.pk).update(one_time_code_expires_at=timezone.now() - dt.timedelta(minutes=1))
        post_login(client, "lz-officer", code)
        assert logged_in_as(client) is None
        User.objects.filter(pk=account.pk).update(one_time_code_expires_at=timezone.now() + dt.timedelta(hours=1))
        post_login(client, "lz-officer", code)
        assert logged_in_as(client) == "lz-officer"

    def test_the_code_is_valid_72_hours_from_approval(self, user: Callable[[str], User]) -> None:
        account, _code = self.new_account(user)
        assert account.one_time_code_expires_at is not None
        remaining = account.one_time_code_expires_at - timezone.now()
        assert dt.timedelta(hours=71) < remaining <= dt.timedelta(hours=72)

    def test_the_code_cannot_be_kept_as_the_password(self, client: Client, user: Callable[[str], User]) -> None:
        _account, code = self.new_account(user)
        post_login(client, "lz-officer", code)
        response = client.post(PASSWORD_CHANGE, {"old_password": code, "new_password": code, "confirm_password": code})
        assert response.status_code == 200
        assert User.objects.get(username="lz-officer").password_changed_at is None

    def test_a_reset_by_the_security_admin_is_temporary_again(
        self, client: Client, user: Callable[[str], User]
    ) -> None:
        code = services.issue_one_time_code(user=user("demo-pilot"), by=user("demo-secadmin"))
        post_login(client, "demo-pilot", code)
        assert client.get("/pilots/")["Location"] == PASSWORD_CHANGE


@pytest.mark.django_db
class TestPasswordChangePage:
    def change(self, client: Client, old: str, new: str, confirm: str | None = None) -> Any:
        return client.post(
            PASSWORD_CHANGE,
            {"old_password": old, "new_password": new, "confirm_password": new if confirm is None else confirm},
        )

    def test_a_weak_password_is_refused_with_chinese_errors_naming_the_field(
        self, client_as: Callable[[str], Client], user: Callable[[str], User]
    ) -> None:
        client = client_as("demo-province")
        response = self.change(client, DEMO_PASSWORD, "abc")
        assert response.status_code == 200
        errors = response.context["form"].errors["new_password"]
        assert any("至少要包含 8 个字符" in e for e in errors)
        assert any("至少 3 类" in e for e in errors)
        html = response.content.decode()
        assert "新密码：此密码太短" in html
        assert "新密码：密码须包含大写字母、小写字母、数字、特殊字符中的至少 3 类。" in html
        assert user("demo-province").check_password(DEMO_PASSWORD)

    def test_the_current_password_cannot_be_reused(
        self, client_as: Callable[[str], Client], user: Callable[[str], User]
    ) -> None:
        before = user("demo-province").password_changed_at
        response = self.change(client_as("demo-province"), DEMO_PASSWORD, DEMO_PASSWORD)
        assert response.status_code == 200
        assert response.context["form"].errors["new_password"] == ["新密码不能与当前密码相同。"]
        assert "新密码：新密码不能与当前密码相同。" in response.content.decode()
        assert user("demo-province").password_changed_at == before
        assert not AuditEvent.objects.filter(action="accounts.password.changed").exists()

    def test_the_current_password_must_be_right(
        self, client_as: Callable[[str], Client], user: Callable[[str], User]
    ) -> None:
        response = self.change(client_as("demo-province"), "Wrong#Password9", "Fresh#Nanning05")
        assert response.context["form"].errors["old_password"] == ["当前密码不正确。"]
        assert "当前密码：当前密码不正确。" in response.content.decode()
        assert user("demo-province").check_password(DEMO_PASSWORD)

    def test_the_confirmation_must_match(self, client_as: Callable[[str], Client], user: Callable[[str], User]) -> None:
        response = self.change(client_as("demo-province"), DEMO_PASSWORD, "Fresh#Nanning05", "Fresh#Nanning06")
        assert response.context["form"].errors["confirm_password"] == ["两次输入的新密码不一致。"]
        assert user("demo-province").check_password(DEMO_PASSWORD)

    def test_a_good_password_is_saved_dated_and_audited(
        self, client_as: Callable[[str], Client], user: Callable[[str], User]
    ) -> None:
        age_password("demo-province", 91)
        client = client_as("demo-province")
        response = self.change(client, DEMO_PASSWORD, "Fresh#Nanning05")
        assert (response.status_code, response["Location"]) == (302, "/")
        account = user("demo-province")
        assert account.check_password("Fresh#Nanning05")
        assert account.password_changed_at is not None
        assert timezone.now() - account.password_changed_at < dt.timedelta(minutes=1)
        event = AuditEvent.objects.get(action="accounts.password.changed")
        assert (event.actor_username, event.object_id) == ("demo-province", str(account.pk))
        assert client.get("/pilots/").status_code == 200

    def test_a_password_is_kept_exactly_as_typed(self, client_as: Callable[[str], Client]) -> None:
        """Spaces at either end belong to the password: the login form does not strip them either."""
        self.change(client_as("demo-province"), DEMO_PASSWORD, "  Fresh#Nanning05  ")
        assert post_login(Client(), "demo-province", "  Fresh#Nanning05  ").status_code == 302
        assert post_login(Client(), "demo-province", "Fresh#Nanning05").status_code == 200


# ---------------------------------------------------------------- lockout


@pytest.mark.django_db
class TestLockout:
    def fail(self, client: Client, username: str, times: int, ip: str = "10.20.30.40") -> list[int]:
        return [post_login(client, username, f"Wrong#Guess{i}", ip).status_code for i in range(times)]

    def test_the_settings_are_five_failures_for_five_minutes_by_account(self) -> None:
        assert settings.AXES_FAILURE_LIMIT == 5
        assert dt.timedelta(hours=settings.AXES_COOLOFF_TIME) == dt.timedelta(minutes=5)
        assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]

    def test_four_failures_do_not_lock(self, client: Client) -> None:
        assert self.fail(client, "demo-pilot", 4) == [200] * 4
        assert post_login(client, "demo-pilot", DEMO_PASSWORD).status_code == 302
        assert logged_in_as(client) == "demo-pilot"

    def test_five_failures_lock_out_even_the_right_password(self, client: Client) -> None:
        statuses = self.fail(client, "demo-pilot", 5)
        assert statuses == [200, 200, 200, 200, 403]
        response = post_login(client, "demo-pilot", DEMO_PASSWORD)
        assert response.status_code == 403
        assert "账号已锁定" in response.content.decode()
        assert logged_in_as(client) is None
        # From another address too: the lock is on the account.
        assert post_login(Client(), "demo-pilot", DEMO_PASSWORD, ip="10.99.0.1").status_code == 403

    def test_the_lock_is_per_account_not_per_address(self, client: Client) -> None:
        self.fail(client, "demo-pilot", 5)
        colleague = Client()
        assert post_login(colleague, "demo-department", DEMO_PASSWORD).status_code == 302
        assert logged_in_as(colleague) == "demo-department"

    def test_the_lock_ends_after_the_cool_off(self, client: Client) -> None:
        self.fail(client, "demo-pilot", 5)
        # Four minutes later it still holds ...
        AccessAttempt.objects.filter(username="demo-pilot").update(
            attempt_time=timezone.now() - dt.timedelta(minutes=4)
        )
        assert post_login(client, "demo-pilot", DEMO_PASSWORD).status_code == 403
        # ... six minutes after, the right password works.
        AccessAttempt.objects.filter(username="demo-pilot").update(
            attempt_time=timezone.now() - dt.timedelta(minutes=6)
        )
        assert post_login(client, "demo-pilot", DEMO_PASSWORD).status_code == 302
        assert logged_in_as(client) == "demo-pilot"
        assert not AccessAttempt.objects.filter(username="demo-pilot").exists()

    def test_failures_lockouts_and_logins_are_audited_with_the_address(self, client: Client) -> None:
        self.fail(client, "demo-pilot", 5, ip="10.20.30.40")
        failed = AuditEvent.objects.filter(action="accounts.login_failed")
        assert failed.count() == 5
        assert set(failed.values_list("actor_username", "success", "ip")) == {("demo-pilot", False, "10.20.30.40")}
        assert "Wrong#Guess" not in str(list(failed.values_list("detail", "changes")))
        locked = AuditEvent.objects.get(action="accounts.locked_out")
        assert (locked.actor_username, locked.success, locked.ip) == ("demo-pilot", False, "10.20.30.40")
        assert not AuditEvent.objects.filter(action="accounts.login").exists()

        post_login(Client(), "demo-department", DEMO_PASSWORD, ip="10.20.30.41")
        login = AuditEvent.objects.get(action="accounts.login")
        department = User.objects.get(username="demo-department")
        assert login.actor == department
        assert (login.ip, login.success, login.object_id) == ("10.20.30.41", True, str(department.pk))
        assert login.organisation_name == str(department.organisation)


# ---------------------------------------------------------------- sessions


def session_of(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


@pytest.mark.django_db
class TestIdleTimeout:
    def test_sessions_last_30_idle_minutes_and_requests_renew_them(self) -> None:
        assert settings.SESSION_COOKIE_AGE == 30 * 60
        assert settings.SESSION_RENEW_SECONDS == 60  # renewed once it has run down by a minute, not every request
        assert settings.SESSION_ENGINE == "shidian.accounts.sessions"

    def test_a_request_soon_after_the_last_renewal_does_not_write_the_session(self, client: Client) -> None:
        post_login(client, "demo-province", DEMO_PASSWORD)
        key = session_of(client).pk
        fresh = timezone.now() + dt.timedelta(minutes=30) - dt.timedelta(seconds=10)
        Session.objects.filter(pk=key).update(expire_date=fresh)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/pilots/").status_code == 200
        assert not [
            q for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]
        ]
        assert Session.objects.get(pk=key).expire_date == fresh

    def test_the_idle_minutes_are_a_setting(self, monkeypatch: pytest.MonkeyPatch) -> None:
        assert load_base_settings(monkeypatch, SESSION_IDLE_MINUTES="10")["SESSION_COOKIE_AGE"] == 600

    def test_an_expired_session_is_signed_out(self, client: Client) -> None:
        post_login(client, "demo-province", DEMO_PASSWORD)
        assert client.get("/pilots/").status_code == 200
        Session.objects.filter(pk=session_of(client).pk).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
        response = client.get("/pilots/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_activity_extends_the_session(self, client: Client) -> None:
        post_login(client, "demo-province", DEMO_PASSWORD)
        key = session_of(client).pk
        Session.objects.filter(pk=key).update(expire_date=timezone.now() + dt.timedelta(minutes=1))
        assert client.get("/pilots/").status_code == 200
        renewed = Session.objects.get(pk=key).expire_date
        expected = timezone.now() + dt.timedelta(minutes=30)
        assert abs((renewed - expected).total_seconds()) < 60
        # Renewed, it survives what would have ended it before.
        assert client.get("/pilots/").status_code == 200


@pytest.mark.django_db
class TestLoginAndLogout:
    def test_login_starts_a_new_session(self, client: Client) -> None:
        session = client.session
        session["before_login"] = "x"
        session.save()
        old_key = session.session_key
        assert Session.objects.filter(pk=old_key).exists()
        assert post_login(client, "demo-province", DEMO_PASSWORD).status_code == 302
        new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
        assert new_key != old_key
        assert not Session.objects.filter(pk=old_key).exists()
        assert Session.objects.get(pk=new_key).get_decoded()[SESSION_KEY] == str(
            User.objects.get(username="demo-province").pk
        )

    def test_a_failed_login_signs_nobody_in(self, client: Client) -> None:
        response = post_login(client, "demo-province", "Wrong#Guess0")
        assert response.status_code == 200
        assert "用户名或密码不正确" in response.content.decode()
        assert logged_in_as(client) is None

    def test_logout_ends_the_session(self, client: Client) -> None:
        post_login(client, "demo-province", DEMO_PASSWORD)
        key = session_of(client).pk
        response = client.post(LOGOUT)
        assert (response.status_code, response["Location"]) == (302, reverse("accounts:login"))
        assert not Session.objects.filter(pk=key).exists()
        page = client.get("/pilots/")
        assert page.status_code == 302
        assert page["Location"].startswith(reverse("accounts:login"))
        event = AuditEvent.objects.get(action="accounts.logout")
        assert event.actor_username == "demo-province"

    def test_the_old_session_cookie_is_dead_after_logout(self, client: Client) -> None:
        post_login(client, "demo-province", DEMO_PASSWORD)
        stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
        client.post(LOGOUT)
        replay = Client()
        replay.cookies[settings.SESSION_COOKIE_NAME] = stolen
        assert replay.get("/pilots/").status_code == 302

    def test_logout_by_get_is_not_allowed(self, client: Client) -> None:
        post_login(client, "demo-province", DEMO_PASSWORD)
        assert client.get(LOGOUT).status_code == 405
        assert logged_in_as(client) == "demo-province"
        assert client.get("/pilots/").status_code == 200


@pytest.mark.django_db
def test_guessing_the_current_password_on_the_change_page_ends_the_session(client_as: Any) -> None:
    from shidian.core.models import AuditEvent

    client = client_as("demo-pilot")
    wrong = {
        "old_password": "Wrong#Guess2026",
        "new_password": "Another#Pass2026",
        "confirm_password": "Another#Pass2026",
    }
    for _ in range(4):
        assert client.post("/accounts/password/", wrong).status_code == 200
    response = client.post("/accounts/password/", wrong)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.get("/pilots/").status_code == 302  # signed out
    assert AuditEvent.objects.filter(action="accounts.password.change_failed", success=False).count() == 5
