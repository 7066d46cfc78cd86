"""Slow down password spraying from one address without locking anybody out.

The per-account lockout (axes) stops guessing one account; it does not see one address trying one
password on many accounts. Here every failure is counted per address: past the limit within the window,
each further try from that address must wait (doubling, up to the maximum) after its last failure. An
office behind one NAT address is slowed, never locked: after the wait, a correct password gets in.
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from shidian.accounts.models import LoginFailure


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.LOGIN_ADDRESS_WINDOW_MINUTES)


def record_failure(ip: str | None) -> None:
    """Count one failed sign-in from ``ip`` and forget this address's failures older than the window."""
    if not ip:
        return
    LoginFailure.objects.filter(ip=ip, failed_at__lt=_window_start()).delete()
    LoginFailure.objects.create(ip=ip)


def wait_seconds(ip: str | None) -> int:
    """How many seconds ``ip`` must wait before its next try (0: it may try now)."""
    if not ip:
        return 0
    recent = LoginFailure.objects.filter(ip=ip, failed_at__gte=_window_start())
    stats = recent.aggregate(last=Max("failed_at"))
    count = recent.count()
    excess = count - settings.LOGIN_ADDRESS_FAILURES
    if excess < 0 or stats["last"] is None:
        return 0
    delay = min(2 ** min(excess, 16), settings.LOGIN_ADDRESS_MAX_WAIT_SECONDS)
    remaining = (stats["last"] + dt.timedelta(seconds=delay) - timezone.now()).total_seconds()
    return int(max(0, math.ceil(remaining)))
