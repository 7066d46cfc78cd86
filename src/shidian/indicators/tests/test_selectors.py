"""The selectors other modules (reporting, evaluation) read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shidian.accounts.models import User
from shidian.core.periods import Period
from shidian.indicators import selectors, services
from shidian.indicators.models import Indicator, PilotTarget
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
