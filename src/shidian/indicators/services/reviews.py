"""A pilot's values for a period through review: submit, accept, return."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import clock, transitions
from shidian.core.errors import DomainError
from shidian.core.periods import Period
from shidian.indicators import aggregates, permissions
from shidian.indicators.models import VALUE_FLOW, IndicatorValue, ValueStatus
from shidian.pilots.models import PilotArea


def _transition(value: IndicatorValue, to: str, *, by: User, reason: str = "") -> IndicatorValue:
    """Move one value version; only the current version moves, and acceptance records who accepted."""

    def guard(locked: IndicatorValue) -> None:
        if not locked.is_current:
            raise VALUE_FLOW.refuse(locked.status, to)

    def apply(locked: IndicatorValue) -> transitions.Effects:
        fields: list[str] = []
        if to == ValueStatus.SUBMITTED:
            locked.submitted_at = clock.now()
            fields.append("submitted_at")
        if to == ValueStatus.ACCEPTED:
            locked.accepted_by, locked.accepted_at = by, clock.now()
            fields += ["accepted_by", "accepted_at"]
        return transitions.Effects(fields=fields, detail={"reason": reason} if reason else None)

    return transitions.move(value, to, flow=VALUE_FLOW, by=by, guard=guard, apply=apply)


def _current(pilot: PilotArea, period: Period, status: str) -> list[IndicatorValue]:
    return list(
        IndicatorValue.objects.filter(pilot=pilot, period=period.code, is_current=True, status=status).order_by(
            "indicator__order"
        )
    )


@transaction.atomic
def submit_values(*, pilot: PilotArea, period: Period, by: User) -> list[IndicatorValue]:
    """Report a pilot's draft values of a period to the province."""
    permissions.require_enter(by, pilot)
    drafts = _current(pilot, period, ValueStatus.DRAFT)
    if not drafts:
        raise DomainError(_("本期没有待报送的草稿数据。"))
    moved = [_transition(v, ValueStatus.SUBMITTED, by=by) for v in drafts]
    aggregates.refresh((v.pilot_id, v.indicator_id, v.period) for v in moved)  # they now count in monitoring
    return moved


@transaction.atomic
def accept_values(*, pilot: PilotArea, period: Period, by: User) -> list[IndicatorValue]:
    """A provincial officer accepts the submitted values of one of the province's pilots."""
    permissions.require_accept(by, pilot)
    submitted = _current(pilot, period, ValueStatus.SUBMITTED)
    if not submitted:
        raise DomainError(_("本期没有待确认的数据。"))
    # Submitted and accepted values both count in the roll-ups: accepting leaves them as they are.
    return [_transition(v, ValueStatus.ACCEPTED, by=by) for v in submitted]


@transaction.atomic
def return_values(*, pilot: PilotArea, period: Period, reason: str, by: User) -> list[IndicatorValue]:
    """Send submitted values back to the pilot as drafts, with the reason."""
    permissions.require_accept(by, pilot)
    if not reason.strip():
        raise DomainError(_("退回必须说明理由。"))
    submitted = _current(pilot, period, ValueStatus.SUBMITTED)
    if not submitted:
        raise DomainError(_("本期没有待确认的数据。"))
    moved = [_transition(v, ValueStatus.DRAFT, by=by, reason=reason) for v in submitted]
    aggregates.refresh((v.pilot_id, v.indicator_id, v.period) for v in moved)  # withdrawn from monitoring
    return moved
