from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from shidian.core.models import AuditEvent
from shidian.indicators.models import Indicator, IndicatorCategory

pytestmark = pytest.mark.django_db


def form(**extra: str) -> dict[str, str]:
    data = {
        "code": "town_share",
        "name": "镇区人口占比",
        "name_en": "",
        "unit": "%",
        "category": str(IndicatorCategory.objects.first().pk),  # type: ignore[union-attr]
        "direction": "positive",
        "value_type": "percent",
        "decimals": "2",
        "aggregation": "mean",
        "period_type": "year",
        "source": "",
        "formula": "",
        "is_active": "on",
        "order": "0",
    }
    data.update(extra)
    return data


def test_the_system_admin_adds_a_computed_indicator(client_as: Callable[[str], Client]) -> None:
    client = client_as("demo-sysadmin")
    response = client.post(
        "/admin/indicators/indicator/add/", form(formula="hukou_urban_population / resident_population * 100")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Indicator.objects.get(code="town_share")
    assert created.is_computed
    assert AuditEvent.objects.filter(
        action="core.admin.created", object_type="indicators.Indicator", object_id=str(created.pk)
    ).exists()


@pytest.mark.parametrize(
    ("formula", "message"),
    [("open('x')", "不允许使用"), ("nope * 2", "nope"), ("town_share + 1", "循环")],
)
def test_bad_formulas_are_refused_in_the_admin(client_as: Callable[[str], Client], formula: str, message: str) -> None:
    response = client_as("demo-sysadmin").post("/admin/indicators/indicator/add/", form(formula=formula))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Indicator.objects.filter(code="town_share").exists()


def test_business_users_cannot_use_the_admin(client_as: Callable[[str], Client]) -> None:
    assert client_as("demo-national").get("/admin/indicators/indicator/").status_code == 404
