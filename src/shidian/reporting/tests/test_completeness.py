"""Completeness and timeliness: who counts, the states, rates, constant query counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from shidian.accounts import services as account_services
from shidian.accounts.models import User
from shidian.pilots import services as pilot_services
from shidian.pilots.models import Batch, PilotArea, PilotStatus
from shidian.regions.models import Province
from shidian.reporting import aggregates, selectors, services
from shidian.reporting.models import RoundKind
from shidian.reporting.selectors import CellState
from shidian.reporting.tests.factories import submitted_report, year_end

pytestmark = pytest.mark.django_db
UserGetter = Callable[[str], User]


def cell_of(matrix: selectors.Matrix, pilot: PilotArea, round_pk: int) -> selectors.Cell:
    row = next(r for r in matrix.pilot_rows if r.object_id == pilot.pk)
    index = [r.pk for r in matrix.rounds].index(round_pk)
    return row.cells[index]


def test_states_of_the_matrix(user: UserGetter) -> None:
    pilot_user, province = user("demo-pilot"), user("demo-province")
    r2017 = year_end(2017)
    r2018 = year_end(2018)
    mid2019 = services.open_round(year=2019, kind=RoundKind.MID_YEAR, by=services.OPENER)
    liuzhou = PilotArea.objects.get(name="柳州市")
    submitted_report(pilot_user, r2017, when=dt.date(2017, 12, 22))  # late
    report = submitted_report(pilot_user, r2018, when=dt.date(2018, 12, 1))
    services.return_pilot_report(report=report, comment="补充", by=province)
    matrix = selectors.completeness_matrix(user=province, today=dt.date(2019, 7, 1))
    assert cell_of(matrix, liuzhou, r2017.pk).state == CellState.LATE
    assert cell_of(matrix, liuzhou, r2018.pk).state == CellState.RETURNED
    assert cell_of(matrix, liuzhou, mid2019.pk).state == CellState.DUE
    other = next(r for r in matrix.pilot_rows if r.object_id != liuzhou.pk)
    assert other.cells[0].state == CellState.MISSING
    before = selectors.completeness_matrix(user=province, today=dt.date(2019, 6, 1))
    assert cell_of(before, liuzhou, mid2019.pk).state == CellState.NOT_DUE
    # A province officer sees only its own province.
    assert {r.province for r in matrix.pilot_rows} == {"广西壮族自治区"}
    assert [r.label for r in matrix.province_rows] == ["广西壮族自治区"]
    # A pilot officer sees only its own row and no province rows.
    own = selectors.completeness_matrix(user=pilot_user, today=dt.date(2019, 7, 1))
    assert [r.label for r in own.pilot_rows] == ["柳州市"] and own.province_rows == []


def test_an_eliminated_pilot_does_not_count_as_missing_after_its_elimination(user: UserGetter) -> None:
    national, province = user("demo-national"), user("demo-province")
    r2017, r2018 = year_end(2017), year_end(2018)
    pilots = list(PilotArea.objects.filter(province__name="广西壮族自治区").order_by("pk"))
    eliminated = pilots[0]
    pilot_services.change_pilot_status(
        pilot=eliminated, to=PilotStatus.ELIMINATED, effective_on=dt.date(2018, 3, 1), reason="考核不合格", by=national
    )
    matrix = selectors.completeness_matrix(user=province, today=dt.date(2019, 3, 1))
    assert cell_of(matrix, eliminated, r2017.pk).state == CellState.MISSING  # it was in the programme then
    assert cell_of(matrix, eliminated, r2018.pk).state == CellState.EXEMPT
    rate = next(r for r in matrix.by_province if r.label == "广西壮族自治区")
    assert rate.expected == 2 * len(pilots) - 1
    assert rate.submitted == 0 and rate.submitted_rate == 0.0


def test_rates_never_exceed_100_percent(user: UserGetter) -> None:
    pilot_user, national = user("demo-pilot"), user("demo-national")
    r2017 = year_end(2017)
    liuzhou = PilotArea.objects.get(name="柳州市")
    submitted_report(pilot_user, r2017)
    # Eliminated before the due date, yet it had submitted: it is not expected, and not counted either.
    pilot_services.change_pilot_status(
        pilot=liuzhou, to=PilotStatus.ELIMINATED, effective_on=dt.date(2017, 12, 1), reason="退出", by=national
    )
    matrix = selectors.completeness_matrix(user=national, today=dt.date(2018, 3, 1))
    for rate in [*matrix.by_province, *matrix.by_batch, *matrix.by_region, matrix.total, matrix.province_total]:
        assert rate.submitted <= rate.expected and rate.on_time <= rate.submitted
        assert rate.submitted_rate is None or 0 <= rate.submitted_rate <= 100
    assert cell_of(matrix, liuzhou, r2017.pk).state == CellState.EXEMPT


def test_a_pilot_admitted_after_the_due_date_is_not_expected(user: UserGetter) -> None:
    r2016 = year_end(2016)
    late_pilot = PilotArea.objects.create(
        batch=Batch.objects.get(number=3),
        province=Province.objects.get(name="广西壮族自治区"),
        name="后来镇",
        kind="建制镇",
        verification="official",
    )
    late_pilot.status_changes.create(from_status="", to_status="active", effective_on=dt.date(2017, 1, 5))
    matrix = selectors.completeness_matrix(user=user("demo-national"), today=dt.date(2017, 3, 1))
    assert cell_of(matrix, late_pilot, r2016.pk).state == CellState.EXEMPT
    assert cell_of(matrix, PilotArea.objects.get(name="柳州市"), r2016.pk).state == CellState.MISSING


def _add_pilots(count: int, offset: int) -> None:
    batch = Batch.objects.get(number=3)
    province = Province.objects.get(name="广西壮族自治区")
    for index in range(count):
        pilot = PilotArea.objects.create(
            batch=batch, province=province, name=f"测试镇{offset + index}", kind="建制镇", verification="official"
        )
        pilot.status_changes.create(from_status="", to_status="active", effective_on=dt.date(2016, 1, 1))
        account_services.ensure_pilot_organisations(pilot=pilot)
    aggregates.rebuild()  # the pilots went in without the registry's services, which keep the counts


@pytest.mark.parametrize("username", ["demo-national", "demo-province"])
def test_matrix_query_count_is_constant_in_pilots(
    user: UserGetter, django_assert_num_queries: Any, username: str
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    viewer = user(username)
    year_end(2017)
    services.open_round(year=2018, kind=RoundKind.MID_YEAR, by=services.OPENER)
    submitted_report(user("demo-pilot"), year_end(2017))
    counts = []
    for step in range(2):
        _add_pilots(5 + 20 * step, 100 * step)
        with CaptureQueriesContext(connection) as ctx:
            matrix = selectors.completeness_matrix(user=viewer, today=dt.date(2018, 8, 1))
        counts.append(len(ctx.captured_queries))
        assert matrix.pilot_rows
    assert counts[0] == counts[1] <= 6


def _by_loop(viewer: User, reporting_round: Any, today: dt.date) -> list[tuple[str, int, int, int, int, int]]:
    """The round's counts by province as the cells of ``round_rows`` give them, one pilot at a time."""
    out: dict[str, list[int]] = {}
    for row in selectors.round_rows(user=viewer, reporting_round=reporting_round, today=today):
        item = out.setdefault(row.pilot.province.code, [0, 0, 0, 0, 0])
        item[0] += 1
        item[1] += int(row.cell.submitted)
        item[2] += int(row.cell.late)
        item[3] += int(row.cell.state in (CellState.DUE, CellState.NOT_DUE))
        item[4] += int(row.cell.state == CellState.MISSING)
    return [(code, *counts) for code, counts in sorted(out.items())]  # type: ignore[misc]


@pytest.mark.parametrize("username", ["demo-national", "demo-province", "demo-pilot"])
def test_round_completeness_by_province_is_grouped_and_equals_the_cells(
    user: UserGetter, username: str, django_assert_num_queries: Any
) -> None:
    viewer = user(username)
    r2017 = year_end(2017)
    submitted_report(user("demo-pilot"), r2017, when=dt.date(2017, 12, 22))  # late
    pilots = list(PilotArea.objects.filter(province__name="广西壮族自治区").exclude(name="柳州市").order_by("pk"))
    national = user("demo-national")
    pilot_services.change_pilot_status(
        pilot=pilots[0], to=PilotStatus.ELIMINATED, effective_on=dt.date(2017, 6, 1), reason="测试", by=national
    )
    _add_pilots(3, 500)
    for step, today in enumerate((dt.date(2017, 11, 1), dt.date(2018, 3, 1))):  # before and after the due date
        for counts in (3, 3 + 20):
            with django_assert_num_queries(2):
                rows = selectors.round_completeness_by_province(user=viewer, reporting_round=r2017, today=today)
            got = [(r.province.code, r.expected, r.submitted, r.late, r.waiting, r.missing) for r in rows]
            assert got == _by_loop(viewer, r2017, today)
            if counts == 3:
                _add_pilots(20, 600 + 100 * step)  # more pilots: the same two queries
    assert got and all(r.expected for r in rows)
    if username != "demo-national":
        assert {r.province.name for r in rows} == {"广西壮族自治区"}
