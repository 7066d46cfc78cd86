"""Schemathesis runs every operation of the OpenAPI schema with generated input: no 5xx, responses match it.

Here over the reference data (generated ids find nothing, so mostly 400 and 404); test_schema_over_the_demo.py
runs every operation again over the whole demo with ids that exist, so the 200 bodies are checked too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
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


def caller_for(path: str) -> str:
    """Who calls an operation: the auditor reads the audit trail, a lead department reports progress."""
    if path.startswith("/api/v1/audit/"):
        return "demo-auditor"
    if path.endswith(("/progress", "/milestones/mine")):
        return "demo-department"
    return "demo-province"


def bearer_for(username: str) -> dict[str, str]:
    _token, secret = services.create_token(
        user=User.objects.get(username=username),
        name="schemathesis",
        access="write",
        expires_on=timezone.localdate() + dt.timedelta(days=2),
    )
    return {"Authorization": f"Bearer {secret}"}


@schema.parametrize()
# Bounded and repeatable: few examples per operation, the same ones on every run.
@settings(max_examples=12, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@override_settings(API_TOKEN_REQUESTS_PER_MINUTE=1_000_000)
@pytest.mark.django_db
@pytest.mark.usefixtures("wsgi_keeps_the_test_connection")
def test_every_operation_answers_within_its_schema(case: Any) -> None:
    case.call_and_validate(headers=bearer_for(caller_for(case.operation.path)), checks=CHECKS)
