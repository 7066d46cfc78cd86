"""Plan versions: the version in force, those awaiting review, their history and state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from shidian.core import scoping
from shidian.core.errors import NotFound
from shidian.core.roles import Capability
from shidian.pilots.models import PilotArea
from shidian.plans import permissions
from shidian.plans.models import PlanStatus, PlanVersion


def current_version_ids(pilot_ids: Iterable[int] | None = None) -> dict[int, int]:
    """{pilot id: id of its version in force}: the latest approved one, else the latest one."""
    versions = PlanVersion.objects.all()
    if pilot_ids is not None:
        versions = versions.filter(plan__pilot_id__in=list(pilot_ids))
    chosen: dict[int, tuple[bool, int, int]] = {}
    for pilot_id, version_id, number, status in versions.values_list("plan__pilot_id", "id", "number", "status"):
        key = (status == PlanStatus.APPROVED, number, version_id)
        if pilot_id not in chosen or key > chosen[pilot_id]:
            chosen[pilot_id] = key
    return {pilot_id: key[2] for pilot_id, key in chosen.items()}


def attention_version_ids(pilot_ids: Iterable[int] | None = None) -> dict[int, int]:
    """{pilot id: id of its latest version} where that version still needs work or review (not approved)."""
    versions = PlanVersion.objects.all()
    if pilot_ids is not None:
        versions = versions.filter(plan__pilot_id__in=list(pilot_ids))
    latest: dict[int, tuple[int, int, str]] = {}
    for pilot_id, version_id, number, status in versions.values_list("plan__pilot_id", "id", "number", "status"):
        if pilot_id not in latest or number > latest[pilot_id][0]:
            latest[pilot_id] = (number, version_id, status)
    return {pilot_id: vid for pilot_id, (_n, vid, status) in latest.items() if status != PlanStatus.APPROVED}


def plans_awaiting_review(*, user: Any) -> list[PlanVersion]:
    """Submitted plan versions the user's provincial commission must approve or return, oldest first."""
    if not scoping.can(user, Capability.REVIEW_PLANS):
        return []
    return list(
        scoping.restrict(
            PlanVersion.objects.filter(status=PlanStatus.SUBMITTED).select_related("plan__pilot__province"),
            user,
            province_field="plan__pilot__province",
            pilot_field="plan__pilot",
        ).order_by("submitted_at", "id")
    )


def versions_of(*, pilot: PilotArea) -> list[PlanVersion]:
    return list(PlanVersion.objects.filter(plan__pilot=pilot).select_related("decided_by").order_by("-number"))


@dataclass(frozen=True)
class ReviewStep:
    at: dt.datetime
    who: str
    organisation: str
    status: str
    comment: str


def review_history(*, version: PlanVersion) -> list[ReviewStep]:
    """Each submission, return and approval of a version, with its comment (from the audit trail)."""
    from shidian.core.models import AuditEvent

    moves = {f"plans.version.{s}": s for s in PlanStatus.values}
    events = AuditEvent.objects.filter(
        object_type="plans.PlanVersion", object_id=str(version.pk), action__in=list(moves)
    ).order_by("occurred_at", "id")
    return [
        ReviewStep(
            at=e.occurred_at,
            who=e.actor_username,
            organisation=e.organisation_name,
            status=str(PlanStatus(moves[e.action]).label),
            comment=str((e.detail or {}).get("comment", "")),
        )
        for e in events
    ]


@dataclass(frozen=True)
class PlanState:
    """A pilot's plan as its office must know it: the version in force and the one that needs attention."""

    pilot: PilotArea
    in_force: PlanVersion | None
    pending: PlanVersion | None


def plan_state(*, user: Any, pilot: PilotArea) -> PlanState:
    if not permissions.sees_pilot(user, pilot):
        raise NotFound
    current = current_version_ids([pilot.pk]).get(pilot.pk)
    attention = attention_version_ids([pilot.pk]).get(pilot.pk)
    versions = PlanVersion.objects.in_bulk([v for v in (current, attention) if v is not None])
    in_force = versions.get(current) if current is not None else None
    if in_force is not None and in_force.status != PlanStatus.APPROVED:
        in_force = None
    return PlanState(pilot, in_force, versions.get(attention) if attention is not None else None)
