"""The demo reporting history: every pilot and province, 2016 year-end up to the business date, awkward cases too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from shidian.accounts.models import User
from shidian.core import clock
from shidian.core.documents import numbers
from shidian.pilots.models import PilotArea
from shidian.reporting import demo, selectors
from shidian.reporting.models import (
    PilotReport,
    PilotReportVersion,
    ProvinceReport,
    ProvinceReportVersion,
    ProvinceStatus,
    ReadReceipt,
    ReportingRound,
    ReportStatus,
    ReviewComment,
)
from shidian.reporting.selectors import CellState

pytestmark = pytest.mark.django_db
BUSINESS_DAY = dt.date(2019, 7, 8)


@clock.travel_to(BUSINESS_DAY)
def test_demo_reports_cover_every_pilot_and_the_awkward_cases(user: Callable[[str], User]) -> None:
    counts = demo.load_demo_reports()
    first = ReportingRound.objects.order_by("year", "kind").first()
    assert first is not None and (first.year, first.kind) == (2016, "year_end")
    # Rounds up to the business date: 2016 year-end to 2019 mid-year, which is open and due in two days.
    assert ReportingRound.objects.count() == counts["rounds"] == 6
    current = ReportingRound.objects.order_by("year", "kind").last()
    assert current is not None and (current.year, current.kind) == (2019, "mid_year")
    assert current.pilot_due == dt.date(2019, 7, 10) and current.opened_at.date() <= BUSINESS_DAY
    pilots_with_reports = PilotReport.objects.values("pilot").distinct().count()
    assert pilots_with_reports == PilotArea.objects.count()
    assert PilotReportVersion.objects.filter(is_late=True).exists()
    assert PilotReport.objects.filter(status=ReportStatus.RETURNED).exists()
    assert ProvinceReport.objects.filter(status=ProvinceStatus.RETURNED).exists()
    assert ProvinceReport.objects.filter(status=ProvinceStatus.ACKNOWLEDGED).exists()
    assert ReadReceipt.objects.filter(reader__username="demo-ministry").exists()
    # Nothing is dated after the business date.
    assert not PilotReportVersion.objects.filter(submitted_at__date__gt=BUSINESS_DAY).exists()
    assert not ReviewComment.objects.filter(created_at__date__gt=BUSINESS_DAY).exists()
    assert not ReadReceipt.objects.filter(read_at__date__gt=BUSINESS_DAY).exists()
    # The open round: some submitted and waiting for the province, some drafts, none late yet.
    open_round = PilotReport.objects.filter(round=current)
    assert open_round.filter(status=ReportStatus.SUBMITTED).exists()
    assert open_round.filter(status=ReportStatus.DRAFT).exists()
    assert not PilotReportVersion.objects.filter(report__round=current, is_late=True).exists()
    assert ProvinceReport.objects.filter(status=ProvinceStatus.SUBMITTED).exists()  # the commission's queue
    assert not ProvinceReport.objects.filter(round=current).exists()  # provinces report after 20 July
    # 柳州市 (demo-pilot) finds its report returned with the province's comment.
    liuzhou = PilotReport.objects.get(round=current, pilot__name="柳州市")
    assert liuzhou.status == ReportStatus.RETURNED
    comment = ReviewComment.objects.get(pilot_report_version__report=liuzhou)
    assert comment.body == demo.LIUZHOU_RETURN and comment.author.username == "demo-province"
    matrix = selectors.completeness_matrix(user=user("demo-national"))
    states = {cell.state for row in matrix.pilot_rows for cell in row.cells}
    assert {CellState.MISSING, CellState.RETURNED, CellState.ACCEPTED} <= states
    assert any(cell.late for row in matrix.pilot_rows for cell in row.cells)
    province_states = {cell.state for row in matrix.province_rows for cell in row.cells}
    assert {CellState.MISSING, CellState.RETURNED, CellState.ACCEPTED} <= province_states
    assert 0 < matrix.total.submitted_rate < 100  # type: ignore[operator]
    # Every submitted province report carries its 发文字号, of the year it was submitted in.
    for version in ProvinceReportVersion.objects.select_related("report__province"):
        assert f"〔{version.submitted_at.year}〕" in numbers.number_of(numbers.subject_of(version))
    # Deterministic and idempotent: a second run adds nothing.
    before = PilotReportVersion.objects.count()
    demo.load_demo_reports()
    assert PilotReportVersion.objects.count() == before
