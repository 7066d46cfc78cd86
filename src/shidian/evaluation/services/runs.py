"""Runs (评估计算): start, compute in one set-based pass with a progress of steps, publish."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.core import audit, clock, transitions
from shidian.core.db import copy_rows
from shidian.core.errors import Conflict, DomainError
from shidian.evaluation import scoring
from shidian.evaluation.models import (
    RUN_FLOW,
    RUN_STATE_FLOW,
    RUN_STEPS,
    SCHEME_FLOW,
    DimensionCode,
    Objection,
    ObjectionStatus,
    Result,
    Run,
    RunState,
    RunStatus,
    Scheme,
    SchemeStatus,
)
from shidian.evaluation.services._common import BACKGROUND_PILOTS, manage
from shidian.evaluation.services.inputs import evaluated_pilots, gather_inputs
from shidian.pilots.models import PilotArea


@transaction.atomic
def start_run(*, scheme: Scheme, by: User, note: str = "", background: bool | None = None) -> Run:
    """Start a run of ``scheme``: large ones go to the task worker, small ones compute at once."""
    manage(by)
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


def _advance(run: Run, step: int) -> None:
    """Record that ``step`` of the run's steps are done (committed at once when outside a transaction)."""
    Run.objects.filter(pk=run.pk).update(step=step)


RESULT_FIELDS = (
    "run",
    "pilot",
    "score",
    "grade",
    "rank_overall",
    "rank_batch",
    "rank_region",
    "rank_province",
    "breakdown",
)


def _store(run: Run, scored: list[scoring.Scored], inputs: dict[str, object]) -> None:
    """Write the results and the snapshot, and mark the run done, in one transaction.

    The results go in one statement (COPY on PostgreSQL), each breakdown serialised once by the C encoder:
    at nationwide scale they are tens of megabytes of JSON, and model instances with per-value adaptation
    cost more than the reads and the arithmetic of the run together (docs/benchmarks.md, finding 8).
    """
    dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode
    with transaction.atomic():
        copy_rows(
            Result,
            RESULT_FIELDS,
            (
                (
                    run.pk,
                    s.pilot_id,
                    s.score,
                    s.grade,
                    s.ranks["overall"],
                    s.ranks["batch"],
                    s.ranks["region"],
                    s.ranks["province"],
                    dumps(s.breakdown),
                )
                for s in scored
            ),
        )

        def done(locked: Run) -> transitions.Effects:
            locked.inputs, locked.step, locked.processed_pilots = inputs, len(RUN_STEPS), len(scored)
            locked.objections_until = clock.today() + dt.timedelta(days=run.scheme.objection_days)
            return transitions.Effects(
                fields=["inputs", "step", "processed_pilots", "objections_until"], detail={"pilots": len(scored)}
            )

        transitions.move(run, RunState.DONE, flow=RUN_STATE_FLOW, by=run.created_by, apply=done)


def compute_run(*, run: Run, pilots: Iterable[PilotArea] | None = None) -> Run:
    """Gather the inputs, score every pilot in one pass, store the snapshot and the results.

    The run advances by steps (RUN_STEPS): three set-based reads, the array arithmetic, the write. Each
    step is recorded as it finishes, so the run page's progress bar moves while the task worker computes.
    """
    if run.state not in {RunState.QUEUED, RunState.FAILED}:
        return run

    def start(locked: Run) -> transitions.Effects:
        locked.step, locked.error = 0, ""
        return transitions.Effects(fields=["step", "error"])

    transitions.move(run, RunState.RUNNING, flow=RUN_STATE_FLOW, by=run.created_by, apply=start)
    try:
        inputs = gather_inputs(scheme=run.scheme, pilots=pilots, progress=lambda done: _advance(run, done))
        Run.objects.filter(pk=run.pk).update(total_pilots=len(inputs["pilots"]))
        scored = scoring.score_run(inputs)
        _advance(run, 4)
        _store(run, scored, inputs)
    except (ValueError, DomainError) as exc:
        message = str(exc)

        def failed(locked: Run) -> transitions.Effects:
            locked.error = message
            return transitions.Effects(fields=["error"], detail={"message": locked.error[:200]})

        transitions.move(run, RunState.FAILED, flow=RUN_STATE_FLOW, by=run.created_by, apply=failed)
    run.refresh_from_db()
    return run


def run_job(run_id: int) -> Run:
    """The task worker's entry point."""
    run = Run.objects.select_related("scheme").get(pk=run_id)
    return compute_run(run=run)


def publish_run(*, run: Run, by: User) -> Run:
    """Publish a computed draft run (the scheme freezes); refused while an objection is unanswered."""
    manage(by)

    def guard(locked: Run) -> None:
        if locked.state != RunState.DONE:
            raise Conflict(_("评估尚未计算完成，不能发布。"))
        open_count = Objection.objects.filter(result__run=locked, status=ObjectionStatus.OPEN).count()
        if open_count:
            raise Conflict(_("还有 %(n)d 条异议未答复，答复后才能发布。") % {"n": open_count})
        if Run.objects.filter(scheme_id=locked.scheme_id, status=RunStatus.PUBLISHED).exists():
            raise Conflict(_("本年度已有发布的评估结果；更正请通过新的计算并说明理由。"))

    def apply(locked: Run) -> transitions.Effects:
        locked.published_at = clock.now()
        locked.published_on = clock.today()
        locked.published_by = by
        scheme = locked.scheme
        if scheme.status == SchemeStatus.DRAFT:
            transitions.move(scheme, SchemeStatus.FROZEN, flow=SCHEME_FLOW, by=by)
        return transitions.Effects(
            fields=("published_at", "published_on", "published_by"), detail={"year": scheme.year}
        )

    return transitions.move(
        run,
        RunStatus.PUBLISHED,
        flow=RUN_FLOW,
        by=by,
        guard=guard,
        apply=apply,
        queryset=Run.objects.select_related("scheme"),
    )
