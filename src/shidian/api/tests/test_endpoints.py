"""Every endpoint over the demo: same scope as the pages (another province's object is 404), pinned queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shidian.pilots.models import PilotArea
from shidian.plans.models import PlanVersion
from shidian.reporting.models import PilotReport

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_world")]


def _own_and_other(model: Any, pilot_path: str) -> tuple[int, int]:
    own = model.objects.filter(**{f"{pilot_path}__name": "柳州市"}).values_list("pk", flat=True).first()
    other = (
        model.objects.exclude(**{f"{pilot_path}__province__name": "广西壮族自治区"})
        .values_list("pk", flat=True)
        .first()
    )
    assert own is not None and other is not None, model
    return own, other


def _pairs() -> dict[str, tuple[int, int]]:
    liuzhou = PilotArea.objects.get(name="柳州市").pk
    shunyi = PilotArea.objects.get(province__name="北京市", name="顺义区").pk
    return {
        "/api/v1/registry/pilots/{}": (liuzhou, shunyi),
        "/api/v1/plans/pilots/{}/versions": (liuzhou, shunyi),
        "/api/v1/plans/versions/{}": _own_and_other(PlanVersion, "plan__pilot"),
        "/api/v1/reporting/pilot-reports/{}": _own_and_other(PilotReport, "pilot"),
    }


@pytest.mark.parametrize("username", ["demo-province", "demo-pilot"])
def test_every_detail_endpoint_finds_its_own_and_hides_another_provinces(
    token_client: Callable[..., Any], username: str
) -> None:
    client = token_client(username, access="read")
    for template, (own, other) in _pairs().items():
        assert client.get(template.format(own)).status_code == 200, template
        hidden = client.get(template.format(other))
        missing = client.get(template.format(2**31 - 1))
        assert hidden.status_code == 404, template
        assert hidden.json() == missing.json(), template


LISTS = {
    "/api/v1/registry/batches": 4,
    "/api/v1/registry/pilots?page_size=500": 4,
    "/api/v1/regions/provinces": 4,
    "/api/v1/regions/divisions?page_size=500": 4,
    "/api/v1/indicators/catalogue": 5,
    "/api/v1/indicators/values?page_size=500": 4,
    "/api/v1/reporting/rounds": 4,
    "/api/v1/reporting/pilot-reports?page_size=500": 4,
}


@pytest.mark.parametrize(("url", "queries"), LISTS.items())
def test_list_endpoints_run_a_fixed_number_of_queries(
    token_client: Callable[..., Any], django_assert_max_num_queries: Any, url: str, queries: int
) -> None:
    client = token_client("demo-national", access="read")
    client.get(url)  # the token's last-used stamp is written on the first call of the minute
    with django_assert_max_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["results"] if isinstance(body, dict) else body, url


def test_a_plan_version_lists_its_tasks_and_milestones(token_client: Callable[..., Any]) -> None:
    own, _other = _own_and_other(PlanVersion, "plan__pilot")
    body = token_client("demo-pilot", access="read").get(f"/api/v1/plans/versions/{own}").json()
    assert body["tasks"] and all("milestones" in task for task in body["tasks"])
