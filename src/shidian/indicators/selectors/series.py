"""Time series of a pilot's indicators with their targets and progress; pilots off track; comparisons."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from shidian.accounts.models import User
from shidian.core import scoping
from shidian.core.periods import Period
from shidian.indicators.models import (
    Direction,
    Indicator,
    IndicatorValue,
    NationalTarget,
    PeriodType,
    PilotTarget,
    ValueStatus,
)
from shidian.indicators.progress import Assessment, ProgressStatus, assess, period_time
from shidian.indicators.selectors.values import _reported, visible_values
from shidian.pilots.models import PilotArea


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
    # No ordering (the model's joins pilots, provinces and categories to sort): the rows only fill dicts.
    for pilot_id, indicator_id, year, value in (
        PilotTarget.objects.filter(pilot_id__in=pilot_ids)
        .order_by()
        .values_list("pilot_id", "indicator_id", "target_year", "target_value")
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
    for pilot_id, indicator_id, code, value in values.order_by().values_list(
        "pilot_id", "indicator_id", "period", "value"
    ):
        rows[(pilot_id, indicator_id)].append((code, value))  # each series is sorted by its periods below
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


def series_for_pilots(*, end_years: dict[int, int]) -> dict[int, list[Series]]:
    """Reported series with targets for many pilots (pilot id → its programme's last year), in four queries.

    Only the series with a target for the programme's last year (what the evaluation scores).

    For the annual evaluation; no user check, callers scope.
    """
    return _series_by_pilot(end_years, reported_only=True, targeted_only=True)


class LatestWithTarget(NamedTuple):
    """An indicator of a pilot with a target for its programme's last year, and its latest reported value.

    A named tuple: the evaluation reads one per area and targeted indicator (tens of thousands at SCALE=0.02).
    """

    indicator: Indicator
    latest: tuple[Period, Decimal] | None  # the latest reported value of a period up to the year asked for
    target: Decimal
    target_year: int
    own_target: bool  # the pilot's own target (else the national one)


# (pilot, indicator) → the latest (period, value)
LatestValues = dict[tuple[int, int], tuple[Period, Decimal]]

# The first year a value can be of (the check constraint indicators_indicatorvalue_year_plausible).
FIRST_VALUE_YEAR = 2000


def _codes(period_type: str, years: range) -> list[str]:
    """The period codes of ``period_type`` in ``years``."""
    if period_type == PeriodType.YEAR:
        return [Period(y).code for y in years]
    return [Period(y, half).code for y in years for half in (1, 2)]


def _latest(values: QuerySet[IndicatorValue], by_type: dict[str, list[int]], years: range) -> LatestValues:
    """The latest of ``values`` in ``years`` per (pilot, indicator), each indicator's own period type only.

    The periods are named, not computed from the code, so an index on (indicator, period) finds them; within
    one period type the codes sort by time.
    """
    if not by_type:
        return {}
    kinds = Q()
    for period_type, indicator_ids in by_type.items():
        kinds |= Q(indicator_id__in=indicator_ids, period__in=_codes(period_type, years))
    ranked = (
        values.filter(kinds, year__gte=years.start, year__lt=years.stop)
        .annotate(rank=Window(RowNumber(), partition_by=[F("pilot_id"), F("indicator_id")],
                              order_by=F("period").desc()))
        .filter(rank=1)
        .order_by()  # the model's ordering joins five tables and sorts every row: not needed here
        .values_list("pilot_id", "indicator_id", "period", "value")
    )  # fmt: skip
    return {(pilot_id, indicator_id): (_period(code), value) for pilot_id, indicator_id, code, value in ranked}


def latest_with_targets(*, end_years: dict[int, int], year: int) -> dict[int, list[LatestWithTarget]]:
    """For each pilot (id → its programme's last year): its indicators with a target and their latest value.

    The latest reported value of a period in ``year`` or before, of the indicator's period type. What the
    annual evaluation scores; no user check, callers scope. Four queries, a fifth for the series without a
    value in ``year``: the values of ``year`` are ranked first (a window in the database over one partition
    on PostgreSQL, a tenth of the values or less: the latest value of nearly every series), then those of the
    earlier years for only the pilots and indicators still without one (docs/benchmarks.md, finding 8).
    """
    pilot_ids = list(end_years)
    indicators = list(Indicator.objects.active())
    targets: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    for pilot_id, indicator_id, target_year, value in PilotTarget.objects.filter(pilot_id__in=pilot_ids).values_list(
        "pilot_id", "indicator_id", "target_year", "target_value"
    ):
        targets[(pilot_id, indicator_id)][target_year] = value
    national = {t.indicator_id: t.target_value for t in NationalTarget.objects.all()}
    no_targets: dict[int, Decimal] = {}
    # (pk, indicator, its national target), read once for every pilot
    columns = [(i.pk, i, national.get(i.pk)) for i in indicators]
    targeted = [c for c in columns if c[2] is not None]
    own_targets = {k[0] for k in targets}
    # (pilot, indicator id, its last year, indicator, target, own target)
    wanted: list[tuple[int, int, int, Indicator, Decimal, bool]] = []
    for pilot_id, end in end_years.items():
        for pk, indicator, national_target in columns if pilot_id in own_targets else targeted:
            own = targets.get((pilot_id, pk), no_targets)
            target = own.get(end, national_target)
            if target is not None:
                wanted.append((pilot_id, pk, end, indicator, target, end in own))
    types = {pk: indicator.period_type for _p, pk, _e, indicator, _t, _o in wanted}
    reported = _reported(IndicatorValue.objects.all())
    in_year = reported.filter(pilot_id__in=pilot_ids).filter(
        Q(indicator_id__in=list(national))
        | Q(pilot_id__in={k[0] for k in targets}, indicator_id__in={k[1] for k in targets})
    )
    latest = _latest(in_year, _by_type(types, types), range(year, year + 1))
    missing = {(pilot_id, pk) for pilot_id, pk, *_rest in wanted} - latest.keys()
    if missing:  # only the missing (pilot, indicator) pairs are kept: no need to filter by target again
        earlier = reported.filter(pilot_id__in={k[0] for k in missing})
        found = _latest(earlier, _by_type(types, {k[1] for k in missing}), range(FIRST_VALUE_YEAR, year))
        latest.update((key, found[key]) for key in missing & found.keys())
    result: dict[int, list[LatestWithTarget]] = {pilot_id: [] for pilot_id in end_years}
    for pilot_id, pk, end, indicator, target, own_target in wanted:
        result[pilot_id].append(LatestWithTarget(indicator, latest.get((pilot_id, pk)), target, end, own_target))
    return result


def _by_type(types: dict[int, str], indicator_ids: Iterable[int]) -> dict[str, list[int]]:
    """The indicators among ``indicator_ids`` grouped by their period type."""
    grouped: dict[str, list[int]] = defaultdict(list)
    for pk in sorted(indicator_ids):
        grouped[types[pk]].append(pk)
    return dict(grouped)
