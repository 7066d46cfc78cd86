from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from shidian.core import clock
from shidian.core.periods import Period
from shidian.indicators import demo, selectors
from shidian.indicators.models import DataQualityIssue, IndicatorValue, IssueKind, PilotTarget, ValueStatus
from shidian.pilots.models import PilotArea

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _at_the_business_date() -> Iterator[None]:
    with clock.travel_to(dt.date(2019, 7, 8)):  # as load_demo does
        yield


def test_demo_history_is_deterministic_complete_enough_and_flagged() -> None:
    written = demo.load_demo_indicators()
    assert written > 10_000
    assert demo.load_demo_indicators() == 0  # a second call changes nothing
    pilots = PilotArea.objects.count()
    assert IndicatorValue.objects.values("pilot").distinct().count() == pilots
    # Up to the business date (2019-07-08): 2016-2018 in full, and the first half of 2019 just ended.
    assert set(IndicatorValue.objects.values_list("year", flat=True).distinct()) == {2016, 2017, 2018, 2019}
    assert set(IndicatorValue.objects.filter(year=2019).values_list("period", flat=True)) == {"2019H1"}
    assert IndicatorValue.objects.filter(status=ValueStatus.ACCEPTED, year=2018).exists()
    assert IndicatorValue.objects.filter(status=ValueStatus.SUBMITTED, year=2018).exists()  # awaiting the province
    assert IndicatorValue.objects.filter(status=ValueStatus.DRAFT, period="2019H1").exists()
    # Some values are missing: fewer rows than pilots x annual indicators x years.
    assert IndicatorValue.objects.filter(year=2018).count() < IndicatorValue.objects.filter(year=2016).count()
    assert IndicatorValue.objects.filter(period="2019H1").values("pilot").distinct().count() < pilots
    assert PilotTarget.objects.filter(target_year=2020).count() == pilots * len(demo.TARGETED)
    kinds: set[tuple[str, str | None]] = set(DataQualityIssue.objects.values_list("kind", "rule__kind").distinct())
    assert (IssueKind.RULE, "compare") in kinds
    assert (IssueKind.RULE, "yoy") in kinds
    assert (IssueKind.OUTLIER, None) in kinds
    liuzhou = PilotArea.objects.get(name="柳州市")
    facts = selectors.pilot_indicator_facts(pilot=liuzhou, period=Period(2018))
    by_code = {f["code"]: f for f in facts}
    assert by_code["urban_rate_resident"]["value"] is not None
    assert by_code["urban_rate_resident"]["target"] is not None
    assert {"code", "name", "unit", "value", "target", "status", "status_label"} <= set(by_code["urban_rate_resident"])
    assert any(f["status"] in {"on_track", "accelerate", "off_track", "deteriorating"} for f in facts)


def test_demo_values_are_the_same_every_time() -> None:
    demo.load_demo_indicators()
    first = list(
        IndicatorValue.objects.order_by("pilot_id", "indicator_id", "period").values_list("value", flat=True)[:500]
    )
    IndicatorValue.objects.all().delete()
    DataQualityIssue.objects.all().delete()
    PilotTarget.objects.all().delete()
    demo.load_demo_indicators()
    again = list(
        IndicatorValue.objects.order_by("pilot_id", "indicator_id", "period").values_list("value", flat=True)[:500]
    )
    assert first == again
