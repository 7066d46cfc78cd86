"""What the evaluation's decisions and bulletins mean to whom (registered with the centre in ``ready``)."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core.audit_actions import AuditAction
from shidian.core.models import AuditEvent
from shidian.evaluation.models import (
    Bulletin,
    EliminationProposal,
    ExpertAssignment,
    Objection,
    Rectification,
    Run,
    Warning,
)
from shidian.notifications import recipients
from shidian.notifications.registry import Kind, Notice, on_event


def _people(decision: Warning | EliminationProposal) -> list[User]:
    return [*recipients.pilot_officers(decision.pilot_id), *recipients.provincial_officers(decision.pilot.province_id)]


@on_event(AuditAction.WARNING_APPROVED)
def warning_approved(event: AuditEvent) -> Iterator[Notice]:
    """The pilot and its province learn of the warning (警示), its reason and its rectification deadline."""
    warning = Warning.objects.select_related("pilot").filter(pk=event.object_id).first()
    if warning is None:
        return
    yield Notice(
        kind=Kind.DECISION,
        recipients=_people(warning),
        title=_("%(pilot)s %(year)d年度评估：予以警示") % {"pilot": warning.pilot.name, "year": warning.year},
        body=warning.decision_reason or warning.reason,
        url=reverse("evaluation:pilot", kwargs={"pilot_id": warning.pilot_id}),
    )


@on_event(AuditAction.WARNING_RECTIFIED)
def warning_rectified(event: AuditEvent) -> Iterator[Notice]:
    """The pilot and its province learn whether the rectification (整改) passed."""
    warning = Warning.objects.select_related("pilot").filter(pk=event.object_id).first()
    if warning is None:
        return
    passed = warning.rectification == Rectification.PASSED
    yield Notice(
        kind=Kind.DECISION,
        recipients=_people(warning),
        title=(_("%(pilot)s 整改合格") if passed else _("%(pilot)s 整改不合格")) % {"pilot": warning.pilot.name},
        body=str(event.detail.get("note", "")),
        url=reverse("evaluation:pilot", kwargs={"pilot_id": warning.pilot_id}),
    )


@on_event(AuditAction.ELIMINATION_APPROVED)
def elimination_approved(event: AuditEvent) -> Iterator[Notice]:
    """The pilot and its province learn that the pilot leaves the programme (退出), with the document number."""
    proposal = EliminationProposal.objects.select_related("pilot").filter(pk=event.object_id).first()
    if proposal is None:
        return
    yield Notice(
        kind=Kind.DECISION,
        recipients=_people(proposal),
        title=_("%(pilot)s 退出试点（%(number)s）")
        % {"pilot": proposal.pilot.name, "number": proposal.document_number},
        body=proposal.decision_reason or proposal.reason,
        url=reverse("evaluation:pilot", kwargs={"pilot_id": proposal.pilot_id}),
    )


@on_event(AuditAction.BULLETIN_ISSUED)
def bulletin_issued(event: AuditEvent) -> Iterator[Notice]:
    """Every provincial commission and the ministries learn that the year's bulletin (通报) was issued."""
    bulletin = Bulletin.objects.select_related("run__scheme").filter(pk=event.object_id).first()
    if bulletin is None:
        return
    people = [*recipients.all_provincial_officers(), *recipients.all_ministry_reviewers()]
    yield Notice(
        kind=Kind.DECISION,
        recipients=people,
        title=_("评估通报已印发：%(title)s（%(number)s）") % {"title": bulletin.title, "number": bulletin.number},
        url=reverse("evaluation:run", kwargs={"run_id": bulletin.run_id}),
    )


@on_event(AuditAction.OBJECTION_FILED)
def objection_filed(event: AuditEvent) -> Iterator[Notice]:
    """The commission learns of a province's objection to a draft result (it must answer before publishing)."""
    objection = Objection.objects.select_related("result__pilot", "province").filter(pk=event.object_id).first()
    if objection is None:
        return
    yield Notice(
        kind=Kind.REVIEW,
        recipients=recipients.national_officers(),
        title=_("评估异议待答复：%(province)s 对 %(pilot)s")
        % {"province": objection.province, "pilot": objection.result.pilot.name},
        body=objection.reasons,
        url=reverse("evaluation:result", kwargs={"result_id": objection.result_id}),
    )


@on_event(AuditAction.OBJECTION_ANSWERED)
def objection_answered(event: AuditEvent) -> Iterator[Notice]:
    """The province that objected gets the commission's answer."""
    objection = Objection.objects.select_related("result__pilot").filter(pk=event.object_id).first()
    if objection is None:
        return
    yield Notice(
        kind=Kind.ANSWER,
        recipients=recipients.provincial_officers(objection.province_id),
        title=_("评估异议已答复：%(pilot)s") % {"pilot": objection.result.pilot.name},
        body=objection.answer,
        url=reverse("evaluation:result", kwargs={"result_id": objection.result_id}),
    )


@on_event(AuditAction.RUN_PUBLISHED)
def results_published(event: AuditEvent) -> Iterator[Notice]:
    """Every provincial commission, and the experts who scored that year, learn that the results are published."""
    run = Run.objects.select_related("scheme").filter(pk=event.object_id).first()
    if run is None:
        return
    experts = User.objects.filter(is_active=True, expert_assignments__year=run.scheme.year).distinct().order_by("id")
    yield Notice(
        kind=Kind.DECISION,
        recipients=[*recipients.all_provincial_officers(), *experts],
        title=_("%(year)d年度评估结果已发布") % {"year": run.scheme.year},
        url=reverse("evaluation:run", kwargs={"run_id": run.pk}),
    )


@on_event(AuditAction.EXPERT_ASSIGNED)
def expert_assigned(event: AuditEvent) -> Iterator[Notice]:
    """The expert learns which pilot to score, and until when."""
    assignment = ExpertAssignment.objects.select_related("pilot", "expert").filter(pk=event.object_id).first()
    if assignment is None:
        return
    yield Notice(
        kind=Kind.REVIEW,
        recipients=[assignment.expert],
        title=_("请评分：%(pilot)s %(year)d年度") % {"pilot": assignment.pilot.name, "year": assignment.year},
        url=reverse("evaluation:score", kwargs={"assignment_id": assignment.pk}),
    )
