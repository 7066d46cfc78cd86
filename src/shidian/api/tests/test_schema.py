"""Schemathesis runs every operation of the OpenAPI schema with generated input: no 5xx, responses match it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test.utils import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from shidian.accounts.models import User
from shidian.api import services

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


# Read through the app itself, as a client would (the schema view needs no database).
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Calls go to the WSGI handler itself: keep it from closing the test's connection, as Django's client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(db: None) -> dict[str, str]:
    user = User.objects.get(username="demo-province")
    _token, secret = services.create_token(
        user=user, name="schemathesis", access="write", expires_on=timezone.localdate() + dt.timedelta(days=2)
    )
    return {"Authorization": f"Bearer {secret}"}


@schema.parametrize()
# Bounded and repeatable: few examples per operation, the same ones on every run.
@settings(max_examples=12, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@override_settings(API_TOKEN_REQUESTS_PER_MINUTE=1_000_000)
@pytest.mark.django_db
def test_every_operation_answers_within_its_schema(case: Any, bearer: dict[str, str]) -> None:
    case.call_and_validate(headers=bearer, checks=CHECKS)
