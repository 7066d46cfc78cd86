"""The selectors other modules (reporting, evaluation) read."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from shidian.accounts.models import User
from shidian.core.periods import Period
from shidian.indicators import selectors, services
from shidian.indicators.models import Indicator, IndicatorValue, NationalTarget, PilotTarget, ValueStatus
from shidian.pilots.models import PilotArea

pytestmark = pytest.mark.django_db


def test_pilot_indicator_facts(liuzhou: PilotArea, pilot_user: User, province_user: User) -> None:
    for year, rate in [(2016, "50"), (2017, "50.5"), (2018, "51")]:
        services.save_values(
            pilot=liuzhou, period=Period(year), values={"urban_rate_resident": rate}, submit=True, by=pilot_user
        )
    PilotTarget.objects.create(
        pilot=liuzhou, indicator=Indicator.objects.get(code="urban_rate_resident"), target_year=2020, target_value=60
    )
    facts = {f["code"]: f for f in selectors.pilot_indicator_facts(pilot=liuzhou, period=Period(2017))}
    fact = facts["urban_rate_resident"]
    assert (fact["name"], fact["unit"], fact["value"], fact["target"]) == ("常住人口城镇化率", "%", Decimal("50.5"), 60)
    assert fact["status"] == "off_track" and fact["status_label"] == "明显滞后"
    assert facts["sewage_treatment_rate"]["value"] is None
    assert facts["sewage_treatment_rate"]["target"] == Decimal(95)  # the national target where the pilot has none
    assert facts["sewage_treatment_rate"]["status"] == "insufficient"


def test_province_indicator_summary(liuzhou: PilotArea, pilot_user: User) -> None:
    services.save_values(
        pilot=liuzhou,
        period=Period(2018),
        values={"resident_population": "400", "urban_rate_resident": "60"},
        submit=True,
        by=pilot_user,
    )
    summary = selectors.province_indicator_summary(province=liuzhou.province, period=Period(2018))
    assert summary["province"] == "广西壮族自治区" and summary["period"] == "2018"
    assert summary["pilots"] == PilotArea.objects.filter(province=liuzhou.province).count()
    rows = {r["code"]: r for r in summary["indicators"]}
    assert rows["urban_rate_resident"]["value"] == Decimal("60.00")
    assert rows["urban_rate_resident"]["reporting_pilots"] == 1
    assert rows["resident_population"]["value"] == Decimal("400.00")
    assert rows["new_urban_jobs"]["period"] == "2018H2"
    assert summary["open_quality_issues"] == 0


def test_the_off_track_list_reads_the_target_year_from_the_registry(
    liuzhou: PilotArea, pilot_user: User, province_user: User
) -> None:
    for year, rate in [(2016, "50"), (2017, "50.5"), (2018, "51")]:
        services.save_values(
            pilot=liuzhou, period=Period(year), values={"urban_rate_resident": rate}, submit=True, by=pilot_user
        )
    indicator = Indicator.objects.get(code="urban_rate_resident")
    PilotTarget.objects.create(pilot=liuzhou, indicator=indicator, target_year=2020, target_value=60)
    assert [o.pilot for o in selectors.off_track(user=province_user)] == [liuzhou]
    # The programme's end moves in the registry: a 2020 target is no longer the end-of-programme target.
    batch = liuzhou.batch
    batch.rollout_by = batch.rollout_by.replace(year=2021)  # type: ignore[union-attr]
    batch.save(update_fields=["rollout_by"])
    assert selectors.off_track(user=province_user) == []


def _value(pilot: PilotArea, code: str, period: str, value: str, **fields: Any) -> None:
    fields.setdefault("status", ValueStatus.ACCEPTED)
    IndicatorValue.objects.create(
        pilot=pilot,
        indicator=Indicator.objects.get(code=code),
        period=period,
        year=int(period[:4]),
        value=value,
        **fields,
    )


def test_the_evaluations_latest_value_is_the_last_reported_one_of_the_indicators_period_type_up_to_the_year(
    liuzhou: PilotArea, django_assert_num_queries: Any
) -> None:
    # urban_rate_resident: yearly, the national target 60; nothing reported in 2018, so an earlier year's
    # value counts: 2017's, not a draft of 2018, a half-year code, a later year or a superseded version.
    _value(liuzhou, "urban_rate_resident", "2016", "50")
    _value(liuzhou, "urban_rate_resident", "2017", "51", status=ValueStatus.SUBMITTED)
    _value(liuzhou, "urban_rate_resident", "2017", "49", version=0, is_current=False)
    _value(liuzhou, "urban_rate_resident", "2018", "52", status=ValueStatus.DRAFT)
    _value(liuzhou, "urban_rate_resident", "2018H1", "53")
    _value(liuzhou, "urban_rate_resident", "2019", "54")
    # new_urban_jobs: half-yearly, the pilot's own target; the year's second half, not its yearly code.
    jobs = Indicator.objects.get(code="new_urban_jobs")
    PilotTarget.objects.create(pilot=liuzhou, indicator=jobs, target_year=2020, target_value=10)
    _value(liuzhou, "new_urban_jobs", "2017H2", "5")
    _value(liuzhou, "new_urban_jobs", "2018H1", "6")
    _value(liuzhou, "new_urban_jobs", "2018H2", "7")
    _value(liuzhou, "new_urban_jobs", "2018H2", "8", version=0, is_current=False)
    _value(liuzhou, "new_urban_jobs", "2018", "9")
    with django_assert_num_queries(5):  # indicators, targets, national targets, the year's values, earlier ones
        latest = selectors.latest_with_targets(end_years={liuzhou.pk: 2020}, year=2018)
    found = {r.indicator.code: r for r in latest[liuzhou.pk]}
    national = set(NationalTarget.objects.values_list("indicator__code", flat=True))
    assert set(found) == national | {"new_urban_jobs"}
    rate, own = found["urban_rate_resident"], found["new_urban_jobs"]
    assert (rate.latest, rate.target, rate.own_target) == ((Period(2017), Decimal(51)), Decimal(60), False)
    assert (own.latest, own.target, own.own_target) == ((Period(2018, 2), Decimal(7)), Decimal(10), True)
    assert all(found[code].latest is None for code in national - {"urban_rate_resident"})


def test_the_evaluations_latest_values_are_one_query_when_every_series_has_a_value_in_the_year(
    liuzhou: PilotArea, django_assert_num_queries: Any
) -> None:
    for i, code in enumerate(NationalTarget.objects.values_list("indicator__code", flat=True)):
        _value(liuzhou, code, "2016", str(i))
        _value(liuzhou, code, "2018", str(i + 100))
    with django_assert_num_queries(4):  # indicators, targets, national targets, the year's values
        found = selectors.latest_with_targets(end_years={liuzhou.pk: 2020}, year=2018)[liuzhou.pk]
    assert found and all(r.latest is not None and r.latest[0] == Period(2018) for r in found)
