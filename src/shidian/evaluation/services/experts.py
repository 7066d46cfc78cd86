"""Provincial assessments (省级评价), expert assignments and the experts' item-by-item scores."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit, clock, formatting, scoping
from shidian.core.errors import Conflict, DomainError, NotFound
from shidian.core.roles import Capability, Reach, Role
from shidian.evaluation.models import (
    Expert,
    ExpertAssignment,
    ExpertScore,
    ProvinceAssessment,
    Run,
    RunStatus,
    Scheme,
    SchemeStatus,
    ScoreItem,
)
from shidian.evaluation.services._common import decimal, manage
from shidian.pilots.models import PilotArea


@transaction.atomic
def set_province_assessment(*, pilot: PilotArea, year: int, score: Any, comment: str, by: User) -> ProvinceAssessment:
    """The province's score of one of its own pilots (0..100)."""
    if not scoping.can(by, Capability.ASSESS_PILOTS) or not scoping.sees(by, pilot, level=Reach.PROVINCE):
        raise NotFound
    value = decimal(score, _("省级评分"))
    if not Decimal(0) <= value <= Decimal(100):
        raise DomainError(_("省级评分应在 0 到 100 之间。"))
    if Run.objects.filter(scheme__year=year, status=RunStatus.PUBLISHED).exists():
        raise Conflict(_("%(year)d年度评估结果已发布，不能再修改省级评价。") % {"year": year})
    assessment, created = ProvinceAssessment.objects.update_or_create(
        pilot=pilot, year=year, defaults={"score": value, "comment": comment.strip(), "entered_by": by}
    )
    audit.record(
        action=audit.AuditAction.ASSESSMENT_SET,
        actor=by,
        obj=assessment,
        detail={"year": year, "score": value, "created": created},
    )
    return assessment


@transaction.atomic
def assign_expert(*, expert: User, pilot: PilotArea, scheme: Scheme, by: User) -> ExpertAssignment:
    """Assign an expert to score a pilot within the scheme's window; never a pilot of the expert's own province."""
    manage(by)
    if expert.role != Role.EXPERT:
        raise DomainError(_("只能分配评估专家账号。"))
    if scheme.scoring_opens_on is None or scheme.scoring_closes_on is None:
        raise DomainError(_("请先在评估方案中设定专家评分的起止日期。"))
    profile = Expert.objects.filter(user=expert).first()
    if profile is not None and profile.province_id == pilot.province_id:
        raise DomainError(
            _("不能把本省试点分配给专家：%(expert)s 的工作单位在%(province)s。")
            % {"expert": expert.full_name or expert.username, "province": pilot.province.name}
        )
    if ExpertAssignment.objects.filter(expert=expert, pilot=pilot, year=scheme.year).exists():
        raise Conflict(_("该专家已分配评审这个试点。"))
    assignment = ExpertAssignment.objects.create(
        expert=expert,
        pilot=pilot,
        year=scheme.year,
        opens_on=scheme.scoring_opens_on,
        closes_on=scheme.scoring_closes_on,
        assigned_by=by,
    )
    audit.record(
        action=audit.AuditAction.EXPERT_ASSIGNED,
        actor=by,
        obj=assignment,
        detail={"expert": expert.username, "pilot": pilot.name, "year": scheme.year},
    )
    return assignment


@transaction.atomic
def save_expert_scores(
    *, assignment: ExpertAssignment, scores: Mapping[str, Any], comments: Mapping[str, str], comment: str, by: User
) -> ExpertAssignment:
    """An expert scores an assigned pilot item by item, within the window and the scheme's range."""
    if not scoping.can(by, Capability.SCORE_EVALUATION) or assignment.expert_id != getattr(by, "pk", None):
        raise NotFound
    today = clock.today()
    if not assignment.opens_on <= today <= assignment.closes_on:
        raise DomainError(
            _("评分期为 %(start)s 至 %(end)s，现在不能评分。")
            % {"start": formatting.date(assignment.opens_on), "end": formatting.date(assignment.closes_on)}
        )
    scheme = Scheme.objects.filter(year=assignment.year).first()
    top = Decimal(scheme.max_expert_score if scheme else 100)
    if scheme is not None and scheme.status == SchemeStatus.FROZEN:
        raise Conflict(_("%(year)d年度评估结果已发布，不能再评分。") % {"year": assignment.year})
    parsed: dict[str, Decimal] = {}
    for choice in ScoreItem:
        label = str(choice.label)
        if choice.value not in scores or str(scores[choice.value]).strip() == "":
            raise DomainError(_("“%(item)s”：请评分。") % {"item": label})
        value = decimal(scores[choice.value], label)
        if not Decimal(0) <= value <= top:
            raise DomainError(_("“%(item)s”的评分应在 0 到 %(top)s 之间。") % {"item": label, "top": top})
        parsed[choice.value] = value
    existing = {s.item: s for s in assignment.scores.all()}
    before = {item: s.score for item, s in existing.items()}
    unchanged = (
        before == parsed
        and all(existing[i].comment == comments.get(i, "").strip() for i in parsed)
        and assignment.comment == comment.strip()
    )
    if unchanged:  # the form saved as it was: write and record nothing
        return assignment
    for item, value in parsed.items():
        ExpertScore.objects.update_or_create(
            assignment=assignment, item=item, defaults={"score": value, "comment": comments.get(item, "").strip()}
        )
    assignment.comment = comment.strip()
    assignment.scored_at = clock.now()
    assignment.save(update_fields=["comment", "scored_at"])
    audit.record(
        action=audit.AuditAction.EXPERT_SCORED,
        actor=by,
        obj=assignment,
        changes={k: [before.get(k), v] for k, v in parsed.items() if before.get(k) != v},
    )
    return assignment
