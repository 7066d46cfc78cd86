"""Score a run from its inputs snapshot: pure, no database, so the same snapshot always gives the same results.

The snapshot (``services.gather_inputs``) holds every number a score rests on; this module turns it into
dimension scores, the composite score, ranks and grades with the array arithmetic of ``methods``, and writes
the breakdown that a score card shows: for every number, the rule and the inputs it came from.
"""

from __future__ import annotations

from collections import defaultdict
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


def indicator_scores(
    pilots: Sequence[dict[str, Any]], *, method: str, cap: float
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Indicator progress per pilot on 0..100 by the scheme's method, and each pilot's cells."""
    columns = _indicator_columns(pilots)
    n, k = len(pilots), len(columns)
    details: list[dict[str, Any]] = [{"indicators": [], "method": method} for _p in pilots]
    if not k:
        for d in details:
            d["note"] = "没有设定目标的指标，本项计 0 分。"
        return np.zeros(n), details
    index = {code: j for j, (code, _d) in enumerate(columns)}
    directions = ["cost" if d == "negative" else "benefit" for _c, d in columns]
    values = np.full((n, k), np.nan)
    targets = np.full((n, k), np.nan)
    for i, p in enumerate(pilots):
        for row in p["indicators"]:
            j = index[row["code"]]
            if row["value"] is not None:
                values[i, j] = float(row["value"])
            if row["target"] is not None:
                targets[i, j] = float(row["target"])
    has_target = ~np.isnan(targets)
    if method == "attainment":
        cells = methods.attainment(values, targets, directions=directions, cap=cap)
        counted = has_target
        weights = None
    else:
        normalised = np.nan_to_num(methods.min_max(values, directions=directions), nan=0.0)
        cells = normalised
        counted = np.ones((n, k), dtype=bool)
        weights = (
            methods.entropy_weights(normalised, directions=["benefit"] * k) if method == "entropy" and n > 1 else None
        )
    if weights is not None:
        scores = np.array([100.0 * float(cells[i] @ weights) for i in range(n)])
    else:
        count = counted.sum(axis=1)
        # A sequential sum (cumsum) of the counted cells in column order: the same number as summing the
        # pilot's own cells one by one, whatever the number of columns (numpy's sum pairs long rows).
        sums = np.cumsum(np.where(counted, cells, 0.0), axis=1)[:, -1]
        with np.errstate(divide="ignore", invalid="ignore"):
            scores = np.where(count > 0, 100.0 * (sums / count), 0.0)
    any_counted = counted.any(axis=1).tolist()
    cell_rows = cells.tolist()
    counted_rows = counted.tolist()
    rounded_weights = [round(float(w), 4) for w in weights] if weights is not None else None
    for i, p in enumerate(pilots):
        rows = p["indicators"]
        if rows:
            cell_row, counted_row = cell_rows[i], counted_rows[i]
            out = details[i]["indicators"]
            for row in rows:
                j = index[row["code"]]
                cell = {**row, "cell": round(cell_row[j], 4), "counted": counted_row[j]}
                if rounded_weights is not None:
                    cell["weight"] = rounded_weights[j]
                out.append(cell)
        if not any_counted[i]:
            details[i]["note"] = "没有设定目标的指标，本项计 0 分。"
    return scores, details


def innovation_score(
    experts: Sequence[dict[str, Any]], experiences: Sequence[dict[str, Any]], *, max_score: int
) -> tuple[float, dict[str, Any]]:
    """Trimmed mean of the experts' totals (on 0..100); typical experiences add nothing until that module exists."""
    totals = [e["total"] for e in experts if e["total"] is not None]
    detail: dict[str, Any] = {
        "experts": list(experts),
        "experiences": list(experiences),
        "experiences_note": "典型经验模块尚未上线，入选典型经验暂计 0 分。",
    }
    if not totals:
        detail["note"] = "没有专家评分，本项计 0 分。"
        return 0.0, detail
    mean = methods.trimmed_mean(np.array(totals))
    detail["trimmed"] = len(totals) >= 5
    detail["mean"] = round(mean, 4)
    return min(100.0, mean * 100.0 / max_score), detail


def reporting_score(reports: Sequence[dict[str, Any]]) -> tuple[float, dict[str, Any]]:
    """Mean over the year's rounds: on time 100, late 60, missing 0, minus 10 per return (not below 0)."""
    if not reports:
        return 0.0, {"reports": [], "note": "当年没有报告轮次，本项计 0 分。"}
    rows = []
    for r in reports:
        base = 0.0 if r["submitted_at"] is None else REPORT_LATE if r["late"] else REPORT_ON_TIME
        points = max(0.0, base - RETURN_PENALTY * r["returns"])
        rows.append({**r, "points": points})
    return sum(r["points"] for r in rows) / len(rows), {"reports": rows}


def province_score(assessment: dict[str, Any] | None) -> tuple[float, dict[str, Any]]:
    if assessment is None:
        return 0.0, {"assessment": None, "note": "省级发展改革部门未评价，本项计 0 分。"}
    return float(assessment["score"]), {"assessment": assessment}


# -- the run ------------------------------------------------------------------------------------------


def dimension_matrix(inputs: dict[str, Any]) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """(n_pilots, 5) dimension scores rounded to the cent (NaN: not applicable), and each pilot's details.

    A pilot without milestones, expert scores, reports or an assessment gets that dimension's fixed score
    and note without a call per pilot: at nationwide scale most areas have nothing in most dimensions.
    """
    scheme = inputs["scheme"]
    pilots = inputs["pilots"]
    indicators, indicator_details = indicator_scores(
        pilots, method=scheme["indicator_method"], cap=float(scheme["attainment_cap"])
    )
    max_score = int(scheme["max_expert_score"])
    rows = np.zeros((len(pilots), len(DIMENSIONS)))
    rows[:, 1] = indicators
    details = []
    no_reports = "当年没有报告轮次，本项计 0 分。"
    no_experts = "没有专家评分，本项计 0 分。"
    no_assessment = "省级发展改革部门未评价，本项计 0 分。"
    experiences_note = "典型经验模块尚未上线，入选典型经验暂计 0 分。"
    for i, p in enumerate(pilots):
        row = rows[i]
        if p["milestones"]:
            t, t_detail = task_score(p["milestones"])
            row[0] = np.nan if t is None else t
        else:
            row[0] = np.nan
            t_detail = {"milestones": [], "not_applicable": True, "note": NOT_APPLICABLE_TASKS}
        if p["experts"]:
            row[2], inn_detail = innovation_score(p["experts"], p["experiences"], max_score=max_score)
        else:
            inn_detail = {
                "experts": [],
                "experiences": list(p["experiences"]),
                "experiences_note": experiences_note,
                "note": no_experts,
            }
        if p["reports"]:
            row[3], rep_detail = reporting_score(p["reports"])
        else:
            rep_detail = {"reports": [], "note": no_reports}
        if p["province_assessment"] is not None:
            row[4], prov_detail = province_score(p["province_assessment"])
        else:
            prov_detail = {"assessment": None, "note": no_assessment}
        details.append(
            {
                "tasks": t_detail,
                "indicators": indicator_details[i],
                "innovation": inn_detail,
                "reporting": rep_detail,
                "province": prov_detail,
            }
        )
    return methods.round_half_up(rows, 2), details


def _cent(value: float) -> float:
    return value if np.isnan(value) else float(money(value))


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


def group_ranks(scores: np.ndarray, keys: Sequence[Any]) -> np.ndarray:
    """Competition ranks ("1224") of ``scores`` within each group of ``keys``."""
    ranks = np.zeros(len(scores), dtype=np.int64)
    groups: dict[Any, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        groups[key].append(i)
    for members in groups.values():
        ranks[members] = methods.competition_rank(scores[members])
    return ranks


def score_run(inputs: dict[str, Any]) -> list[Scored]:
    """Every pilot's score, grade, ranks and breakdown from the snapshot."""
    pilots = inputs["pilots"]
    if not pilots:
        return []
    scheme = inputs["scheme"]
    weights = np.array([float(scheme["weights"][d]) for d in DIMENSIONS])
    dims, details = dimension_matrix(inputs)
    totals, contributions = composite(dims, weights, method=scheme["composite_method"])
    applied = effective_weights(dims, weights)
    overall = methods.competition_rank(totals)
    by_batch = group_ranks(totals, [p["batch"] for p in pilots])
    by_region = group_ranks(totals, [p["region"] for p in pilots])
    by_province = group_ranks(totals, [p["province_id"] for p in pilots])
    grades = _grades(totals, scheme["thresholds"])
    # Plain lists and per-value caches: the loop below runs once per area (40,000 at nationwide scale).
    method = scheme["composite_method"]
    codes = list(enumerate(DIMENSIONS))
    weight_list = [float(w) for w in weights]
    dims_rows = dims.tolist()
    contribution_rows = contributions.tolist()
    applied_rows = applied.tolist()
    rounded_weight = {v: round(v, 2) for v in set(applied.ravel().tolist())}
    score_of = {v: money(v) for v in set(totals.tolist())}
    ranks = zip(overall.tolist(), by_batch.tolist(), by_region.tolist(), by_province.tolist(), strict=True)
    scored = []
    for i, (p, total, grade, (r_all, r_batch, r_region, r_province)) in enumerate(
        zip(pilots, totals.tolist(), grades, ranks, strict=True)
    ):
        dim_row, contribution_row, applied_row, detail = dims_rows[i], contribution_rows[i], applied_rows[i], details[i]
        breakdown = {
            "method": method,
            "dimensions": [
                {
                    "code": code,
                    "weight": weight_list[j],
                    "applicable": dim_row[j] == dim_row[j],  # NaN (not applicable) is the value unequal to itself
                    "effective_weight": rounded_weight[applied_row[j]],
                    "score": dim_row[j] if dim_row[j] == dim_row[j] else None,
                    "contribution": contribution_row[j],
                    "detail": detail[code],
                }
                for j, code in codes
            ],
        }
        scored.append(
            Scored(
                pilot_id=p["id"],
                score=score_of[total],
                grade=grade,
                ranks={"overall": r_all, "batch": r_batch, "region": r_region, "province": r_province},
                breakdown=breakdown,
            )
        )
    return scored


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
