"""Reads of the indicator system, always for a user (or for a pilot/province the caller already scoped).

The roll-ups are set-based: one aggregate query per indicator and period, grouped by province in the
database; no per-row Python on the aggregation path (docs/indicators.md).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Window
from django.db.models.functions import Length, RowNumber
from django.utils import timezone

from shidian.accounts.models import User
from shidian.core import scoping
from shidian.core.errors import NotFound
from shidian.core.periods import Period
from shidian.indicators.models import (
    REPORTED,
    Aggregation,
    Comparator,
    DataQualityIssue,
    Direction,
    ImportJob,
    Indicator,
    IndicatorCategory,
    IndicatorPeriod,
    IndicatorValue,
    IssueStatus,
    NationalTarget,
    PeriodType,
    PilotTarget,
    ValueStatus,
)
from shidian.indicators.progress import Assessment, ProgressStatus, assess, period_time
from shidian.pilots.models import PilotArea
from shidian.regions.models import Province


def catalogue() -> list[IndicatorCategory]:
    """Categories with their active indicators and national targets (two queries)."""
    indicators = Indicator.objects.active().select_related("national_target", "weight_indicator")
    return list(IndicatorCategory.objects.prefetch_related(Prefetch("indicators", queryset=indicators)))


def periods(*, open_only: bool = False) -> list[str]:
    qs = IndicatorPeriod.objects.all()
    if open_only:
        qs = qs.filter(is_open=True)
    return sorted(qs.values_list("code", flat=True), key=Period.parse)


def years() -> list[int]:
    return sorted(set(IndicatorPeriod.objects.values_list("year", flat=True)))


def get_indicator(code: str) -> Indicator:
    try:
        return Indicator.objects.with_category().get(code=code, is_active=True)
    except Indicator.DoesNotExist as exc:
        raise NotFound from exc


def visible_values(*, user: User) -> QuerySet[IndicatorValue]:
    return scoping.restrict(IndicatorValue.objects.all(), user)


def _reported(qs: QuerySet[IndicatorValue]) -> QuerySet[IndicatorValue]:
    """Current versions that count in monitoring (submitted or accepted)."""
    return qs.filter(is_current=True, status__in=REPORTED)


# -- entry -----------------------------------------------------------------------------------------


@dataclass
class EntryRow:
    indicator: Indicator
    current: IndicatorValue | None
    previous: IndicatorValue | None


@dataclass
class EntryGroup:
    category: IndicatorCategory
    rows: list[EntryRow] = field(default_factory=list)


def entry_groups(*, pilot: PilotArea, period: Period) -> list[EntryGroup]:
    """The entry form's rows by category: each indicator, its current version and the previous period's."""
    period_type = PeriodType.YEAR if period.is_year else PeriodType.HALF_YEAR
    indicators = list(Indicator.objects.active().with_category().filter(period_type=period_type))
    values = IndicatorValue.objects.filter(
        pilot=pilot, period__in=[period.code, period.previous().code], is_current=True
    )
    current = {v.indicator_id: v for v in values if v.period == period.code}
    previous = {v.indicator_id: v for v in values if v.period == period.previous().code}
    groups: dict[int, EntryGroup] = {}
    for indicator in indicators:
        group = groups.setdefault(indicator.category_id, EntryGroup(indicator.category))
        group.rows.append(EntryRow(indicator, current.get(indicator.pk), previous.get(indicator.pk)))
    return list(groups.values())


@dataclass
class TargetRow:
    indicator: Indicator
    targets: dict[int, Decimal]


def target_rows(*, pilot: PilotArea) -> list[TargetRow]:
    """Every active indicator with the pilot's targets by year and the national target (two queries)."""
    own: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for indicator_id, year, value in PilotTarget.objects.filter(pilot=pilot).values_list(
        "indicator_id", "target_year", "target_value"
    ):
        own[indicator_id][year] = value
    indicators = Indicator.objects.active().with_category().select_related("national_target")
    return [TargetRow(i, own.get(i.pk, {})) for i in indicators]


def value_history(*, user: User, pilot: PilotArea) -> list[IndicatorValue]:
    """Every version of every value of a pilot, newest first within each indicator and period."""
    return list(
        visible_values(user=user)
        .filter(pilot=pilot)
        .select_related("indicator", "entered_by", "accepted_by")
        .order_by("-period", "indicator__order", "-version")
    )


@dataclass(frozen=True)
class PendingReview:
    pilot: PilotArea
    period: str
    count: int
    since: dt.date | None = None  # the first submission still waiting


def pending_reviews(*, user: User) -> list[PendingReview]:
    """Pilot periods with submitted values waiting for the province to accept (two queries)."""
    rows = list(
        visible_values(user=user)
        .filter(is_current=True, status=ValueStatus.SUBMITTED)
        .values("pilot_id", "period")
        .annotate(n=Count("id"), since=Min("submitted_at"))
        .order_by("pilot_id", "period")
    )
    pilots = PilotArea.objects.select_related("province").in_bulk({r["pilot_id"] for r in rows})
    return [
        PendingReview(
            pilots[r["pilot_id"]], r["period"], r["n"], timezone.localdate(r["since"]) if r["since"] else None
        )
        for r in rows
    ]


@dataclass(frozen=True)
class MissingValues:
    period: Period
    missing: int
    expected: int


def missing_values(*, user: User, pilot: PilotArea, today: dt.date) -> list[MissingValues]:
    """Open periods that have ended by ``today`` in which the pilot has not yet reported every indicator."""
    if not scoping.restrict(PilotArea.objects.filter(pk=pilot.pk), user, pilot_field="pk").exists():
        return []
    ended = [Period.parse(code) for code in periods(open_only=True)]
    ended = [p for p in ended if p.end <= today]
    if not ended:
        return []
    entered = list(Indicator.objects.active().filter(formula="").values_list("pk", "period_type"))
    reported: dict[str, set[int]] = defaultdict(set)
    for period_code, indicator_id in _reported(
        IndicatorValue.objects.filter(pilot=pilot, period__in=[p.code for p in ended])
    ).values_list("period", "indicator_id"):
        reported[period_code].add(indicator_id)
    result = []
    for period in ended:
        wanted = {pk for pk, kind in entered if kind == (PeriodType.YEAR if period.is_year else PeriodType.HALF_YEAR)}
        missing = len(wanted - reported[period.code])
        if missing:
            result.append(MissingValues(period, missing, len(wanted)))
    return result


def period_values(*, pilot: PilotArea, period: Period) -> list[IndicatorValue]:
    return list(
        IndicatorValue.objects.filter(pilot=pilot, period=period.code, is_current=True)
        .select_related("indicator")
        .order_by("indicator__category__order", "indicator__order")
    )


def get_import_job_for(*, user: User, job_id: int) -> ImportJob:
    """An import job the user may see: the uploader's pilot or province (national jobs: the nation)."""
    return scoping.get_for(ImportJob.objects.all(), user, pk=job_id)


# -- data quality ----------------------------------------------------------------------------------


def quality_issues(*, user: User, status: str = "", period: str = "") -> QuerySet[DataQualityIssue]:
    qs = scoping.restrict(
        DataQualityIssue.objects.select_related("pilot", "pilot__province", "indicator", "rule", "updated_by"),
        user,
    )
    if status:
        qs = qs.filter(status=status)
    if period:
        qs = qs.filter(period=period)
    return qs.order_by("status", "-period", "pilot__province__code", "pilot__name", "indicator__order")


def get_issue_for(*, user: User, issue_id: int) -> DataQualityIssue:
    return scoping.get_for(
        DataQualityIssue.objects.select_related("pilot", "indicator"),
        user,
        pk=issue_id,
    )


def open_issue_count(*, user: User) -> int:
    return quality_issues(user=user).filter(status__in=[IssueStatus.OPEN, IssueStatus.FOLLOWING]).count()


# -- roll-ups --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rollup:
    value: Decimal | None
    areas: int


def _rollup_queryset(indicator: Indicator, period: Period, base: QuerySet[IndicatorValue]) -> QuerySet[Any]:
    qs: QuerySet[Any] = _reported(base.filter(indicator=indicator, period=period.code))
    if indicator.aggregation == Aggregation.WEIGHTED_MEAN and indicator.weight_indicator_id:
        weight = IndicatorValue.objects.reported().filter(
            pilot=OuterRef("pilot"), period=period.code, indicator_id=indicator.weight_indicator_id
        )
        qs = qs.annotate(weight=Subquery(weight.values("value")[:1])).filter(weight__isnull=False, weight__gt=0)
    return qs


def _aggregates(indicator: Indicator) -> dict[str, Any]:
    if indicator.aggregation == Aggregation.SUM:
        return {"total": Sum("value"), "areas": Count("id")}
    if indicator.aggregation == Aggregation.WEIGHTED_MEAN and indicator.weight_indicator_id:
        return {"num": Sum(F("value") * F("weight")), "den": Sum("weight"), "areas": Count("id")}
    return {"total": Avg("value"), "areas": Count("id")}


def _finish(indicator: Indicator, row: dict[str, Any]) -> Rollup:
    if "num" in row:
        value = Decimal(row["num"]) / Decimal(row["den"]) if row["num"] is not None and row["den"] else None
    else:
        value = Decimal(str(row["total"])) if row["total"] is not None else None
    if value is not None:
        value = value.quantize(Decimal(1).scaleb(-indicator.decimals))
    return Rollup(value, row["areas"] or 0)


def province_rollups(*, user: User, indicator: Indicator, period: Period) -> dict[int, Rollup]:
    """Province id → aggregate of the reported values of its pilots (one grouped query)."""
    qs = _rollup_queryset(indicator, period, visible_values(user=user))
    rows = qs.values("pilot__province").annotate(**_aggregates(indicator)).order_by("pilot__province")
    return {r["pilot__province"]: _finish(indicator, r) for r in rows}


def national_rollup(*, user: User, indicator: Indicator, period: Period) -> Rollup:
    """The aggregate over every visible pilot (one query)."""
    qs = _rollup_queryset(indicator, period, visible_values(user=user))
    return _finish(indicator, qs.aggregate(**_aggregates(indicator)))


@dataclass(frozen=True)
class RankRow:
    rank: int
    pilot: PilotArea
    value: Decimal
    status: str


def ranking(*, user: User, indicator: Indicator, period: Period, limit: int = 200) -> list[RankRow]:
    """Pilots by value, best first (highest for 正向, lowest for 逆向), in one query."""
    order = "value" if indicator.direction == Direction.NEGATIVE else "-value"
    qs = (
        visible_values(user=user)
        .filter(indicator=indicator, period=period.code, is_current=True, status__in=REPORTED)
        .select_related("pilot", "pilot__province", "pilot__batch")
        .order_by(order, "pilot__name")[:limit]
    )
    return [RankRow(n, v.pilot, v.value, v.get_status_display()) for n, v in enumerate(qs, start=1)]


# -- time series and progress ----------------------------------------------------------------------


@dataclass
class Series:
    indicator: Indicator
    points: list[tuple[Period, Decimal]]
    targets: dict[int, Decimal]
    national: NationalTarget | None
    assessment: Assessment
    target_year: int  # the programme's last year for the pilot's batch (registry)

    @property
    def latest(self) -> Decimal | None:
        return self.points[-1][1] if self.points else None

    @property
    def target(self) -> Decimal | None:
        if self.target_year in self.targets:
            return self.targets[self.target_year]
        return self.national.target_value if self.national else None


def _assess(
    indicator: Indicator, points: list[tuple[Period, Decimal]], target: Decimal | None, *, target_year: int
) -> Assessment:
    if target is None:
        return Assessment(ProgressStatus.INSUFFICIENT)
    return assess(
        [(period_time(p), v) for p, v in points],
        target=target,
        target_time=float(target_year + 1),
        lower_is_better=indicator.direction == Direction.NEGATIVE,
    )


@functools.lru_cache(maxsize=512)
def _period(code: str) -> Period:
    """Period.parse, once per code (a series read parses the same twenty codes for every area)."""
    return Period.parse(code)


def _series_points(rows: list[tuple[str, Decimal]], indicator: Indicator) -> list[tuple[Period, Decimal]]:
    wanted_year = indicator.period_type == PeriodType.YEAR
    points = [(_period(code), value) for code, value in rows]
    return sorted(((p, v) for p, v in points if p.is_year == wanted_year), key=lambda pv: pv[0])


def pilot_series(*, pilot: PilotArea, reported_only: bool = True) -> list[Series]:
    """Every active indicator's time series for a pilot with its targets and progress (four queries)."""
    return _series_by_pilot({pilot.pk: pilot.batch.programme_end_year}, reported_only=reported_only)[pilot.pk]


def _series_by_pilot(
    end_years: dict[int, int], *, reported_only: bool = True, targeted_only: bool = False
) -> dict[int, list[Series]]:
    """``pilot_series`` for many pilots at once (pilot id → its programme's last year), in four queries.

    ``targeted_only``: only the series with a target for the pilot's last year (its own or the national one),
    and only their values are read - at nationwide scale most areas have values but no targets.
    """
    pilot_ids = list(end_years)
    indicators = list(Indicator.objects.active().with_category())
    targets: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    for pilot_id, indicator_id, year, value in PilotTarget.objects.filter(pilot_id__in=pilot_ids).values_list(
        "pilot_id", "indicator_id", "target_year", "target_value"
    ):
        targets[(pilot_id, indicator_id)][year] = value
    national = {t.indicator_id: t for t in NationalTarget.objects.all()}
    values = IndicatorValue.objects.filter(pilot_id__in=pilot_ids, is_current=True)
    if reported_only:
        values = values.filter(status__in=[ValueStatus.SUBMITTED, ValueStatus.ACCEPTED])
    if targeted_only:
        values = values.filter(
            Q(indicator_id__in=list(national))
            | Q(pilot_id__in={k[0] for k in targets}, indicator_id__in={k[1] for k in targets})
        )
    rows: dict[tuple[int, int], list[tuple[str, Decimal]]] = defaultdict(list)
    for pilot_id, indicator_id, code, value in values.values_list("pilot_id", "indicator_id", "period", "value"):
        rows[(pilot_id, indicator_id)].append((code, value))
    result: dict[int, list[Series]] = {}
    no_targets: dict[int, Decimal] = {}
    for pilot_id, end in end_years.items():
        series = []
        for indicator in indicators:
            own = targets.get((pilot_id, indicator.pk), no_targets)
            nat = national.get(indicator.pk)
            target = own.get(end, nat.target_value if nat else None)
            if targeted_only and target is None:
                continue
            points = _series_points(rows.get((pilot_id, indicator.pk), []), indicator)
            assessment = _assess(indicator, points, target, target_year=end)
            series.append(Series(indicator, points, own if own is not no_targets else {}, nat, assessment, end))
        result[pilot_id] = series
    return result


@dataclass(frozen=True)
class OffTrack:
    pilot: PilotArea
    indicator: Indicator
    latest: Decimal
    target: Decimal
    assessment: Assessment


def off_track(*, user: User, indicator: Indicator | None = None) -> list[OffTrack]:
    """Pilots off track or deteriorating against their own targets for the programme's end (fixed queries)."""
    targets_qs = scoping.restrict(
        # the target for the last year of the pilot's batch (registry), not a literal year
        PilotTarget.objects.filter(target_year=F("pilot__batch__rollout_by__year")),
        user,
    )
    if indicator is not None:
        targets_qs = targets_qs.filter(indicator=indicator)
    rows = list(targets_qs.values_list("pilot_id", "indicator_id", "target_value", "target_year"))
    targets = {(pilot_id, indicator_id): value for pilot_id, indicator_id, value, _year in rows}
    years = {(pilot_id, indicator_id): year for pilot_id, indicator_id, _value, year in rows}
    if not targets:
        return []
    values = (
        _reported(visible_values(user=user))
        .filter(indicator_id__in={k[1] for k in targets}, pilot_id__in={k[0] for k in targets})
        .values_list("pilot_id", "indicator_id", "period", "value")
    )
    series: dict[tuple[int, int], list[tuple[str, Decimal]]] = defaultdict(list)
    for pilot_id, indicator_id, code, value in values:
        series[(pilot_id, indicator_id)].append((code, value))
    indicators = Indicator.objects.in_bulk({k[1] for k in targets})
    pilots = PilotArea.objects.select_related("province").in_bulk({k[0] for k in targets})
    found = []
    for key, target in targets.items():
        ind = indicators[key[1]]
        points = _series_points(series.get(key, []), ind)
        result = _assess(ind, points, target, target_year=years[key])
        if result.status in (ProgressStatus.OFF_TRACK, ProgressStatus.DETERIORATING):
            found.append(OffTrack(pilots[key[0]], ind, points[-1][1], target, result))
    found.sort(key=lambda o: (o.pilot.province.code, o.pilot.name, o.indicator.order))
    return found


def comparison(
    *, user: User, indicator: Indicator, pilot_ids: list[int]
) -> tuple[list[PilotArea], dict[int, dict[str, Decimal]]]:
    """Selected pilots' series of one indicator, for a side-by-side chart (two queries)."""
    pilots = list(
        scoping.restrict(PilotArea.objects.select_related("province"), user)
        .filter(pk__in=pilot_ids[:10])
        .order_by("province__code", "name")
    )
    values: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for pilot_id, code, value in (
        IndicatorValue.objects.reported()
        .filter(indicator=indicator, pilot__in=pilots)
        .values_list("pilot_id", "period", "value")
    ):
        values[pilot_id][code] = value
    return pilots, values


# -- for the reporting and evaluation modules ------------------------------------------------------


def pilot_indicator_facts(*, pilot: PilotArea, period: Period) -> list[dict[str, Any]]:
    """The pilot's reported values up to ``period``: code, name, unit, value, target, status label.

    The caller has already checked that its user may see ``pilot``.
    """
    return _facts(pilot_series(pilot=pilot), period)


def _facts(all_series: list[Series], period: Period) -> list[dict[str, Any]]:
    facts = []
    for series in all_series:
        points = [
            (p, v)
            for p, v in series.points
            if p.year < period.year or (p.year == period.year and (period.is_year or p <= period))
        ]
        value = next((v for p, v in reversed(points) if p.year == period.year), None)
        assessment = _assess(series.indicator, points, series.target, target_year=series.target_year)
        facts.append(
            {
                "code": series.indicator.code,
                "name": series.indicator.name,
                "unit": series.indicator.unit,
                "value_type": series.indicator.value_type,
                "decimals": series.indicator.decimals,
                "value": value,
                "target": series.target,
                "status": assessment.status.value,
                "status_label": assessment.status.label,
            }
        )
    return facts


def province_indicator_summary(*, province: Province, period: Period) -> dict[str, Any]:
    """A province's roll-up of every indicator for ``period``, progress counts and open quality issues.

    Set-based: a fixed number of queries whatever the number of pilots and indicators. The caller has
    already checked that its user may see ``province``.
    """
    pilots = list(PilotArea.objects.filter(province=province).select_related("batch").order_by("pk"))
    pilot_ids = [p.pk for p in pilots]
    by_pilot = _series_by_pilot({p.pk: p.batch.programme_end_year for p in pilots})
    indicators = list(Indicator.objects.active().with_category())
    reported: dict[tuple[int, str], dict[int, Decimal]] = defaultdict(dict)
    for indicator_id, code, pilot_id, value in _reported(
        IndicatorValue.objects.filter(pilot__province=province)
    ).values_list("indicator_id", "period", "pilot_id", "value"):
        reported[(indicator_id, code)][pilot_id] = value
    rows = []
    for indicator in indicators:
        # Annual indicators count the year; half-year ones the half reported on (H2 for a year-end report).
        if indicator.period_type == PeriodType.YEAR:
            indicator_period = Period(period.year)
        else:
            indicator_period = period if not period.is_year else Period(period.year, 2)
        rollup = _rollup_in_memory(indicator, reported, indicator_period)
        rows.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "unit": indicator.unit,
                "value_type": indicator.value_type,
                "decimals": indicator.decimals,
                "period": indicator_period.code,
                "value": rollup.value,
                "reporting_pilots": rollup.areas,
            }
        )
    issues = DataQualityIssue.objects.filter(
        pilot__province=province, status__in=[IssueStatus.OPEN, IssueStatus.FOLLOWING]
    ).count()
    behind: dict[str, int] = defaultdict(int)
    for pilot_id in pilot_ids:
        for fact in _facts(by_pilot[pilot_id], period):
            behind[fact["status"]] += 1
    return {
        "province": province.name,
        "period": period.code,
        "pilots": len(pilot_ids),
        "indicators": rows,
        "open_quality_issues": issues,
        "progress": {ProgressStatus(k).label: v for k, v in behind.items()},
    }


def _rollup_in_memory(
    indicator: Indicator, reported: dict[tuple[int, str], dict[int, Decimal]], period: Period
) -> Rollup:
    """The same aggregate as ``_rollup_queryset`` + ``_aggregates``, over values already fetched."""
    values = reported.get((indicator.pk, period.code), {})
    if indicator.aggregation == Aggregation.WEIGHTED_MEAN and indicator.weight_indicator_id:
        weights = reported.get((indicator.weight_indicator_id, period.code), {})
        pairs = [(v, weights[p]) for p, v in values.items() if weights.get(p) is not None and weights[p] > 0]
        den = sum((w for _, w in pairs), Decimal(0))
        row: dict[str, Any] = {"num": sum((v * w for v, w in pairs), Decimal(0)) if pairs else None, "den": den}
        row["areas"] = len(pairs)
    elif indicator.aggregation == Aggregation.SUM:
        row = {"total": sum(values.values(), Decimal(0)) if values else None, "areas": len(values)}
    else:
        row = {"total": sum(values.values(), Decimal(0)) / len(values) if values else None, "areas": len(values)}
    return _finish(indicator, row)


def target_comparator_label(comparator: str) -> str:
    return str(Comparator(comparator).label)


def filter_values(
    queryset: QuerySet[IndicatorValue], *, pilot: int | None, indicator: str, period: str, current_only: bool
) -> QuerySet[IndicatorValue]:
    """Narrow values by pilot id, indicator code and period code; current versions unless asked otherwise."""
    queryset = queryset.select_related("indicator")
    if pilot:
        queryset = queryset.filter(pilot_id=pilot)
    if indicator:
        queryset = queryset.filter(indicator__code=indicator)
    if period:
        queryset = queryset.filter(period=period)
    if current_only:
        queryset = queryset.filter(is_current=True)
    return queryset


@dataclass(frozen=True)
class LatestWithTarget:
    """An indicator of a pilot with a target for its programme's last year, and its latest reported value."""

    indicator: Indicator
    latest: tuple[Period, Decimal] | None  # the latest reported value of a period up to the year asked for
    target: Decimal
    target_year: int
    own_target: bool  # the pilot's own target (else the national one)


def latest_with_targets(*, end_years: dict[int, int], year: int) -> dict[int, list[LatestWithTarget]]:
    """For each pilot (id → its programme's last year): its indicators with a target and their latest value.

    The latest reported value of a period in ``year`` or before, of the indicator's period type. What the
    annual evaluation scores; four queries, the values' one returning one row per (pilot, indicator, period
    type) whatever the number of periods (a window in the database). No user check, callers scope.
    """
    pilot_ids = list(end_years)
    indicators = list(Indicator.objects.active())
    targets: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    for pilot_id, indicator_id, target_year, value in PilotTarget.objects.filter(pilot_id__in=pilot_ids).values_list(
        "pilot_id", "indicator_id", "target_year", "target_value"
    ):
        targets[(pilot_id, indicator_id)][target_year] = value
    national = {t.indicator_id: t.target_value for t in NationalTarget.objects.all()}
    # Year codes ("2018") are 4 characters, half years ("2018H2") 6: within one length the codes sort by time.
    ranked = (
        _reported(IndicatorValue.objects.filter(pilot_id__in=pilot_ids, is_current=True, year__lte=year))
        .filter(
            Q(indicator_id__in=list(national))
            | Q(pilot_id__in={k[0] for k in targets}, indicator_id__in={k[1] for k in targets})
        )
        .annotate(
            kind=Length("period"),
            rank=Window(RowNumber(), partition_by=[F("pilot_id"), F("indicator_id"), Length("period")],
                        order_by=F("period").desc()),
        )
        .filter(rank=1)
        .order_by()  # the model's ordering joins five tables and sorts every row: not needed here
        .values_list("pilot_id", "indicator_id", "kind", "period", "value")
    )  # fmt: skip
    latest: dict[tuple[int, int, int], tuple[Period, Decimal]] = {
        (pilot_id, indicator_id, kind): (_period(code), value) for pilot_id, indicator_id, kind, code, value in ranked
    }
    no_targets: dict[int, Decimal] = {}
    # (pk, indicator, its national target, the length of its period codes), read once for every pilot
    columns = [(i.pk, i, national.get(i.pk), 4 if i.period_type == PeriodType.YEAR else 6) for i in indicators]
    targeted = [c for c in columns if c[2] is not None]
    own_targets = {k[0] for k in targets}
    result: dict[int, list[LatestWithTarget]] = {}
    for pilot_id, end in end_years.items():
        rows = []
        for pk, indicator, national_target, kind in columns if pilot_id in own_targets else targeted:
            own = targets.get((pilot_id, pk), no_targets)
            target = own.get(end, national_target)
            if target is None:
                continue
            rows.append(LatestWithTarget(indicator, latest.get((pilot_id, pk, kind)), target, end, end in own))
        result[pilot_id] = rows
    return result


def series_for_pilots(*, end_years: dict[int, int]) -> dict[int, list[Series]]:
    """Reported series with targets for many pilots (pilot id → its programme's last year), in four queries.

    Only the series with a target for the programme's last year (what the evaluation scores).

    For the annual evaluation; no user check, callers scope.
    """
    return _series_by_pilot(end_years, reported_only=True, targeted_only=True)
