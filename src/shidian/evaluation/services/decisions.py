"""Warnings and elimination (预警与退出): proposals by the year's rules, the commission's decisions, rectification."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit, clock, transitions
from shidian.core.documents import numbers as document_numbers
from shidian.core.errors import Conflict, DomainError
from shidian.core.transitions import Flow
from shidian.evaluation import rules
from shidian.evaluation.models import (
    ELIMINATION_FLOW,
    WARNING_FLOW,
    Decided,
    DecisionStatus,
    EliminationProposal,
    Rectification,
    Result,
    Run,
    RunStatus,
    Warning,
)
from shidian.evaluation.services._common import issuing_organisation, manage
from shidian.pilots import services as pilot_services
from shidian.pilots.models import PilotArea, PilotStatus
from shidian.reporting import selectors as report_selectors


def _histories(pilot_ids: list[int], year: int) -> dict[int, list[rules.PilotYear]]:
    """Each pilot's evaluated years up to ``year`` as rules.PilotYear (grades, year-end reports, rectification)."""
    grades: dict[tuple[int, int], str] = {}
    for pid, y, grade in Result.objects.filter(
        pilot_id__in=pilot_ids, run__status=RunStatus.PUBLISHED, run__scheme__year__lte=year
    ).values_list("pilot_id", "run__scheme__year", "grade"):
        grades[(pid, y)] = grade
    rectifications: dict[tuple[int, int], str] = {}
    for pid, y, state in Warning.objects.filter(pilot_id__in=pilot_ids, status=DecisionStatus.APPROVED).values_list(
        "pilot_id", "year", "rectification"
    ):
        rectifications[(pid, y)] = state
    years = sorted({y for _p, y in grades})
    reported: dict[tuple[int, int], bool] = {}
    for y in years:
        rounds, facts = report_selectors.report_facts_for_year(pilot_ids=pilot_ids, year=y)
        has_year_end_round = any(r.kind == "year_end" for r in rounds)
        for pid, rows in facts.items():
            reported[(pid, y)] = (not has_year_end_round) or any(r.year_end_submitted for r in rows)
    return {
        pid: [
            rules.PilotYear(
                year=y,
                grade=grades.get((pid, y)),
                has_year_end_report=reported.get((pid, y), True),
                rectification=rectifications.get((pid, y), "none"),
            )
            for y in years
        ]
        for pid in pilot_ids
    }


@transaction.atomic
def create_proposals(*, run: Run, by: User) -> tuple[list[Warning], list[EliminationProposal]]:
    """After publication: apply the warning and elimination rules (rules.propose) to every pilot of the run."""
    manage(by)
    if run.status != RunStatus.PUBLISHED:
        raise Conflict(_("评估结果发布后才能生成警示与退出建议。"))
    year = run.scheme.year
    pilot_ids = list(run.results.values_list("pilot_id", flat=True))
    histories = _histories(pilot_ids, year)
    rule_set = run.scheme.rule_set()  # the year's rules, frozen with its scheme
    warnings: list[Warning] = []
    eliminations: list[EliminationProposal] = []
    today = clock.today()
    for pid in pilot_ids:
        for proposal in rules.propose(histories[pid], year=year, rules=rule_set, decided_on=today):
            common = {"pilot_id": pid, "year": year, "run": run, "reason_code": proposal.reason_code}
            if proposal.kind == "warning":
                w, created = Warning.objects.get_or_create(
                    **common, defaults={"reason": proposal.reason, "rectify_by": proposal.rectify_by}
                )
                if created:
                    warnings.append(w)
            else:
                e, created = EliminationProposal.objects.get_or_create(**common, defaults={"reason": proposal.reason})
                if created:
                    eliminations.append(e)
    audit.record(
        action=audit.AuditAction.PROPOSALS_CREATED,
        actor=by,
        obj=run,
        detail={"warnings": len(warnings), "eliminations": len(eliminations)},
    )
    return warnings, eliminations


def _decide[D: Decided](obj: D, *, flow: Flow[D], approve: bool, reason: str, by: User, on: dt.date | None) -> D:
    """Approve or reject a proposal through its flow; approval moves the pilot through its own lifecycle.

    The decision's 决定文号 is issued by core.documents.numbers (the commission's sequence of the decision's
    year, one number per decision, never reused); what cannot be numbered is refused and nothing changes.
    """
    manage(by)
    text = reason.strip()
    if not text:
        raise DomainError(_("决定理由：请写明理由。"))
    organisation = issuing_organisation(_("决定文号"))
    to = DecisionStatus.APPROVED if approve else DecisionStatus.REJECTED

    def apply(locked: D) -> transitions.Effects:
        number = document_numbers.issue_document_number(
            organisation=organisation, year=clock.today().year, subject=document_numbers.subject_of(locked)
        ).text
        locked.decision_reason = text
        locked.document_number = number
        locked.decided_by = by
        locked.decided_at = clock.now()
        fields = ["decision_reason", "document_number", "decided_by", "decided_at"]
        if approve:
            pilot = PilotArea.objects.get(pk=locked.pilot_id)
            target = PilotStatus.ELIMINATED if isinstance(locked, EliminationProposal) else PilotStatus.WARNED
            if pilot.status != target:
                pilot_services.change_pilot_status(
                    pilot=pilot,
                    to=target,
                    effective_on=on or clock.today(),
                    reason=text,
                    by=by,
                    document_number=number,
                )
            if isinstance(locked, Warning):
                locked.rectification = Rectification.PENDING
                fields.append("rectification")
        return transitions.Effects(fields=fields, detail={"reason": text, "document_number": number})

    return transitions.move(obj, to, flow=flow, by=by, apply=apply)


def decide_warning(*, warning: Warning, approve: bool, reason: str, by: User, on: dt.date | None = None) -> Warning:
    """Approve (the pilot is warned) or reject a proposed warning, with reason; the 决定文号 is issued."""
    result: Warning = _decide(warning, flow=WARNING_FLOW, approve=approve, reason=reason, by=by, on=on)
    return result


@transaction.atomic
def record_rectification(*, warning: Warning, passed: bool, note: str, by: User) -> Warning:
    """Record whether an approved warning's rectification passed (a failed one grounds an elimination proposal)."""
    manage(by)
    locked = Warning.objects.select_for_update().get(pk=warning.pk)
    if locked.status != DecisionStatus.APPROVED or locked.rectification != Rectification.PENDING:
        raise Conflict(_("只有已批准、正在整改的警示才能登记整改结果。"))
    if not note.strip():
        raise DomainError(_("整改结果：请写明依据。"))
    before = locked.rectification
    locked.rectification = Rectification.PASSED if passed else Rectification.FAILED
    locked.save(update_fields=["rectification"])
    if passed:
        _lift_warning(locked, note=note.strip(), by=by)
    audit.record(
        action=audit.AuditAction.WARNING_RECTIFIED,
        actor=by,
        obj=locked,
        changes={"rectification": [before, locked.rectification]},
        detail={"note": note.strip()},
    )
    return locked


def _lift_warning(warning: Warning, *, note: str, by: User) -> None:
    """A passed rectification returns a warned pilot to 试点中 (the pilots' lifecycle move), unless still warned."""
    pilot = PilotArea.objects.get(pk=warning.pilot_id)
    still_rectifying = (
        Warning.objects.filter(pilot_id=pilot.pk, status=DecisionStatus.APPROVED, rectification=Rectification.PENDING)
        .exclude(pk=warning.pk)
        .exists()
    )
    if pilot.status != PilotStatus.WARNED or still_rectifying:
        return
    pilot_services.change_pilot_status(
        pilot=pilot,
        to=PilotStatus.ACTIVE,
        effective_on=clock.today(),
        reason=_("%(year)d年度警示整改合格：%(note)s") % {"year": warning.year, "note": note},
        by=by,
        document_number=warning.document_number,
    )


def decide_elimination(
    *,
    proposal: EliminationProposal,
    approve: bool,
    reason: str,
    by: User,
    on: dt.date | None = None,
) -> EliminationProposal:
    """Approve (the pilot leaves the programme) or reject a proposed elimination, with reason; 决定文号 issued."""
    result: EliminationProposal = _decide(proposal, flow=ELIMINATION_FLOW, approve=approve, reason=reason, by=by, on=on)
    return result
