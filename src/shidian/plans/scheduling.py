"""Backward scheduling (倒排时间节点): as late as possible from the deadline, honouring dependencies.

Pure functions, no database. Durations count calendar days, or working days when asked; working days
follow the Chinese public-holiday calendar (package ``chinesecalendar``) for the years it covers and
Monday to Friday outside them (the schedule says so in ``calendar_note``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import chinese_calendar  # type: ignore[import-untyped]
from django.utils.translation import gettext as _

from shidian.core.errors import DomainError

ONE_DAY = dt.timedelta(days=1)


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
    """Which days count: every day, or working days (holiday calendar where known, else Mon-Fri)."""

    def __init__(self, working_days: bool) -> None:
        self.working_days = working_days
        self.fallback_years: set[int] = set()

    def counts(self, day: dt.date) -> bool:
        if not self.working_days:
            return True
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            self.fallback_years.add(day.year)
            return day.weekday() < 5

    def on_or_before(self, day: dt.date) -> dt.date:
        while not self.counts(day):
            day -= ONE_DAY
        return day

    def on_or_after(self, day: dt.date) -> dt.date:
        while not self.counts(day):
            day += ONE_DAY
        return day

    def back(self, finish: dt.date, duration: int) -> dt.date:
        """The start of ``duration`` counted days ending on ``finish`` (a counted day)."""
        day = finish
        for _step in range(duration - 1):
            day = self.on_or_before(day - ONE_DAY)
        return day

    def forward(self, start: dt.date, duration: int) -> dt.date:
        day = start
        for _step in range(duration - 1):
            day = self.on_or_after(day + ONE_DAY)
        return day

    def between(self, first: dt.date, last: dt.date) -> int:
        """Counted days after ``first`` up to ``last`` (the slack between two starts)."""
        if not self.working_days:
            return (last - first).days
        count, day = 0, first
        while day < last:
            day += ONE_DAY
            if self.counts(day):
                count += 1
        return count


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
        caps = [end, *(calendar.on_or_before(latest_start[s] - ONE_DAY) for s in successors[step.key])]
        if step.finish_by is not None:
            caps.append(calendar.on_or_before(step.finish_by))
        finish = min(caps)
        latest_finish[step.key] = finish
        latest_start[step.key] = calendar.back(finish, step.duration)
    earliest_start: dict[str, dt.date] = {}
    earliest_finish: dict[str, dt.date] = {}
    first = calendar.on_or_after(not_before)
    for step in ordered:
        start = max([first, *(calendar.on_or_after(earliest_finish[d] + ONE_DAY) for d in step.depends_on)])
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
    note = ""
    if calendar.fallback_years:
        years = "、".join(str(y) for y in sorted(calendar.fallback_years))
        note = _("%(years)s 年不在节假日历覆盖范围内，按周一至周五计算工作日。") % {"years": years}
    return Schedule(slots=slots, calendar_note=note, fallback_years=tuple(sorted(calendar.fallback_years)))
