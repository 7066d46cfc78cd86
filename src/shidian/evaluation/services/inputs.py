"""A run's inputs snapshot: every number a score rests on, read set-based in a fixed handful of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db.models import QuerySet

from shidian.evaluation import scoring
from shidian.evaluation.models import ExpertScore, ProvinceAssessment, Scheme, ScoreItem
from shidian.evaluation.services._common import EVALUATED_STATUSES
from shidian.indicators import selectors as indicator_selectors
from shidian.pilots.models import PilotArea
from shidian.plans import selectors as plan_selectors
from shidian.reporting import selectors as report_selectors

# Called after each step of the reading with the number of steps done (the run's progress bar).
Progress = Callable[[int], None]


def evaluated_pilots(year: int) -> QuerySet[PilotArea]:
    """Every pilot in the programme in ``year``: admitted by then and active or warned."""
    return (
        PilotArea.objects.filter(status__in=EVALUATED_STATUSES)
        .exclude(batch__notice_date__year__gt=year)
        .select_related("batch", "province")
        .order_by("pk")
    )


def _iso(day: dt.date | dt.datetime | None) -> str | None:
    return day.isoformat() if day is not None else None


def _milestones(pilot_ids: list[int], year: int) -> dict[int, list[dict[str, Any]]]:
    due = plan_selectors.milestones_due_in_year(pilot_ids=pilot_ids, year=year)
    return {
        pid: [
            {
                "id": m.milestone_id,
                "task": m.task,
                "name": m.name,
                "duration": m.duration,
                "due": _iso(m.due),
                "status": m.status,
                "finished_on": _iso(m.finished_on),
            }
            for m in rows
        ]
        for pid, rows in due.items()
    }


def _indicators(pilots: Sequence[PilotArea], year: int) -> dict[int, list[dict[str, Any]]]:
    """Each pilot's indicators with a target: the latest value of the year or before, and the target."""
    end_years = {p.pk: p.batch.rollout_by.year if p.batch.rollout_by else year for p in pilots}
    found = indicator_selectors.latest_with_targets(end_years=end_years, year=year)
    return {
        p.pk: [
            {
                "code": indicator.code,
                "name": indicator.name,
                "unit": indicator.unit,
                "direction": indicator.direction,
                "value": str(latest[1]) if latest else None,
                "period": latest[0].code if latest else None,
                "target": str(target),
                "target_year": target_year,
                "own_target": own_target,
            }
            for indicator, latest, target, target_year, own_target in found.get(p.pk, [])
        ]
        for p in pilots
    }


def _reports(pilot_ids: list[int], year: int) -> dict[int, list[dict[str, Any]]]:
    _rounds, reports = report_selectors.report_facts_for_year(pilot_ids=pilot_ids, year=year)
    return {
        pid: [
            {
                "round_id": r.round_id,
                "kind": r.kind,
                "due": _iso(r.due),
                "report_id": r.report_id,
                "submitted_at": _iso(r.first_submitted_at),
                "late": r.late,
                "returns": r.returns,
            }
            for r in rows
        ]
        for pid, rows in reports.items()
    }


def _experts(pilot_ids: list[int], year: int) -> dict[int, list[dict[str, Any]]]:
    """Each pilot's expert scores, item by item, with each expert's mean over the items (None if incomplete)."""
    by_pilot: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    for aid, pid, expert, item, score in (
        ExpertScore.objects.filter(assignment__pilot_id__in=pilot_ids, assignment__year=year)
        .values_list("assignment_id", "assignment__pilot_id", "assignment__expert__username", "item", "score")
        .order_by("assignment_id", "item")
    ):
        row = by_pilot[pid].setdefault(aid, {"assignment_id": aid, "expert": expert, "items": {}})
        row["items"][item] = str(score)
    items = ScoreItem.values
    out: dict[int, list[dict[str, Any]]] = {}
    for pid, rows in by_pilot.items():
        out[pid] = []
        for row in rows.values():
            full = all(i in row["items"] for i in items)
            total = sum(float(row["items"][i]) for i in items) / len(items) if full else None
            out[pid].append({**row, "total": total})
    return out


def _assessments(pilot_ids: list[int], year: int) -> dict[int, dict[str, Any]]:
    return {
        a.pilot_id: {"score": str(a.score), "comment": a.comment, "id": a.pk}
        for a in ProvinceAssessment.objects.filter(pilot_id__in=pilot_ids, year=year)
    }


def _scheme(scheme: Scheme) -> dict[str, Any]:
    dims = {d.code: d for d in scheme.dimensions.all()}
    return {
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
    }


def gather_inputs(
    *, scheme: Scheme, pilots: Iterable[PilotArea] | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """The inputs snapshot of a run, read in three set-based steps (milestones; indicators; the rest)."""
    year = scheme.year
    pilot_list = list(pilots if pilots is not None else evaluated_pilots(year))
    ids = [p.pk for p in pilot_list]
    step = progress or (lambda _done: None)
    milestones = _milestones(ids, year)
    step(1)
    indicators = _indicators(pilot_list, year)
    step(2)
    reports, experts, assessments = _reports(ids, year), _experts(ids, year), _assessments(ids, year)
    step(3)
    return {
        "year": year,
        "scheme": _scheme(scheme),
        "pilots": [
            {
                "id": p.pk,
                "name": p.name,
                "province_id": p.province_id,
                "province": p.province.name,
                "batch": p.batch.number,
                "region": p.province.region,
                "milestones": milestones.get(p.pk, []),
                "indicators": indicators.get(p.pk, []),
                "reports": reports.get(p.pk, []),
                "experts": experts.get(p.pk, []),
                # Typical experiences (典型经验) are selected in a module that does not exist yet: none count.
                "experiences": [],
                "province_assessment": assessments.get(p.pk),
            }
            for p in pilot_list
        ],
    }
