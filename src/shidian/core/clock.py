"""The business clock: what "today" is for deadlines, rounds, lateness and reminders (DESIGN.md, "Business time").

Production follows the real date in Asia/Shanghai. A demo deployment runs at a date inside the programme
(``SHIDIAN_DEMO_TODAY``, default 2019-07-08) so that every role has current work. Tests travel in time with
``travel_to``. Audit timestamps never come from here: they are always real time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils import timezone

_override: dt.date | None = None


def today() -> dt.date:
    """Return the business date: a test's travel date, the demo's date, or the real date in Asia/Shanghai."""
    if _override is not None:
        return _override
    configured: dt.date | None = getattr(settings, "BUSINESS_TODAY", None)
    if configured is not None:
        return configured
    return timezone.localdate()


def now() -> dt.datetime:
    """Return the business moment: the real time of day on the business date (real time when not pinned).

    For business timestamps that lateness and waiting times are measured from (submitted, decided,
    accepted); audit timestamps and security timers keep ``timezone.now()``.
    """
    real = timezone.now()
    if not is_pinned():
        return real
    return dt.datetime.combine(today(), timezone.localtime(real).timetz())


def is_pinned() -> bool:
    """Whether "today" is a fixed business date (demo or time travel) rather than the real date."""
    return _override is not None or getattr(settings, "BUSINESS_TODAY", None) is not None


@contextmanager
def travel_to(day: dt.date) -> Iterator[dt.date]:
    """Make ``today()`` return ``day`` inside the block (tests, and demo generation of past history)."""
    global _override
    previous = _override
    _override = day
    try:
        yield day
    finally:
        _override = previous
