"""The indicator catalogue: categories, indicators, open periods and years."""

from __future__ import annotations

from django.db.models import Prefetch

from shidian.core.errors import NotFound
from shidian.core.periods import Period
from shidian.indicators.models import (
    Comparator,
    Indicator,
    IndicatorCategory,
    IndicatorPeriod,
)


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


def target_comparator_label(comparator: str) -> str:
    return str(Comparator(comparator).label)
