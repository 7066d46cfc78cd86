"""Reads of contacts and rounds, always for a user and through core.scoping."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet

from shidian.accounts.models import User
from shidian.contacts.models import REQUIRED_FIELDS, ContactEntry, ContactRound, ContactSubmission, SubmissionStatus
from shidian.contacts.permissions import can_view_contacts
from shidian.core import clock, scoping
from shidian.core.errors import NotFound
from shidian.pilots.models import PilotArea, PilotStatus

IN_PROGRAMME = (PilotStatus.ACTIVE, PilotStatus.WARNED)


def _complete_q(prefix: str = "") -> Q:
    """Every required field filled (the database form of ``ContactEntry.is_complete``)."""
    condition = Q()
    for name in REQUIRED_FIELDS:
        condition &= ~Q(**{f"{prefix}{name}": ""})
    return condition


def contacts_on(*, user: User, day: dt.date, province_id: int | None = None) -> QuerySet[ContactEntry]:
    """The versions in force on ``day`` that ``user`` may see: pilots first, then commissions and ministries."""
    if not can_view_contacts(user):
        return ContactEntry.objects.none()
    entries = (
        scoping.restrict(ContactEntry.objects.on(day), user)
        .select_related("pilot__batch", "pilot__province", "organisation", "province")
        .prefetch_related("organisation__former_names")  # a unit's name as it was on ``day``
    )
    if province_id is not None:
        entries = entries.filter(province_id=province_id)
    return entries.order_by(
        F("organisation_id").asc(nulls_first=True),
        "province__code",
        "pilot__batch__number",
        "pilot__name",
        "organisation__name",
        "id",
    )


def get_round(*, user: User, contact_round_id: int) -> ContactRound:
    if not can_view_contacts(user):
        raise NotFound
    try:
        return ContactRound.objects.prefetch_related("batches").get(pk=contact_round_id)
    except (ContactRound.DoesNotExist, ValueError) as exc:
        raise NotFound from exc


def rounds_for(*, user: User) -> QuerySet[ContactRound]:
    if not can_view_contacts(user):
        return ContactRound.objects.none()
    return ContactRound.objects.prefetch_related("batches").order_by("-due_on", "id")


def get_submission(*, user: User, contact_round_id: int, province_id: int) -> ContactSubmission:
    """One province's answer; another province's is "not found" (404)."""
    if not can_view_contacts(user):
        raise NotFound
    return scoping.get_for(
        ContactSubmission.objects.select_related("round", "province", "submitted_by"),
        user,
        round_id=contact_round_id,
        province_id=province_id,
    )


def round_pilots(*, contact_round: ContactRound, province_id: int) -> QuerySet[PilotArea]:
    """The pilots a province answers for in a round: those of the round's batches still in the programme."""
    return (
        PilotArea.objects.filter(
            province_id=province_id, batch__in=contact_round.batches.all(), status__in=IN_PROGRAMME
        )
        .select_related("batch", "province")
        .order_by("batch__number", "name")
    )


@dataclass
class PilotRow:
    pilot: PilotArea
    entry: ContactEntry | None
    in_round: bool  # recorded (or confirmed) in this round

    @property
    def complete(self) -> bool:
        return self.entry is not None and self.entry.is_complete


def submission_rows(*, submission: ContactSubmission) -> list[PilotRow]:
    """Each pilot of the province's answer with its current contacts (two queries)."""
    pilots = list(round_pilots(contact_round=submission.round, province_id=submission.province_id))
    current = {e.pilot_id: e for e in ContactEntry.objects.current().filter(pilot__in=[p.pk for p in pilots])}
    return [
        PilotRow(p, current.get(p.pk), bool(current.get(p.pk) and current[p.pk].round_id == submission.round_id))
        for p in pilots
    ]


@dataclass
class ProgressRow:
    submission: ContactSubmission
    pilots: int
    complete: int
    late: bool

    @property
    def missing(self) -> bool:
        return self.submission.status != SubmissionStatus.SUBMITTED


def round_progress(*, user: User, contact_round: ContactRound) -> list[ProgressRow]:
    """Each province's answer, missing and late ones first (the commission's view; a province sees its own)."""
    today = clock.today()
    submissions = list(
        scoping.restrict(ContactSubmission.objects.filter(round=contact_round), user)
        .select_related("province", "submitted_by")
        .order_by("province__code")
    )
    pilots: dict[int, int] = {}
    complete: dict[int, int] = {}
    entries = ContactEntry.objects.current().filter(
        pilot__batch__in=contact_round.batches.all(), pilot__status__in=IN_PROGRAMME
    )
    for row in (
        PilotArea.objects.filter(batch__in=contact_round.batches.all(), status__in=IN_PROGRAMME)
        .values("province_id")
        .annotate(n=Count("id"))
    ):
        pilots[row["province_id"]] = row["n"]
    for row in entries.filter(_complete_q()).values("province_id").annotate(n=Count("id")):
        complete[row["province_id"]] = row["n"]
    rows = [
        ProgressRow(
            s,
            pilots.get(s.province_id, 0),
            complete.get(s.province_id, 0),
            s.is_late(today),
        )
        for s in submissions
    ]
    return sorted(rows, key=lambda r: (not r.missing, not r.late, r.submission.province.code))


def open_submissions(*, user: User) -> list[ContactSubmission]:
    """The province's answers still to be submitted, soonest due first (its workbench)."""
    if not can_view_contacts(user):
        return []
    return list(
        scoping.restrict(ContactSubmission.objects.filter(status=SubmissionStatus.DRAFT), user)
        .filter(round__opened_on__lte=clock.today())
        .select_related("round", "province")
        .order_by("round__due_on", "province__code")
    )


def missing_by_round(*, user: User) -> list[tuple[ContactRound, list[ContactSubmission]]]:
    """For each open round, the provinces that have not submitted (the commission's workbench)."""
    if not can_view_contacts(user) or not scoping.scope_for(user).is_national:
        return []
    drafts = ContactSubmission.objects.filter(status=SubmissionStatus.DRAFT).select_related("province")
    rounds = (
        ContactRound.objects.filter(opened_on__lte=clock.today(), submissions__status=SubmissionStatus.DRAFT)
        .distinct()
        .prefetch_related(Prefetch("submissions", queryset=drafts.order_by("province__code"), to_attr="drafts"))
        .order_by("due_on", "id")
    )
    return [(r, list(getattr(r, "drafts", []))) for r in rounds]
