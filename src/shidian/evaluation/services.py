"""Change the evaluation: schemes, assessments and expert scores, runs, publication, objections, decisions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit, clock, scoping, transitions
from shidian.core.errors import Conflict, DomainError, NotFound
from shidian.core.roles import Capability, Reach, Role
from shidian.evaluation import scoring
from shidian.evaluation.models import (
    DEFAULT_DIMENSIONS,
    ELIMINATION_FLOW,
    OBJECTION_FLOW,
    RUN_FLOW,
    SCHEME_FLOW,
    CompositeMethod,
    DecisionStatus,
    Dimension,
    DimensionCode,
    EliminationProposal,
    Expert,
    ExpertAssignment,
    ExpertScore,
    IndicatorMethod,
    Objection,
    ObjectionStatus,
    ProvinceAssessment,
    Rectification,
    Result,
    Run,
    RunState,
    RunStatus,
    Scheme,
    SchemeStatus,
    ScoreItem,
    Warning,
)
from shidian.indicators import selectors as indicator_selectors
from shidian.pilots.models import PilotArea, PilotStatus
from shidian.plans import selectors as plan_selectors
from shidian.reporting import selectors as report_selectors

# Runs with more pilots than this go to the task worker; smaller ones (and tests) compute at once.
BACKGROUND_PILOTS = 60
EVALUATED_STATUSES = (PilotStatus.ACTIVE, PilotStatus.WARNED)
THRESHOLD_FIELDS = ("excellent_from", "good_from", "pass_from")


def _manage(by: Any) -> None:
    if not scoping.can(by, Capability.MANAGE_EVALUATION):
        raise NotFound


def _decimal(value: Any, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(_("%(field)s：请填写数字。") % {"field": label}) from exc
    if not number.is_finite():
        raise DomainError(_("%(field)s：请填写数字。") % {"field": label})
    return number


# -- schemes ------------------------------------------------------------------------------------------


@transaction.atomic
def create_scheme(*, year: int, by: Any, copy_from: Scheme | None = None) -> Scheme:
    """A year's scheme with the default dimensions and weights (or a copy of an earlier year's)."""
    _manage(by)
    if Scheme.objects.filter(year=year).exists():
        raise Conflict(_("%(year)d年度评估方案已存在。") % {"year": year})
    scheme = Scheme.objects.create(year=year)
    if copy_from is not None:
        for field in (*THRESHOLD_FIELDS, "indicator_method", "composite_method", "attainment_cap", "max_expert_score"):
            setattr(scheme, field, getattr(copy_from, field))
        scheme.save()
        dims = [(d.code, d.weight, d.rule) for d in copy_from.dimensions.all()]
    else:
        dims = [(code, Decimal(weight), rule) for code, weight, rule in DEFAULT_DIMENSIONS]
    Dimension.objects.bulk_create(
        Dimension(scheme=scheme, code=code, weight=weight, rule=rule, position=i)
        for i, (code, weight, rule) in enumerate(dims)
    )
    audit.record(action=audit.AuditAction.SCHEME_CREATED, actor=by, obj=scheme, detail={"year": year})
    return scheme


@transaction.atomic
def update_scheme(
    *,
    scheme: Scheme,
    weights: Mapping[str, Any],
    thresholds: Mapping[str, Any],
    indicator_method: str,
    composite_method: str,
    by: Any,
    rules: Mapping[str, str] | None = None,
    scoring_opens_on: dt.date | None = None,
    scoring_closes_on: dt.date | None = None,
    objection_days: int | None = None,
) -> Scheme:
    """Change a draft scheme; refuse (naming the field, changing nothing) bad weights, thresholds or a frozen one."""
    _manage(by)
    locked = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if locked.status == SchemeStatus.FROZEN:
        raise Conflict(_("%(year)d年度评估方案已冻结：已有发布的评估结果，不能再修改。") % {"year": locked.year})
    dims = {d.code: d for d in locked.dimensions.all()}
    parsed: dict[str, Decimal] = {}
    for code, dim in dims.items():
        label = _("“%(name)s”的权重") % {"name": dim.name}
        value = _decimal(weights.get(code, dim.weight), label)
        if value < 0 or value > 100:
            raise DomainError(_("%(field)s应在 0 到 100 之间。") % {"field": label})
        parsed[code] = value
    total = sum(parsed.values(), Decimal(0))
    if total != 100:
        raise DomainError(_("各维度权重之和应为 100，现为 %(total)s。") % {"total": scoring.money(float(total))})
    labels = {
        "excellent_from": _("优秀分数线"),
        "good_from": _("良好分数线"),
        "pass_from": _("合格分数线"),
    }
    levels = {f: _decimal(thresholds.get(f, getattr(locked, f)), str(labels[f])) for f in THRESHOLD_FIELDS}
    for field, value in levels.items():
        if value <= 0 or value > 100:
            raise DomainError(_("%(field)s应大于 0、不超过 100。") % {"field": labels[field]})
    if not levels["excellent_from"] > levels["good_from"] > levels["pass_from"]:
        raise DomainError(
            _("分数线应依次递减：优秀分数线 %(e)s 应高于良好分数线 %(g)s，良好分数线应高于合格分数线 %(p)s。")
            % {"e": levels["excellent_from"], "g": levels["good_from"], "p": levels["pass_from"]}
        )
    if indicator_method not in IndicatorMethod.values:
        raise DomainError(_("指标计分方法：请选择列表中的方法。"))
    if composite_method not in CompositeMethod.values:
        raise DomainError(_("综合排序方法：请选择列表中的方法。"))
    if scoring_opens_on and scoring_closes_on and scoring_closes_on < scoring_opens_on:
        raise DomainError(_("专家评分截止：不能早于评分开始日期。"))
    changes: dict[str, list[Any]] = {}
    for code, value in parsed.items():
        dim = dims[code]
        rule = (rules or {}).get(code, dim.rule).strip() or dim.rule
        if dim.weight != value or dim.rule != rule:
            changes[f"weight.{code}"] = [dim.weight, value]
            dim.weight, dim.rule = value, rule
            dim.save(update_fields=["weight", "rule"])
    plain: dict[str, Any] = {
        **levels,
        "indicator_method": indicator_method,
        "composite_method": composite_method,
        "scoring_opens_on": scoring_opens_on,
        "scoring_closes_on": scoring_closes_on,
        "objection_days": objection_days if objection_days is not None else locked.objection_days,
    }
    for field, value in plain.items():
        if getattr(locked, field) != value:
            changes[field] = [getattr(locked, field), value]
            setattr(locked, field, value)
    if changes:
        locked.save()
        audit.record(action=audit.AuditAction.SCHEME_CHANGED, actor=by, obj=locked, changes=changes)
    return locked


# -- provincial assessment and experts ------------------------------------------------------------------


@transaction.atomic
def set_province_assessment(*, pilot: PilotArea, year: int, score: Any, comment: str, by: Any) -> ProvinceAssessment:
    """The province's score of one of its own pilots (0..100)."""
    if not scoping.can(by, Capability.ASSESS_PILOTS) or not scoping.sees(by, pilot, level=Reach.PROVINCE):
        raise NotFound
    value = _decimal(score, _("省级评分"))
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
def assign_expert(*, expert: User, pilot: PilotArea, scheme: Scheme, by: Any) -> ExpertAssignment:
    """Assign an expert to score a pilot within the scheme's window; never a pilot of the expert's own province."""
    _manage(by)
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
    *, assignment: ExpertAssignment, scores: Mapping[str, Any], comments: Mapping[str, str], comment: str, by: Any
) -> ExpertAssignment:
    """An expert scores an assigned pilot item by item, within the window and the scheme's range."""
    if not scoping.can(by, Capability.SCORE_EVALUATION) or assignment.expert_id != getattr(by, "pk", None):
        raise NotFound
    today = clock.today()
    if not assignment.opens_on <= today <= assignment.closes_on:
        raise DomainError(
            _("评分期为 %(start)s 至 %(end)s，现在不能评分。")
            % {"start": assignment.opens_on.isoformat(), "end": assignment.closes_on.isoformat()}
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
        value = _decimal(scores[choice.value], label)
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
    assignment.scored_at = timezone.now()
    assignment.save(update_fields=["comment", "scored_at"])
    audit.record(
        action=audit.AuditAction.EXPERT_SCORED,
        actor=by,
        obj=assignment,
        changes={k: [before.get(k), v] for k, v in parsed.items() if before.get(k) != v},
    )
    return assignment


# -- the run ------------------------------------------------------------------------------------------


def evaluated_pilots(year: int) -> Any:
    """Every pilot in the programme in ``year``: admitted by then and active or warned."""
    return (
        PilotArea.objects.filter(status__in=EVALUATED_STATUSES)
        .exclude(batch__notice_date__year__gt=year)
        .select_related("batch", "province")
        .order_by("pk")
    )


def _iso(day: dt.date | dt.datetime | None) -> str | None:
    return day.isoformat() if day is not None else None


def gather_inputs(*, scheme: Scheme, pilots: Any = None) -> dict[str, Any]:
    """The inputs snapshot of a run: every number it rests on, read in a fixed handful of queries."""
    year = scheme.year
    pilot_list = list(pilots if pilots is not None else evaluated_pilots(year))
    ids = [p.pk for p in pilot_list]
    dims = {d.code: d for d in scheme.dimensions.all()}
    due = plan_selectors.milestones_due_in_year(pilot_ids=ids, year=year)
    end_years = {p.pk: p.batch.rollout_by.year if p.batch.rollout_by else year for p in pilot_list}
    series = indicator_selectors.series_for_pilots(end_years=end_years)
    _rounds, reports = report_selectors.report_facts_for_year(pilot_ids=ids, year=year)
    experts: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    for aid, pid, expert, item, score in (
        ExpertScore.objects.filter(assignment__pilot_id__in=ids, assignment__year=year)
        .values_list("assignment_id", "assignment__pilot_id", "assignment__expert__username", "item", "score")
        .order_by("assignment_id", "item")
    ):
        row = experts[pid].setdefault(aid, {"assignment_id": aid, "expert": expert, "items": {}})
        row["items"][item] = str(score)
    assessments = {
        a.pilot_id: {"score": str(a.score), "comment": a.comment, "id": a.pk}
        for a in ProvinceAssessment.objects.filter(pilot_id__in=ids, year=year)
    }
    items = ScoreItem.values
    snapshot_pilots = []
    for p in pilot_list:
        indicator_rows = []
        for s in series.get(p.pk, []):
            in_year = [(period, v) for period, v in s.points if period.year <= year]
            target = s.target
            if target is None:
                continue
            latest = in_year[-1] if in_year else None
            indicator_rows.append(
                {
                    "code": s.indicator.code,
                    "name": s.indicator.name,
                    "unit": s.indicator.unit,
                    "direction": s.indicator.direction,
                    "value": str(latest[1]) if latest else None,
                    "period": latest[0].code if latest else None,
                    "target": str(target),
                    "target_year": s.target_year,
                    "own_target": s.target_year in s.targets,
                }
            )
        expert_rows = []
        for row in experts.get(p.pk, {}).values():
            full = all(i in row["items"] for i in items)
            total = sum(float(row["items"][i]) for i in items) / len(items) if full else None
            expert_rows.append({**row, "total": total})
        snapshot_pilots.append(
            {
                "id": p.pk,
                "name": p.name,
                "province_id": p.province_id,
                "province": p.province.name,
                "batch": p.batch.number,
                "region": p.province.region,
                "milestones": [
                    {
                        "id": m.milestone_id,
                        "task": m.task,
                        "name": m.name,
                        "duration": m.duration,
                        "due": _iso(m.due),
                        "status": m.status,
                        "finished_on": _iso(m.finished_on),
                    }
                    for m in due.get(p.pk, [])
                ],
                "indicators": indicator_rows,
                "reports": [
                    {
                        "round_id": r.round_id,
                        "kind": r.kind,
                        "due": _iso(r.due),
                        "report_id": r.report_id,
                        "submitted_at": _iso(r.first_submitted_at),
                        "late": r.late,
                        "returns": r.returns,
                    }
                    for r in reports.get(p.pk, [])
                ],
                "experts": expert_rows,
                # Typical experiences (典型经验) are selected in a module that does not exist yet: none count.
                "experiences": [],
                "province_assessment": assessments.get(p.pk),
            }
        )
    return {
        "year": year,
        "scheme": {
            "id": scheme.pk,
            "weights": {code: str(dims[code].weight) for code in scoring.DIMENSIONS if code in dims},
            "rules": {code: dims[code].rule for code in dims},
            "thresholds": {
                "excellent": str(scheme.excellent_from),
                "good": str(scheme.good_from),
                "pass": str(scheme.pass_from),
            },
            "indicator_method": scheme.indicator_method,
            "composite_method": scheme.composite_method,
            "attainment_cap": str(scheme.attainment_cap),
            "max_expert_score": scheme.max_expert_score,
        },
        "pilots": snapshot_pilots,
    }


@transaction.atomic
def start_run(*, scheme: Scheme, by: Any, note: str = "", background: bool | None = None) -> Run:
    """Start a run of ``scheme``: large ones go to the task worker, small ones compute at once."""
    _manage(by)
    if scheme.status == SchemeStatus.FROZEN:
        raise Conflict(_("%(year)d年度评估结果已发布，方案已冻结；不能再计算。") % {"year": scheme.year})
    missing = [c for c in DimensionCode.values if not scheme.dimensions.filter(code=c).exists()]
    if missing:
        raise DomainError(_("评估方案缺少维度：%(codes)s。") % {"codes": "、".join(missing)})
    number = (Run.objects.filter(scheme=scheme).aggregate(n=Max("number"))["n"] or 0) + 1
    total = evaluated_pilots(scheme.year).count()
    run = Run.objects.create(
        scheme=scheme, number=number, created_by=by, note=note[:300], total_pilots=total, started_on=clock.today()
    )
    audit.record(action=audit.AuditAction.RUN_CREATED, actor=by, obj=run, detail={"year": scheme.year, "pilots": total})
    if background if background is not None else total > BACKGROUND_PILOTS:
        from shidian.evaluation.tasks import compute_run_task

        run_id = run.pk
        transaction.on_commit(lambda: compute_run_task.enqueue(run_id))
        return run
    return compute_run(run=run)


def compute_run(*, run: Run, pilots: Any = None) -> Run:
    """Gather the inputs, score every pilot in one pass, store the snapshot and the results."""
    if run.state not in {RunState.QUEUED, RunState.FAILED}:
        return run
    Run.objects.filter(pk=run.pk).update(state=RunState.RUNNING)
    try:
        with transaction.atomic():
            inputs = gather_inputs(scheme=run.scheme, pilots=pilots)
            Run.objects.filter(pk=run.pk).update(total_pilots=len(inputs["pilots"]))
            scored = scoring.score_run(inputs)
            Result.objects.bulk_create(
                Result(
                    run=run,
                    pilot_id=s.pilot_id,
                    score=s.score,
                    grade=s.grade,
                    rank_overall=s.ranks["overall"],
                    rank_batch=s.ranks["batch"],
                    rank_region=s.ranks["region"],
                    rank_province=s.ranks["province"],
                    breakdown=s.breakdown,
                )
                for s in scored
            )
            objection_days = run.scheme.objection_days
            Run.objects.filter(pk=run.pk).update(
                inputs=inputs,
                state=RunState.DONE,
                processed_pilots=len(scored),
                objections_until=clock.today() + dt.timedelta(days=objection_days),
            )
    except (ValueError, DomainError) as exc:
        Run.objects.filter(pk=run.pk).update(state=RunState.FAILED, error=str(exc))
    run.refresh_from_db()
    return run


def run_job(run_id: int) -> Run:
    """The task worker's entry point."""
    run = Run.objects.select_related("scheme").get(pk=run_id)
    return compute_run(run=run)


# -- publication and objections ------------------------------------------------------------------------


def publish_run(*, run: Run, by: Any) -> Run:
    """Publish a computed draft run (the scheme freezes); refused while an objection is unanswered."""
    _manage(by)

    def guard(locked: Run) -> None:
        if locked.state != RunState.DONE:
            raise Conflict(_("评估尚未计算完成，不能发布。"))
        open_count = Objection.objects.filter(result__run=locked, status=ObjectionStatus.OPEN).count()
        if open_count:
            raise Conflict(_("还有 %(n)d 条异议未答复，答复后才能发布。") % {"n": open_count})
        if Run.objects.filter(scheme_id=locked.scheme_id, status=RunStatus.PUBLISHED).exists():
            raise Conflict(_("本年度已有发布的评估结果；更正请通过新的计算并说明理由。"))

    def apply(locked: Run) -> transitions.Effects:
        locked.published_at = timezone.now()
        locked.published_on = clock.today()
        locked.published_by = by
        scheme = locked.scheme
        if scheme.status == SchemeStatus.DRAFT:
            transitions.move(scheme, SchemeStatus.FROZEN, flow=SCHEME_FLOW, by=by)
        return transitions.Effects(
            fields=("published_at", "published_on", "published_by"), detail={"year": scheme.year}
        )

    published = transitions.move(
        run,
        RunStatus.PUBLISHED,
        flow=RUN_FLOW,
        by=by,
        guard=guard,
        apply=apply,
        queryset=Run.objects.select_related("scheme"),
    )
    return published


@transaction.atomic
def file_objection(
    *, result: Result, reasons: str, by: Any, evidence: bytes | None = None, evidence_name: str = ""
) -> Objection:
    """A provincial officer objects to one of the province's pilots' draft results, within the window."""
    if not scoping.can(by, Capability.OBJECT_RESULTS) or not scoping.sees(by, result, level=Reach.PROVINCE):
        raise NotFound
    run = result.run
    if run.status != RunStatus.DRAFT:
        raise Conflict(_("评估结果已发布，不能再提出异议。"))
    if run.objections_until is not None and clock.today() > run.objections_until:
        raise DomainError(_("异议期已于 %(date)s 结束。") % {"date": run.objections_until.isoformat()})
    text = reasons.strip()
    if not text:
        raise DomainError(_("异议理由：请写明理由。"))
    if evidence:
        from shidian.core import uploads

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


def answer_objection(*, objection: Objection, answer: str, by: Any) -> Objection:
    """The commission answers an objection (a correction is a new run)."""
    _manage(by)
    text = answer.strip()
    if not text:
        raise DomainError(_("答复：请填写答复内容。"))

    def apply(locked: Objection) -> transitions.Effects:
        locked.answer = text
        locked.answered_by = by
        locked.answered_at = timezone.now()
        return transitions.Effects(fields=("answer", "answered_by", "answered_at"), detail={"answer": text})

    return transitions.move(objection, ObjectionStatus.ANSWERED, flow=OBJECTION_FLOW, by=by, apply=apply)


# -- warnings and elimination ---------------------------------------------------------------------------


def _histories(pilot_ids: list[int], year: int) -> dict[int, list[Any]]:
    """Each pilot's evaluated years up to ``year`` as rules.PilotYear (grades, year-end reports, rectification)."""
    from shidian.evaluation import rules

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
def create_proposals(*, run: Run, by: Any) -> tuple[list[Warning], list[EliminationProposal]]:
    """After publication: apply the warning and elimination rules (rules.propose) to every pilot of the run."""
    from shidian.evaluation import rules

    _manage(by)
    if run.status != RunStatus.PUBLISHED:
        raise Conflict(_("评估结果发布后才能生成警示与退出建议。"))
    year = run.scheme.year
    pilot_ids = list(run.results.values_list("pilot_id", flat=True))
    histories = _histories(pilot_ids, year)
    warnings: list[Warning] = []
    eliminations: list[EliminationProposal] = []
    today = clock.today()
    for pid in pilot_ids:
        for proposal in rules.propose(histories[pid], year=year, rules=rules.RuleSet(), decided_on=today):
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


def _decide(
    obj: Any, *, flow: Any, approve: bool, reason: str, document_number: str, by: Any, on: dt.date | None
) -> Any:
    _manage(by)
    text, number = reason.strip(), document_number.strip()
    if not text:
        raise DomainError(_("决定理由：请写明理由。"))
    if not number:
        raise DomainError(_("决定文号：请填写决定所依据的文号，没有文号不能作出决定。"))
    to = DecisionStatus.APPROVED if approve else DecisionStatus.REJECTED

    def apply(locked: Any) -> transitions.Effects:
        locked.decision_reason = text
        locked.document_number = number
        locked.decided_by = by
        locked.decided_at = timezone.now()
        fields = ["decision_reason", "document_number", "decided_by", "decided_at"]
        if approve:
            from shidian.pilots import services as pilot_services

            pilot = PilotArea.objects.get(pk=locked.pilot_id)
            target = PilotStatus.ELIMINATED if flow is ELIMINATION_FLOW else PilotStatus.WARNED
            if pilot.status != target:
                pilot_services.change_pilot_status(
                    pilot=pilot,
                    to=target,
                    effective_on=on or clock.today(),
                    reason=text,
                    by=by,
                    document_number=number,
                )
            if flow is not ELIMINATION_FLOW:
                locked.rectification = Rectification.PENDING
                fields.append("rectification")
        return transitions.Effects(fields=fields, detail={"reason": text, "document_number": number})

    return transitions.move(obj, to, flow=flow, by=by, apply=apply)


def decide_warning(
    *, warning: Warning, approve: bool, reason: str, document_number: str, by: Any, on: dt.date | None = None
) -> Warning:
    """Approve (the pilot is warned) or reject a proposed warning, with reason and document number."""
    from shidian.evaluation.models import WARNING_FLOW

    result: Warning = _decide(
        warning, flow=WARNING_FLOW, approve=approve, reason=reason, document_number=document_number, by=by, on=on
    )
    return result


@transaction.atomic
def record_rectification(*, warning: Warning, passed: bool, note: str, by: Any) -> Warning:
    """Record whether an approved warning's rectification passed (a failed one grounds an elimination proposal)."""
    _manage(by)
    locked = Warning.objects.select_for_update().get(pk=warning.pk)
    if locked.status != DecisionStatus.APPROVED or locked.rectification != Rectification.PENDING:
        raise Conflict(_("只有已批准、正在整改的警示才能登记整改结果。"))
    if not note.strip():
        raise DomainError(_("整改结果：请写明依据。"))
    before = locked.rectification
    locked.rectification = Rectification.PASSED if passed else Rectification.FAILED
    locked.save(update_fields=["rectification"])
    audit.record(
        action=audit.AuditAction.WARNING_RECTIFIED,
        actor=by,
        obj=locked,
        changes={"rectification": [before, locked.rectification]},
        detail={"note": note.strip()},
    )
    return locked


def decide_elimination(
    *,
    proposal: EliminationProposal,
    approve: bool,
    reason: str,
    document_number: str,
    by: Any,
    on: dt.date | None = None,
) -> EliminationProposal:
    """Approve (the pilot leaves the programme) or reject a proposed elimination, with reason and document number."""
    result: EliminationProposal = _decide(
        proposal,
        flow=ELIMINATION_FLOW,
        approve=approve,
        reason=reason,
        document_number=document_number,
        by=by,
        on=on,
    )
    return result


# -- the bulletin (通报) ----------------------------------------------------------------------------------

BULLETIN_RECIPIENTS = ["各省、自治区、直辖市及计划单列市、新疆生产建设兵团发展改革委"]
BULLETIN_COPIED = ["国家新型城镇化工作部际联席会议各成员单位"]
BULLETIN_ISSUER = "国家发展改革委办公厅"


@transaction.atomic
def save_bulletin(*, run: Run, number: str, title: str, experiences: str, problems: str, by: Any) -> Any:
    """Draft or edit the bulletin of a published run (number, title, experiences, problems)."""
    from shidian.evaluation.models import Bulletin

    _manage(by)
    if run.status != RunStatus.PUBLISHED:
        raise Conflict(_("评估结果发布后才能编制通报。"))
    if not number.strip() or not title.strip():
        raise DomainError(_("通报需要发文字号和标题。"))
    current = Bulletin.objects.filter(run=run).first()
    fields = {
        "number": number.strip(),
        "title": title.strip(),
        "experiences": experiences.strip(),
        "problems": problems.strip(),
    }
    if current is not None and all(getattr(current, k) == v for k, v in fields.items()):
        return current  # saved as it was: write and record nothing
    bulletin, created = Bulletin.objects.update_or_create(
        run=run,
        defaults={
            "number": number.strip(),
            "title": title.strip(),
            "experiences": experiences.strip(),
            "problems": problems.strip(),
            "issued_on": clock.today(),
            "created_by": by,
        },
    )
    audit.record(
        action=audit.AuditAction.BULLETIN_SAVED,
        actor=by,
        obj=bulletin,
        detail={"number": bulletin.number, "created": created},
    )
    return bulletin


def bulletin_content(*, run: Run) -> Any:
    """The bulletin's content from a published run: grades and ranks, warned and eliminated pilots, attachments."""
    from shidian.evaluation import bulletin as engine
    from shidian.evaluation.models import Bulletin

    if run.status != RunStatus.PUBLISHED:
        raise Conflict(_("评估结果发布后才能生成通报。"))
    draft = Bulletin.objects.filter(run=run).first()
    year = run.scheme.year
    results = list(
        Result.objects.filter(run=run)
        .select_related("pilot__province", "pilot__batch")
        .order_by("rank_overall", "pilot_id")
    )
    grades = [
        engine.GradeRow(
            pilot=r.pilot.name,
            province=r.pilot.province.name,
            batch=str(r.pilot.batch),
            score=r.score,
            grade=r.grade,
            rank=r.rank_overall,
        )
        for r in results
    ]
    warned = [
        engine.NamedReason(pilot=w.pilot.name, province=w.pilot.province.name, reason=w.reason)
        for w in Warning.objects.filter(year=year, status=DecisionStatus.APPROVED).select_related("pilot__province")
    ]
    eliminated = [
        engine.NamedReason(pilot=e.pilot.name, province=e.pilot.province.name, reason=e.reason)
        for e in EliminationProposal.objects.filter(year=year, status=DecisionStatus.APPROVED).select_related(
            "pilot__province"
        )
    ]

    def lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    return engine.BulletinContent(
        year=year,
        number=draft.number if draft else _("（待编号）"),
        title=draft.title if draft else _("关于%(year)d年度国家新型城镇化综合试点评估情况的通报") % {"year": year},
        recipients=BULLETIN_RECIPIENTS,
        copied_to=BULLETIN_COPIED,
        issuer=BULLETIN_ISSUER,
        issued_on=draft.issued_on if draft else clock.today(),
        grades=grades,
        warned=warned,
        eliminated=eliminated,
        experiences=lines(draft.experiences) if draft else [],
        problems=lines(draft.problems) if draft else [],
        attachments=[_("%(year)d年度国家新型城镇化综合试点评估结果") % {"year": year}],
        printed_by=BULLETIN_ISSUER,
    )


def bulletin_file(*, run: Run, fmt: str, by: Any) -> tuple[bytes, str]:
    """The bulletin as DOCX or PDF bytes and its file name; the download is audited."""
    from shidian.evaluation import bulletin as engine

    if not scoping.can(by, Capability.VIEW_EVALUATION):
        raise NotFound
    content = bulletin_content(run=run)
    data = engine.pdf_bytes(content) if fmt == "pdf" else engine.docx_bytes(content)
    audit.record(action=audit.AuditAction.BULLETIN_DOWNLOADED, actor=by, obj=run, detail={"format": fmt})
    return data, f"{run.scheme.year}年度评估通报.{fmt}"
