"""Every indicators service leaves its audit event: the action, who did it, on which object, what changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Max

from shidian.accounts.models import User
from shidian.core.audit import AuditAction
from shidian.core.models import AuditEvent
from shidian.core.periods import Period
from shidian.indicators import services
from shidian.indicators.models import Indicator, IndicatorValue
from shidian.pilots.models import PilotArea

pytestmark = pytest.mark.django_db
PERIOD = Period(2018)


@dataclass
class World:
    pilot_area: PilotArea
    pilot: User
    province: User
    national: User


def value(w: World, code: str = "resident_population") -> IndicatorValue:
    return IndicatorValue.objects.get(pilot=w.pilot_area, indicator__code=code, period=PERIOD.code, is_current=True)


def saved(w: World, submit: bool = False, **values: str) -> IndicatorValue:
    services.save_values(pilot=w.pilot_area, period=PERIOD, values=values, submit=submit, by=w.pilot)
    return value(w)


def accepted(w: World) -> IndicatorValue:
    saved(w, submit=True, resident_population="300")
    services.accept_values(pilot=w.pilot_area, period=PERIOD, by=w.province)
    return value(w)


def corrected(w: World) -> IndicatorValue:
    accepted(w)
    return saved(w, resident_population="310")


def changed(w: World) -> IndicatorValue:
    saved(w, resident_population="300")
    return saved(w, resident_population="305")


def returned(w: World) -> IndicatorValue:
    saved(w, submit=True, resident_population="300")
    services.return_values(pilot=w.pilot_area, period=PERIOD, reason="请核实", by=w.province)
    return value(w)


def indicator_changed(w: World) -> Indicator:
    indicator = Indicator.objects.get(code="resident_population")
    indicator.name = f"{indicator.name}（改）"
    return services.save_indicator(indicator=indicator, by=w.national)


def target_set(w: World) -> Any:
    return services.set_pilot_target(
        pilot=w.pilot_area,
        indicator=Indicator.objects.get(code="resident_population"),
        target_year=2020,
        value=Decimal(320),
        by=w.pilot,
    )


# (action, run the service and return the object the event names, actor attribute, expected change subset)
Scenario = tuple[AuditAction, Callable[[World], Any], str, dict[str, Any]]
SCENARIOS: list[Scenario] = [
    (AuditAction.VALUE_CREATED, lambda w: saved(w, resident_population="300"), "pilot", {}),
    # The new value is recorded as entered, the old one as stored.
    (AuditAction.VALUE_CHANGED, changed, "pilot", {"value": ["300.000000", "305"]}),
    (AuditAction.VALUE_CORRECTED, corrected, "pilot", {}),
    (
        AuditAction.VALUE_SUBMITTED,
        lambda w: saved(w, submit=True, resident_population="300"),
        "pilot",
        {"status": ["draft", "submitted"]},
    ),
    (AuditAction.VALUE_ACCEPTED, accepted, "province", {"status": ["submitted", "accepted"]}),
    (AuditAction.VALUE_DRAFT, returned, "province", {"status": ["submitted", "draft"]}),
    (AuditAction.INDICATOR_CHANGED, indicator_changed, "national", {}),
    (AuditAction.TARGET_SET, target_set, "pilot", {}),
]


@pytest.mark.parametrize(("action", "run", "actor", "changes"), SCENARIOS, ids=[s[0].value for s in SCENARIOS])
def test_each_service_records_its_event(
    user: Callable[[str], User], action: AuditAction, run: Callable[[World], Any], actor: str, changes: dict[str, Any]
) -> None:
    watermark = AuditEvent.objects.aggregate(top=Max("id"))["top"] or 0
    world = World(
        pilot_area=PilotArea.objects.select_related("batch", "province").get(name="柳州市"),
        pilot=user("demo-pilot"),
        province=user("demo-province"),
        national=user("demo-national"),
    )
    obj = run(world)
    event = AuditEvent.objects.filter(id__gt=watermark, action=action).order_by("-id").first()
    assert event is not None, f"{action} not recorded"
    assert event.actor == (getattr(world, actor) if actor else None)
    assert (event.object_type, event.object_id) == (obj._meta.label, str(obj.pk))
    for field, change in changes.items():
        assert event.changes[field] == change
