"""Set-based roll-ups: one aggregate query per indicator and period, grouped in the database."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, OuterRef, QuerySet, Subquery, Sum

from shidian.accounts.models import User
from shidian.core.periods import Period
from shidian.indicators.models import (
    REPORTED,
    Aggregation,
    Direction,
    Indicator,
    IndicatorValue,
)
from shidian.indicators.selectors.values import _reported, visible_values
from shidian.pilots.models import PilotArea


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
