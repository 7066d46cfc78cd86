"""The API's audit events: tokens made and revoked, pushes applied and refused, all naming the token."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from shidian.accounts.models import User
from shidian.api import services
from shidian.core.audit import AuditAction
from shidian.core.models import AuditEvent
from shidian.pilots.models import PilotArea

pytestmark = pytest.mark.django_db


def test_making_and_revoking_a_token_are_recorded(user: Callable[[str], User]) -> None:
    owner = user("demo-province")
    token, _secret = services.create_token(
        user=owner, name="统计局", access="read", expires_on=timezone.localdate() + dt.timedelta(days=5)
    )
    services.revoke_token(token=token, by=owner)
    events = list(AuditEvent.objects.filter(object_id=str(token.pk), object_type="api.ApiToken").order_by("id"))
    assert [e.action for e in events] == [AuditAction.API_TOKEN_CREATED, AuditAction.API_TOKEN_REVOKED]
    assert all(e.actor_username == "demo-province" for e in events)


def test_a_refused_push_is_recorded_as_failed_and_names_the_token(token_client: Callable[..., Any]) -> None:
    pilot = PilotArea.objects.get(name="柳州市")
    rows = [{"pilot_id": pilot.pk, "indicator": "no_such", "period": "2018", "value": "1"}]
    response = token_client("demo-province").post(
        "/api/v1/indicators/values",
        data=json.dumps({"rows": rows}),
        content_type="application/json",
        headers={"Idempotency-Key": "a"},
    )
    assert response.status_code == 400
    event = AuditEvent.objects.get(action=AuditAction.API_VALUES_REJECTED)
    assert event.success is False
    assert event.detail["errors"] == 1
    assert event.detail["api_token"].endswith("省级系统")


def test_events_outside_a_token_request_name_no_token(user: Callable[[str], User], client_as: Any) -> None:
    client_as("demo-province").post(
        "/accounts/api/tokens/",
        {"name": "x", "access": "read", "expires_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat()},
    )
    event = AuditEvent.objects.get(action=AuditAction.API_TOKEN_CREATED)
    assert "api_token" not in event.detail
