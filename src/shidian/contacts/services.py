"""Writes of contacts and rounds: check permission and state, write, audit. Views call these only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.contacts import permissions
from shidian.contacts.fields import clean_person
from shidian.contacts.models import (
    PERSON_FIELDS,
    SUBMISSION_FLOW,
    ContactEntry,
    ContactRound,
    ContactSubmission,
    SubmissionStatus,
)
from shidian.contacts.selectors import IN_PROGRAMME, round_pilots, submission_rows
from shidian.core import audit, clock
from shidian.core.actors import SystemActor
from shidian.core.audit_actions import AuditAction
from shidian.core.errors import DomainError, NotFound
from shidian.core.transitions import Effects, move
from shidian.pilots.models import Batch, PilotArea


def validated_person(values: Mapping[str, str]) -> dict[str, str]:
    """The person fields normalised; a refused value raises DomainError naming its field."""
    cleaned, refused = clean_person(values)
    if refused:
        raise DomainError("；".join(refused.values()))
    return cleaned


def _check_may_record(*, by: User | SystemActor, pilot: PilotArea | None, organisation: Organisation | None) -> None:
    if pilot is not None:
        if not permissions.can_record_for(by, pilot):
            raise NotFound
        return
    if organisation is None:
        raise ValueError("record_contact needs exactly one holder")
    own_commission = organisation.kind == OrganisationKind.PROVINCIAL_COMMISSION and permissions.can_record_for(
        by, organisation
    )
    if not (own_commission or permissions.can_manage_rounds(by)):
        raise NotFound
    if organisation.kind not in {
        OrganisationKind.PROVINCIAL_COMMISSION,
        OrganisationKind.MINISTRY,
        OrganisationKind.NATIONAL_DIVISION,
        OrganisationKind.NATIONAL_COMMISSION,
    }:
        raise DomainError(_("只有省级发展改革部门、部委和国家发展改革委可以登记单位联系人。"))


def write_version(
    *,
    pilot: PilotArea | None,
    organisation: Organisation | None,
    values: Mapping[str, str],
    by: User | SystemActor,
    contact_round: ContactRound | None,
    is_demo: bool,
) -> ContactEntry | None:
    """Write a new version from today (or replace today's); None when nothing changed."""
    today = clock.today()
    holder = {"pilot": pilot} if pilot is not None else {"organisation": organisation}
    # Ordered by pk alone: the model ordering joins nullable relations, which FOR UPDATE refuses on PostgreSQL.
    current = ContactEntry.objects.select_for_update().filter(valid_until__isnull=True, **holder).order_by("pk").first()
    before = audit.snapshot(current, PERSON_FIELDS) if current is not None else {}
    changes = audit.diff(before, dict(values))
    if current is not None and not changes:
        if contact_round is not None and current.round_id != contact_round.pk:
            # Saved unchanged in a round: the province confirms the version in force for this round. The version
            # keeps its contents and dates; which round it answers changes, and that is recorded.
            before_round = current.round_id
            current.round = contact_round
            current.save(update_fields=["round"])
            audit.record(
                action=AuditAction.CONTACT_CONFIRMED,
                actor=by,
                obj=current,
                changes={"round": [before_round, contact_round.pk]},
                detail={"round": contact_round.pk},
            )
        return None
    province = pilot.province if pilot is not None else organisation.province if organisation is not None else None
    if current is not None and current.valid_from >= today:
        entry = current  # changed again the same day: one version per day
        for name, value in values.items():
            setattr(entry, name, value)
        entry.round = contact_round or entry.round
        entry.recorded_by = by if isinstance(by, User) else None
        entry.save(update_fields=[*PERSON_FIELDS, "round", "recorded_by"])
    else:
        if current is not None:
            current.valid_until = today - dt.timedelta(days=1)
            current.save(update_fields=["valid_until"])
        entry = ContactEntry.objects.create(
            **holder,
            province=province,
            **values,
            valid_from=today,
            round=contact_round,
            recorded_by=by if isinstance(by, User) else None,
            is_demo=is_demo,
        )
    audit.record(
        action=AuditAction.CONTACT_RECORDED,
        actor=by,
        obj=entry,
        changes=changes,
        detail={"valid_from": entry.valid_from, "round": contact_round.pk if contact_round else None},
    )
    return entry


@transaction.atomic
def record_contact(
    *,
    by: User | SystemActor,
    values: Mapping[str, str],
    pilot: PilotArea | None = None,
    organisation: Organisation | None = None,
    contact_round: ContactRound | None = None,
    is_demo: bool = False,
) -> ContactEntry | None:
    """Record a holder's leader and contact person as of today; the previous version ends yesterday."""
    if (pilot is None) == (organisation is None):
        raise ValueError("record_contact needs exactly one holder")
    _check_may_record(by=by, pilot=pilot, organisation=organisation)
    cleaned = validated_person(values)
    return write_version(
        pilot=pilot, organisation=organisation, values=cleaned, by=by, contact_round=contact_round, is_demo=is_demo
    )


@transaction.atomic
def open_contact_round(
    *,
    title: str,
    batch_numbers: Iterable[int],
    due_on: dt.date,
    by: User | SystemActor,
    changes_only: bool = False,
    is_demo: bool = False,
) -> ContactRound:
    """Open a round and one (draft) answer for each province that has pilots in its batches."""
    if not (permissions.can_manage_rounds(by) or permissions.is_platform(by)):
        raise NotFound
    batches = list(Batch.objects.filter(number__in=list(batch_numbers)))
    if not batches:
        raise DomainError(_("请至少选择一个批次。"))
    opened_on = clock.today()
    if due_on < opened_on:
        raise DomainError(_("报送截止日期不能早于开启日期。"))
    contact_round = ContactRound.objects.create(
        title=title,
        changes_only=changes_only,
        opened_on=opened_on,
        due_on=due_on,
        created_by=by if isinstance(by, User) else None,
        is_demo=is_demo,
    )
    contact_round.batches.set(batches)
    province_ids = sorted(
        set(PilotArea.objects.filter(batch__in=batches, status__in=IN_PROGRAMME).values_list("province_id", flat=True))
    )
    ContactSubmission.objects.bulk_create(
        [ContactSubmission(round=contact_round, province_id=pid) for pid in province_ids]
    )
    audit.record(
        action=AuditAction.CONTACT_ROUND_OPENED,
        actor=by,
        obj=contact_round,
        detail={
            "batches": [b.number for b in batches],
            "due_on": due_on,
            "changes_only": changes_only,
            "provinces": len(province_ids),
        },
    )
    return contact_round


def incomplete_pilots(*, submission: ContactSubmission) -> list[str]:
    """The pilots whose contacts are still missing or incomplete (a full round needs them all)."""
    return [row.pilot.name for row in submission_rows(submission=submission) if not row.complete]


def submit_contacts(*, submission: ContactSubmission, by: User | SystemActor) -> ContactSubmission:
    """Submit the province's answer once complete; later changes are new dated versions."""

    def guard(locked: ContactSubmission) -> None:
        if not permissions.can_edit_submission(by, locked):
            raise NotFound

    def apply(locked: ContactSubmission) -> Effects:
        if not locked.round.changes_only:
            missing = incomplete_pilots(submission=locked)
            if missing:
                raise DomainError(
                    _("以下试点的负责人或联系人尚未填写完整，不能报送：%(pilots)s。") % {"pilots": "、".join(missing)}
                )
        locked.submitted_on = clock.today()
        locked.submitted_by = by if isinstance(by, User) else None
        return Effects(
            fields=["submitted_on", "submitted_by"],
            detail={"submitted_on": locked.submitted_on, "late": locked.submitted_on > locked.round.due_on},
        )

    return move(
        submission,
        SubmissionStatus.SUBMITTED,
        flow=SUBMISSION_FLOW,
        by=by,
        guard=guard,
        apply=apply,
        queryset=ContactSubmission.objects.select_related("round", "province"),
    )


def check_round_pilot(*, submission: ContactSubmission, pilot: PilotArea) -> None:
    """A pilot edited through a round must be one the province answers for in it."""
    if pilot.pk not in set(
        round_pilots(contact_round=submission.round, province_id=submission.province_id).values_list("pk", flat=True)
    ):
        raise NotFound
