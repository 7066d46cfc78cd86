"""The completeness and timeliness matrix: who reported in which round, on time or late."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from shidian.accounts.models import User
from shidian.core import clock, scoping
from shidian.pilots.models import BATCH_NAMES, PilotArea, PilotStatusChange
from shidian.regions.models import Province, RegionClass
from shidian.reporting.models import (
    PilotReport,
    PilotReportVersion,
    ProvinceReport,
    ProvinceReportVersion,
    ProvinceStatus,
    ReportingRound,
    ReportStatus,
    RoundCompleteness,
)
from shidian.reporting.selectors.access import REPORTING_STATUSES, _require_reports
from shidian.reporting.selectors.reporting_rounds import rounds


class CellState:
    EXEMPT = "exempt"
    NOT_DUE = "not_due"
    DUE = "due"
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    RETURNED = "returned"
    ACCEPTED = "accepted"


CELL_LABELS = {
    CellState.EXEMPT: _("不计"),
    CellState.NOT_DUE: _("未到期"),
    CellState.DUE: _("待报送"),
    CellState.ON_TIME: _("按时报送"),
    CellState.LATE: _("逾期报送"),
    CellState.MISSING: _("未报送"),
    CellState.RETURNED: _("已退回"),
    CellState.ACCEPTED: _("已接收"),
}


@dataclass
class Cell:
    state: str
    counted: bool = False  # expected and the due date has passed
    submitted: bool = False
    on_time: bool = False
    late: bool = False
    report_id: int | None = None

    @property
    def label(self) -> str:
        label = str(CELL_LABELS[self.state])
        if self.late and self.state in {CellState.ACCEPTED, CellState.RETURNED}:
            return label + str(_("（逾期）"))
        return label


@dataclass
class Rate:
    label: str
    expected: int = 0
    submitted: int = 0
    on_time: int = 0

    def add(self, cell: Cell) -> None:
        if cell.counted:
            self.add_counts(expected=1, submitted=int(cell.submitted), on_time=int(cell.on_time))

    def add_counts(self, *, expected: int, submitted: int, on_time: int) -> None:
        self.expected += expected
        self.submitted += submitted
        self.on_time += on_time

    @property
    def submitted_rate(self) -> float | None:
        return round(100 * self.submitted / self.expected, 1) if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.expected, 1) if self.expected else None


@dataclass
class MatrixRow:
    label: str
    province: str
    batch: str
    region: str
    cells: list[Cell]
    object_id: int


@dataclass
class Matrix:
    rounds: list[ReportingRound]
    pilot_rows: list[MatrixRow]
    province_rows: list[MatrixRow]
    by_province: list[Rate] = field(default_factory=list)
    by_batch: list[Rate] = field(default_factory=list)
    by_region: list[Rate] = field(default_factory=list)
    province_total: Rate = field(default_factory=lambda: Rate(label=""))
    total: Rate = field(default_factory=lambda: Rate(label=""))


def _status_history(pilots: QuerySet[PilotArea] | Sequence[PilotArea]) -> dict[int, list[tuple[dt.date, str]]]:
    history: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    rows = PilotStatusChange.objects.filter(pilot__in=pilots).order_by("pilot_id", "effective_on", "id")
    for pilot_id, effective_on, to_status in rows.values_list("pilot_id", "effective_on", "to_status"):
        history[pilot_id].append((effective_on, to_status))
    return history


def reporting_on(history: list[tuple[dt.date, str]], day: dt.date) -> bool:
    """Whether a pilot with this status history was in the programme (admitted, not out) on ``day``."""
    status = None
    for effective_on, to_status in history:
        if effective_on > day:
            break
        status = to_status
    return status in REPORTING_STATUSES


def _cell(
    *,
    expected: bool,
    report: dict[str, Any] | None,
    reporting_round: ReportingRound,
    due: dt.date,
    today: dt.date,
    accepted_status: str,
) -> Cell:
    if not expected:
        return Cell(state=CellState.EXEMPT)
    closed = today > due
    if report is not None and report["has_versions"]:
        late = bool(report["first_late"])
        if report["status"] == accepted_status:
            state = CellState.ACCEPTED
        elif report["status"] == ReportStatus.RETURNED:
            state = CellState.RETURNED
        else:
            state = CellState.LATE if late else CellState.ON_TIME
        return Cell(state=state, counted=closed, submitted=True, on_time=not late, late=late, report_id=report["pk"])
    report_id = report["pk"] if report else None
    if today <= reporting_round.period.end:
        return Cell(state=CellState.NOT_DUE, report_id=report_id)
    if not closed:
        return Cell(state=CellState.DUE, report_id=report_id)
    return Cell(state=CellState.MISSING, counted=True, report_id=report_id)


def _report_facts(model: Any, version_model: Any, owner: str, reports: QuerySet[Any]) -> dict[tuple[int, int], Any]:
    first = version_model.objects.filter(report=OuterRef("pk")).order_by("number")
    rows = (
        reports.annotate(
            first_late=Subquery(first.values("is_late")[:1]),
            has_versions=Exists(version_model.objects.filter(report=OuterRef("pk"))),
        )
        .order_by()
        .values("pk", owner, "round_id", "status", "first_late", "has_versions")
    )
    return {(row[owner], row["round_id"]): row for row in rows}


@dataclass
class _Rates:
    """The matrix's rates by province, batch and region, and their total, added to cell by cell."""

    by_province: dict[str, Rate] = field(default_factory=dict)
    by_batch: dict[str, Rate] = field(default_factory=dict)
    by_region: dict[str, Rate] = field(default_factory=dict)
    total: Rate = field(default_factory=lambda: Rate(label=str(_("合计"))))

    def add(self, cell: Cell, row: MatrixRow) -> None:
        self.by_province.setdefault(row.province, Rate(label=row.province)).add(cell)
        self.by_batch.setdefault(row.batch, Rate(label=row.batch)).add(cell)
        self.by_region.setdefault(row.region, Rate(label=row.region)).add(cell)
        self.total.add(cell)

    def add_counts(
        self, *, province: str, batch: str, region: str, expected: int, submitted: int, on_time: int
    ) -> None:
        for rates, label in ((self.by_province, province), (self.by_batch, batch), (self.by_region, region)):
            rates.setdefault(label, Rate(label=label)).add_counts(
                expected=expected, submitted=submitted, on_time=on_time
            )
        self.total.add_counts(expected=expected, submitted=submitted, on_time=on_time)


def matrix_pilots(*, user: User) -> QuerySet[PilotArea]:
    """The pilots of the matrix in the user's reach, in its order (the page shows one page of them)."""
    _require_reports(user)
    return scoping.restrict(
        PilotArea.objects.select_related("province", "batch").order_by("province__code", "batch__number", "name"),
        user,
    )


@dataclass(frozen=True)
class _Province:
    """What a province row of the matrix shows of its province."""

    pk: int
    name: str
    region: str


def completeness_matrix(
    *, user: User, today: dt.date | None = None, pilots: Sequence[PilotArea] | None = None
) -> Matrix:
    """Pilots by rounds and provinces by rounds with rates by province, batch and region.

    The rows of ``pilots`` (a page of ``matrix_pilots``; every pilot in reach if None). The rates and the
    province rows read the maintained counts (``RoundCompleteness``: a row per round, province and batch,
    whatever the number of pilots); a reach narrower than a province adds up its own few pilots' cells.
    """
    _require_reports(user)
    today = today or clock.today()
    all_rounds = rounds()
    in_reach = matrix_pilots(user=user)
    if scoping.scope_for(user).pilots is not None:  # a pilot's or an expert's few pilots: from their cells
        rates = _Rates()
        every = list(in_reach)
        rows = _pilot_rows(every, all_rounds, today, rates)
        shown = {p.pk for p in (every if pilots is None else pilots)}
        return _matrix(all_rounds, [r for r in rows if r.object_id in shown], [], rates, Rate(label=str(_("合计"))))
    shown_pilots = list(in_reach) if pilots is None else list(pilots)
    rates, province_expected, provinces = _maintained_rates(user, all_rounds, today)
    if not all_rounds:  # no counts yet: the provinces of the pilots in reach, with no cells
        every = shown_pilots if pilots is None else list(in_reach)
        found = {p.province_id: p.province for p in every}
        provinces = [_Province(p.pk, p.name, p.region) for p in sorted(found.values(), key=lambda p: p.code)]
    reports = _report_facts(
        ProvinceReport, ProvinceReportVersion, "province_id", scoping.restrict(ProvinceReport.objects.all(), user)
    )
    province_total = Rate(label=str(_("合计")))
    province_rows = _province_rows(provinces, all_rounds, today, reports, province_expected, province_total)
    pilot_rows = _pilot_rows(shown_pilots, all_rounds, today, None)
    return _matrix(all_rounds, pilot_rows, province_rows, rates, province_total)


def _matrix(
    all_rounds: list[ReportingRound],
    pilot_rows: list[MatrixRow],
    province_rows: list[MatrixRow],
    rates: _Rates,
    province_total: Rate,
) -> Matrix:
    return Matrix(
        rounds=all_rounds,
        pilot_rows=pilot_rows,
        province_rows=province_rows,
        by_province=list(rates.by_province.values()),
        by_batch=[rates.by_batch[b] for b in (str(name) for name in BATCH_NAMES.values()) if b in rates.by_batch],
        by_region=list(rates.by_region.values()),
        province_total=province_total,
        total=rates.total,
    )


def _region_label(region: str) -> str:
    return str(RegionClass(region).label) if region else ""


def _batch_label(number: int) -> str:
    return str(BATCH_NAMES.get(number, number))


def _maintained_rates(
    user: User, all_rounds: list[ReportingRound], today: dt.date
) -> tuple[_Rates, dict[int, set[int]], list[_Province]]:
    """The rates, the provinces expected per round and the provinces in reach, from the maintained counts.

    One query of a row per round, province and batch. A round counts once its due date has passed: the
    pilots that submitted, and those that did not once the round's period is over too (as ``_cell`` does).
    """
    rates = _Rates()
    province_expected: dict[int, set[int]] = defaultdict(set)
    provinces: dict[int, _Province] = {}
    rows = (
        scoping.restrict(RoundCompleteness.objects.all(), user)
        .order_by("province__code", "batch__number", "round_id")
        .values_list(
            "round_id",
            "province_id",
            "province__name",
            "province__region",
            "batch__number",
            "expected",
            "submitted",
            "late",
            "expected_at_province_due",
        )
    )
    # What each round adds once its due date has passed (none before): the pilots that submitted, and those
    # that did not once the round's period is over too.
    closed = {r.pk for r in all_rounds if today > r.pilot_due}
    over = {r.pk for r in all_rounds if today > r.period.end}
    groups: dict[tuple[int, int], list[int]] = {}  # (province, batch) → expected, submitted, on time; in order
    for round_id, province_id, name, region, batch_number, expected, submitted, late, at_province_due in rows:
        if province_id not in provinces:
            provinces[province_id] = _Province(province_id, name, region)
        if at_province_due:
            province_expected[round_id].add(province_id)
        counts = groups.setdefault((province_id, batch_number), [0, 0, 0])
        if round_id in closed:
            counts[0] += expected if round_id in over else submitted
            counts[1] += submitted
            counts[2] += submitted - late
    regions = {p.region: _region_label(p.region) for p in provinces.values()}
    for (province_id, batch_number), (expected, submitted, on_time) in groups.items():
        province = provinces[province_id]
        rates.add_counts(
            province=province.name,
            batch=_batch_label(batch_number),
            region=regions[province.region],
            expected=expected,
            submitted=submitted,
            on_time=on_time,
        )
    return rates, province_expected, list(provinces.values())


def _pilot_rows(
    pilots: Sequence[PilotArea],
    all_rounds: list[ReportingRound],
    today: dt.date,
    rates: _Rates | None,
) -> list[MatrixRow]:
    """One row per pilot, a cell per round; adds each cell to ``rates`` if given."""
    history = _status_history(pilots)
    reports = _report_facts(PilotReport, PilotReportVersion, "pilot_id", PilotReport.objects.filter(pilot__in=pilots))
    rows = []
    batches = {n: _batch_label(n) for n in {pilot.batch.number for pilot in pilots}}
    regions = {r: _region_label(r) for r in {pilot.province.region for pilot in pilots}}
    for pilot in pilots:
        row = MatrixRow(
            label=pilot.name,
            province=pilot.province.name,
            batch=batches[pilot.batch.number],
            region=regions[pilot.province.region],
            cells=[],
            object_id=pilot.pk,
        )
        for reporting_round in all_rounds:
            cell = _cell(
                expected=reporting_on(history.get(pilot.pk, []), reporting_round.pilot_due),
                report=reports.get((pilot.pk, reporting_round.pk)),
                reporting_round=reporting_round,
                due=reporting_round.pilot_due,
                today=today,
                accepted_status=ReportStatus.ACCEPTED,
            )
            row.cells.append(cell)
            if rates is not None:
                rates.add(cell, row)
        rows.append(row)
    return rows


def _province_rows(
    provinces: Iterable[_Province],
    all_rounds: list[ReportingRound],
    today: dt.date,
    reports: dict[tuple[int, int], Any],
    province_expected: dict[int, set[int]],
    total: Rate,
) -> list[MatrixRow]:
    """One row per province, a cell per round for its own report; adds each cell to ``total``."""
    rows = []
    for province in provinces:
        cells = []
        for reporting_round in all_rounds:
            cell = _cell(
                expected=province.pk in province_expected[reporting_round.pk],
                report=reports.get((province.pk, reporting_round.pk)),
                reporting_round=reporting_round,
                due=reporting_round.province_due,
                today=today,
                accepted_status=ProvinceStatus.ACKNOWLEDGED,
            )
            cells.append(cell)
            total.add(cell)
        rows.append(
            MatrixRow(
                label=province.name,
                province=province.name,
                batch="",
                region=_region_label(province.region),
                cells=cells,
                object_id=province.pk,
            )
        )
    return rows


def province_timeliness(
    *, province: Province, reporting_round: ReportingRound, today: dt.date | None = None
) -> dict[str, Any]:
    """Province-wide reporting statistics for one round (for the assembled province report)."""
    today = today or clock.today()
    pilots = PilotArea.objects.filter(province=province)
    history = _status_history(pilots)
    reports = _report_facts(
        PilotReport,
        PilotReportVersion,
        "pilot_id",
        PilotReport.objects.filter(pilot__province=province, round=reporting_round),
    )
    expected = submitted = on_time = late = 0
    for pilot_id in pilots.values_list("pk", flat=True):
        if not reporting_on(history.get(pilot_id, []), reporting_round.pilot_due):
            continue
        expected += 1
        report = reports.get((pilot_id, reporting_round.pk))
        if report and report["has_versions"]:
            submitted += 1
            if report["first_late"]:
                late += 1
            else:
                on_time += 1
    return {
        "pilots_expected": expected,
        "reports_submitted": submitted,
        "reports_on_time": on_time,
        "reports_late": late,
        "reports_missing": expected - submitted,
    }


@dataclass
class RoundRow:
    pilot: PilotArea
    cell: Cell


def round_rows(*, user: User, reporting_round: ReportingRound, today: dt.date) -> list[RoundRow]:
    """Every pilot in the user's reach expected in one round, with the state of its report (four queries)."""
    _require_reports(user)
    pilots = scoping.restrict(
        PilotArea.objects.select_related("province").order_by("province__code", "name"),
        user,
        province_field="province",
        pilot_field="pk",
    )
    history = _status_history(pilots)
    facts = _report_facts(
        PilotReport,
        PilotReportVersion,
        "pilot_id",
        PilotReport.objects.filter(pilot__in=pilots, round=reporting_round),
    )
    rows = []
    for pilot in pilots:
        expected = reporting_on(history.get(pilot.pk, []), reporting_round.pilot_due)
        if not expected:
            continue
        cell = _cell(
            expected=True,
            report=facts.get((pilot.pk, reporting_round.pk)),
            reporting_round=reporting_round,
            due=reporting_round.pilot_due,
            today=today,
            accepted_status=ReportStatus.ACCEPTED,
        )
        rows.append(RoundRow(pilot, cell))
    return rows


@dataclass
class ProvinceRoundRow:
    province: Province
    expected: int = 0
    submitted: int = 0
    late: int = 0
    waiting: int = 0  # not submitted, deadline not yet passed
    missing: int = 0  # not submitted, deadline passed

    @property
    def rate(self) -> float | None:
        return round(100 * self.submitted / self.expected, 1) if self.expected else None


def round_completeness_by_province(
    *, user: User, reporting_round: ReportingRound, today: dt.date
) -> list[ProvinceRoundRow]:
    """One round's pilot reports by province: expected, submitted (late among them), waiting, missing.

    Two queries whatever the number of pilots: the maintained counts of the round (``RoundCompleteness``, a
    row per province and batch) summed by province, then the provinces. A reach narrower than a province
    groups its own few pilots instead (``scanned_round_completeness_by_province``). The same counts as
    ``round_rows`` cell by cell (a test holds them equal). What the national workbench reads.
    """
    _require_reports(user)
    if scoping.scope_for(user).pilots is not None:
        return scanned_round_completeness_by_province(user=user, reporting_round=reporting_round, today=today)
    rows = (
        scoping.restrict(RoundCompleteness.objects.filter(round=reporting_round), user)
        .order_by()
        .values("province_id")
        .annotate(expected=Sum("expected"), submitted=Sum("submitted"), late=Sum("late"))
        .filter(expected__gt=0)
    )
    return _province_round_rows(reporting_round, today, {row["province_id"]: row for row in rows})


def scanned_round_completeness_by_province(
    *, user: User, reporting_round: ReportingRound, today: dt.date
) -> list[ProvinceRoundRow]:
    """``round_completeness_by_province`` from the pilots' history and reports (grouped in the database).

    The pilots in the programme on the round's due date, with their first report version's lateness as a
    subquery, grouped by province; then the provinces. Two queries, but the work grows with the pilots.
    """
    _require_reports(user)
    due = reporting_round.pilot_due
    pilots = scoping.restrict(PilotArea.objects.all(), user, province_field="province", pilot_field="pk")
    status_then = PilotStatusChange.objects.filter(pilot=OuterRef("pk"), effective_on__lte=due).order_by(
        "-effective_on", "-id"
    )
    first = PilotReportVersion.objects.filter(report__pilot=OuterRef("pk"), report__round=reporting_round).order_by(
        "number"
    )
    rows = (
        pilots.annotate(status_then=Subquery(status_then.values("to_status")[:1]))
        .filter(status_then__in=REPORTING_STATUSES)
        .annotate(first_late=Subquery(first.values("is_late")[:1]))
        .order_by()
        .values("province_id")
        .annotate(expected=Count("pk"), submitted=Count("first_late"), late=Count("pk", filter=Q(first_late=True)))
    )
    return _province_round_rows(reporting_round, today, {row["province_id"]: row for row in rows})


def _province_round_rows(
    reporting_round: ReportingRound, today: dt.date, counts: Mapping[int, Mapping[str, Any]]
) -> list[ProvinceRoundRow]:
    # Not yet submitted: waiting until the due date (or the round's period) has passed, missing after it.
    waiting = today <= reporting_round.period.end or today <= reporting_round.pilot_due
    found = []
    for province in Province.objects.filter(pk__in=counts).order_by("code"):
        row = counts[province.pk]
        unsent = row["expected"] - row["submitted"]
        found.append(
            ProvinceRoundRow(
                province,
                expected=row["expected"],
                submitted=row["submitted"],
                late=row["late"],
                waiting=unsent if waiting else 0,
                missing=0 if waiting else unsent,
            )
        )
    return found
