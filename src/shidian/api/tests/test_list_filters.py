"""A list filtered by a pilot or a province outside the caller's reach answers like a missing one (404)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shidian.pilots.models import PilotArea

pytestmark = pytest.mark.django_db

MISSING_ID = str(2**31 - 1)
MISSING_CODE = "99"  # no province has it


def _pilot_ids() -> tuple[str, str, str]:
    """Liuzhou (the demo pilot), another pilot of Guangxi, and a pilot of another province."""
    liuzhou = PilotArea.objects.get(name="柳州市")
    neighbour = PilotArea.objects.filter(province=liuzhou.province).exclude(pk=liuzhou.pk).first()
    shunyi = PilotArea.objects.get(province__name="北京市", name="顺义区")
    assert neighbour is not None
    return str(liuzhou.pk), str(neighbour.pk), str(shunyi.pk)


PILOT_FILTERS = ["/api/v1/indicators/values?pilot={}", "/api/v1/reporting/pilot-reports?pilot={}"]
PROVINCE_FILTERS = ["/api/v1/registry/pilots?province={}", "/api/v1/reporting/province-reports?province={}"]


@pytest.mark.parametrize("template", PILOT_FILTERS + PROVINCE_FILTERS)
def test_a_province_filtering_by_another_province_gets_the_same_404_as_for_a_missing_one(
    token_client: Callable[..., Any], template: str
) -> None:
    client = token_client("demo-province", access="read")
    liuzhou, _neighbour, shunyi = _pilot_ids()
    own, other, missing = (liuzhou, shunyi, MISSING_ID) if "pilot=" in template else ("45", "11", MISSING_CODE)
    assert client.get(template.format(own)).status_code == 200
    hidden = client.get(template.format(other))
    absent = client.get(template.format(missing))
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json() == absent.json() == {"message": "未找到。", "errors": []}
    assert hidden.headers["Content-Type"] == absent.headers["Content-Type"]


@pytest.mark.parametrize("template", PILOT_FILTERS)
def test_a_pilot_office_filtering_by_a_neighbour_in_its_province_gets_404(
    token_client: Callable[..., Any], template: str
) -> None:
    client = token_client("demo-pilot", access="read")
    liuzhou, neighbour, _shunyi = _pilot_ids()
    assert client.get(template.format(liuzhou)).status_code == 200
    hidden = client.get(template.format(neighbour))
    assert hidden.status_code == 404
    assert hidden.json() == client.get(template.format(MISSING_ID)).json()


def test_a_pilot_office_may_filter_the_registry_by_its_own_province(token_client: Callable[..., Any]) -> None:
    client = token_client("demo-pilot", access="read")
    own = client.get("/api/v1/registry/pilots?province=45")
    assert own.status_code == 200
    assert [row["name"] for row in own.json()["results"]] == ["柳州市"]
    assert client.get("/api/v1/registry/pilots?province=11").status_code == 404


def test_the_nation_filters_by_any_province_and_pilot(token_client: Callable[..., Any]) -> None:
    client = token_client("demo-national", access="read")
    _liuzhou, _neighbour, shunyi = _pilot_ids()
    pilots = client.get("/api/v1/registry/pilots?province=11&page_size=500")
    assert pilots.status_code == 200
    assert {row["province"] for row in pilots.json()["results"]} == {"北京市"}
    assert client.get(f"/api/v1/indicators/values?pilot={shunyi}").status_code == 200
    assert client.get(f"/api/v1/indicators/values?pilot={MISSING_ID}").status_code == 404
    assert client.get(f"/api/v1/registry/pilots?province={MISSING_CODE}").status_code == 404
