"""Trend status by the compound-growth method on known series."""

from __future__ import annotations

import pytest

from shidian.core.periods import Period
from shidian.indicators.progress import ProgressStatus, assess, period_time


def yearly(*values: float, start: int = 2016) -> list[tuple[float, float]]:
    return [(period_time(Period(start + i)), v) for i, v in enumerate(values)]


def test_period_time() -> None:
    assert period_time(Period.parse("2017H1")) == 2017.5
    assert period_time(Period.parse("2017")) == 2018.0


def test_on_track_when_growth_matches_the_required_rate() -> None:
    # From 50 at the end of 2016, 60 by the end of 2020 needs ~4.7 %/yr; 50 → 57.5 in 3 years is ~4.8 %/yr.
    result = assess(yearly(50, 52.4, 54.9, 57.5), target=60, target_time=2021.0)
    assert result.status is ProgressStatus.ON_TRACK
    assert result.ratio is not None and result.ratio >= 0.95


def test_needs_acceleration() -> None:
    result = assess(yearly(50, 51.5, 53, 54.6), target=60, target_time=2021.0)
    assert result.status is ProgressStatus.NEEDS_ACCELERATION
    assert result.ratio is not None and 0.5 <= result.ratio < 0.95


def test_off_track() -> None:
    result = assess(yearly(50, 50.2, 50.4, 50.6), target=60, target_time=2021.0)
    assert result.status is ProgressStatus.OFF_TRACK


def test_deteriorating() -> None:
    result = assess(yearly(50, 49, 48, 47), target=60, target_time=2021.0)
    assert result.status is ProgressStatus.DETERIORATING


def test_target_met_is_on_track() -> None:
    assert assess(yearly(50, 61), target=60, target_time=2021.0).status is ProgressStatus.ON_TRACK


def test_lower_is_better() -> None:
    # 人均城市建设用地 120 → ≤100: falling fast enough is on track, rising is deteriorating.
    falling = assess(yearly(120, 115, 110, 105), target=100, target_time=2021.0, lower_is_better=True)
    assert falling.status is ProgressStatus.ON_TRACK
    rising = assess(yearly(120, 122, 125), target=100, target_time=2021.0, lower_is_better=True)
    assert rising.status is ProgressStatus.DETERIORATING


def test_zero_base_uses_linear_rates() -> None:
    result = assess(yearly(0, 13, 26, 39), target=50, target_time=2021.0)
    assert result.status is ProgressStatus.ON_TRACK


@pytest.mark.parametrize("series", [[], [(2017.0, 5.0)]])
def test_one_point_is_insufficient(series: list[tuple[float, float]]) -> None:
    assert assess(series, target=10, target_time=2021.0).status is ProgressStatus.INSUFFICIENT
