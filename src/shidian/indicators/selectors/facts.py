"""Indicator facts for the reporting and evaluation modules (the caller has scoped pilot or province)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from shidian.core.periods import Period
from shidian.indicators.models import (
    DataQualityIssue,
    Indicator,
    IndicatorValue,
    IssueStatus,
    PeriodType,
)
from shidian.indicators.progress import ProgressStatus
from shidian.indicators.selectors.rollups import _rollup_in_memory
from shidian.indicators.selectors.series import Series, _assess, _series_by_pilot, pilot_series
from shidian.indicators.selectors.values import _reported
from shidian.pilots.models import PilotArea
from shidian.regions.models import Province


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
