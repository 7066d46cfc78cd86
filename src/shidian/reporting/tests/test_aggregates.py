"""The maintained round completeness equals a scan after every service that changes it; the pages read it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.paginator import Paginator
from django.test import Client
from django.urls import reverse

from shidian.accounts.models import User
from shidian.core import clock
from shidian.core.actors import system
from shidian.pilots import services as pilot_services
from shidian.pilots.models import BATCH_NAMES, PilotArea, PilotStatus
from shidian.regions.models import RegionClass
from shidian.reporting import aggregates, selectors, services
from shidian.reporting.models import ReportingRound, RoundCompleteness, RoundKind
from shidian.reporting.tests.factories import filled_report, on, submitted_report, year_end
from shidian.reporting.tests.test_completeness import _add_pilots, _by_loop

pytestmark = pytest.mark.django_db
UserGetter = Callable[[str], User]
# Days around a year-end round's dates: before its due date, between it and the period's end, after both.
DAYS = (dt.date(2017, 11, 1), dt.date(2017, 12, 25), dt.date(2018, 3, 1), dt.date(2019, 3, 1))


def table() -> list[tuple[int, ...]]:
    return sorted(
        RoundCompleteness.objects.values_list(
            "round_id", "province_id", "batch_id", "pilots", "expected", "submitted", "late", "expected_at_province_due"
        )
    )


def counts(rows: list[selectors.ProvinceRoundRow]) -> list[tuple[str, int, int, int, int, int]]:
    return [(r.province.code, r.expected, r.submitted, r.late, r.waiting, r.missing) for r in rows]


def assert_maintained(users: list[User], rounds: list[ReportingRound]) -> None:
    """The table equals its rebuild from scratch, and what the selectors read from it equals the scans."""
    kept = table()
    aggregates.rebuild()
    assert kept == table()
    for viewer in users:
        for reporting_round in rounds:
            for today in DAYS:
                kwargs = {"user": viewer, "reporting_round": reporting_round, "today": today}
                got = counts(selectors.round_completeness_by_province(**kwargs))  # type: ignore[arg-type]
                assert got == counts(selectors.scanned_round_completeness_by_province(**kwargs))  # type: ignore[arg-type]
                assert got == _by_loop(viewer, reporting_round, today)


def test_the_counts_follow_every_service_that_changes_them(user: UserGetter) -> None:
    national, province, pilot_user = user("demo-national"), user("demo-province"), user("demo-pilot")
    viewers = [national, province]
    r2017 = year_end(2017)  # opening a round counts its pilots
    assert RoundCompleteness.objects.filter(round=r2017).exists()
    assert_maintained(viewers, [r2017])
    report = submitted_report(pilot_user, r2017, when=dt.date(2017, 12, 22))  # late
    assert_maintained(viewers, [r2017])
    report = services.return_pilot_report(report=report, comment="补充", by=province)
    assert_maintained(viewers, [r2017])
    report = services.submit_pilot_report(report=report, by=pilot_user, now=on(dt.date(2017, 12, 28)))
    assert_maintained(viewers, [r2017])
    services.accept_pilot_report(report=report, by=province)
    assert_maintained(viewers, [r2017])
    late = RoundCompleteness.objects.filter(round=r2017, province=report.pilot.province).values_list("late", flat=True)
    assert sum(late) == 1
    # Another pilot of the province, on time, then eliminated before the due date: no longer expected.
    other = PilotArea.objects.filter(province__name="广西壮族自治区").exclude(name="柳州市").order_by("pk").first()
    assert other is not None
    with clock.travel_to(dt.date(2017, 12, 1)):
        writer = _pilot_writer(other)
        submitted_report(writer, r2017, when=dt.date(2017, 12, 1), pilot=other)
        assert_maintained(viewers, [r2017])
        pilot_services.change_pilot_status(
            pilot=other, to=PilotStatus.WARNED, effective_on=dt.date(2017, 11, 1), reason="整改", by=national
        )
        assert_maintained(viewers, [r2017])
        pilot_services.change_pilot_status(
            pilot=other, to=PilotStatus.ELIMINATED, effective_on=dt.date(2017, 12, 1), reason="退出", by=national
        )
    assert_maintained(viewers, [r2017])
    # Moving the due date before the elimination brings the pilot back into the round.
    r2017 = services.change_round_dues(
        reporting_round=r2017, pilot_due=dt.date(2017, 11, 20), province_due=dt.date(2017, 11, 30), by=national
    )
    assert_maintained(viewers, [r2017])
    # A pilot the registry admits counts in the rounds due after its admission; a second round opens.
    pilot_services.apply_registry_import(
        content="batch,province,name,level,verification,source_note\n3,广西壮族自治区,测试镇,建制镇,official,测试\n".encode(),
        file_name="pilots.csv",
        by=system("tests"),
    )
    mid2018 = services.open_round(year=2018, kind=RoundKind.MID_YEAR, by=services.OPENER)
    assert_maintained(viewers, [r2017, mid2018])


def _pilot_writer(pilot: PilotArea) -> User:
    from shidian.accounts import services as account_services
    from shidian.core.roles import Role

    return account_services.create_user(
        username=f"writer-{pilot.pk}",
        password="Shidian#Walk2026x",
        role=Role.PILOT_OFFICER,
        organisation=account_services.ensure_pilot_organisations(pilot=pilot),
        full_name="试点",
        by=system("tests"),
        password_is_temporary=False,
    )


def test_a_draft_changes_no_count(user: UserGetter) -> None:
    r2017 = year_end(2017)
    before = table()
    filled_report(user("demo-pilot"), r2017)
    assert table() == before


def test_rebuild_command_recomputes_the_table(user: UserGetter) -> None:
    r2017 = year_end(2017)
    submitted_report(user("demo-pilot"), r2017)
    kept = table()
    RoundCompleteness.objects.all().delete()
    out = StringIO()
    call_command("rebuild_round_completeness", stdout=out)
    assert table() == kept and "已重新计算报送情况汇总" in out.getvalue()


def _rates_from_cells(matrix: selectors.Matrix) -> dict[str, list[tuple[Any, ...]]]:
    """The matrix's rates added up from its own cells, one pilot at a time (as the matrix once did)."""
    groups: dict[str, dict[str, list[int]]] = {"province": {}, "batch": {}, "region": {}, "total": {}}
    for row in matrix.pilot_rows:
        for cell in row.cells:
            labels = (("province", row.province), ("batch", row.batch), ("region", row.region), ("total", ""))
            for kind, label in labels:
                item = groups[kind].setdefault(label, [0, 0, 0])
                if cell.counted:
                    item[0] += 1
                    item[1] += int(cell.submitted)
                    item[2] += int(cell.on_time)
    batches = [str(name) for name in BATCH_NAMES.values()]
    return {
        "province": [(k, *v) for k, v in groups["province"].items()],
        "batch": sorted(((k, *v) for k, v in groups["batch"].items()), key=lambda r: batches.index(r[0])),
        "region": [(k, *v) for k, v in groups["region"].items()],
        "total": [tuple(v) for v in groups["total"].values()],
    }


def _rates(matrix: selectors.Matrix) -> dict[str, list[tuple[Any, ...]]]:
    def of(rates: list[selectors.Rate]) -> list[tuple[Any, ...]]:
        return [(r.label, r.expected, r.submitted, r.on_time) for r in rates]

    return {
        "province": of(matrix.by_province),
        "batch": of(matrix.by_batch),
        "region": of(matrix.by_region),
        "total": [(matrix.total.expected, matrix.total.submitted, matrix.total.on_time)],
    }


@pytest.mark.parametrize("username", ["demo-national", "demo-province"])
def test_the_matrix_rates_from_the_counts_equal_its_cells(user: UserGetter, username: str) -> None:
    viewer, national = user(username), user("demo-national")
    r2017, r2018 = year_end(2017), year_end(2018)
    services.open_round(year=2019, kind=RoundKind.MID_YEAR, by=services.OPENER)
    submitted_report(user("demo-pilot"), r2017, when=dt.date(2017, 12, 22))  # late
    submitted_report(user("demo-pilot"), r2018, when=dt.date(2018, 12, 1))
    eliminated = PilotArea.objects.filter(province__name="广西壮族自治区").exclude(name="柳州市").order_by("pk")[0]
    with clock.travel_to(dt.date(2018, 6, 1)):
        pilot_services.change_pilot_status(
            pilot=eliminated, to=PilotStatus.ELIMINATED, effective_on=dt.date(2018, 6, 1), reason="退出", by=national
        )
    for today in (dt.date(2017, 12, 25), dt.date(2018, 3, 1), dt.date(2019, 7, 1), dt.date(2019, 7, 20)):
        matrix = selectors.completeness_matrix(user=viewer, today=today)
        assert _rates(matrix) == _rates_from_cells(matrix)
        assert matrix.total.expected  # something is counted on each of these days
        assert [r.label for r in matrix.by_region] == list(
            dict.fromkeys(str(RegionClass(r).label) for r in _regions_in_order(matrix))
        )


def _regions_in_order(matrix: selectors.Matrix) -> list[str]:
    from shidian.regions.models import Province

    names = [r.label for r in matrix.by_province]
    regions = dict(Province.objects.filter(name__in=names).values_list("name", "region"))
    return [regions[name] for name in names if regions[name]]


def test_the_matrix_page_reads_one_page_of_pilots_whatever_their_number(
    user: UserGetter, client: Client, django_assert_max_num_queries: Any, django_assert_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    year_end(2017)
    services.open_round(year=2018, kind=RoundKind.MID_YEAR, by=services.OPENER)
    client.force_login(user("demo-national"))
    counts = []
    for step in range(2):
        _add_pilots(5 + 60 * step, 100 * step)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("reporting:matrix"))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
        matrix = response.context["matrix"]
        assert len(matrix.pilot_rows) == min(50, PilotArea.objects.count())
    assert counts[0] == counts[1]
    # The page's read itself: the pilots counted and one page of them, the rounds, the counts, the province
    # reports, and the page's history and reports.
    national = user("demo-national")
    selectors.rounds()
    with django_assert_num_queries(7):
        page = Paginator(selectors.matrix_pilots(user=national), 50).get_page(1)
        selectors.completeness_matrix(user=national, pilots=list(page.object_list))
    with django_assert_max_num_queries(counts[0]):
        response = client.get(reverse("reporting:matrix"), {"page": 2})
    assert response.context["page"].number == 2 and response.context["matrix"].pilot_rows
    assert 'data-testid="pager"' in response.content.decode()
