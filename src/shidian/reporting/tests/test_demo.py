"""The demo reporting history: every pilot and province, 2016 year-end to 2020 year-end, with the awkward cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from shidian.accounts.models import User
from shidian.pilots.models import PilotArea
from shidian.reporting import demo, selectors
from shidian.reporting.models import (
    PilotReport,
    PilotReportVersion,
    ProvinceReport,
    ProvinceStatus,
    ReadReceipt,
    ReportingRound,
    ReportStatus,
)
from shidian.reporting.selectors import CellState

pytestmark = pytest.mark.django_db


def test_demo_reports_cover_every_pilot_and_the_awkward_cases(user: Callable[[str], User]) -> None:
    counts = demo.load_demo_reports()
    first = ReportingRound.objects.order_by("year", "kind").first()
    assert first is not None and (first.year, first.kind) == (2016, "year_end")
    assert ReportingRound.objects.count() == counts["rounds"] == 9
    pilots_with_reports = PilotReport.objects.values("pilot").distinct().count()
    assert pilots_with_reports == PilotArea.objects.count()
    assert PilotReportVersion.objects.filter(is_late=True).exists()
    assert PilotReport.objects.filter(status=ReportStatus.RETURNED).exists()
    assert ProvinceReport.objects.filter(status=ProvinceStatus.RETURNED).exists()
    assert ProvinceReport.objects.filter(status=ProvinceStatus.ACKNOWLEDGED).exists()
    assert ReadReceipt.objects.filter(reader__username="demo-ministry").exists()
    matrix = selectors.completeness_matrix(user=user("demo-national"), today=dt.date(2021, 3, 1))
    states = {cell.state for row in matrix.pilot_rows for cell in row.cells}
    assert {CellState.MISSING, CellState.RETURNED, CellState.ACCEPTED} <= states
    assert any(cell.late for row in matrix.pilot_rows for cell in row.cells)
    province_states = {cell.state for row in matrix.province_rows for cell in row.cells}
    assert {CellState.MISSING, CellState.RETURNED, CellState.ACCEPTED} <= province_states
    assert 0 < matrix.total.submitted_rate < 100  # type: ignore[operator]
    # Deterministic and idempotent: a second run adds nothing.
    before = PilotReportVersion.objects.count()
    demo.load_demo_reports()
    assert PilotReportVersion.objects.count() == before
