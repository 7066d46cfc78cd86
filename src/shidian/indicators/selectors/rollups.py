"""Roll-ups of one indicator: read from the maintained ``IndicatorRollup`` rows (one query per page part).

A reach of whole provinces (or the nation) reads the maintained rows, scoped like every other query; a
reach of single pilots (a pilot's own staff, an expert) cannot be answered from province rows and scans
its few pilots' values instead. ``scanned_*`` are those scans, kept as the reference the maintained rows
must equal (tests, bench).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, OuterRef, QuerySet, Subquery, Sum

from shidian.accounts.models import User
from shidian.core import scoping
from shidian.core.periods import Period
from shidian.indicators.models import (
    REPORTED,
    Aggregation,
    Direction,
    Indicator,
    IndicatorRollup,
    IndicatorValue,
    ValueStatus,
)
from shidian.indicators.selectors.values import _reported, visible_values


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


def _reads_rollups(user: User) -> bool:
    """Whether ``user``'s reach is whole provinces (or the nation): then the maintained roll-ups answer."""
    return scoping.scope_for(user).pilots is None


def _visible_rollups(user: User, indicator: Indicator) -> QuerySet[IndicatorRollup]:
    return scoping.restrict(IndicatorRollup.objects.filter(indicator=indicator), user).order_by()


_ROLLUP_FIELDS = ("areas", "total", "weighted_areas", "weighted_total", "weight_total")


def _from_sums(indicator: Indicator, sums: tuple[Any, ...]) -> Rollup | None:
    """The roll-up of summed ``_ROLLUP_FIELDS``; None where no value counts (as the scan finds no row)."""
    areas, total, weighted_areas, weighted_total, weight_total = sums
    row: dict[str, Any]
    if indicator.aggregation == Aggregation.WEIGHTED_MEAN and indicator.weight_indicator_id:
        if not weighted_areas:
            return None
        row = {"num": Decimal(weighted_total), "den": Decimal(weight_total), "areas": weighted_areas}
    elif not areas:
        return None
    elif indicator.aggregation == Aggregation.SUM:
        row = {"total": Decimal(total), "areas": areas}
    else:
        row = {"total": Decimal(total) / areas, "areas": areas}
    return _finish(indicator, row)


def _add(a: tuple[Any, ...] | None, b: tuple[Any, ...]) -> tuple[Any, ...]:
    return b if a is None else tuple(x + y for x, y in zip(a, b, strict=True))


_EMPTY = Rollup(None, 0)


@dataclass(frozen=True)
class RollupTable:
    """One indicator's roll-ups over every period: the nation's and each province's (period code keys)."""

    national: dict[str, Rollup]
    provinces: dict[str, dict[int, Rollup]]


def rollups_over_periods(*, user: User, indicator: Indicator) -> RollupTable:
    """The national and province roll-ups of ``indicator`` for every period, in one query."""
    if not _reads_rollups(user):
        return _scanned_over_periods(user, indicator)
    national: dict[str, tuple[Any, ...]] = {}
    provinces: dict[str, dict[int, Rollup]] = {}
    rows = _visible_rollups(user, indicator).values_list("period", "province_id", *_ROLLUP_FIELDS)
    for period, province_id, *sums in rows.order_by("period", "province_id"):
        rollup = _from_sums(indicator, tuple(sums))
        if rollup is None:
            continue
        provinces.setdefault(period, {})[province_id] = rollup
        national[period] = _add(national.get(period), tuple(sums))
    return RollupTable(
        national={period: _from_sums(indicator, sums) or _EMPTY for period, sums in national.items()},
        provinces=provinces,
    )


def _scanned_over_periods(user: User, indicator: Indicator) -> RollupTable:
    """``rollups_over_periods`` from the values, for a reach narrower than a province (a few pilots)."""
    codes = _reported(visible_values(user=user).filter(indicator=indicator)).values_list("period", flat=True)
    national, provinces = {}, {}
    for code in sorted(set(codes)):
        period = Period.parse(code)
        national[code] = scanned_national_rollup(user=user, indicator=indicator, period=period)
        provinces[code] = scanned_province_rollups(user=user, indicator=indicator, period=period)
    return RollupTable(national=national, provinces=provinces)


def province_rollups(*, user: User, indicator: Indicator, period: Period) -> dict[int, Rollup]:
    """Province id → aggregate of the reported values of its pilots (one query of the maintained roll-ups)."""
    if not _reads_rollups(user):
        return scanned_province_rollups(user=user, indicator=indicator, period=period)
    rows = _visible_rollups(user, indicator).filter(period=period.code).order_by("province_id")
    found = {province_id: _from_sums(indicator, tuple(sums)) for province_id, *sums in rows.values_list(
        "province_id", *_ROLLUP_FIELDS)}  # fmt: skip
    return {province_id: rollup for province_id, rollup in found.items() if rollup is not None}


def national_rollup(*, user: User, indicator: Indicator, period: Period) -> Rollup:
    """The aggregate over every visible pilot (one query of the maintained roll-ups)."""
    if not _reads_rollups(user):
        return scanned_national_rollup(user=user, indicator=indicator, period=period)
    sums: tuple[Any, ...] | None = None
    for row in _visible_rollups(user, indicator).filter(period=period.code).values_list(*_ROLLUP_FIELDS):
        sums = _add(sums, tuple(row))
    return (_from_sums(indicator, sums) if sums is not None else None) or _EMPTY


def scanned_province_rollups(*, user: User, indicator: Indicator, period: Period) -> dict[int, Rollup]:
    """``province_rollups`` computed from the values themselves (one grouped query; the reference)."""
    qs = _rollup_queryset(indicator, period, visible_values(user=user))
    rows = qs.values("pilot__province").annotate(**_aggregates(indicator)).order_by("pilot__province")
    return {r["pilot__province"]: _finish(indicator, r) for r in rows}


def scanned_national_rollup(*, user: User, indicator: Indicator, period: Period) -> Rollup:
    """``national_rollup`` computed from the values themselves (one query; the reference)."""
    qs = _rollup_queryset(indicator, period, visible_values(user=user))
    return _finish(indicator, qs.aggregate(**_aggregates(indicator)))


@dataclass(frozen=True)
class RankRow:
    rank: int
    pilot_id: int
    pilot_name: str
    province: str  # the province's short name
    value: Decimal
    status: str


def ranking(*, user: User, indicator: Indicator, period: Period, limit: int = 200) -> list[RankRow]:
    """Pilots by value, best first (highest for 正向, lowest for 逆向), in one query.

    Plain rows, not models: the monitoring page lists up to ``limit`` pilots, and building a value, its pilot,
    province and batch for each was a third of the page (issue 16).
    """
    order = "value" if indicator.direction == Direction.NEGATIVE else "-value"
    rows = (
        visible_values(user=user)
        .filter(indicator=indicator, period=period.code, is_current=True, status__in=REPORTED)
        .order_by(order, "pilot__name")
        .values_list("pilot_id", "pilot__name", "pilot__province__short_name", "value", "status")[:limit]
    )
    labels = {value: str(label) for value, label in ValueStatus.choices}
    return [
        RankRow(n, pilot_id, name, province, value, labels.get(status, status))
        for n, (pilot_id, name, province, value, status) in enumerate(rows, start=1)
    ]


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
