"""The maintained roll-ups equal a recomputation from the values after every kind of write, on any database."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shidian.accounts.models import User
from shidian.core.periods import Period
from shidian.indicators import aggregates, selectors, services
from shidian.indicators.bulk import BulkValue, write_values
from shidian.indicators.models import (
    Indicator,
    IndicatorRollup,
    IndicatorValue,
    ValueSource,
    ValueStatus,
)
from shidian.pilots.models import PilotArea

pytestmark = pytest.mark.django_db

Row = tuple[int, Decimal, Decimal, Decimal, int, Decimal, Decimal]


def recomputed() -> dict[tuple[int, str, int], Row]:
    """The roll-ups as a scan of the current reported values gives them, summed here in Python."""
    values = {
        (v.pilot_id, v.indicator_id, v.period): (v.value, v.pilot.province_id)
        for v in IndicatorValue.objects.reported().select_related("pilot")
    }
    weight_of = dict(Indicator.objects.filter(weight_indicator__isnull=False).values_list("pk", "weight_indicator_id"))
    groups: dict[tuple[int, str, int], list[tuple[Decimal, Decimal | None]]] = defaultdict(list)
    for (pilot_id, indicator_id, period), (value, province_id) in values.items():
        weight = None
        if indicator_id in weight_of:
            found = values.get((pilot_id, weight_of[indicator_id], period))
            weight = found[0] if found is not None and found[0] > 0 else None
        groups[(indicator_id, period, province_id)].append((value, weight))
    out = {}
    for key, rows in groups.items():
        plain = [v for v, _w in rows]
        weighted = [(v, w) for v, w in rows if w is not None]
        out[key] = (
            len(plain),
            sum(plain, Decimal(0)),
            min(plain),
            max(plain),
            len(weighted),
            sum((v * w for v, w in weighted), Decimal(0)),
            sum((w for _v, w in weighted), Decimal(0)),
        )
    return out


def stored() -> dict[tuple[int, str, int], Row]:
    fields = ("areas", "total", "minimum", "maximum", "weighted_areas", "weighted_total", "weight_total")
    return {
        (r[0], r[1], r[2]): tuple(r[3:])
        for r in IndicatorRollup.objects.values_list("indicator_id", "period", "province_id", *fields)
    }


def assert_maintained() -> None:
    assert stored() == recomputed()


def save(pilot: PilotArea, period: Period, by: User, submit: bool = False, **values: str) -> None:
    services.save_values(pilot=pilot, period=period, values=values, submit=submit, by=by)


@pytest.fixture
def guilin(db: None) -> PilotArea:
    return PilotArea.objects.exclude(name="柳州市").filter(province__name="广西壮族自治区").order_by("pk")[0]


def test_the_one_value_service_submit_accept_correct_and_withdraw_keep_them(
    liuzhou: PilotArea, period: Period, pilot_user: User, province_user: User
) -> None:
    save(liuzhou, period, pilot_user, resident_population="300", urban_rate_resident="60")
    assert not IndicatorRollup.objects.exists()  # drafts do not count
    services.submit_values(pilot=liuzhou, period=period, by=pilot_user)
    assert_maintained()
    assert IndicatorRollup.objects.get(indicator__code="resident_population", period="2018").total == 300
    services.accept_values(pilot=liuzhou, period=period, by=province_user)
    assert_maintained()
    save(liuzhou, period, pilot_user, submit=True, resident_population="310")  # supersedes the accepted one
    assert_maintained()
    weighted = IndicatorRollup.objects.get(indicator__code="urban_rate_resident", period="2018")
    assert (weighted.weighted_areas, weighted.weight_total) == (1, Decimal(310))  # follows its weight
    services.return_values(pilot=liuzhou, period=period, reason="请核实", by=province_user)  # withdrawn
    assert_maintained()
    # The returned version is a draft again, and the accepted one it replaced is no longer current.
    assert not IndicatorRollup.objects.filter(indicator__code="resident_population").exists()
    assert IndicatorRollup.objects.get(indicator__code="urban_rate_resident").weighted_areas == 0
    save(liuzhou, period, pilot_user, resident_population="320")  # a draft over a draft: nothing counts
    assert_maintained()


def test_bulk_writes_and_their_computed_values_keep_them(
    liuzhou: PilotArea, guilin: PilotArea, period: Period, user: Callable[[str], User]
) -> None:
    national = user("demo-national")
    codes = {i.code: i for i in Indicator.objects.all()}

    def push(status: str, **by_pilot: dict[str, str]) -> None:
        values = [
            BulkValue(pilot_id=pilot.pk, indicator=codes[code], period=period, value=Decimal(raw))
            for pilot, items in ((liuzhou, by_pilot.get("liuzhou", {})), (guilin, by_pilot.get("guilin", {})))
            for code, raw in items.items()
        ]
        write_values(values=values, status=status, source=ValueSource.API, by=national, job=None)

    push(ValueStatus.SUBMITTED, liuzhou={"hukou_population": "400", "hukou_urban_population": "180",
                                         "resident_population": "500"},
         guilin={"resident_population": "200", "urban_rate_resident": "55"})  # fmt: skip
    assert_maintained()
    assert IndicatorRollup.objects.filter(indicator__code="urban_rate_hukou").exists()  # computed, submitted
    push(ValueStatus.ACCEPTED, liuzhou={"hukou_urban_population": "200"}, guilin={"resident_population": "0"})
    assert_maintained()
    push(ValueStatus.DRAFT, guilin={"urban_rate_resident": "56"})  # a draft version supersedes the reported one
    assert_maintained()
    assert not IndicatorRollup.objects.filter(indicator__code="urban_rate_resident").exists()


def test_rebuild_and_its_command_recompute_what_was_written_around_the_services(
    liuzhou: PilotArea, period: Period, pilot_user: User
) -> None:
    save(liuzhou, period, pilot_user, submit=True, resident_population="300", urban_rate_resident="60")
    IndicatorValue.objects.filter(pilot=liuzhou, indicator__code="resident_population").update(value=Decimal(5))
    assert stored() != recomputed()
    out = StringIO()
    call_command("rebuild_indicator_rollups", stdout=out)
    assert_maintained()
    assert "已重新计算指标汇总" in out.getvalue()
    IndicatorRollup.objects.all().delete()
    assert aggregates.rebuild(indicator_ids=[Indicator.objects.get(code="resident_population").pk]) == 1


def _seed(pilots: list[PilotArea], by: User) -> None:
    codes = {i.code: i for i in Indicator.objects.all()}
    values = [
        BulkValue(pilot_id=p.pk, indicator=codes[code], period=Period(year), value=Decimal(base + n * 3 + year % 7))
        for n, p in enumerate(pilots)
        for year in (2016, 2017, 2018)
        for code, base in (("resident_population", 100), ("urban_rate_resident", 40), ("green_space_rate", 30))
    ]
    write_values(values=values, status=ValueStatus.SUBMITTED, source=ValueSource.API, by=by, job=None)


@pytest.mark.parametrize("code", ["resident_population", "urban_rate_resident", "green_space_rate"])
@pytest.mark.parametrize("username", ["demo-national", "demo-province", "demo-pilot"])
def test_the_roll_ups_read_from_the_maintained_rows_equal_the_scan(
    code: str, username: str, user: Callable[[str], User]
) -> None:
    some = PilotArea.objects.filter(province__name__in=["广西壮族自治区", "北京市"]).order_by("pk")[:12]
    pilots = list(PilotArea.objects.filter(pk__in=[*some.values_list("pk", flat=True), *PilotArea.objects.filter(
        name="柳州市").values_list("pk", flat=True)]))  # fmt: skip
    _seed(pilots, user("demo-national"))
    viewer = user(username)
    indicator = Indicator.objects.get(code=code)
    table = selectors.rollups_over_periods(user=viewer, indicator=indicator)
    assert sorted(table.national) == ["2016", "2017", "2018"]
    for year in (2016, 2017, 2018):
        period = Period(year)
        national = selectors.national_rollup(user=viewer, indicator=indicator, period=period)
        provinces = selectors.province_rollups(user=viewer, indicator=indicator, period=period)
        assert national == selectors.scanned_national_rollup(user=viewer, indicator=indicator, period=period)
        assert provinces == selectors.scanned_province_rollups(user=viewer, indicator=indicator, period=period)
        assert (table.national[period.code], table.provinces[period.code]) == (national, provinces)
        assert national.areas > 0
    if username != "demo-national":  # a province (and a pilot) sees only its own
        assert viewer.organisation is not None
        assert {p for rows in table.provinces.values() for p in rows} == {viewer.organisation.province_id}


def test_every_period_of_an_indicator_is_one_query_whatever_the_areas(user: Callable[[str], User]) -> None:
    national = user("demo-national")
    indicator = Indicator.objects.get(code="urban_rate_resident")
    counts = []
    for pilots in (PilotArea.objects.order_by("pk")[:3], PilotArea.objects.order_by("pk")[3:60]):
        _seed(list(pilots), national)
        with CaptureQueriesContext(connection) as ctx:
            table: Any = selectors.rollups_over_periods(user=national, indicator=indicator)
            selectors.province_rollups(user=national, indicator=indicator, period=Period(2017))
            selectors.national_rollup(user=national, indicator=indicator, period=Period(2017))
        counts.append(len(ctx.captured_queries))
        assert len(table.national) == 3
    assert counts == [3, 3]
