from __future__ import annotations

from decimal import Decimal

import pytest

from shidian.core.periods import Period
from shidian.indicators import charts
from shidian.indicators.models import Indicator, NationalTarget
from shidian.indicators.progress import Assessment, ProgressStatus
from shidian.indicators.selectors import Rollup, Series
from shidian.regions.models import Province

pytestmark = pytest.mark.django_db


def test_series_chart_has_values_pilot_targets_and_the_national_target() -> None:
    indicator = Indicator.objects.get(code="urban_rate_resident")
    series = Series(
        indicator=indicator,
        points=[(Period(2016), Decimal("50")), (Period(2018), Decimal("54"))],
        targets={2018: Decimal("55"), 2020: Decimal("70")},
        national=NationalTarget.objects.get(indicator=indicator),
        assessment=Assessment(ProgressStatus.ON_TRACK),
        target_year=2020,
    )
    option = charts.series_chart(series, years=[2016, 2017, 2018, 2019, 2020])
    assert option["xAxis"]["data"] == ["2016年度", "2017年度", "2018年度", "2019年度", "2020年度"]
    line = option["series"][0]
    assert line["data"] == [50.0, None, 54.0, None, None]  # a missing year is a gap, not a zero
    marks = {m["name"]: m["yAxis"] for m in line["markLine"]["data"]}
    assert marks == {"2018年目标": 55.0, "2020年目标": 70.0, "国家 2020 年目标": 60.0}
    # Every line is inside the axis.
    assert option["yAxis"]["min"] < 50 and option["yAxis"]["max"] > 70


def test_tile_map_colours_provinces_by_the_rollup() -> None:
    indicator = Indicator.objects.get(code="urban_land_per_capita")
    provinces = list(Province.objects.all())
    option = charts.province_tile_map(indicator, provinces, {provinces[0].pk: Rollup(Decimal("120.5"), 3)})
    data = {d["code"]: d["value"][2] for d in option["series"][0]["data"]}
    assert data[provinces[0].code] == 120.5
    assert data[provinces[1].code] == "-"  # no data: grey, not zero
    assert option["visualMap"]["inRange"]["color"][-1] == "#c0392b"  # 逆向: high is bad
