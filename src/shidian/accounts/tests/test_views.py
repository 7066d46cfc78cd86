"""The account-change queue: approvers approve their level's changes, the auditor reads all, nobody else sees it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from shidian.accounts import services
from shidian.accounts.models import AccountChange, Organisation, OrganisationKind, User
from shidian.accounts.validators import DOCUMENTED_PASSWORDS
from shidian.conftest import DEMO_PASSWORD
from shidian.core.roles import Role

QUEUE = "/accounts/changes/"


def propose_pilot_account(user: Callable[[str], User]) -> AccountChange:
    office = Organisation.objects.get(kind=OrganisationKind.PILOT_OFFICE, pilot__name="柳州市")
    return services.request_account(
        username="lz-newcomer", role=Role.PILOT_OFFICER, organisation=office, by=user("demo-secadmin")
    ).change


@pytest.mark.django_db
class TestQueue:
    @pytest.mark.parametrize(
        "username", ["demo-secadmin", "demo-sysadmin", "demo-pilot", "demo-department", "demo-ministry", "demo-expert"]
    )
    def test_only_approvers_and_the_auditor_open_it(self, client_as: Callable[[str], Client], username: str) -> None:
        assert client_as(username).get(QUEUE).status_code == 404

    def test_the_auditor_reads_without_deciding(
        self, client_as: Callable[[str], Client], user: Callable[[str], User]
    ) -> None:
        change = propose_pilot_account(user)
        client = client_as("demo-auditor")
        page = client.get(QUEUE)
        assert page.status_code == 200
        assert "lz-newcomer" in page.content.decode()
        assert f"/accounts/changes/{change.pk}/approve/" not in page.content.decode()
        client.post(f"/accounts/changes/{change.pk}/approve/")
        assert AccountChange.objects.get(pk=change.pk).status == "pending"

    def test_the_provincial_officer_approves_from_the_page(
        self, client_as: Callable[[str], Client], user: Callable[[str], User]
    ) -> None:
        change = propose_pilot_account(user)
        client = client_as("demo-province")
        page = client.get(QUEUE)
        assert f"/accounts/changes/{change.pk}/approve/" in page.content.decode()
        assert client.post(f"/accounts/changes/{change.pk}/approve/").status_code == 302
        assert User.objects.get(username="lz-newcomer").is_active is True
        assert "已批准" in client.get(QUEUE).content.decode()

    def test_a_change_outside_the_approvers_level_is_not_found(
        self, client_as: Callable[[str], Client], user: Callable[[str], User]
    ) -> None:
        change = propose_pilot_account(user)
        client = client_as("demo-national")
        assert "lz-newcomer" not in client.get(QUEUE).content.decode()
        assert client.post(f"/accounts/changes/{change.pk}/approve/").status_code == 404
        assert client.post(f"/accounts/changes/{change.pk}/reject/").status_code == 404
        assert AccountChange.objects.get(pk=change.pk).status == "pending"

    def test_rejecting_keeps_the_reason(self, client_as: Callable[[str], Client], user: Callable[[str], User]) -> None:
        change = propose_pilot_account(user)
        client_as("demo-province").post(f"/accounts/changes/{change.pk}/reject/", {"reason": "非本单位人员"})
        stored = AccountChange.objects.get(pk=change.pk)
        assert (stored.status, stored.reason) == ("rejected", "非本单位人员")

    def test_approvals_are_post_only(self, client_as: Callable[[str], Client], user: Callable[[str], User]) -> None:
        change = propose_pilot_account(user)
        assert client_as("demo-province").get(f"/accounts/changes/{change.pk}/approve/").status_code == 405


def test_the_documented_password_list_holds_the_demo_password() -> None:
    assert DEMO_PASSWORD.casefold() in DOCUMENTED_PASSWORDS
