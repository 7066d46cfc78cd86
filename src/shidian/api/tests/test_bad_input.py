"""Text with a NUL character is bad input on both databases: a 400 with the field path, never a 500, nothing written.

PostgreSQL refuses NUL in text (schemathesis found the 500s there); SQLite stored it silently.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from shidian.indicators.models import ImportJob, IndicatorValue
from shidian.pilots.models import PilotArea

pytestmark = pytest.mark.django_db

NUL = "\x00"


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"/api/v1/registry/pilots?province={NUL}1", "query.province"),
        (f"/api/v1/registry/pilots?q=a{NUL}", "query.q"),
        (f"/api/v1/regions/divisions?level={NUL}", "query.level"),
        (f"/api/v1/indicators/values?indicator={NUL}", "query.indicator"),
        (f"/api/v1/reporting/pilot-reports?status={NUL}", "query.status"),
        (f"/api/v1/reporting/province-reports?status=x{NUL}", "query.status"),
        (f"/api/v1/evaluation/runs/1/results?grade={NUL}", "query.grade"),
        (f"/api/v1/registry/batches?cursor={NUL}", "query.cursor"),
    ],
)
def test_a_nul_in_a_query_filter_is_bad_input_with_its_field(
    token_client: Callable[..., Any], url: str, field: str
) -> None:
    response = token_client("demo-province", access="read").get(url)
    assert response.status_code == 400, response.content
    assert {"field": field, "message": "不能包含空字符（NUL）。"} in response.json()["errors"]


def test_a_nul_in_a_pushed_row_is_bad_input_and_writes_nothing(token_client: Callable[..., Any]) -> None:
    pilot = PilotArea.objects.filter(province__name="广西壮族自治区").values_list("pk", flat=True).first()
    row = {"pilot_id": pilot, "indicator": "resident_population", "period": "2018", "value": "1", "note": f"a{NUL}"}
    response = token_client("demo-province").post(
        "/api/v1/indicators/values",
        data=json.dumps({"rows": [row]}),
        content_type="application/json",
        headers={"Idempotency-Key": "nul-1"},
    )
    assert response.status_code == 400, response.content
    assert "body.rows.0.note" in {e["field"] for e in response.json()["errors"]}
    assert not IndicatorValue.objects.exists() and not ImportJob.objects.exists()


def test_a_nul_in_the_idempotency_key_is_bad_input(token_client: Callable[..., Any]) -> None:
    response = token_client("demo-province").post(
        "/api/v1/indicators/values",
        data=json.dumps({"rows": []}),
        content_type="application/json",
        headers={"Idempotency-Key": f"k{NUL}"},
    )
    assert response.status_code == 400, response.content
    assert "header.Idempotency-Key" in {e["field"] for e in response.json()["errors"]}
    assert not ImportJob.objects.exists()


def test_a_nul_in_a_progress_note_is_bad_input(token_client: Callable[..., Any]) -> None:
    response = token_client("demo-department").put(
        "/api/v1/plans/milestones/1/progress",
        data=json.dumps({"progress_percent": 10, "status": "in_progress", "note": NUL}),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert "body.note" in {e["field"] for e in response.json()["errors"]}


def test_error_messages_are_readable_chinese_in_the_body_not_escapes(token_client: Callable[..., Any]) -> None:
    response = token_client("demo-province", access="read").get("/api/v1/registry/pilots/2147483647")
    assert response.status_code == 404
    assert "未找到。".encode() in response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize("until", ["0", "1700000000", "2019-07-10T00:00:00", "20190710"])
def test_a_date_filter_is_iso_only_not_seconds_since_1970(token_client: Callable[..., Any], until: str) -> None:
    """Schemathesis found ``until=0`` read as 1970-01-01 (pydantic's lax dates); the schema says format: date."""
    response = token_client("demo-auditor", access="read").get("/api/v1/audit/events", {"until": until})
    assert response.status_code == 400, response.content
    assert {"field": "query.until", "message": "须为日期（YYYY-MM-DD）。"} in response.json()["errors"]
    assert token_client("demo-auditor", access="read").get("/api/v1/audit/events?until=2019-07-10").status_code == 200


def test_a_finish_date_sent_as_a_number_is_bad_input(token_client: Callable[..., Any]) -> None:
    response = token_client("demo-department").put(
        "/api/v1/plans/milestones/1/progress",
        data=json.dumps({"progress_percent": 100, "status": "done", "finished_on": 0}),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert "body.finished_on" in {e["field"] for e in response.json()["errors"]}
