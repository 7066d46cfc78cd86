"""Pushing indicator values through the API: all-or-nothing, the file import's checks, idempotent, source API."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from shidian.core.models import AuditEvent
from shidian.indicators.models import ImportJob, Indicator, IndicatorValue, PeriodType, ValueSource
from shidian.pilots.models import PilotArea

pytestmark = pytest.mark.django_db

URL = "/api/v1/indicators/values"


def push(client: Any, body: Any, key: str = "k-1") -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", headers={"Idempotency-Key": key})


def liuzhou() -> PilotArea:
    return PilotArea.objects.get(name="柳州市")


def good_row(**changes: Any) -> dict[str, Any]:
    row = {"pilot_id": liuzhou().pk, "indicator": "resident_population", "period": "2018", "value": "400.5"}
    row.update(changes)
    return row


def test_a_push_writes_submitted_values_with_source_api_marked_with_the_token(
    token_client: Callable[..., Any],
) -> None:
    response = push(token_client("demo-province"), {"rows": [good_row()]})
    assert response.status_code == 200, response.content
    assert response.json()["written"] == 1 and response.json()["replayed"] is False
    value = IndicatorValue.objects.get(pilot=liuzhou(), indicator__code="resident_population", period="2018")
    assert (value.value, value.source, value.status) == (Decimal("400.5"), ValueSource.API, "submitted")
    event = AuditEvent.objects.get(action="indicators.values.pushed")
    assert event.actor_username == "demo-province"
    assert event.detail["api_token"].endswith("省级系统")


def test_values_are_read_back_as_decimal_strings(token_client: Callable[..., Any]) -> None:
    client = token_client("demo-province")
    push(client, {"rows": [good_row(value="400.50")]})
    body = client.get(URL, {"pilot": liuzhou().pk, "indicator": "resident_population", "period": "2018"}).json()
    assert [(v["value"], v["source"]) for v in body["results"]] == [("400.5", "api")]


def test_one_bad_row_writes_nothing_and_names_the_row_and_field(token_client: Callable[..., Any]) -> None:
    rows = [
        good_row(),
        good_row(indicator="no_such_code"),
        good_row(period="2018", indicator="gdp_per_capita", value="abc"),
    ]
    response = push(token_client("demo-province"), {"rows": rows})
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"body.rows.1.indicator", "body.rows.2.value"} <= fields
    assert "未写入" in response.json()["message"]
    assert not IndicatorValue.objects.exists() and not ImportJob.objects.exists()


def test_another_provinces_pilot_reads_like_a_missing_one(token_client: Callable[..., Any]) -> None:
    beijing = PilotArea.objects.get(province__name="北京市", name="顺义区")
    response = push(token_client("demo-province"), {"rows": [good_row(pilot_id=beijing.pk)]})
    hidden = response.json()["errors"][0]["message"]
    missing = push(token_client("demo-province"), {"rows": [good_row(pilot_id=beijing.pk)]}, key="k-2")
    assert response.status_code == 400 and "顺义" not in hidden and "北京" not in hidden
    assert hidden == f"找不到地区（编号 {beijing.pk}）。"
    assert missing.json()["errors"][0]["message"] == hidden
    assert not IndicatorValue.objects.exists()


def test_a_replayed_key_with_the_same_body_writes_nothing_again(token_client: Callable[..., Any]) -> None:
    client = token_client("demo-province")
    first = push(client, {"rows": [good_row()]})
    again = push(client, {"rows": [good_row()]})
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert again.json()["job_id"] == first.json()["job_id"]
    assert again["Idempotent-Replayed"] == "true"
    assert IndicatorValue.objects.count() == 1


def test_a_replayed_key_with_another_body_is_a_conflict(token_client: Callable[..., Any]) -> None:
    client = token_client("demo-province")
    push(client, {"rows": [good_row()]})
    response = push(client, {"rows": [good_row(value="401")]})
    assert response.status_code == 409
    assert "幂等键" in response.json()["message"]
    assert IndicatorValue.objects.get().value == 400.5


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{not json", "body"),
        ({"rows": [good_row.__name__]}, "body.rows.0"),
        (
            {"rows": [{"pilot_id": "x", "indicator": "a", "period": "2018", "value": "1"}]},
            "body.rows.0.pilot_id",
        ),
        ({"rows": [], "extra": 1}, "body.extra"),
        (
            {"rows": [{"pilot_id": 1, "indicator": "a", "period": "2018", "value": "1", "unit": "x"}]},
            "body.rows.0.unit",
        ),
        ({"rows": [{"pilot_id": 1, "indicator": "a", "period": "2018", "value": 12.5}]}, "body.rows.0.value"),
    ],
)
def test_bad_input_is_a_4xx_with_field_paths_and_writes_nothing(
    token_client: Callable[..., Any], body: Any, field: str
) -> None:
    response = push(token_client("demo-province"), body)
    assert response.status_code == 400, response.content
    assert field in {e["field"] for e in response.json()["errors"]}
    assert _chinese(response.json()["message"]) and all(_chinese(e["message"]) for e in response.json()["errors"])
    assert not IndicatorValue.objects.exists() and not ImportJob.objects.exists()


def _chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def test_a_push_without_idempotency_key_is_refused(token_client: Callable[..., Any]) -> None:
    response = token_client("demo-province").post(URL, data={"rows": [good_row()]}, content_type="application/json")
    assert response.status_code == 400
    assert any("idempotency" in e["field"].lower() for e in response.json()["errors"])
    assert not IndicatorValue.objects.exists()


def _many_rows(count: int) -> list[dict[str, Any]]:
    indicators = [i for i in Indicator.objects.active() if not i.is_computed and i.value_type == "number"]
    rows = []
    for pilot in PilotArea.objects.order_by("pk").values_list("pk", flat=True):
        for indicator in indicators:
            years = range(2016, 2021)
            is_year = indicator.period_type == PeriodType.YEAR
            periods = [str(y) for y in years] if is_year else [f"{y}H{h}" for y in years for h in (1, 2)]
            for period in periods:
                low = indicator.min_value if indicator.min_value is not None else 0
                rows.append(
                    {"pilot_id": pilot, "indicator": indicator.code, "period": period, "value": str(int(low) + 1)}
                )
                if len(rows) == count:
                    return rows
    return rows


def test_a_provincial_system_pushes_ten_thousand_values_and_reads_them_back(
    token_client: Callable[..., Any], django_assert_max_num_queries: Any
) -> None:
    client = token_client("demo-national")
    rows = _many_rows(10_000)
    assert len(rows) == 10_000
    client.get(URL)  # the token's last-used stamp is written on the first call of the minute
    # Set-based: validation, writes and the computed indicators in a number of queries that does not grow
    # with the rows (on PostgreSQL one COPY into a staging table; elsewhere bulk statements of 2,000 rows each).
    with django_assert_max_num_queries(PUSH_QUERIES + (0 if connection.vendor == "postgresql" else 10_000 // 2000)):
        response = push(client, {"rows": rows})
    assert response.status_code == 200, response.content[:2000]
    assert response.json()["written"] == 10_000
    read = 0
    url: str | None = f"{URL}?page_size=1000"
    while url:
        page = client.get(url).json()
        read += sum(1 for v in page["results"] if v["source"] == "api")
        url = page["next"]  # an absolute URL carrying the cursor
    assert read == 10_000
    assert IndicatorValue.objects.filter(source=ValueSource.API, import_job__isnull=False).count() == 10_000


# 20 rows and 1,500 alike (6 of them the token and its rate counter, 5 the roll-up refresh: the pilots'
# provinces, the weighted indicators, a delete and two inserts). On PostgreSQL the values' write is nine
# statements whatever the rows (the staging table, its COPY and ANALYZE, the lock, the read of the current
# versions, the drafts, the superseded versions, the new ones); elsewhere each further 2,000-row chunk adds an insert.
PUSH_QUERIES = 46  # PostgreSQL; SQLite 35


@pytest.mark.parametrize("count", [20, 1500])
def test_the_push_runs_the_same_queries_for_twenty_rows_as_for_fifteen_hundred(
    token_client: Callable[..., Any], django_assert_max_num_queries: Any, count: int
) -> None:
    client = token_client("demo-national")
    rows = _many_rows(count)
    client.get(URL)
    with django_assert_max_num_queries(PUSH_QUERIES):
        response = push(client, {"rows": rows})
    assert response.json()["written"] == count


def test_a_second_push_corrects_submitted_values_with_new_versions_and_leaves_unchanged_ones(
    token_client: Callable[..., Any],
) -> None:
    client = token_client("demo-province")
    push(client, {"rows": [good_row(), good_row(indicator="urban_rate_resident", value="56.2")]})
    again = push(
        client, {"rows": [good_row(value="401"), good_row(indicator="urban_rate_resident", value="56.2")]}, key="k-2"
    )
    assert again.json()["written"] == 1
    versions = IndicatorValue.objects.filter(pilot=liuzhou(), indicator__code="resident_population", period="2018")
    assert sorted(versions.values_list("version", "value", "is_current")) == [
        (1, Decimal("400.5"), False),
        (2, Decimal("401"), True),
    ]
    assert IndicatorValue.objects.get(indicator__code="urban_rate_resident", period="2018").version == 1


def test_a_push_stores_the_computed_indicators_its_inputs_make_with_the_weakest_status(
    token_client: Callable[..., Any],
) -> None:
    rows = [
        good_row(indicator="hukou_urban_population", value="120"),
        good_row(indicator="hukou_population", value="400"),
    ]
    response = push(token_client("demo-province"), {"rows": rows})
    assert response.json()["written"] == 2, response.content
    rate = IndicatorValue.objects.get(pilot=liuzhou(), indicator__code="urban_rate_hukou", period="2018")
    assert (rate.value, rate.source, rate.status, rate.is_current) == (Decimal("30"), "computed", "submitted", True)
