"""Progress towards a target from the trend: the compound-growth method of SDG progress assessment.

As in UN ESCAP's SDG progress reports: the actual compound annual growth rate from the first to the latest
observation is compared with the rate required to reach the target from the first observation by the
target year. ratio = actual / required:

* ratio >= 0.95 (or the target already met): on track
* 0.5 <= ratio < 0.95: needs acceleration
* 0 <= ratio < 0.5: off track
* ratio < 0 (moving away from the target): deteriorating

Where a value or the target is zero or negative, compound growth is undefined and the linear (absolute
change per year) rates are compared instead. Pure functions, no database.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from shidian.core.periods import Period

ON_TRACK_RATIO = 0.95
ACCELERATE_RATIO = 0.5


class ProgressStatus(enum.StrEnum):
    ON_TRACK = "on_track"
    NEEDS_ACCELERATION = "accelerate"
    OFF_TRACK = "off_track"
    DETERIORATING = "deteriorating"
    INSUFFICIENT = "insufficient"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    ProgressStatus.ON_TRACK: _("进度正常"),
    ProgressStatus.NEEDS_ACCELERATION: _("需加快"),
    ProgressStatus.OFF_TRACK: _("明显滞后"),
    ProgressStatus.DETERIORATING: _("倒退"),
    ProgressStatus.INSUFFICIENT: _("数据不足"),
}


@dataclass(frozen=True)
class Assessment:
    status: ProgressStatus
    actual_rate: float | None = None
    required_rate: float | None = None
    ratio: float | None = None


def period_time(period: Period) -> float:
    """The end of a period in years: 2017H1 → 2017.5, 2017H2 and 2017 → 2018.0."""
    return period.year + (0.5 if period.half == 1 else 1.0)


def _met(value: float, target: float, *, lower_is_better: bool) -> bool:
    return value <= target if lower_is_better else value >= target


def assess(
    series: Sequence[tuple[float, Decimal | float]],
    *,
    target: Decimal | float,
    target_time: float,
    lower_is_better: bool = False,
) -> Assessment:
    """Assess ``series`` (time in years, value), sorted or not, against ``target`` due at ``target_time``."""
    points = sorted((float(t), float(v)) for t, v in series)
    if len(points) < 2:
        return Assessment(ProgressStatus.INSUFFICIENT)
    (t0, x0), (t1, x1) = points[0], points[-1]
    goal = float(target)
    if t1 <= t0:
        return Assessment(ProgressStatus.INSUFFICIENT)
    if _met(x1, goal, lower_is_better=lower_is_better):
        return Assessment(ProgressStatus.ON_TRACK, ratio=None)
    remaining = target_time - t0
    if remaining <= 0:
        # The target year has passed and the target is not met.
        actual = (x1 - x0) / (t1 - t0)
        moving_away = actual < 0 if not lower_is_better else actual > 0
        return Assessment(ProgressStatus.DETERIORATING if moving_away else ProgressStatus.OFF_TRACK, actual)
    if x0 > 0 and x1 > 0 and goal > 0:
        actual = (x1 / x0) ** (1 / (t1 - t0)) - 1
        required = (goal / x0) ** (1 / remaining) - 1
    else:
        actual = (x1 - x0) / (t1 - t0)
        required = (goal - x0) / remaining
    if required == 0:
        # The first value met the target and the latest no longer does.
        return Assessment(ProgressStatus.DETERIORATING, actual, required)
    ratio = actual / required
    if ratio >= ON_TRACK_RATIO:
        status = ProgressStatus.ON_TRACK
    elif ratio >= ACCELERATE_RATIO:
        status = ProgressStatus.NEEDS_ACCELERATION
    elif ratio >= 0:
        status = ProgressStatus.OFF_TRACK
    else:
        status = ProgressStatus.DETERIORATING
    return Assessment(status, actual, required, ratio)
