"""Time series of a pilot's indicators with their targets and progress; pilots off track; comparisons."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, Window
from django.db.models.functions import Length, RowNumber

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


def series_for_pilots(*, end_years: dict[int, int]) -> dict[int, list[Series]]:
    """Reported series with targets for many pilots (pilot id → its programme's last year), in four queries.

    Only the series with a target for the programme's last year (what the evaluation scores).

    For the annual evaluation; no user check, callers scope.
    """
    return _series_by_pilot(end_years, reported_only=True, targeted_only=True)


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
