"""Periods parse, order and bound as the reporting rounds need."""

from __future__ import annotations

import datetime as dt

import pytest

from shidian.core.errors import DomainError
from shidian.core.periods import Period, half_years


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("2017", dt.date(2017, 1, 1), dt.date(2017, 12, 31)),
        ("2017H1", dt.date(2017, 1, 1), dt.date(2017, 6, 30)),
        ("2017h2", dt.date(2017, 7, 1), dt.date(2017, 12, 31)),
    ],
)
def test_parse_and_bounds(code: str, start: dt.date, end: dt.date) -> None:
    period = Period.parse(code)
    assert (period.start, period.end) == (start, end)
    assert Period.parse(period.code) == period


@pytest.mark.parametrize("code", ["17", "2017H3", "2017-H1", "", "H1"])
def test_bad_codes_are_refused_in_chinese(code: str) -> None:
    with pytest.raises(DomainError, match="格式不对"):
        Period.parse(code)


def test_order_and_previous() -> None:
    assert sorted(Period.parse(c) for c in ["2018", "2018H2", "2017H2", "2018H1"]) == [
        Period(2017, 2),
        Period(2018, 1),
        Period(2018, 2),
        Period(2018),
    ]
    assert Period(2017, 1).previous() == Period(2016, 2)
    assert Period(2017, 2).previous() == Period(2017, 1)
    assert Period(2017).previous() == Period(2016)
    assert len(half_years(2016, 2020)) == 10
