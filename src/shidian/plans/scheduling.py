"""Backward scheduling (倒排时间节点): as late as possible from the deadline, honouring dependencies.

Pure functions, no database. Durations count calendar days, or working days when asked; working days
follow the Chinese public-holiday calendar (package ``chinesecalendar``) for the years it covers and
Monday to Friday outside them (the schedule says so in ``calendar_note``).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import chinese_calendar
from django.utils.translation import gettext as _

from shidian.core.errors import DomainError


@dataclass(frozen=True)
class Step:
    """One milestone to schedule: ``duration`` days (>= 1), after every step in ``depends_on``."""

    key: str
    name: str
    duration: int
    depends_on: tuple[str, ...] = ()
    finish_by: dt.date | None = None


@dataclass(frozen=True)
class Slot:
    key: str
    latest_start: dt.date
    latest_finish: dt.date
    earliest_start: dt.date
    earliest_finish: dt.date
    slack_days: int


@dataclass(frozen=True)
class Schedule:
    slots: dict[str, Slot]
    calendar_note: str = ""
    fallback_years: tuple[int, ...] = field(default=())


class _Calendar:
    """Which days count: every day, or working days (holiday calendar where known, else Mon-Fri).

    Working days are counted by arithmetic, not by walking the calendar: Monday to Friday by whole weeks,
    minus the holidays that fall on weekdays, plus the weekend days made working days (调休), both from
    sorted lists. Any distance costs the same few steps.
    """

    def __init__(self, working_days: bool) -> None:
        self.working_days = working_days
        self.fallback_years: set[int] = set()
        self._touched: list[int] = []

    def _touch(self, *days: dt.date) -> None:
        if self.working_days:
            self._touched.extend(d.toordinal() for d in days)

    def finish(self) -> None:
        """Name the years outside the holiday calendar that the schedule spans."""
        if not self._touched:
            return
        first = dt.date.fromordinal(min(self._touched)).year
        last = dt.date.fromordinal(max(self._touched)).year
        self.fallback_years = {y for y in range(first, last + 1) if not _COVERED[0] <= y <= _COVERED[1]}

    def counts(self, day: dt.date) -> bool:
        if not self.working_days:
            return True
        return _rank(day.toordinal()) > _rank(day.toordinal() - 1)

    def _nth(self, rank: int) -> dt.date:
        """The counted day whose rank (counted days since the epoch, inclusive) is ``rank``."""
        if rank < 1 or rank > _MAX_RANK:
            raise DomainError(_("排期超出了可计算的日期范围，请缩短工期或调整期限。"))
        low, high = 1, _MAX_ORDINAL
        while low < high:
            middle = (low + high) // 2
            if _rank(middle) >= rank:
                high = middle
            else:
                low = middle + 1
        return dt.date.fromordinal(low)

    def _shift(self, day: dt.date, days: int) -> dt.date:
        try:
            return day + dt.timedelta(days=days)
        except OverflowError:
            raise DomainError(_("排期超出了可计算的日期范围，请缩短工期或调整期限。")) from None

    def on_or_before(self, day: dt.date) -> dt.date:
        if not self.working_days:
            return day
        result = self._nth(_rank(day.toordinal()))
        self._touch(day, result)
        return result

    def on_or_after(self, day: dt.date) -> dt.date:
        if not self.working_days:
            return day
        result = self._nth(_rank(day.toordinal() - 1) + 1)
        self._touch(day, result)
        return result

    def back(self, finish: dt.date, duration: int) -> dt.date:
        """The start of ``duration`` counted days ending on ``finish`` (a counted day)."""
        if not self.working_days:
            return self._shift(finish, -(duration - 1))
        result = self._nth(_rank(finish.toordinal()) - (duration - 1))
        self._touch(finish, result)
        return result

    def forward(self, start: dt.date, duration: int) -> dt.date:
        if not self.working_days:
            return self._shift(start, duration - 1)
        result = self._nth(_rank(start.toordinal()) + (duration - 1))
        self._touch(start, result)
        return result

    def after(self, day: dt.date) -> dt.date:
        """The day after ``day`` (refused at the end of the calendar)."""
        return self._shift(day, 1)

    def before(self, day: dt.date) -> dt.date:
        return self._shift(day, -1)

    def between(self, first: dt.date, last: dt.date) -> int:
        """Counted days after ``first`` up to ``last`` (the slack between two starts)."""
        if not self.working_days:
            return (last - first).days
        self._touch(first, last)
        return _rank(last.toordinal()) - _rank(first.toordinal())


def _calendar_lists() -> tuple[tuple[int, int], list[int], list[int]]:
    """The years the holiday calendar covers, its weekday holidays and its weekend working days (ordinals)."""
    covered = (min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year)
    off = sorted(d.toordinal() for d in chinese_calendar.holidays if d.weekday() < 5)
    extra = sorted(d.toordinal() for d in chinese_calendar.workdays if d.weekday() >= 5)
    return covered, off, extra


_COVERED, _WEEKDAY_HOLIDAYS, _WEEKEND_WORKDAYS = _calendar_lists()
_MAX_ORDINAL = dt.date.max.toordinal()


def _rank(ordinal: int) -> int:
    """Working days from 0001-01-01 (a Monday) up to and including the day ``ordinal``."""
    if ordinal < 1:
        return 0
    weeks, rest = divmod(ordinal, 7)
    weekdays = weeks * 5 + min(rest, 5)
    return weekdays - bisect.bisect_right(_WEEKDAY_HOLIDAYS, ordinal) + bisect.bisect_right(_WEEKEND_WORKDAYS, ordinal)


_MAX_RANK = _rank(_MAX_ORDINAL)


def _order(steps: Sequence[Step]) -> list[Step]:
    """Topological order; a cycle or an unknown predecessor is refused, naming the milestones."""
    by_key = {s.key: s for s in steps}
    for step in steps:
        if step.duration < 1:
            raise DomainError(_("节点“%(name)s”的工期必须至少 1 天。") % {"name": step.name})
        for dep in step.depends_on:
            if dep not in by_key:
                raise DomainError(_("节点“%(name)s”的前置节点不属于同一任务。") % {"name": step.name})
            if dep == step.key:
                raise DomainError(_("节点“%(name)s”不能依赖自身。") % {"name": step.name})
    remaining = {s.key: set(s.depends_on) for s in steps}
    ordered: list[Step] = []
    while remaining:
        ready = [k for k in by_key if k in remaining and not remaining[k]]
        if not ready:
            cycle = _find_cycle(remaining)
            names = " → ".join(by_key[k].name for k in cycle)
            raise DomainError(_("节点的前置关系形成循环：%(names)s。") % {"names": names})
        for key in ready:
            ordered.append(by_key[key])
            del remaining[key]
        for deps in remaining.values():
            deps.difference_update(ready)
    return ordered


def _find_cycle(remaining: dict[str, set[str]]) -> list[str]:
    """Follow predecessors among the blocked steps until one repeats: that loop is a cycle."""
    start = sorted(remaining)[0]
    path: list[str] = []
    seen: dict[str, int] = {}
    key = start
    while key not in seen:
        seen[key] = len(path)
        path.append(key)
        key = sorted(remaining[key])[0]
    loop = path[seen[key] :]
    return [*reversed(loop), loop[-1]]


def schedule_backward(
    steps: Sequence[Step],
    *,
    deadline: dt.date,
    not_before: dt.date,
    working_days: bool = False,
) -> Schedule:
    """Latest start and finish of each step so everything ends by ``deadline``; refuse if it cannot fit."""
    ordered = _order(steps)
    for step in steps:
        if step.finish_by is not None and step.finish_by > deadline:
            raise DomainError(
                _("节点“%(name)s”的要求完成时间 %(date)s 晚于任务期限 %(deadline)s。")
                % {"name": step.name, "date": step.finish_by.isoformat(), "deadline": deadline.isoformat()}
            )
    calendar = _Calendar(working_days)
    successors: dict[str, list[str]] = {s.key: [] for s in steps}
    for step in steps:
        for dep in step.depends_on:
            successors[dep].append(step.key)
    end = calendar.on_or_before(deadline)
    latest_start: dict[str, dt.date] = {}
    latest_finish: dict[str, dt.date] = {}
    for step in reversed(ordered):
        caps = [end, *(calendar.on_or_before(calendar.before(latest_start[s])) for s in successors[step.key])]
        if step.finish_by is not None:
            caps.append(calendar.on_or_before(step.finish_by))
        finish = min(caps)
        latest_finish[step.key] = finish
        latest_start[step.key] = calendar.back(finish, step.duration)
    earliest_start: dict[str, dt.date] = {}
    earliest_finish: dict[str, dt.date] = {}
    first = calendar.on_or_after(not_before)
    for step in ordered:
        start = max([first, *(calendar.on_or_after(calendar.after(earliest_finish[d])) for d in step.depends_on)])
        earliest_start[step.key] = start
        earliest_finish[step.key] = calendar.forward(start, step.duration)
    late = [s for s in ordered if latest_start[s.key] < not_before]
    if late:
        worst = max(late, key=lambda s: earliest_finish[s.key])
        raise DomainError(
            _(
                "节点无法在 %(start)s 至 %(deadline)s 之间排下：按工期和前置关系，节点“%(name)s”最早 %(finish)s "
                "才能完成，最迟却须在 %(latest)s 完成。请缩短工期、调整前置关系或推迟期限。"
            )
            % {
                "start": not_before.isoformat(),
                "deadline": deadline.isoformat(),
                "name": worst.name,
                "finish": earliest_finish[worst.key].isoformat(),
                "latest": latest_finish[worst.key].isoformat(),
            }
        )
    slots = {
        s.key: Slot(
            key=s.key,
            latest_start=latest_start[s.key],
            latest_finish=latest_finish[s.key],
            earliest_start=earliest_start[s.key],
            earliest_finish=earliest_finish[s.key],
            slack_days=calendar.between(earliest_start[s.key], latest_start[s.key]),
        )
        for s in steps
    }
    calendar.finish()
    note = ""
    if calendar.fallback_years:
        years = "、".join(str(y) for y in sorted(calendar.fallback_years))
        note = _("%(years)s 年不在节假日历覆盖范围内，按周一至周五计算工作日。") % {"years": years}
    return Schedule(slots=slots, calendar_note=note, fallback_years=tuple(sorted(calendar.fallback_years)))


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``day`` (holiday calendar where known, else Mon-Fri): reply deadlines."""
    return _Calendar(working_days=True)._nth(_rank(day.toordinal()) + count)


def working_days_between(first: dt.date, last: dt.date) -> int:
    """Working days after ``first`` up to and including ``last`` (0 when ``last`` is not later)."""
    return max(_rank(last.toordinal()) - _rank(first.toordinal()), 0)
