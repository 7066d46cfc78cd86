"""Reporting periods: a year ("2017") or a half-year ("2017H1", "2017H2") (DESIGN.md, "Periods")."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import total_ordering

from django.utils.translation import gettext as _

from shidian.core.errors import DomainError

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:H(?P<half>[12]))?$")


@total_ordering
@dataclass(frozen=True)
class Period:
    """A year (half=None) or one of its halves."""

    year: int
    half: int | None = None

    @classmethod
    def parse(cls, code: str) -> Period:
        match = _PATTERN.match(code.strip().upper())
        if match is None:
            raise DomainError(_("期间“%(code)s”格式不对，应为 2017、2017H1 或 2017H2。") % {"code": code})
        half = match.group("half")
        return cls(int(match.group("year")), int(half) if half else None)

    @property
    def code(self) -> str:
        return f"{self.year}H{self.half}" if self.half else str(self.year)

    @property
    def is_year(self) -> bool:
        return self.half is None

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 7 if self.half == 2 else 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.half == 1 else dt.date(self.year, 12, 31)

    @property
    def label(self) -> str:
        if self.half is None:
            return _("%(year)d年度") % {"year": self.year}
        if self.half == 1:
            return _("%(year)d年上半年") % {"year": self.year}
        return _("%(year)d年下半年") % {"year": self.year}

    def previous(self) -> Period:
        """The period before: 2017H1 → 2016H2, 2017 → 2016."""
        if self.half is None:
            return Period(self.year - 1)
        return Period(self.year, 1) if self.half == 2 else Period(self.year - 1, 2)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def _key(self) -> tuple[int, int]:
        # A year sorts after its halves: it closes when H2 closes.
        return (self.year, 3 if self.half is None else self.half)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        return self.code


def half_years(first: int, last: int) -> list[Period]:
    """Every half-year from first-H1 to last-H2."""
    return [Period(year, half) for year in range(first, last + 1) for half in (1, 2)]
