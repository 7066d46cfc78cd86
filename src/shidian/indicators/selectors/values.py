"""Indicator values for a user or an already scoped pilot: entry forms, targets, history, reviews, gaps."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from shidian.accounts.models import User
from shidian.core import scoping
from shidian.core.periods import Period
from shidian.indicators.models import (
    REPORTED,
    Indicator,
    IndicatorCategory,
    IndicatorValue,
    PeriodType,
    PilotTarget,
    ValueStatus,
)
from shidian.indicators.selectors.catalogue import periods
from shidian.pilots import selectors as pilot_selectors
from shidian.pilots.models import PilotArea


def visible_values(*, user: User) -> QuerySet[IndicatorValue]:
    return scoping.restrict(IndicatorValue.objects.all(), user)


def _reported(qs: QuerySet[IndicatorValue]) -> QuerySet[IndicatorValue]:
    """Current versions that count in monitoring (submitted or accepted)."""
    return qs.filter(is_current=True, status__in=REPORTED)


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
    # Without the model's ordering (it joins the pilot, the indicator and its category to sort rows that only
    # fill sets) and with the years, which PostgreSQL needs to read only those years' partitions: 14 → 2 ms of
    # the pilot workbench's 27 ms of queries on the bench dataset (issue 16).
    codes, years = [p.code for p in ended], sorted({p.year for p in ended})
    for period_code, indicator_id in (
        _reported(IndicatorValue.objects.filter(pilot=pilot, year__in=years, period__in=codes))
        .order_by()
        .values_list("period", "indicator_id")
    ):
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


def filter_values(
    *, user: User, pilot: int | None, indicator: str, period: str, current_only: bool
) -> QuerySet[IndicatorValue]:
    """The values ``user`` may see by pilot id, indicator code and period code, current versions unless asked
    otherwise; a pilot out of reach is NotFound."""
    queryset = visible_values(user=user).select_related("indicator")
    if pilot:
        queryset = queryset.filter(pilot=pilot_selectors.filtered_pilot(user=user, pilot_id=pilot))
    if indicator:
        queryset = queryset.filter(indicator__code=indicator)
    if period:
        queryset = queryset.filter(period=period)
    if current_only:
        queryset = queryset.filter(is_current=True)
    return queryset
