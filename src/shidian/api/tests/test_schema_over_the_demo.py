"""Schemathesis over the whole demo: every operation with ids that exist and generated filters and bodies.

The path ids are replaced by objects the caller may read (Liuzhou's, for the Guangxi province office; the lead
department's milestone), so the answers are real 200 bodies checked against the schema; each operation is
called by who uses it (the auditor for the audit trail, the department for progress).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test.utils import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shidian.accounts.models import User
from shidian.api.tests.test_schema import bearer_for, caller_for, schema
from shidian.evaluation.models import Result, RunStatus
from shidian.pilots.models import PilotArea
from shidian.plans.models import Milestone, PlanVersion
from shidian.reporting.models import PilotReport, PilotReportVersion, ProvinceReport

pytestmark = pytest.mark.usefixtures("demo_world")

# The path was replaced, so a negative path value may now be valid: negative_data_rejection does not apply.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _first(queryset: Any) -> int:
    pk = queryset.values_list("pk", flat=True).first()
    assert pk is not None, queryset.model
    return int(pk)


def existing_ids() -> dict[str, int]:
    """An object per path parameter that the operation's caller (caller_for) may read."""
    liuzhou = PilotArea.objects.get(name="柳州市")
    department = User.objects.get(username="demo-department")
    published = Result.objects.filter(run__status=RunStatus.PUBLISHED, pilot=liuzhou)
    return {
        "pilot_id": liuzhou.pk,
        "plan_version_id": _first(PlanVersion.objects.filter(plan__pilot=liuzhou)),
        "milestone_id": _first(
            Milestone.objects.filter(task__lead_department_id=department.organisation_id)
            .exclude(task__version__status="submitted")
            .order_by("pk")
        ),
        "report_id": _first(PilotReport.objects.filter(pilot=liuzhou, versions__isnull=False).order_by("pk")),
        "version_id": _first(PilotReportVersion.objects.filter(report__pilot=liuzhou)),
        "province_report_id": _first(
            ProvinceReport.objects.filter(province__name="广西壮族自治区", versions__isnull=False).order_by("pk")
        ),
        "run_id": int(published.values_list("run_id", flat=True).first() or 0),
        "result_id": _first(published),
    }


@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@override_settings(API_TOKEN_REQUESTS_PER_MINUTE=1_000_000)
@pytest.mark.django_db
@pytest.mark.usefixtures("wsgi_keeps_the_test_connection")
def test_every_operation_answers_within_its_schema_over_the_demo(case: Any) -> None:
    ids = existing_ids()
    if case.path_parameters:
        missing = set(case.path_parameters) - set(ids)
        assert not missing, f"a new path parameter needs an existing id here: {missing}"
        case.path_parameters = {name: ids[name] for name in case.path_parameters}
    case.call_and_validate(headers=bearer_for(caller_for(case.operation.path)), checks=CHECKS)


@override_settings(API_TOKEN_REQUESTS_PER_MINUTE=1_000_000)
@pytest.mark.django_db
@pytest.mark.usefixtures("wsgi_keeps_the_test_connection")
def test_every_read_operation_answers_200_within_its_schema_for_an_existing_object() -> None:
    """Generated filters may find nothing; without filters each read answers a real body, checked here."""
    ids = existing_ids()
    loaded = list(schema.get_all_operations())
    operations = [result.ok() for result in loaded if isinstance(result, Ok)]
    assert len(operations) == len(loaded)  # every operation of the schema is valid
    reads = [op for op in operations if op.method.upper() == "GET"]
    assert len(reads) == len(operations) - 2  # the push and the progress update are the writes
    for operation in reads:
        names = {p.name for p in operation.path_parameters}
        case = operation.Case(path_parameters={name: ids[name] for name in names})
        response = case.call_and_validate(headers=bearer_for(caller_for(operation.path)), checks=CHECKS)
        assert response.status_code == 200, (operation.path, response.text[:300])
        body = response.json()
        assert body.get("results", body), operation.path  # lists are not empty: the bodies were checked
