"""A late report says the same on the workbench and the completeness matrix: 逾期报送, in the one late colour.

Lateness is decided on the business date (core.clock), not the real one: the reports below are submitted
with the clock travelled to 2019 while the machine's date is years later.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from shidian.accounts.models import User
from shidian.core import clock
from shidian.pilots.models import PilotArea
from shidian.plans.tests import factories as plan_factories
from shidian.reporting import services
from shidian.reporting.models import PilotReport, RoundKind
from shidian.reporting.tests import factories

pytestmark = pytest.mark.django_db
ClientAs = Callable[[str], Client]
LATE_DAY = dt.date(2019, 7, 12)  # two days after the 2019 mid-year round's pilot due date (2019-07-10)
ON_TIME_DAY = dt.date(2019, 7, 9)
SEEN_ON = dt.date(2019, 7, 15)


def _submit(by: User, reporting_round: object, pilot: PilotArea | None, day: dt.date) -> PilotReport:
    report = factories.filled_report(by, reporting_round, pilot)  # type: ignore[arg-type]
    with clock.travel_to(day):  # no ``now``: the service reads the business clock
        return services.submit_pilot_report(report=report, by=by)


@pytest.fixture
def reports() -> dict[str, PilotReport]:
    with clock.travel_to(dt.date(2019, 7, 1)):
        reporting_round = services.open_round(year=2019, kind=RoundKind.MID_YEAR, by=services.OPENER)
    guangxi = PilotArea.objects.filter(province__name="广西壮族自治区").exclude(name="柳州市").order_by("name")
    late_pilot, on_time_pilot = guangxi[0], guangxi[1]
    return {
        "late": _submit(plan_factories.officer_for(late_pilot), reporting_round, late_pilot, LATE_DAY),
        "on_time": _submit(plan_factories.officer_for(on_time_pilot), reporting_round, on_time_pilot, ON_TIME_DAY),
        "own": _submit(User.objects.get(username="demo-pilot"), reporting_round, None, LATE_DAY),
    }


def _get(client_as: ClientAs, username: str, path: str) -> str:
    with clock.travel_to(SEEN_ON):
        response = client_as(username).get(path)
    assert response.status_code == 200
    return response.content.decode()


def _bench_item(html: str, pilot: PilotArea) -> tuple[str, str] | None:
    """(tone class, text) of the province workbench's chase item for ``pilot``."""
    item = rf'<li class="bench-item (tone-\w+)" data-testid="chase-{pilot.pk}">\s*<a [^>]*>([^<]*)</a>'
    match = re.search(item, html)
    return (match.group(1), match.group(2)) if match else None


def _matrix_cell(html: str, report: PilotReport) -> tuple[str, str]:
    match = re.search(rf'<td class="([^"]*)"><a href="/reporting/reports/{report.pk}/">([^<]*)</a>', html)
    assert match, "no matrix cell for the report"
    return match.group(1), match.group(2)


def test_a_late_report_reads_late_on_the_workbench_and_the_matrix(
    reports: dict[str, PilotReport], client_as: ClientAs
) -> None:
    late = reports["late"]
    assert late.versions.get().is_late  # decided on the business date, not the machine's
    bench = _get(client_as, "demo-province", "/")
    matrix = _get(client_as, "demo-province", "/reporting/matrix/")
    tone, text = _bench_item(bench, late.pilot) or ("", "")
    classes, label = _matrix_cell(matrix, late)
    assert text.endswith("逾期报送") and label == "逾期报送"
    assert tone == "tone-late" and "c-late" in classes.split()


def test_an_on_time_report_reads_on_time_on_the_matrix_and_is_not_chased(
    reports: dict[str, PilotReport], client_as: ClientAs
) -> None:
    on_time = reports["on_time"]
    assert not on_time.versions.get().is_late
    assert _bench_item(_get(client_as, "demo-province", "/"), on_time.pilot) is None
    classes, label = _matrix_cell(_get(client_as, "demo-province", "/reporting/matrix/"), on_time)
    assert label == "按时报送" and "c-on_time" in classes.split()


def test_the_pilot_workbench_says_its_submitted_report_was_late(
    reports: dict[str, PilotReport], client_as: ClientAs
) -> None:
    bench = _get(client_as, "demo-pilot", "/")
    section = bench.split('data-testid="section-round"', 1)[1].split("</section>", 1)[0]
    assert "逾期报送" in section
    _classes, label = _matrix_cell(_get(client_as, "demo-province", "/reporting/matrix/"), reports["own"])
    assert label == "逾期报送"


def test_late_cells_and_the_late_badge_share_one_colour_that_is_not_green() -> None:
    css = (Path(settings.BASE_DIR) / "static" / "shidian" / "app.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rule = re.search(r"([^{}]*\.m td\.c-late[^{}]*)\{([^}]*)\}", css)
    assert rule, "no rule for the matrix's late cells"
    selectors = {s.strip() for s in rule.group(1).split(",")}
    assert {".badge.late", ".m td.c-late", ".m td.c-was-late"} <= selectors
    background = re.search(r"background:\s*#([0-9a-fA-F]{6})", rule.group(2))
    assert background
    red, green, _blue = (int(background.group(1)[i : i + 2], 16) for i in (0, 2, 4))
    assert red > green  # red, never green
