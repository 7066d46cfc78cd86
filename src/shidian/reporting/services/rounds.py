"""Reporting rounds: when they open, opening them, changing their due dates."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit, scoping
from shidian.core.actors import SystemActor, system
from shidian.core.errors import DomainError
from shidian.core.roles import Capability
from shidian.pilots import selectors as pilot_selectors
from shidian.reporting import aggregates
from shidian.reporting.models import ReportingRound, RoundKind, default_due_dates

# The first round of the programme: pilots started by the end of 2016 (batch-3 notice).
FIRST_ROUND = (2016, RoundKind.YEAR_END)
# Rounds open by themselves on schedule (and when the demo or a test needs one).
OPENER = system("open_reporting_rounds")
# A round opens this many days before its pilots' due date.
OPEN_DAYS_BEFORE_DUE = 30


def round_opens_on(year: int, kind: str) -> dt.date:
    pilot_due, _province_due = default_due_dates(year, kind)
    return pilot_due - dt.timedelta(days=OPEN_DAYS_BEFORE_DUE)


def rounds_due_to_open(today: dt.date) -> list[tuple[int, str]]:
    """Every (year, kind) from the programme's first round to its end whose opening day has come."""
    result = []
    last_year = pilot_selectors.programme_end_year_if_known()  # rounds run to the programme's end
    final = today.year if last_year is None else min(today.year, last_year)
    for year in range(FIRST_ROUND[0], final + 1):
        for kind in (RoundKind.MID_YEAR, RoundKind.YEAR_END):
            if year == FIRST_ROUND[0] and kind == RoundKind.MID_YEAR:
                continue
            if round_opens_on(year, kind) <= today:
                result.append((year, str(kind)))
    return result


@transaction.atomic
def open_round(*, year: int, kind: str, by: User | SystemActor) -> ReportingRound:
    """Open the round of ``year``/``kind`` with the default due dates (nothing changes if it is open)."""
    scoping.require(by, Capability.MANAGE_ROUNDS)
    if kind not in RoundKind.values:
        raise DomainError(_("未知的报告类型。"))
    existing = ReportingRound.objects.filter(year=year, kind=kind).first()
    if existing is not None:
        return existing
    pilot_due, province_due = default_due_dates(year, kind)
    reporting_round = ReportingRound.objects.create(
        year=year, kind=kind, pilot_due=pilot_due, province_due=province_due
    )
    aggregates.refresh(round_ids=[reporting_round.pk])
    audit.record(
        action=audit.AuditAction.ROUND_OPENED,
        actor=by,
        obj=reporting_round,
        detail={"pilot_due": pilot_due, "province_due": province_due},
    )
    return reporting_round


def open_due_rounds(*, today: dt.date) -> list[ReportingRound]:
    """Open every round whose opening day has come (idempotent; run daily)."""
    return [open_round(year=year, kind=kind, by=OPENER) for year, kind in rounds_due_to_open(today)]


@transaction.atomic
def change_round_dues(
    *, reporting_round: ReportingRound, pilot_due: dt.date, province_due: dt.date, by: User
) -> ReportingRound:
    """Move a round's due dates (national admins only)."""
    scoping.require(by, Capability.MANAGE_ROUNDS)
    if province_due < pilot_due:
        raise DomainError(_("省级报送期限不能早于试点报送期限。"))
    if pilot_due < reporting_round.period.start:
        raise DomainError(_("报送期限不能早于报告期开始。"))
    locked = ReportingRound.objects.select_for_update().get(pk=reporting_round.pk)
    before = audit.snapshot(locked, ["pilot_due", "province_due"])
    locked.pilot_due = pilot_due
    locked.province_due = province_due
    locked.save(update_fields=["pilot_due", "province_due"])
    aggregates.refresh(round_ids=[locked.pk])  # who is expected depends on the due dates
    audit.record(
        action=audit.AuditAction.ROUND_CHANGED,
        actor=by,
        obj=locked,
        changes=audit.diff(before, audit.snapshot(locked, ["pilot_due", "province_due"])),
    )
    return locked
