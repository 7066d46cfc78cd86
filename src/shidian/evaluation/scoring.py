"""Score a run from its inputs snapshot: pure, no database, so the same snapshot always gives the same results.

The snapshot (``services.gather_inputs``) holds every number a score rests on; this module turns it into
dimension scores, the composite score, ranks and grades with the array arithmetic of ``methods``, and writes
the breakdown that a score card shows: for every number, the rule and the inputs it came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

from shidian.evaluation import methods

DIMENSIONS = ("tasks", "indicators", "innovation", "reporting", "province")
ON_TIME, LATE_DONE = 1.0, 0.5  # task completion credit of a milestone done on time / done late
REPORT_ON_TIME, REPORT_LATE, RETURN_PENALTY = 100.0, 60.0, 10.0
CENT = Decimal("0.01")


def money(value: float) -> Decimal:
    """Round half up to two decimals (scores are shown and compared to the cent)."""
    return Decimal(repr(float(value))).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Scored:
    pilot_id: int
    score: Decimal
    grade: str
    ranks: dict[str, int]
    breakdown: dict[str, Any]


def grade_of(score: Decimal, thresholds: dict[str, str]) -> str:
    if score >= Decimal(thresholds["excellent"]):
        return "excellent"
    if score >= Decimal(thresholds["good"]):
        return "good"
    if score >= Decimal(thresholds["pass"]):
        return "pass"
    return "fail"


# -- the five dimensions ------------------------------------------------------------------------------


# The rule shown on a score card when a dimension does not apply to a pilot (docs/evaluation.md).
NOT_APPLICABLE_TASKS = "当年没有到期节点：任务完成不适用于本试点，不计分；其权重按比例分配给其余维度。"


def task_score(milestones: Sequence[dict[str, Any]]) -> tuple[float | None, dict[str, Any]]:
    """Duration-weighted share of the year's due milestones done on time (late: half credit); None if none due."""
    rows = []
    weight = credit = 0.0
    for m in milestones:
        done = m["status"] == "done"
        on_time = done and (m["finished_on"] is None or m["finished_on"] <= m["due"])
        c = ON_TIME if on_time else LATE_DONE if done else 0.0
        weight += m["duration"]
        credit += m["duration"] * c
        rows.append({**m, "credit": c})
    if not weight:
        return None, {"milestones": rows, "not_applicable": True, "note": NOT_APPLICABLE_TASKS}
    return 100.0 * credit / weight, {"milestones": rows, "weight": weight, "credit": credit}


def _indicator_columns(pilots: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for p in pilots:
        for row in p["indicators"]:
            seen.setdefault(row["code"], row["direction"])
    return sorted(seen.items())


def innovation_score(
    experts: Sequence[dict[str, Any]], experiences: Sequence[dict[str, Any]], *, max_score: int
) -> tuple[float, dict[str, Any]]:
    """Trimmed mean of the experts' totals (on 0..100); typical experiences add nothing until that module exists."""
    totals = [e["total"] for e in experts if e["total"] is not None]
    detail: dict[str, Any] = {
        "experts": list(experts),
        "experiences": list(experiences),
        "experiences_note": EXPERIENCES_NOTE,
    }
    if not totals:
        detail["note"] = NO_EXPERTS
        return 0.0, detail
    mean = methods.trimmed_mean(np.array(totals))
    detail["trimmed"] = len(totals) >= TRIM_FROM
    detail["mean"] = round(mean, 4)
    return min(100.0, mean * 100.0 / max_score), detail


def reporting_score(reports: Sequence[dict[str, Any]]) -> tuple[float, dict[str, Any]]:
    """Mean over the year's rounds: on time 100, late 60, missing 0, minus 10 per return (not below 0)."""
    if not reports:
        return 0.0, {"reports": [], "note": NO_REPORTS}
    rows = [{**r, "points": _report_points(r)} for r in reports]
    return sum(r["points"] for r in rows) / len(rows), {"reports": rows}


def _report_points(report: dict[str, Any]) -> float:
    base = 0.0 if report["submitted_at"] is None else REPORT_LATE if report["late"] else REPORT_ON_TIME
    return max(0.0, base - RETURN_PENALTY * int(report["returns"]))


def _milestone_credit(m: dict[str, Any]) -> float:
    done = m["status"] == "done"
    on_time = done and (m["finished_on"] is None or m["finished_on"] <= m["due"])
    return ON_TIME if on_time else LATE_DONE if done else 0.0


def province_score(assessment: dict[str, Any] | None) -> tuple[float, dict[str, Any]]:
    if assessment is None:
        return 0.0, {"assessment": None, "note": NO_ASSESSMENT}
    return float(assessment["score"]), {"assessment": assessment}


# The notes a score card shows when a dimension has nothing to count (docs/evaluation.md).
NO_INDICATORS = "没有设定目标的指标，本项计 0 分。"
NO_EXPERTS = "没有专家评分，本项计 0 分。"
NO_REPORTS = "当年没有报告轮次，本项计 0 分。"
NO_ASSESSMENT = "省级发展改革部门未评价，本项计 0 分。"
EXPERIENCES_NOTE = "典型经验模块尚未上线，入选典型经验暂计 0 分。"
TRIM_FROM = 5  # experts on a pilot from which the highest and the lowest total are dropped (methods.trimmed_mean)


# -- the run: the snapshot as arrays, the arithmetic on them, then the breakdown -----------------------


@dataclass(frozen=True)
class Flat:
    """The numbers of a snapshot as arrays, read in one pass over it: what the run's arithmetic starts from."""

    n: int
    ms_pilot: np.ndarray  # per milestone due: the pilot's row, its duration, its credit (1, 0.5 or 0)
    ms_duration: np.ndarray
    ms_credit: np.ndarray
    columns: list[tuple[str, str]]  # indicator (code, direction) of each column of values / targets
    values: np.ndarray  # (n, k) the latest value of each indicator with a target (NaN: none)
    targets: np.ndarray
    rep_pilot: np.ndarray  # per report round: the pilot's row and its points
    rep_points: np.ndarray
    experts: np.ndarray  # (n, widest panel) each pilot's complete expert totals, NaN-padded
    province: np.ndarray  # the provincial assessment (NaN: none)
    groups: dict[str, np.ndarray]  # each pilot's ranking group (a code) by batch, region and province


def flatten(inputs: dict[str, Any]) -> Flat:
    """The snapshot's numbers as arrays (milestone credits and report points are decided here, row by row)."""
    pilots = inputs["pilots"]
    n = len(pilots)
    columns = _indicator_columns(pilots)
    index = {code: j for j, (code, _d) in enumerate(columns)}
    values = np.full((n, len(columns)), np.nan)
    targets = np.full((n, len(columns)), np.nan)
    ms_pilot: list[int] = []
    ms_duration: list[float] = []
    ms_credit: list[float] = []
    rep_pilot: list[int] = []
    rep_points: list[float] = []
    expert_totals: list[list[float]] = []
    province = np.full(n, np.nan)
    for i, p in enumerate(pilots):
        for m in p["milestones"]:
            ms_pilot.append(i)
            ms_duration.append(m["duration"])
            ms_credit.append(_milestone_credit(m))
        for row in p["indicators"]:
            j = index[row["code"]]
            if row["value"] is not None:
                values[i, j] = float(row["value"])
            if row["target"] is not None:
                targets[i, j] = float(row["target"])
        for r in p["reports"]:
            rep_pilot.append(i)
            rep_points.append(_report_points(r))
        expert_totals.append([e["total"] for e in p["experts"] if e["total"] is not None])
        if p["province_assessment"] is not None:
            province[i] = float(p["province_assessment"]["score"])
    experts = np.full((n, max([len(t) for t in expert_totals] + [1])), np.nan)
    for i, totals in enumerate(expert_totals):
        if totals:
            experts[i, : len(totals)] = totals
    return Flat(
        n=n,
        ms_pilot=np.array(ms_pilot, dtype=np.int64),
        ms_duration=np.array(ms_duration, dtype=np.float64),
        ms_credit=np.array(ms_credit, dtype=np.float64),
        columns=columns,
        values=values,
        targets=targets,
        rep_pilot=np.array(rep_pilot, dtype=np.int64),
        rep_points=np.array(rep_points, dtype=np.float64),
        experts=experts,
        province=province,
        groups={key: _group_codes([p[field] for p in pilots]) for key, field in GROUP_FIELDS},
    )


@dataclass(frozen=True)
class Computed:
    """Everything a run computes, as arrays: the dimension scores, totals, ranks, grades and the cells behind them."""

    dims: np.ndarray  # (n, 5) rounded to the cent, NaN where a dimension does not apply
    totals: np.ndarray
    contributions: np.ndarray
    applied: np.ndarray  # each pilot's effective weights
    ranks: dict[str, np.ndarray]  # overall, batch, region, province
    grades: list[str]
    cells: np.ndarray  # (n, k) indicator cells and whether each counts
    counted: np.ndarray
    indicator_weights: np.ndarray | None  # entropy weights of the columns, if that method
    task_weight: np.ndarray  # the summed durations of each pilot's milestones due, and the credit earned
    task_credit: np.ndarray
    expert_means: np.ndarray  # the (trimmed) mean of each pilot's expert totals (NaN: none)
    expert_counts: np.ndarray


def _indicator_arrays(
    flat: Flat, *, method: str, cap: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Indicator progress per pilot on 0..100 by the scheme's method, with the cells, what counts and the weights."""
    n, k = flat.values.shape
    if not k:
        return np.zeros(n), flat.values, np.zeros((n, 0), dtype=bool), None
    directions = ["cost" if d == "negative" else "benefit" for _c, d in flat.columns]
    weights = None
    if method == "attainment":
        cells = methods.attainment(flat.values, flat.targets, directions=directions, cap=cap)
        counted = ~np.isnan(flat.targets)
    else:
        cells = np.nan_to_num(methods.min_max(flat.values, directions=directions), nan=0.0)
        counted = np.ones((n, k), dtype=bool)
        if method == "entropy" and n > 1:
            weights = methods.entropy_weights(cells, directions=["benefit"] * k)
    if weights is not None:
        return 100.0 * (cells @ weights), cells, counted, weights
    count = counted.sum(axis=1)
    # A sequential sum (cumsum) of the counted cells in column order: the same number as summing the
    # pilot's own cells one by one, whatever the number of columns (numpy's sum pairs long rows).
    sums = np.cumsum(np.where(counted, cells, 0.0), axis=1)[:, -1]
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where(count > 0, 100.0 * (sums / count), 0.0)
    return scores, cells, counted, None


def _expert_means(experts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """methods.trimmed_mean of every row's totals at once (NaN where none), and how many totals each row has."""
    ordered = np.sort(experts, axis=1)  # NaN last
    count = (~np.isnan(ordered)).sum(axis=1)
    cols = np.arange(ordered.shape[1])
    trim = (count >= TRIM_FROM)[:, None] & ((cols == 0) | (cols == (count - 1)[:, None]))
    keep = ~np.isnan(ordered) & ~trim
    kept = keep.sum(axis=1)
    # Sequential sums, as numpy's mean of fewer than 8 numbers is; a longer row goes through trimmed_mean itself.
    sums = np.cumsum(np.where(keep, ordered, 0.0), axis=1)[:, -1]
    with np.errstate(divide="ignore", invalid="ignore"):
        means = np.where(kept > 0, sums / kept, np.nan)
    for i in np.flatnonzero(kept >= 8):
        means[i] = methods.trimmed_mean(ordered[i, : count[i]], drop_extremes_from=TRIM_FROM)
    return means, count


GROUP_FIELDS = (("batch", "batch"), ("region", "region"), ("province", "province_id"))


def _group_codes(keys: Sequence[Any]) -> np.ndarray:
    """Each key's group as a small integer (first seen, first numbered)."""
    codes: dict[Any, int] = {}
    return np.array([codes.setdefault(key, len(codes)) for key in keys], dtype=np.int64)


def group_ranks(scores: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Competition ranks ("1224") of ``scores`` (rounded to the cent) within each group (``_group_codes``)."""
    rounded = methods.round_half_up(scores, 2)
    order = np.lexsort((-rounded, group))
    g, r = group[order], rounded[order]
    position = np.arange(len(order))
    first = np.ones(len(order), dtype=bool)
    first[1:] = g[1:] != g[:-1]
    tie_start = first.copy()
    tie_start[1:] |= r[1:] != r[:-1]
    group_start = np.maximum.accumulate(np.where(first, position, 0))
    block_start = np.maximum.accumulate(np.where(tie_start, position, 0))
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = block_start - group_start + 1
    return ranks


def compute(flat: Flat, scheme: dict[str, Any]) -> Computed:
    """The run's arithmetic on the snapshot's arrays: no per-pilot Python, the same numbers as the scalar rules."""
    n = flat.n
    rows = np.zeros((n, len(DIMENSIONS)))
    weight = np.bincount(flat.ms_pilot, flat.ms_duration, minlength=n)
    earned = np.bincount(flat.ms_pilot, flat.ms_duration * flat.ms_credit, minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        rows[:, 0] = np.where(weight > 0, 100.0 * earned / weight, np.nan)
    indicators, cells, counted, indicator_weights = _indicator_arrays(
        flat, method=scheme["indicator_method"], cap=float(scheme["attainment_cap"])
    )
    rows[:, 1] = indicators
    means, expert_counts = _expert_means(flat.experts)
    rows[:, 2] = np.where(expert_counts > 0, np.minimum(100.0, means * 100.0 / int(scheme["max_expert_score"])), 0.0)
    rounds = np.bincount(flat.rep_pilot, minlength=n)
    points = np.bincount(flat.rep_pilot, flat.rep_points, minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        rows[:, 3] = np.where(rounds > 0, points / rounds, 0.0)
    rows[:, 4] = np.nan_to_num(flat.province, nan=0.0)
    dims = methods.round_half_up(rows, 2)
    weights = np.array([float(scheme["weights"][d]) for d in DIMENSIONS])
    totals, contributions = composite(dims, weights, method=scheme["composite_method"])
    ranks = {"overall": methods.competition_rank(totals)}
    for key, group in flat.groups.items():
        ranks[key] = group_ranks(totals, group)
    return Computed(
        dims=dims,
        totals=totals,
        contributions=contributions,
        applied=effective_weights(dims, weights),
        ranks=ranks,
        grades=_grades(totals, scheme["thresholds"]),
        cells=cells,
        counted=counted,
        indicator_weights=indicator_weights,
        task_weight=weight,
        task_credit=earned,
        expert_means=means,
        expert_counts=expert_counts,
    )


def effective_weights(dims: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Each pilot's weights (of 100): a dimension that does not apply (NaN) drops out, the rest are re-scaled.

    w'_id = w_d * 100 / (sum of w_e over the dimensions e that apply to pilot i); 0 where d does not apply.
    """
    applicable = ~np.isnan(dims)
    raw = np.where(applicable, weights, 0.0)
    total = raw.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, raw * 100.0 / total, 0.0)


def composite(dims: np.ndarray, weights: np.ndarray, *, method: str) -> tuple[np.ndarray, np.ndarray]:
    """(totals on 0..100, contributions per dimension). Weighted: contributions are rounded and add up exactly.

    A dimension that does not apply to a pilot (NaN) contributes 0 and its weight is re-scaled onto the
    others, in the weighted sum and in TOPSIS alike.
    """
    w = effective_weights(dims, weights)
    scores = np.nan_to_num(dims, nan=0.0)
    contributions = methods.round_half_up(scores * w / 100.0, 2)
    if method == "topsis" and len(dims) > 1:
        closeness = methods.topsis(
            scores, weights / 100.0, directions=["benefit"] * dims.shape[1], applicable=~np.isnan(dims)
        )
        return methods.round_half_up(100.0 * closeness, 2), contributions
    return methods.round_half_up(contributions.sum(axis=1), 2), contributions


def breakdowns(inputs: dict[str, Any], flat: Flat, computed: Computed) -> list[dict[str, Any]]:
    """Every pilot's score card from the computed arrays, in one pass: each number with its rule and inputs.

    The arrays are turned into plain lists once; a dimension with nothing to count shares its fixed detail.
    """
    scheme = inputs["scheme"]
    method, indicator_method = scheme["composite_method"], scheme["indicator_method"]
    weight_list = [float(scheme["weights"][d]) for d in DIMENSIONS]
    dims_rows = computed.dims.tolist()
    contribution_rows = computed.contributions.tolist()
    applied_rows = computed.applied.tolist()
    rounded_weight = {v: round(v, 2) for v in set(computed.applied.ravel().tolist())}
    index = {code: j for j, (code, _d) in enumerate(flat.columns)}
    cell_rows = computed.cells.tolist()
    counted_rows = computed.counted.tolist()
    any_counted = computed.counted.any(axis=1).tolist()
    column_weights = (
        [round(float(w), 4) for w in computed.indicator_weights] if computed.indicator_weights is not None else None
    )
    credits = iter(flat.ms_credit.tolist())
    points = iter(flat.rep_points.tolist())
    means = computed.expert_means.tolist()
    task_weights, task_credits = computed.task_weight.tolist(), computed.task_credit.tolist()
    expert_counts = computed.expert_counts.tolist()
    out = []
    for i, p in enumerate(inputs["pilots"]):
        dim_row = dims_rows[i]
        if p["milestones"]:
            milestones = [{**m, "credit": next(credits)} for m in p["milestones"]]
            tasks: dict[str, Any] = (
                {"milestones": milestones, "not_applicable": True, "note": NOT_APPLICABLE_TASKS}
                if dim_row[0] != dim_row[0]
                else {"milestones": milestones, "weight": task_weights[i], "credit": task_credits[i]}
            )
        else:
            tasks = {"milestones": [], "not_applicable": True, "note": NOT_APPLICABLE_TASKS}
        cells = []
        if p["indicators"]:
            cell_row, counted_row = cell_rows[i], counted_rows[i]
            for row in p["indicators"]:
                j = index[row["code"]]
                cell = {**row, "cell": round(cell_row[j], 4), "counted": counted_row[j]}
                if column_weights is not None:
                    cell["weight"] = column_weights[j]
                cells.append(cell)
        indicators: dict[str, Any] = {"indicators": cells, "method": indicator_method}
        if not any_counted[i]:
            indicators["note"] = NO_INDICATORS
        innovation: dict[str, Any] = {
            "experts": list(p["experts"]),
            "experiences": list(p["experiences"]),
            "experiences_note": EXPERIENCES_NOTE,
        }
        if expert_counts[i]:
            innovation["trimmed"] = expert_counts[i] >= TRIM_FROM
            innovation["mean"] = round(means[i], 4)
        else:
            innovation["note"] = NO_EXPERTS
        if p["reports"]:
            reporting: dict[str, Any] = {"reports": [{**r, "points": next(points)} for r in p["reports"]]}
        else:
            reporting = {"reports": [], "note": NO_REPORTS}
        assessment = p["province_assessment"]
        province = {"assessment": assessment} if assessment is not None else {"assessment": None, "note": NO_ASSESSMENT}
        details = (tasks, indicators, innovation, reporting, province)
        contribution_row, applied_row = contribution_rows[i], applied_rows[i]
        out.append(
            {
                "method": method,
                "dimensions": [
                    {
                        "code": code,
                        "weight": weight_list[j],
                        "applicable": dim_row[j] == dim_row[j],  # NaN (not applicable) is the value unequal to itself
                        "effective_weight": rounded_weight[applied_row[j]],
                        "score": dim_row[j] if dim_row[j] == dim_row[j] else None,
                        "contribution": contribution_row[j],
                        "detail": details[j],
                    }
                    for j, code in enumerate(DIMENSIONS)
                ],
            }
        )
    return out


def score_run(inputs: dict[str, Any]) -> list[Scored]:
    """Every pilot's score, grade, ranks and breakdown from the snapshot: flatten, compute, then the breakdowns."""
    pilots = inputs["pilots"]
    if not pilots:
        return []
    flat = flatten(inputs)
    computed = compute(flat, inputs["scheme"])
    cards = breakdowns(inputs, flat, computed)
    score_of = {v: money(v) for v in set(computed.totals.tolist())}
    ranks = zip(*(computed.ranks[k].tolist() for k in ("overall", "batch", "region", "province")), strict=True)
    return [
        Scored(
            pilot_id=p["id"],
            score=score_of[total],
            grade=grade,
            ranks={"overall": r_all, "batch": r_batch, "region": r_region, "province": r_province},
            breakdown=card,
        )
        for p, total, grade, (r_all, r_batch, r_region, r_province), card in zip(
            pilots, computed.totals.tolist(), computed.grades, ranks, cards, strict=True
        )
    ]


def _grades(totals: np.ndarray, thresholds: dict[str, str]) -> list[str]:
    """grade_of for every total at once (totals are cents and thresholds two-decimal: float order is theirs)."""
    bounds = [(float(Decimal(thresholds[g])), g) for g in ("excellent", "good", "pass")]
    conditions = [totals >= bound for bound, _g in bounds]
    return [str(g) for g in np.select(conditions, [g for _b, g in bounds], default="fail").tolist()]


# -- sensitivity --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stability:
    pilot_id: int
    rank: int
    best: int
    worst: int
    grades: frozenset[str]

    @property
    def grade_may_change(self) -> bool:
        return len(self.grades) > 1


def sensitivity(
    dims: np.ndarray,
    weights: np.ndarray,
    *,
    method: str,
    thresholds: dict[str, str],
    pilot_ids: Sequence[int],
    swing: float = 0.2,
) -> list[Stability]:
    """Move each weight by ±``swing`` (the others rescaled so the sum stays 100): rank range and grades per pilot."""
    base, _c = composite(dims, weights, method=method)
    base_ranks = methods.competition_rank(base)
    best = base_ranks.copy()
    worst = base_ranks.copy()
    grades: list[set[str]] = [{grade_of(money(s), thresholds)} for s in base]
    for j in range(len(weights)):
        for factor in (1 - swing, 1 + swing):
            w = weights.copy()
            w[j] *= factor
            w = w * 100.0 / w.sum()
            totals, _c = composite(dims, w, method=method)
            ranks = methods.competition_rank(totals)
            best = np.minimum(best, ranks)
            worst = np.maximum(worst, ranks)
            for i, s in enumerate(totals):
                grades[i].add(grade_of(money(s), thresholds))
    return [
        Stability(pid, int(base_ranks[i]), int(best[i]), int(worst[i]), frozenset(grades[i]))
        for i, pid in enumerate(pilot_ids)
    ]
