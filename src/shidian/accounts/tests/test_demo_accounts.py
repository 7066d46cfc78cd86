"""Demo accounts have a published password: outside demo mode they are dead."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client, override_settings

from shidian.accounts.demo import DEMO_PASSWORD
from shidian.accounts.models import User


@pytest.mark.django_db
def test_demo_accounts_log_in_in_demo_mode(client: Client) -> None:
    response = client.post("/accounts/login/", {"username": "demo-province", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.django_db
@override_settings(DEMO=False)
def test_demo_accounts_cannot_log_in_outside_demo_mode(client: Client) -> None:
    response = client.post("/accounts/login/", {"username": "demo-national", "password": DEMO_PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_demo_session_dies_when_demo_mode_ends(client_as: Callable[[str], Client]) -> None:
    client = client_as("demo-national")
    assert client.get("/pilots/").status_code == 200
    with override_settings(DEMO=False):
        response = client.get("/pilots/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
@override_settings(DEMO=False)
def test_ordinary_accounts_are_unaffected(client: Client, user: Callable[[str], User]) -> None:
    account = user("demo-national")
    User.objects.filter(pk=account.pk).update(is_demo=False)
    response = client.post("/accounts/login/", {"username": "demo-national", "password": DEMO_PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_demo_has_a_reviewer_of_the_ministry_that_land_difficulties_are_routed_to(client: Client) -> None:
    account = User.objects.select_related("organisation").get(username="demo-natres")
    assert account.role == "ministry_reviewer" and account.is_demo and account.is_active
    ministry = account.organisation
    assert ministry is not None and ministry.name == "自然资源部" and ministry.kind == "ministry"
    response = client.post("/accounts/login/", {"username": "demo-natres", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session
