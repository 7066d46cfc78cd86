from __future__ import annotations

import pytest

from shidian.core.periods import Period
from shidian.indicators import demo, selectors
from shidian.indicators.models import DataQualityIssue, IndicatorValue, IssueKind, PilotTarget, ValueStatus
from shidian.pilots.models import PilotArea

pytestmark = pytest.mark.django_db


def test_demo_history_is_deterministic_complete_enough_and_flagged() -> None:
    written = demo.load_demo_indicators()
    assert written > 10_000
    assert demo.load_demo_indicators() == 0  # a second call changes nothing
    pilots = PilotArea.objects.count()
    assert IndicatorValue.objects.values("pilot").distinct().count() == pilots
    assert set(IndicatorValue.objects.values_list("year", flat=True).distinct()) == {2016, 2017, 2018, 2019, 2020}
    assert IndicatorValue.objects.filter(status=ValueStatus.ACCEPTED, year=2019).exists()
    assert IndicatorValue.objects.filter(status=ValueStatus.DRAFT, year=2020).exists()
    # Some values are missing: fewer rows than pilots x annual indicators x years.
    assert IndicatorValue.objects.filter(year=2020).count() < IndicatorValue.objects.filter(year=2016).count()
    assert PilotTarget.objects.filter(target_year=2020).count() == pilots * len(demo.TARGETED)
    kinds: set[tuple[str, str | None]] = set(DataQualityIssue.objects.values_list("kind", "rule__kind").distinct())
    assert (IssueKind.RULE, "compare") in kinds
    assert (IssueKind.RULE, "yoy") in kinds
    assert (IssueKind.OUTLIER, None) in kinds
    liuzhou = PilotArea.objects.get(name="柳州市")
    facts = selectors.pilot_indicator_facts(pilot=liuzhou, period=Period(2019))
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
