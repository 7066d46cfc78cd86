"""Read reports for a user: lists, inboxes, the completeness and timeliness matrix."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shidian.core import clock, scoping
from shidian.core.errors import NotFound
from shidian.core.roles import Capability
from shidian.pilots.models import BATCH_NAMES, PilotArea, PilotStatus, PilotStatusChange
from shidian.regions.models import RegionClass
from shidian.reporting.models import (
    CommentKind,
    PilotReport,
    PilotReportVersion,
    ProvinceReport,
    ProvinceReportVersion,
    ProvinceStatus,
    ReadReceipt,
    ReportCopy,
    ReportingRound,
    ReportReminder,
    ReportStatus,
    ReviewComment,
)

# A pilot reports while it is in the programme: active or warned (a warned pilot must improve and report).
REPORTING_STATUSES = frozenset({PilotStatus.ACTIVE, PilotStatus.WARNED})


def _require_reports(user: Any) -> None:
    scoping.require(user, Capability.VIEW_REPORTS)


# -- rounds ------------------------------------------------------------------------------------------


def rounds() -> list[ReportingRound]:
    return sorted(ReportingRound.objects.all(), key=lambda r: r.sort_key)


def get_round(*, round_id: int) -> ReportingRound:
    try:
        return ReportingRound.objects.get(pk=round_id)
    except (ReportingRound.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound from exc


# -- pilot reports -----------------------------------------------------------------------------------


def visible_pilot_reports(*, user: Any) -> QuerySet[PilotReport]:
    if not scoping.can(user, Capability.VIEW_REPORTS):
        return PilotReport.objects.none()
    return scoping.restrict(
        PilotReport.objects.select_related("pilot", "pilot__province", "round"),
        user,
    )


def get_pilot_report_for(*, user: Any, report_id: int) -> PilotReport:
    """One report the user may see; missing and hidden are both 404."""
    _require_reports(user)
    return scoping.get_for(
        PilotReport.objects.select_related("pilot", "pilot__province", "round", "updated_by"),
        user,
        pk=report_id,
    )


def reports_awaiting_review(*, user: Any) -> QuerySet[PilotReport]:
    """Submitted pilot reports a provincial officer should accept or return."""
    if not scoping.can(user, Capability.REVIEW_PILOT_REPORTS):
        return PilotReport.objects.none()
    return visible_pilot_reports(user=user).filter(status=ReportStatus.SUBMITTED).order_by("round__year", "pilot__name")


def versions_of(report: PilotReport) -> list[PilotReportVersion]:
    return list(
        report.versions.select_related("submitted_by")
        .prefetch_related("attachments", "comments__author")
        .order_by("number")
    )


def get_version_for(*, user: Any, version_id: int) -> PilotReportVersion:
    _require_reports(user)
    return scoping.get_for(
        PilotReportVersion.objects.select_related("report", "report__pilot", "report__round", "submitted_by"),
        user,
        pk=version_id,
    )


def get_attachment_for(*, user: Any, attachment_id: int) -> Any:
    from shidian.reporting.models import Attachment

    _require_reports(user)
    return scoping.get_for(
        Attachment.objects.select_related("report", "report__pilot"),
        user,
        pk=attachment_id,
    )


def pilot_rounds(*, user: Any) -> list[tuple[ReportingRound, PilotReport | None]]:
    """For a pilot user: every round with its report (or None where none was started)."""
    scope = scoping.scope_for(user)
    if not scope.pilots:
        return []
    (pilot_id,) = tuple(scope.pilots)[:1]
    reports = {r.round_id: r for r in PilotReport.objects.filter(pilot_id=pilot_id)}
    return [(r, reports.get(r.pk)) for r in reversed(rounds())]


def user_pilot(user: Any) -> PilotArea | None:
    scope = scoping.scope_for(user)
    if not scope.pilots:
        return None
    return PilotArea.objects.filter(pk__in=scope.pilots).select_related("province").first()


# -- province reports --------------------------------------------------------------------------------


def visible_province_reports(*, user: Any) -> QuerySet[ProvinceReport]:
    if not scoping.can(user, Capability.VIEW_REPORTS):
        return ProvinceReport.objects.none()
    return scoping.restrict(ProvinceReport.objects.select_related("province", "round"), user)


def get_province_report_for(*, user: Any, report_id: int) -> ProvinceReport:
    _require_reports(user)
    return scoping.get_for(
        ProvinceReport.objects.select_related("province", "round", "updated_by"),
        user,
        pk=report_id,
    )


def province_versions_of(report: ProvinceReport) -> list[ProvinceReportVersion]:
    return list(report.versions.select_related("submitted_by").prefetch_related("comments__author").order_by("number"))


def national_inbox(*, user: Any) -> QuerySet[ProvinceReport]:
    """Province reports for the national commission: awaiting acknowledgement first."""
    if not scoping.can(user, Capability.REVIEW_PROVINCE_REPORTS):
        return ProvinceReport.objects.none()
    return (
        visible_province_reports(user=user)
        .exclude(status=ProvinceStatus.DRAFT)
        .order_by("-round__year", "-round__kind", "province__code")
    )


def copies_sent(report: ProvinceReport) -> list[ReportCopy]:
    """The copies of a province report's versions with their read receipts (for the sender)."""
    return list(
        ReportCopy.objects.filter(version__report=report)
        .select_related("ministry", "version")
        .prefetch_related("receipts__reader", "ministry__former_names")
        .order_by("-version__number", "ministry__name")
    )


# -- ministry inbox ----------------------------------------------------------------------------------


def ministry_inbox(*, user: Any) -> QuerySet[ReportCopy]:
    """The province reports copied to the user's ministry, with whether anyone there has read each."""
    if not scoping.can(user, Capability.READ_REPORT_COPIES) or user.organisation_id is None:
        return ReportCopy.objects.none()
    return (
        ReportCopy.objects.filter(ministry_id=user.organisation_id)
        .select_related("ministry", "version", "version__report", "version__report__province", "version__report__round")
        .prefetch_related("ministry__former_names")
        .annotate(is_read=Exists(ReadReceipt.objects.filter(copy=OuterRef("pk"))))
        .order_by("-version__submitted_at", "-id")
    )


def unread_copies(*, user: Any) -> QuerySet[ReportCopy]:
    """The copies nobody in the user's ministry has opened yet, oldest first."""
    return (
        ministry_inbox(user=user)
        .exclude(Exists(ReadReceipt.objects.filter(copy=OuterRef("pk"))))
        .order_by("version__submitted_at", "id")
    )


def get_copy_for(*, user: Any, copy_id: int) -> ReportCopy:
    try:
        return ministry_inbox(user=user).get(pk=copy_id)
    except (ReportCopy.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound from exc


def tags_for_ministry(version: ProvinceReportVersion, ministry_id: int) -> list[dict[str, Any]]:
    """The difficulties and suggestions in a province report tagged with one ministry."""
    return [tag for tag in version.tags if any(m.get("id") == ministry_id for m in tag.get("ministries", []))]


# -- reminders ---------------------------------------------------------------------------------------


def reminders_for(*, user: Any) -> QuerySet[ReportReminder]:
    scope = scoping.scope_for(user)
    qs = ReportReminder.objects.select_related("round", "pilot", "province")
    if not scoping.can(user, Capability.VIEW_REPORTS) or scope.provinces is None:
        return qs.none()
    if scope.pilots is not None:
        return qs.filter(pilot__in=scope.pilots)
    return qs.filter(pilot__isnull=True, province__in=scope.provinces)


# -- completeness and timeliness ---------------------------------------------------------------------


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
            self.expected += 1
            self.submitted += int(cell.submitted)
            self.on_time += int(cell.on_time)

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


def _status_history(pilots: QuerySet[PilotArea]) -> dict[int, list[tuple[dt.date, str]]]:
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
    rows = reports.annotate(
        first_late=Subquery(first.values("is_late")[:1]),
        has_versions=Exists(version_model.objects.filter(report=OuterRef("pk"))),
    ).values("pk", owner, "round_id", "status", "first_late", "has_versions")
    return {(row[owner], row["round_id"]): row for row in rows}


def completeness_matrix(*, user: Any, today: dt.date | None = None) -> Matrix:
    """Pilots by rounds and provinces by rounds with rates by province, batch and region (set-based)."""
    _require_reports(user)
    today = today or clock.today()
    all_rounds = [r for r in rounds()]
    pilots = scoping.restrict(
        PilotArea.objects.select_related("province", "batch").order_by("province__code", "batch__number", "name"),
        user,
    )
    pilot_list = list(pilots)
    history = _status_history(pilots)
    pilot_reports = _report_facts(
        PilotReport, PilotReportVersion, "pilot_id", PilotReport.objects.filter(pilot__in=pilots)
    )
    scope = scoping.scope_for(user)
    province_reports: dict[tuple[int, int], Any] = {}
    if scope.pilots is None:
        province_reports = _report_facts(
            ProvinceReport,
            ProvinceReportVersion,
            "province_id",
            scoping.restrict(ProvinceReport.objects.all(), user),
        )

    by_province: dict[str, Rate] = {}
    by_batch: dict[str, Rate] = {}
    by_region: dict[str, Rate] = {}
    total = Rate(label=str(_("合计")))
    pilot_rows = []
    # Provinces expected to report in a round: those with at least one pilot in the programme then.
    province_expected: dict[int, set[int]] = defaultdict(set)
    provinces: dict[int, Any] = {}
    for pilot in pilot_list:
        provinces[pilot.province_id] = pilot.province
        batch = str(BATCH_NAMES.get(pilot.batch.number, pilot.batch.number))
        region = str(RegionClass(pilot.province.region).label) if pilot.province.region else ""
        cells = []
        for reporting_round in all_rounds:
            expected = reporting_on(history.get(pilot.pk, []), reporting_round.pilot_due)
            if reporting_on(history.get(pilot.pk, []), reporting_round.province_due):
                province_expected[reporting_round.pk].add(pilot.province_id)
            cell = _cell(
                expected=expected,
                report=pilot_reports.get((pilot.pk, reporting_round.pk)),
                reporting_round=reporting_round,
                due=reporting_round.pilot_due,
                today=today,
                accepted_status=ReportStatus.ACCEPTED,
            )
            cells.append(cell)
            by_province.setdefault(pilot.province.name, Rate(label=pilot.province.name)).add(cell)
            by_batch.setdefault(batch, Rate(label=batch)).add(cell)
            by_region.setdefault(region, Rate(label=region)).add(cell)
            total.add(cell)
        pilot_rows.append(
            MatrixRow(
                label=pilot.name,
                province=pilot.province.name,
                batch=batch,
                region=region,
                cells=cells,
                object_id=pilot.pk,
            )
        )
    province_rows = []
    province_total = Rate(label=str(_("合计")))
    if scope.pilots is None:
        for province in sorted(provinces.values(), key=lambda p: p.code):
            cells = []
            for reporting_round in all_rounds:
                cell = _cell(
                    expected=province.pk in province_expected[reporting_round.pk],
                    report=province_reports.get((province.pk, reporting_round.pk)),
                    reporting_round=reporting_round,
                    due=reporting_round.province_due,
                    today=today,
                    accepted_status=ProvinceStatus.ACKNOWLEDGED,
                )
                cells.append(cell)
                province_total.add(cell)
            province_rows.append(
                MatrixRow(
                    label=province.name,
                    province=province.name,
                    batch="",
                    region=str(RegionClass(province.region).label) if province.region else "",
                    cells=cells,
                    object_id=province.pk,
                )
            )
    return Matrix(
        rounds=all_rounds,
        pilot_rows=pilot_rows,
        province_rows=province_rows,
        by_province=list(by_province.values()),
        by_batch=[by_batch[label] for label in (str(name) for name in BATCH_NAMES.values()) if label in by_batch],
        by_region=list(by_region.values()),
        province_total=province_total,
        total=total,
    )


def province_timeliness(
    *, province: Any, reporting_round: ReportingRound, today: dt.date | None = None
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


# -- the workbench -----------------------------------------------------------------------------------

# A round opens this many days before the pilots' due date (services.OPEN_DAYS_BEFORE_DUE).
_OPEN_DAYS_BEFORE_DUE = 30


def current_round(*, today: dt.date) -> ReportingRound | None:
    """The round the programme is in on ``today``: the latest one that has opened."""
    opened = [r for r in rounds() if r.pilot_due - dt.timedelta(days=_OPEN_DAYS_BEFORE_DUE) <= today]
    return opened[-1] if opened else None


def returned_pilot_reports(*, user: Any) -> list[tuple[PilotReport, ReviewComment | None]]:
    """The user's pilot reports returned for revision, oldest round first, with the reviewer's latest comment."""
    if not scoping.can(user, Capability.WRITE_PILOT_REPORT):
        return []
    reports = list(visible_pilot_reports(user=user).filter(status=ReportStatus.RETURNED))
    return [(report, comment) for report, comment in _last_return_comments(reports)]


def _last_return_comments(reports: list[PilotReport]) -> list[tuple[PilotReport, ReviewComment | None]]:
    comments: dict[int, ReviewComment] = {}
    rows = ReviewComment.objects.filter(
        pilot_report_version__report__in=reports, kind=CommentKind.RETURN
    ).select_related("author", "pilot_report_version")
    for comment in rows.order_by("created_at", "id"):
        comments[comment.pilot_report_version.report_id] = comment  # type: ignore[union-attr]
    ordered = sorted(reports, key=lambda r: (r.round.sort_key, r.pilot.name))
    return [(report, comments.get(report.pk)) for report in ordered]


def returned_province_reports(*, user: Any) -> list[tuple[ProvinceReport, ReviewComment | None]]:
    """The user's province reports the commission returned, with its latest comment."""
    if not scoping.can(user, Capability.REVIEW_PILOT_REPORTS):
        return []
    reports = list(visible_province_reports(user=user).filter(status=ProvinceStatus.RETURNED))
    comments: dict[int, ReviewComment] = {}
    rows = ReviewComment.objects.filter(
        province_report_version__report__in=reports, kind=CommentKind.RETURN
    ).select_related("author", "province_report_version")
    for comment in rows.order_by("created_at", "id"):
        comments[comment.province_report_version.report_id] = comment  # type: ignore[union-attr]
    return [(r, comments.get(r.pk)) for r in sorted(reports, key=lambda r: r.round.sort_key)]


@dataclass
class Waiting:
    """A submitted report and the first day it waited (the submission of its latest version)."""

    report: Any
    since: dt.date | None


def _waiting(reports: list[Any], version_model: Any) -> list[Waiting]:
    latest: dict[int, dt.datetime] = {}
    for report_id, submitted_at in version_model.objects.filter(report__in=reports).values_list(
        "report_id", "submitted_at"
    ):
        if report_id not in latest or submitted_at > latest[report_id]:
            latest[report_id] = submitted_at
    result = [Waiting(r, timezone.localdate(latest[r.pk]) if r.pk in latest else None) for r in reports]
    return sorted(result, key=lambda w: (w.since or dt.date.max, w.report.pk))


def pilot_reports_waiting(*, user: Any) -> list[Waiting]:
    """Submitted pilot reports the province must accept or return, longest waiting first."""
    return _waiting(list(reports_awaiting_review(user=user)), PilotReportVersion)


def province_reports_waiting(*, user: Any) -> list[Waiting]:
    """Submitted province reports the commission has not yet acknowledged or returned, longest waiting first."""
    reports = list(national_inbox(user=user).filter(status=ProvinceStatus.SUBMITTED))
    return _waiting(reports, ProvinceReportVersion)


@dataclass
class RoundRow:
    pilot: PilotArea
    cell: Cell


def round_rows(*, user: Any, reporting_round: ReportingRound, today: dt.date) -> list[RoundRow]:
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
    province: Any
    expected: int = 0
    submitted: int = 0
    late: int = 0
    missing: int = 0

    @property
    def rate(self) -> float | None:
        return round(100 * self.submitted / self.expected, 1) if self.expected else None


def round_completeness_by_province(
    *, user: Any, reporting_round: ReportingRound, today: dt.date
) -> list[ProvinceRoundRow]:
    """One round's pilot reports by province: expected, submitted, late, missing."""
    by_province: dict[int, ProvinceRoundRow] = {}
    for row in round_rows(user=user, reporting_round=reporting_round, today=today):
        item = by_province.setdefault(row.pilot.province_id, ProvinceRoundRow(row.pilot.province))
        item.expected += 1
        item.submitted += int(row.cell.submitted)
        item.late += int(row.cell.late)
        item.missing += int(row.cell.state == CellState.MISSING)
    return sorted(by_province.values(), key=lambda r: r.province.code)


@dataclass
class MinistryTag:
    copy: ReportCopy
    text: str
    kind: str


def ministry_tags(*, user: Any) -> list[MinistryTag]:
    """Difficulties and suggestions tagged with the user's ministry in the province reports copied to it."""
    if user.organisation_id is None:
        return []
    seen: set[tuple[int, str]] = set()
    result = []
    for copy in ministry_inbox(user=user).order_by("version__submitted_at", "id"):
        for tag in tags_for_ministry(copy.version, user.organisation_id):
            key = (copy.version.report_id, str(tag.get("text", "")))
            if key in seen:
                continue
            seen.add(key)
            result.append(MinistryTag(copy, str(tag.get("text", "")), str(tag.get("kind", ""))))
    return result


def filter_pilot_reports(
    queryset: QuerySet[PilotReport], *, round_id: int | None, pilot_id: int | None, status: str
) -> QuerySet[PilotReport]:
    """Narrow pilot reports by round, pilot and status."""
    if round_id:
        queryset = queryset.filter(round_id=round_id)
    if pilot_id:
        queryset = queryset.filter(pilot_id=pilot_id)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def filter_province_reports(
    queryset: QuerySet[ProvinceReport], *, round_id: int | None, province: str, status: str
) -> QuerySet[ProvinceReport]:
    """Narrow province reports by round, province (by code) and status."""
    if round_id:
        queryset = queryset.filter(round_id=round_id)
    if province:
        queryset = queryset.filter(province__code=province)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


# -- the annual evaluation reads the year's reports (set-based) -------------------------------------


@dataclass(frozen=True)
class ReportFact:
    """How a pilot reported in one round of a year: first submission (late or not) and returns."""

    round_id: int
    kind: str
    due: dt.date
    report_id: int | None
    first_submitted_at: dt.datetime | None
    late: bool
    returns: int
    year_end_submitted: bool


def report_facts_for_year(
    *, pilot_ids: list[int], year: int
) -> tuple[list[ReportingRound], dict[int, list[ReportFact]]]:
    """The year's rounds and, per pilot id, one fact per round (a missing one too), in four queries; callers scope."""
    year_rounds = list(ReportingRound.objects.filter(year=year).order_by("pilot_due", "id"))
    reports = list(
        PilotReport.objects.filter(pilot_id__in=pilot_ids, round__in=year_rounds).values_list(
            "id", "pilot_id", "round_id"
        )
    )
    report_ids = [r[0] for r in reports]
    first: dict[int, tuple[dt.datetime, bool]] = {}
    for report_id, submitted_at, late in (
        PilotReportVersion.objects.filter(report_id__in=report_ids, number=1)
        .values_list("report_id", "submitted_at", "is_late")
        .order_by()
    ):
        first[report_id] = (submitted_at, late)
    returns: dict[int, int] = defaultdict(int)
    for report_id in (
        ReviewComment.objects.filter(kind=CommentKind.RETURN, pilot_report_version__report_id__in=report_ids)
        .values_list("pilot_report_version__report_id", flat=True)
        .order_by()
    ):
        returns[report_id] += 1
    by_key = {(pilot_id, round_id): report_id for report_id, pilot_id, round_id in reports}
    facts: dict[int, list[ReportFact]] = {}
    for pilot_id in pilot_ids:
        rows = []
        for r in year_rounds:
            found = by_key.get((pilot_id, r.pk))
            submitted = first.get(found) if found is not None else None
            rows.append(
                ReportFact(
                    round_id=r.pk,
                    kind=r.kind,
                    due=r.pilot_due,
                    report_id=found,
                    first_submitted_at=submitted[0] if submitted else None,
                    late=bool(submitted and submitted[1]),
                    returns=returns.get(found, 0) if found is not None else 0,
                    year_end_submitted=bool(submitted) and r.kind == "year_end",
                )
            )
        facts[pilot_id] = rows
    return year_rounds, facts
