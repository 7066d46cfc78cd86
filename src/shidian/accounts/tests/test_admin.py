"""The three separated admin duties in the pages, and the security admin's work through the Django admin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.db.models import Max
from django.test import Client

from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.conftest import DEMO_PASSWORD
from shidian.core import formatting
from shidian.core.models import AuditEvent, AuditEventQuerySet
from shidian.core.roles import Role
from shidian.pilots.models import PilotArea
from shidian.regions.models import Province

ADMIN_DUTIES = ["demo-auditor", "demo-secadmin", "demo-sysadmin"]
BUSINESS_USERS = ["demo-national", "demo-ministry", "demo-province", "demo-pilot", "demo-department", "demo-expert"]
ACCOUNT_PAGES = [
    "/admin/accounts/user/",
    "/admin/accounts/user/add/",
    "/admin/accounts/organisation/",
    "/admin/axes/accessattempt/",
]
REFERENCE_PAGES = [
    "/admin/regions/province/",
    "/admin/regions/division/",
    "/admin/pilots/batch/",
    "/admin/pilots/programme/",
    "/admin/regions/mapboundary/",
]
USER_ADD = "/admin/accounts/user/add/"


@pytest.fixture
def trail(db: None) -> Callable[..., AuditEventQuerySet]:
    """Audit events written by the test (the shared set-up already wrote some)."""
    watermark = AuditEvent.objects.aggregate(top=Max("id"))["top"] or 0

    def new(**lookup: Any) -> AuditEventQuerySet:
        return AuditEvent.objects.filter(id__gt=watermark, **lookup)

    return new


def liuzhou() -> PilotArea:
    return PilotArea.objects.get(province__name="广西壮族自治区", name="柳州市")


def statuses(client: Client, urls: list[str]) -> dict[str, int]:
    return {url: client.get(url).status_code for url in urls}


# ---------------------------------------------------------------- separation of duties


@pytest.mark.django_db
class TestSeparationOfDuties:
    @pytest.mark.parametrize("username", ADMIN_DUTIES)
    def test_admin_duties_read_no_business_data(self, client_as: Callable[[str], Client], username: str) -> None:
        client = client_as(username)
        pilot = liuzhou()
        assert statuses(
            client, ["/pilots/", f"/pilots/{pilot.pk}/", "/registry/completeness/", "/registry/import/"]
        ) == dict.fromkeys(["/pilots/", f"/pilots/{pilot.pk}/", "/registry/completeness/", "/registry/import/"], 404)
        assert client.post(f"/pilots/{pilot.pk}/status/", {"to": "warned"}).status_code == 404
        home = client.get("/")
        assert home.status_code == 200
        assert "柳州市" not in home.content.decode()
        assert "三员分立" in home.content.decode()

    def test_the_auditor_cannot_open_the_admin(self, client_as: Callable[[str], Client]) -> None:
        client = client_as("demo-auditor")
        pages = ["/admin/", *ACCOUNT_PAGES, *REFERENCE_PAGES]
        assert statuses(client, pages) == dict.fromkeys(pages, 404)
        assert client.get("/system/audit/").status_code == 200

    def test_the_security_admin_manages_accounts_only(self, client_as: Callable[[str], Client]) -> None:
        client = client_as("demo-secadmin")
        assert statuses(client, ["/admin/", *ACCOUNT_PAGES]) == dict.fromkeys(["/admin/", *ACCOUNT_PAGES], 200)
        # Not allowed looks like not found, here as everywhere.
        province = Province.objects.get(name="广西壮族自治区")
        others = [
            *REFERENCE_PAGES,
            f"/admin/regions/province/{province.pk}/change/",
            "/admin/regions/",
            "/system/audit/",
            "/regions/map/upload/",
        ]
        assert statuses(client, others) == dict.fromkeys(others, 404)
        index = client.get("/admin/").content.decode()
        assert "/admin/accounts/user/" in index
        assert "/admin/regions/province/" not in index

    def test_the_system_admin_keeps_reference_data_only(
        self, client_as: Callable[[str], Client], user: Callable[[str], User]
    ) -> None:
        client = client_as("demo-sysadmin")
        pages = ["/admin/", *REFERENCE_PAGES]
        assert statuses(client, pages) == dict.fromkeys(pages, 200)
        others = [
            *ACCOUNT_PAGES,
            f"/admin/accounts/user/{user('demo-pilot').pk}/change/",
            "/admin/accounts/",
            "/system/audit/",
        ]
        assert statuses(client, others) == dict.fromkeys(others, 404)
        index = client.get("/admin/").content.decode()
        assert "/admin/regions/province/" in index
        assert "/admin/accounts/user/" not in index

    def test_the_system_admin_cannot_post_account_changes(
        self, client_as: Callable[[str], Client], user: Callable[[str], User]
    ) -> None:
        pilot = user("demo-pilot")
        response = client_as("demo-sysadmin").post(
            f"/admin/accounts/user/{pilot.pk}/change/", {"username": "demo-pilot", "role": Role.AUDITOR}
        )
        assert response.status_code == 404
        assert user("demo-pilot").role == Role.PILOT_OFFICER

    @pytest.mark.parametrize("username", BUSINESS_USERS)
    def test_business_users_do_none_of_the_admin_duties(
        self, client_as: Callable[[str], Client], username: str
    ) -> None:
        pages = ["/admin/", *ACCOUNT_PAGES, *REFERENCE_PAGES, "/system/audit/"]
        assert statuses(client_as(username), pages) == dict.fromkeys(pages, 404)


# ---------------------------------------------------------------- accounts through the admin


def user_form(**overrides: Any) -> dict[str, Any]:
    commission = Organisation.objects.get(kind=OrganisationKind.PROVINCIAL_COMMISSION, province__name="广西壮族自治区")
    data: dict[str, Any] = {
        "username": "nn-officer",
        "full_name": "南宁工作人员",
        "role": Role.PROVINCIAL_OFFICER,
        "organisation": commission.pk,
        "is_active": "on",
        "phone": "0771-1234567",
        "email": "nn@example.gov.cn",
        "_save": "保存",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def change_form(account: User, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "username": account.username,
        "full_name": account.full_name,
        "role": account.role,
        "organisation": account.organisation_id,
        "is_active": "on" if account.is_active else None,
        "phone": account.phone,
        "email": account.email,
        "_save": "保存",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def shown_code(response: Any) -> str:
    code: str = response.context["code"]
    assert code in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    return code


@pytest.mark.django_db
class TestAccountsInTheAdmin:
    def test_creating_a_user_shows_a_one_time_code_once_and_waits_for_approval(
        self, client_as: Callable[[str], Client], user: Callable[[str], User], trail: Callable[..., AuditEventQuerySet]
    ) -> None:
        response = client_as("demo-secadmin").post(USER_ADD, user_form())
        assert response.status_code == 200, response.context and response.context.get("adminform")
        code = shown_code(response)
        created = User.objects.get(username="nn-officer")
        assert created.check_password(code)
        assert created.password_changed_at is None
        assert created.is_active is False
        assert created.role == Role.PROVINCIAL_OFFICER
        assert str(created.organisation) == "广西壮族自治区发展改革委"
        assert (created.phone, created.email, created.full_name) == (
            "0771-1234567",
            "nn@example.gov.cn",
            "南宁工作人员",
        )
        [event] = trail(action="accounts.user.created")
        assert (event.actor, event.object_id) == (user("demo-secadmin"), str(created.pk))
        assert event.changes["phone"] == [None, "0771-1234567"]
        assert trail(action="accounts.change.requested").count() == 1
        assert code not in str(list(trail().values("changes", "detail")))
        listing = client_as("demo-secadmin").get("/admin/accounts/user/?q=nn-officer")
        assert listing.context["cl"].result_list[0].has_pending_change is True
        # Shown once: the account's page does not show it again.
        again = client_as("demo-secadmin").get(f"/admin/accounts/user/{created.pk}/change/")
        assert code not in again.content.decode()

    def test_the_new_user_signs_in_after_approval_and_must_change_the_code(
        self, client_as: Callable[[str], Client]
    ) -> None:
        code = shown_code(client_as("demo-secadmin").post(USER_ADD, user_form()))
        newcomer = Client()
        newcomer.post("/accounts/login/", {"username": "nn-officer", "password": code})
        assert SESSION_KEY not in newcomer.session
        national = client_as("demo-national")
        queue = national.get("/accounts/changes/")
        assert "nn-officer" in queue.content.decode()
        [change] = queue.context["pending"]
        assert formatting.datetime(change.requested_at) in queue.content.decode()  # 2026年12月1日 09:30, not ISO
        assert national.post(f"/accounts/changes/{change.pk}/approve/").status_code == 302
        assert newcomer.post("/accounts/login/", {"username": "nn-officer", "password": code}).status_code == 302
        response = newcomer.get("/pilots/")
        assert (response.status_code, response["Location"]) == (302, "/accounts/password/")

    @pytest.mark.parametrize("role", [Role.AUDITOR, Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN])
    def test_admin_duties_are_not_offered_and_refused(
        self, client_as: Callable[[str], Client], trail: Callable[..., AuditEventQuerySet], role: str
    ) -> None:
        client = client_as("demo-secadmin")
        form = client.get(USER_ADD).context["adminform"].form
        assert role not in dict(form.fields["role"].choices)
        operations = Organisation.objects.get(kind=OrganisationKind.OPERATIONS)
        response = client.post(USER_ADD, user_form(username="second-admin", role=role, organisation=operations.pk))
        assert response.status_code == 200
        assert "role" in response.context["adminform"].form.errors
        assert not User.objects.filter(username="second-admin").exists()
        assert not trail(action="accounts.user.created").exists()

    def test_a_national_admin_created_on_the_web_cannot_sign_in_alone(self, client_as: Callable[[str], Client]) -> None:
        commission = Organisation.objects.get(kind=OrganisationKind.NATIONAL_COMMISSION)
        response = client_as("demo-secadmin").post(
            USER_ADD, user_form(username="nat-boss", role=Role.NATIONAL_ADMIN, organisation=commission.pk)
        )
        code = shown_code(response)
        client = Client()
        client.post("/accounts/login/", {"username": "nat-boss", "password": code})
        assert SESSION_KEY not in client.session
        # The security admin cannot approve its own request: the queue is not its page.
        assert client_as("demo-secadmin").get("/accounts/changes/").status_code == 404

    def test_a_role_not_fitting_the_organisation_is_a_form_error(self, client_as: Callable[[str], Client]) -> None:
        unit = Organisation.objects.filter(kind=OrganisationKind.MINISTRY).order_by("pk").first()
        assert unit is not None
        response = client_as("demo-secadmin").post(USER_ADD, user_form(organisation=unit.pk))
        assert response.status_code == 200
        [error] = response.context["adminform"].form.errors["role"]
        assert "不能属于" in error
        assert not User.objects.filter(username="nn-officer").exists()

    def test_a_taken_username_is_a_form_error(self, client_as: Callable[[str], Client]) -> None:
        response = client_as("demo-secadmin").post(USER_ADD, user_form(username="demo-province"))
        assert response.status_code == 200
        assert "username" in response.context["adminform"].form.errors

    def test_a_role_change_waits_for_approval(
        self, client_as: Callable[[str], Client], user: Callable[[str], User], trail: Callable[..., AuditEventQuerySet]
    ) -> None:
        pilot = user("demo-pilot")
        assert pilot.organisation is not None
        department = Organisation.objects.filter(
            kind=OrganisationKind.PILOT_DEPARTMENT, pilot=pilot.organisation.pilot
        ).first()
        assert department is not None
        response = client_as("demo-secadmin").post(
            f"/admin/accounts/user/{pilot.pk}/change/",
            change_form(pilot, role=Role.DEPARTMENT_USER, organisation=department.pk),
        )
        assert response.status_code == 302
        assert user("demo-pilot").role == Role.PILOT_OFFICER
        assert not trail(action="accounts.user.permissions_changed").exists()
        [event] = trail(action="accounts.change.requested")
        assert event.changes["role"] == [Role.PILOT_OFFICER, Role.DEPARTMENT_USER]
        province = client_as("demo-province")
        [change] = province.get("/accounts/changes/").context["pending"]
        province.post(f"/accounts/changes/{change.pk}/approve/")
        assert user("demo-pilot").role == Role.DEPARTMENT_USER
        # The password was not touched.
        assert user("demo-pilot").check_password(DEMO_PASSWORD)
        assert not trail(action="accounts.password.reset").exists()

    def test_a_role_change_to_an_admin_duty_is_a_form_error(
        self, client_as: Callable[[str], Client], user: Callable[[str], User]
    ) -> None:
        province = user("demo-province")
        response = client_as("demo-secadmin").post(
            f"/admin/accounts/user/{province.pk}/change/", change_form(province, role=Role.AUDITOR)
        )
        assert response.status_code == 200
        assert "role" in response.context["adminform"].form.errors
        assert user("demo-province").role == Role.PROVINCIAL_OFFICER

    def test_a_password_reset_shows_a_new_one_time_code(
        self, client_as: Callable[[str], Client], user: Callable[[str], User], trail: Callable[..., AuditEventQuerySet]
    ) -> None:
        pilot = user("demo-pilot")
        response = client_as("demo-secadmin").post(
            f"/admin/accounts/user/{pilot.pk}/change/", change_form(pilot, issue_code="on")
        )
        code = shown_code(response)
        stored = user("demo-pilot")
        assert stored.check_password(code)
        assert stored.password_changed_at is None
        [event] = trail(action="accounts.password.reset")
        assert (event.actor_username, event.object_id) == ("demo-secadmin", str(pilot.pk))

    def test_an_admin_duty_account_keeps_its_role_and_password(
        self, client_as: Callable[[str], Client], user: Callable[[str], User]
    ) -> None:
        auditor = user("demo-auditor")
        client = client_as("demo-secadmin")
        form = client.get(f"/admin/accounts/user/{auditor.pk}/change/").context["adminform"].form
        assert not {"role", "organisation", "is_active", "username"} & set(form.fields)
        response = client.post(
            f"/admin/accounts/user/{auditor.pk}/change/", change_form(auditor, is_active=None, issue_code="on")
        )
        assert response.status_code == 302
        stored = user("demo-auditor")
        assert (stored.is_active, stored.role) == (True, Role.AUDITOR)
        assert stored.check_password(DEMO_PASSWORD)

    def test_the_security_admin_cannot_change_its_own_permissions(
        self, client_as: Callable[[str], Client], user: Callable[[str], User]
    ) -> None:
        me = user("demo-secadmin")
        client = client_as("demo-secadmin")
        form = client.get(f"/admin/accounts/user/{me.pk}/change/").context["adminform"].form
        assert not {"role", "organisation", "is_active"} & set(form.fields)
        response = client.post(
            f"/admin/accounts/user/{me.pk}/change/", change_form(me, role=Role.AUDITOR, is_active=None, phone="010-1")
        )
        assert response.status_code == 302
        stored = user("demo-secadmin")
        assert (stored.role, stored.is_active, stored.phone) == (Role.SECURITY_ADMIN, True, "010-1")

    def test_accounts_cannot_be_deleted(self, client_as: Callable[[str], Client], user: Callable[[str], User]) -> None:
        pilot = user("demo-pilot")
        response = client_as("demo-secadmin").post(f"/admin/accounts/user/{pilot.pk}/delete/", {"post": "yes"})
        assert response.status_code == 404
        assert User.objects.filter(pk=pilot.pk).exists()


# ---------------------------------------------------------------- unlocking


def lock(username: str) -> None:
    client = Client()
    for i in range(5):
        client.post("/accounts/login/", {"username": username, "password": f"Wrong#Guess{i}"})


@pytest.mark.django_db
class TestUnlocking:
    def test_deleting_the_access_attempt_unlocks_and_is_audited(
        self, client_as: Callable[[str], Client], user: Callable[[str], User], trail: Callable[..., AuditEventQuerySet]
    ) -> None:
        lock("demo-pilot")
        attempt = AccessAttempt.objects.get(username="demo-pilot")
        assert (
            Client().post("/accounts/login/", {"username": "demo-pilot", "password": DEMO_PASSWORD}).status_code == 403
        )

        client = client_as("demo-secadmin")
        listing = client.get("/admin/axes/accessattempt/")
        assert "demo-pilot" in listing.content.decode()
        response = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302
        assert not AccessAttempt.objects.filter(username="demo-pilot").exists()

        again = Client()
        assert again.post("/accounts/login/", {"username": "demo-pilot", "password": DEMO_PASSWORD}).status_code == 302
        assert again.session[SESSION_KEY] == str(user("demo-pilot").pk)
        [event] = trail(action="accounts.user.unlocked")
        assert (event.actor_username, event.object_type, event.object_id) == (
            "demo-secadmin",
            "accounts.User",
            str(user("demo-pilot").pk),
        )
        # Five failures lock the account; tries during the lock neither count nor extend it.
        assert event.detail == {"username": "demo-pilot", "failures": 5}

    def test_unlocking_in_bulk_audits_each_account(
        self, client_as: Callable[[str], Client], trail: Callable[..., AuditEventQuerySet]
    ) -> None:
        lock("demo-pilot")
        lock("demo-department")
        ids = list(AccessAttempt.objects.values_list("pk", flat=True))
        response = client_as("demo-secadmin").post(
            "/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
        )
        assert response.status_code == 302
        assert not AccessAttempt.objects.exists()
        assert sorted(e.detail["username"] for e in trail(action="accounts.user.unlocked")) == [
            "demo-department",
            "demo-pilot",
        ]

    def test_access_attempts_are_read_only(self, client_as: Callable[[str], Client]) -> None:
        lock("demo-pilot")
        attempt = AccessAttempt.objects.get(username="demo-pilot")
        client = client_as("demo-secadmin")
        assert client.post(
            f"/admin/axes/accessattempt/{attempt.pk}/change/", {"failures_since_start": 0}
        ).status_code in {403, 404}
        assert AccessAttempt.objects.get(pk=attempt.pk).failures_since_start == 5

    def test_only_the_security_admin_unlocks(self, client_as: Callable[[str], Client]) -> None:
        lock("demo-pilot")
        attempt = AccessAttempt.objects.get(username="demo-pilot")
        for username in ["demo-sysadmin", "demo-auditor", "demo-national"]:
            response = client_as(username).post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
            assert response.status_code == 404, username
        assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


@pytest.mark.django_db
def test_the_admin_password_change_goes_to_the_one_audited_page(client_as: Any) -> None:
    response = client_as("demo-sysadmin").get("/admin/password_change/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"


@pytest.mark.django_db
def test_batches_are_read_only_for_the_system_admin(client_as: Any) -> None:
    from shidian.pilots.models import Batch

    batch = Batch.objects.get(number=3)
    client = client_as("demo-sysadmin")
    assert client.get("/admin/pilots/batch/").status_code == 200
    client.post(f"/admin/pilots/batch/{batch.pk}/change/", {"number": 3, "declared_areas": 1})
    assert Batch.objects.get(pk=batch.pk).declared_areas == 111
