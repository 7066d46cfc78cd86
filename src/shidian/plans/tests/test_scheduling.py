"""Backward scheduling: properties (Hypothesis) and the refusals."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shidian.core.errors import DomainError
from shidian.plans.scheduling import Step, _Calendar, schedule_backward


@st.composite
def chains(draw: st.DrawFn) -> tuple[list[Step], dt.date, dt.date, bool]:
    """A random DAG (each step depends only on earlier ones), a deadline, a start and the calendar choice."""
    count = draw(st.integers(min_value=1, max_value=8))
    steps = []
    for i in range(count):
        deps = draw(st.sets(st.integers(min_value=0, max_value=i - 1), max_size=3)) if i else set()
        steps.append(
            Step(key=str(i), name=f"节点{i}", duration=draw(st.integers(1, 40)), depends_on=tuple(map(str, deps)))
        )
    deadline = draw(st.dates(min_value=dt.date(2016, 6, 1), max_value=dt.date(2028, 12, 31)))
    start = deadline - dt.timedelta(days=draw(st.integers(0, 900)))
    return steps, deadline, start, draw(st.booleans())


@settings(max_examples=150, deadline=None)
@given(chains())
def test_no_milestone_ends_after_the_deadline_or_before_its_predecessors(
    case: tuple[list[Step], dt.date, dt.date, bool],
) -> None:
    steps, deadline, start, working = case
    try:
        schedule = schedule_backward(steps, deadline=deadline, not_before=start, working_days=working)
    except DomainError as exc:
        assert "无法" in exc.message  # refused only because the chain does not fit
        return
    for step in steps:
        slot = schedule.slots[step.key]
        assert start <= slot.latest_start <= slot.latest_finish <= deadline
        assert slot.slack_days >= 0
        for dep in step.depends_on:
            assert schedule.slots[dep].latest_finish < slot.latest_start


@settings(max_examples=80, deadline=None)
@given(chains())
def test_the_schedule_is_as_late_as_possible(case: tuple[list[Step], dt.date, dt.date, bool]) -> None:
    """Some step without successors finishes on the deadline (calendar days): nothing is scheduled early."""
    steps, deadline, start, _working = case
    try:
        schedule = schedule_backward(steps, deadline=deadline, not_before=start)
    except DomainError:
        return
    has_successor = {d for s in steps for d in s.depends_on}
    for step in steps:
        if step.key not in has_successor:
            assert schedule.slots[step.key].latest_finish == deadline


def test_a_chain_that_does_not_fit_is_refused_and_names_the_milestone() -> None:
    steps = [Step("a", "调研", 200), Step("b", "编制方案", 200, ("a",))]
    with pytest.raises(DomainError) as exc:
        schedule_backward(steps, deadline=dt.date(2017, 12, 31), not_before=dt.date(2017, 3, 1))
    assert "调研" in exc.value.message or "编制方案" in exc.value.message
    assert "2017-12-31" in exc.value.message


def test_a_dependency_cycle_is_refused_naming_the_milestones() -> None:
    steps = [Step("a", "调研", 5, ("c",)), Step("b", "编制方案", 5, ("a",)), Step("c", "报批", 5, ("b",))]
    with pytest.raises(DomainError) as exc:
        schedule_backward(steps, deadline=dt.date(2017, 12, 31), not_before=dt.date(2017, 1, 1))
    assert "循环" in exc.value.message
    for name in ("调研", "编制方案", "报批"):
        assert name in exc.value.message


def test_a_required_date_after_the_deadline_is_refused() -> None:
    with pytest.raises(DomainError, match="晚于任务期限"):
        schedule_backward(
            [Step("a", "验收", 5, finish_by=dt.date(2018, 1, 5))],
            deadline=dt.date(2017, 12, 31),
            not_before=dt.date(2017, 1, 1),
        )


def test_working_days_skip_the_national_day_holiday() -> None:
    schedule = schedule_backward(
        [Step("a", "验收", 3)], deadline=dt.date(2017, 10, 8), not_before=dt.date(2017, 1, 1), working_days=True
    )
    # 2017-10-01..08 was the National Day holiday; Saturday 09-30 was an adjusted working day.
    slot = schedule.slots["a"]
    assert slot.latest_finish == dt.date(2017, 9, 30)
    assert slot.latest_start == dt.date(2017, 9, 28)
    assert schedule.calendar_note == ""


def test_years_outside_the_holiday_calendar_fall_back_to_weekdays_and_say_so() -> None:
    schedule = schedule_backward(
        [Step("a", "验收", 2)], deadline=dt.date(2031, 1, 5), not_before=dt.date(2030, 1, 1), working_days=True
    )
    assert schedule.slots["a"].latest_finish == dt.date(2031, 1, 3)  # 2031-01-05 is a Sunday
    assert "2031" in schedule.calendar_note
    assert "周一至周五" in schedule.calendar_note


def test_slack_is_the_gap_between_earliest_and_latest_start() -> None:
    schedule = schedule_backward(
        [Step("a", "调研", 10), Step("b", "方案", 10, ("a",))],
        deadline=dt.date(2017, 1, 30),
        not_before=dt.date(2017, 1, 1),
    )
    assert schedule.slots["a"].latest_start == dt.date(2017, 1, 11)
    assert schedule.slots["a"].slack_days == 10
    assert schedule.slots["b"].latest_finish == dt.date(2017, 1, 30)


def _walked_workday(day: dt.date) -> bool:
    """The old day-by-day rule, kept as the oracle: the holiday calendar where known, else Monday to Friday."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=dt.date(2003, 1, 1), max_value=dt.date(2029, 12, 31)),
    st.integers(min_value=1, max_value=60),
)
def test_working_day_arithmetic_matches_walking_the_calendar(finish: dt.date, duration: int) -> None:
    calendar = _Calendar(working_days=True)
    end = calendar.on_or_before(finish)
    walked = finish
    while not _walked_workday(walked):
        walked -= dt.timedelta(days=1)
    assert end == walked
    start, counted = end, 1
    while counted < duration:
        start -= dt.timedelta(days=1)
        counted += _walked_workday(start)
    assert calendar.back(end, duration) == start
    assert calendar.forward(start, duration) == end
    assert calendar.between(start, end) == duration - 1


def test_scheduling_cost_does_not_grow_with_the_distance() -> None:
    """20,000 working days under a deadline of 9999-12-31 is a few steps of arithmetic, not a calendar walk."""
    steps = [
        Step(key=str(i), name=f"节点{i}", duration=20_000, depends_on=(str(i - 1),) if i else ()) for i in range(5)
    ]
    began = time.perf_counter()
    schedule = schedule_backward(
        steps, deadline=dt.date(9999, 12, 31), not_before=dt.date(2016, 1, 1), working_days=True
    )
    assert time.perf_counter() - began < 0.5
    assert schedule.slots["4"].latest_finish == dt.date(9999, 12, 31)


def test_a_schedule_past_the_end_of_the_calendar_is_refused_not_crashed() -> None:
    steps = [Step(key="a", name="甲", duration=10), Step(key="b", name="乙", duration=10, depends_on=("a",))]
    with pytest.raises(DomainError, match=r"日期范围|无法"):
        schedule_backward(steps, deadline=dt.date(9999, 12, 31), not_before=dt.date(9999, 12, 25))
    with pytest.raises(DomainError):
        schedule_backward(steps[:1], deadline=dt.date(1, 1, 3), not_before=dt.date(1, 1, 1), working_days=True)
