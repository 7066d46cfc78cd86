"""Objections (异议) to a draft run's results, and the commission's answers."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit, clock, formatting, scoping, transitions, uploads
from shidian.core.errors import Conflict, DomainError, NotFound
from shidian.core.roles import Capability, Reach
from shidian.evaluation.models import OBJECTION_FLOW, Objection, ObjectionStatus, Result, RunStatus
from shidian.evaluation.services._common import manage


@transaction.atomic
def file_objection(
    *, result: Result, reasons: str, by: User, evidence: bytes | None = None, evidence_name: str = ""
) -> Objection:
    """A provincial officer objects to one of the province's pilots' draft results, within the window."""
    if not scoping.can(by, Capability.OBJECT_RESULTS) or not scoping.sees(by, result, level=Reach.PROVINCE):
        raise NotFound
    run = result.run
    if run.status != RunStatus.DRAFT:
        raise Conflict(_("评估结果已发布，不能再提出异议。"))
    if run.objections_until is not None and clock.today() > run.objections_until:
        raise DomainError(_("异议期已于 %(date)s 结束。") % {"date": formatting.date(run.objections_until)})
    text = reasons.strip()
    if not text:
        raise DomainError(_("异议理由：请写明理由。"))
    if evidence:
        uploads.check(
            evidence,
            allowed=(uploads.PDF, uploads.PNG, uploads.JPEG, uploads.DOCX),
            max_bytes=10 * 1024 * 1024,
            name=evidence_name,
        )
    objection = Objection.objects.create(
        result=result,
        province_id=result.pilot.province_id,
        reasons=text,
        evidence=evidence or None,
        evidence_name=evidence_name[:200] if evidence else "",
        filed_by=by,
        filed_on=clock.today(),
    )
    audit.record(
        action=audit.AuditAction.OBJECTION_FILED,
        actor=by,
        obj=objection,
        detail={"run": run.pk, "pilot": result.pilot.name, "evidence": bool(evidence)},
    )
    return objection


def answer_objection(*, objection: Objection, answer: str, by: User) -> Objection:
    """The commission answers an objection (a correction is a new run)."""
    manage(by)
    text = answer.strip()
    if not text:
        raise DomainError(_("答复：请填写答复内容。"))

    def apply(locked: Objection) -> transitions.Effects:
        locked.answer = text
        locked.answered_by = by
        locked.answered_at = clock.now()
        return transitions.Effects(fields=("answer", "answered_by", "answered_at"), detail={"answer": text})

    return transitions.move(objection, ObjectionStatus.ANSWERED, flow=OBJECTION_FLOW, by=by, apply=apply)
