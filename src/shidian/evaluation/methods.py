"""The evaluation's scoring methods: pure array arithmetic on (pilots x indicators) matrices, no Django.

Every formula, its variants and the variant chosen here are documented in ``docs/evaluation.md`` (评估方法) with
the published worked examples the tests check them against. Missing values are NaN on the way in. Bad input
raises ``ValueError`` with an English message; the caller turns it into Chinese.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

import numpy as np
import numpy.typing as npt

Direction = Literal["benefit", "cost"]
DIRECTIONS: tuple[Direction, ...] = ("benefit", "cost")

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Weights are entered and stored with a few decimals; a sum this close to its target is the target.
WEIGHT_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Coupling:
    """The coupling coordination model's three results per pilot, kept apart and named as such."""

    c: FloatArray  # coupling degree 耦合度 C in [0, 1]
    t: FloatArray  # comprehensive development index 综合发展指数 T in [0, 1]
    d: FloatArray  # coupling coordination degree 耦合协调度 D = sqrt(C * T) in [0, 1]


def attainment(
    values: npt.ArrayLike,
    targets: npt.ArrayLike,
    *,
    directions: Sequence[str],
    baselines: npt.ArrayLike | None = None,
    cap: float = 1.0,
) -> FloatArray:
    """Return each cell's target attainment in [0, cap]; cost indicators invert, a missing value scores 0.

    Without a baseline: benefit value / target, cost target / value. With a baseline (per cell; a missing
    baseline falls back to the plain ratio): the share of the way from the baseline to the target,
    (value - baseline) / (target - baseline), mirrored for cost. See docs/evaluation.md.
    """
    value = _matrix(values, "values")
    target = _matrix(targets, "targets")
    _same_shape(value, target, "values", "targets")
    cost = _cost_mask(directions, value.shape[1])
    if not (math.isfinite(cap) and cap > 0):
        raise ValueError(f"cap must be a positive number, got {cap!r}")
    # benefit: value / target; cost: target / value (using half the allowed amount is not "200%" but capped).
    numerator = np.where(cost, target, value)
    denominator = np.where(cost, value, target)
    if baselines is not None:
        baseline = _matrix(baselines, "baselines")
        _same_shape(value, baseline, "values", "baselines")
        known = ~np.isnan(baseline)
        numerator = np.where(known, np.where(cost, baseline - value, value - baseline), numerator)
        denominator = np.where(known, np.where(cost, baseline - target, target - baseline), denominator)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = numerator / denominator
    reached = np.where(cost, value <= target, value >= target)
    # A zero denominator (target 0, or target equal to the baseline) leaves only "reached or not".
    ratio = np.where(denominator == 0, np.where(reached, cap, 0.0), ratio)
    # Ratios mislead when signs mix (negative growth rates): a reached target never scores below 1, and a ratio
    # of 1 or more for a target not reached means nothing, so it scores 0.
    ratio = np.where(reached, np.maximum(ratio, 1.0), np.where(ratio >= 1.0, 0.0, ratio))
    ratio = np.clip(ratio, 0.0, cap)
    missing = np.isnan(value) | np.isnan(target)
    return np.where(missing, 0.0, ratio).astype(np.float64)


def min_max(matrix: npt.ArrayLike, *, directions: Sequence[str]) -> FloatArray:
    """Return each column scaled to [0, 1] (cost columns reversed); constant column 1.0, missing value 0."""
    x = _matrix(matrix, "matrix")
    cost = _cost_mask(directions, x.shape[1])
    present = ~np.isnan(x)
    # Columns with no value at all score 0 everywhere; keep numpy quiet about their empty min/max.
    filled = np.where(present, x, 0.0)
    any_present = present.any(axis=0)
    low = np.where(any_present, np.min(np.where(present, x, np.inf), axis=0), 0.0)
    high = np.where(any_present, np.max(np.where(present, x, -np.inf), axis=0), 0.0)
    span = high - low
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = np.where(cost, high - filled, filled - low) / span
    # Everyone equal: nobody is behind, so everyone gets the best score (see docs: constant columns).
    scaled = np.where(span == 0, 1.0, scaled)
    return np.where(present, scaled, 0.0).astype(np.float64)


def entropy_weights(
    matrix: npt.ArrayLike,
    *,
    directions: Sequence[str],
    shift: float = 1e-4,
    normalisation: Literal["min_max", "sum"] = "min_max",
) -> FloatArray:
    """Return the entropy weight method's weights (summing to 1), one per column.

    ``normalisation="min_max"`` (the default) standardises with :func:`min_max`, cost columns reversed, then adds
    ``shift`` so that no share is 0 (ln 0); ``"sum"`` takes the shares of the raw non-negative values as they are,
    whatever the direction, as Xu (2004) and Zavadskas & Podvezko (2016) do. See docs/evaluation.md.
    """
    x = _matrix(matrix, "matrix")
    n, m = x.shape
    _cost_mask(directions, m)
    if n < 2:
        raise ValueError("the entropy weight method needs at least 2 pilots (rows)")
    if not (math.isfinite(shift) and shift >= 0):
        raise ValueError(f"shift must be a non-negative number, got {shift!r}")
    if normalisation == "min_max":
        standard = min_max(x, directions=directions) + shift
    elif normalisation == "sum":
        if np.isnan(x).any() or (x < 0).any():
            raise ValueError('normalisation="sum" needs complete, non-negative values; use "min_max" otherwise')
        standard = x + shift
    else:
        raise ValueError(f'unknown normalisation {normalisation!r}; expected "min_max" or "sum"')
    totals = standard.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(totals > 0, standard / totals, 1.0 / n)
        # 0 * ln 0 is taken as 0 (its limit), for the shift=0 variant.
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    entropy = -plogp.sum(axis=0) / math.log(n)
    divergence = np.clip(1.0 - entropy, 0.0, None)
    total = divergence.sum()
    if total <= 0:
        # No column tells the pilots apart: no data-driven preference, so equal weights.
        return np.full(m, 1.0 / m)
    return (divergence / total).astype(np.float64)


def topsis(
    matrix: npt.ArrayLike,
    weights: npt.ArrayLike,
    *,
    directions: Sequence[str],
    applicable: npt.ArrayLike | None = None,
) -> FloatArray:
    """Return TOPSIS relative closeness C_i in [0, 1] (vector normalisation; ideal and anti-ideal by direction).

    ``applicable`` (a boolean matrix like ``matrix``) marks the cells that count. A cell that does not apply
    (a dimension "not applicable" to a pilot) takes no part in its column's norm, ideal and anti-ideal, and
    the pilot's own weights are re-scaled over the columns that apply to it, so its distances are measured
    over those columns only. With every cell applicable this is Hwang & Yoon's TOPSIS unchanged.
    """
    x = _matrix(matrix, "matrix")
    n, m = x.shape
    cost = _cost_mask(directions, m)
    w = _weights(weights, m, total=1.0)
    counts = np.ones((n, m), dtype=np.bool_) if applicable is None else np.asarray(applicable, dtype=np.bool_)
    if counts.shape != x.shape:
        raise ValueError(f"applicable must have the matrix's shape {x.shape}, got {counts.shape}")
    # A missing value counts as the column's worst observed value (the anti-ideal).
    present = ~np.isnan(x) & counts
    worst = np.where(
        cost,
        np.max(np.where(present, x, -np.inf), axis=0),
        np.min(np.where(present, x, np.inf), axis=0),
    )
    worst = np.where(present.any(axis=0), worst, 0.0)
    x = np.where(present, x, worst)
    x = np.where(counts, x, 0.0)
    norms = np.sqrt((x**2).sum(axis=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(norms > 0, x / norms, 0.0)
    row_w = np.where(counts, w, 0.0)
    row_sum = row_w.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        row_w = np.where(row_sum > 0, row_w / row_sum, 0.0)
    # Ideal and anti-ideal per column over the cells that apply, in normalised units; the distance of a
    # pilot weighs each column by the pilot's own weight (equal to v - A when all weights agree).
    high = np.max(np.where(counts, r, -np.inf), axis=0)
    low = np.min(np.where(counts, r, np.inf), axis=0)
    high = np.where(counts.any(axis=0), high, 0.0)
    low = np.where(counts.any(axis=0), low, 0.0)
    ideal = np.where(cost, low, high)
    anti_ideal = np.where(cost, high, low)
    s_plus = np.sqrt(((row_w * (r - ideal)) ** 2 * counts).sum(axis=1))
    s_minus = np.sqrt(((row_w * (r - anti_ideal)) ** 2 * counts).sum(axis=1))
    spread = s_plus + s_minus
    with np.errstate(divide="ignore", invalid="ignore"):
        closeness = np.where(spread > 0, s_minus / spread, 1.0)
    return np.clip(closeness, 0.0, 1.0).astype(np.float64)


def coupling_coordination(subsystems: npt.ArrayLike, *, weights: npt.ArrayLike | None = None) -> Coupling:
    """Return the coupling degree C, development index T and coordination degree D of k subsystem scores.

    C = (U1 * ... * Uk) ** (1/k) / ((U1 + ... + Uk) / k), the corrected form that stays in [0, 1] for any k
    (for k = 2 it equals the usual 2 * sqrt(U1 * U2) / (U1 + U2)); T = sum of w_j * U_j; D = sqrt(C * T).
    """
    u = _matrix(subsystems, "subsystems")
    k = u.shape[1]
    if k < 2:
        raise ValueError(f"coupling needs at least 2 subsystems (columns), got {k}")
    if np.isnan(u).any():
        raise ValueError("subsystem scores must be complete (no missing values)")
    if (u < 0).any() or (u > 1).any():
        raise ValueError("subsystem scores must lie in [0, 1]; normalise them first")
    w = np.full(k, 1.0 / k) if weights is None else _weights(weights, k, total=1.0)
    geometric = np.exp(np.log(np.where(u > 0, u, 1.0)).mean(axis=1))
    geometric = np.where((u > 0).all(axis=1), geometric, 0.0)
    arithmetic = u.mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        # All subsystems at zero: no development to couple, C = 0 (D is 0 whatever C is).
        c = np.where(arithmetic > 0, geometric / arithmetic, 0.0)
    c = np.clip(c, 0.0, 1.0)
    t = u @ w
    d = np.sqrt(c * t)
    return Coupling(c=c.astype(np.float64), t=t.astype(np.float64), d=d.astype(np.float64))


# How close to a half unit of the last place a scaled value must be for float error to matter (then Decimal decides).
_NEAR_HALF = 1e-6


def round_half_up(values: npt.ArrayLike, decimals: int = 2) -> FloatArray:
    """Round half up to ``decimals`` places on each value's shortest decimal text (NaN stays NaN), as an array.

    The same result as ``float(Decimal(repr(v)).quantize(Decimal(10) ** -decimals, ROUND_HALF_UP))`` for every
    element: ``floor(v * 10**d + 0.5) / 10**d`` is that rounding except within float error of a half unit,
    and those few values (exact halves such as 2.675) go through Decimal one by one.
    """
    v = np.asarray(values, dtype=np.float64)
    scale = 10.0**decimals
    y = v * scale
    with np.errstate(invalid="ignore"):
        out = np.floor(y + 0.5) / scale
        near = np.abs(y - np.floor(y) - 0.5) < _NEAR_HALF
    if near.any():
        quantum = Decimal(1).scaleb(-decimals)
        out = out.copy()
        for i in np.flatnonzero(near):
            out.flat[i] = float(Decimal(repr(float(v.flat[i]))).quantize(quantum, rounding=ROUND_HALF_UP))
    return out


def competition_rank(scores: npt.ArrayLike, *, higher_is_better: bool = True, decimals: int = 2) -> IntArray:
    """Return "1224" ranks of the scores rounded half-up to ``decimals`` (ties share the best rank, missing last)."""
    s = np.asarray(scores, dtype=np.float64)
    if s.ndim != 1:
        raise ValueError(f"scores must be one-dimensional, got shape {s.shape}")
    if decimals < 0:
        raise ValueError(f"decimals must be >= 0, got {decimals}")
    if np.isinf(s).any():
        raise ValueError("scores must be finite numbers")
    present = ~np.isnan(s)
    # Round exactly as the pages print (core.formatting.number: half-up on the decimal text), so equal printed
    # scores share a rank.
    rounded = np.where(present, round_half_up(s, decimals), 0.0)
    key = -rounded if higher_is_better else rounded
    valid = key[present]
    ranks = np.empty(s.shape, dtype=np.int64)
    # rank = 1 + how many present scores are strictly better
    ranks[present] = 1 + np.searchsorted(np.sort(valid), valid, side="left")
    ranks[~present] = 1 + int(present.sum())
    return ranks


def trimmed_mean(scores: npt.ArrayLike, *, drop_extremes_from: int = 5) -> float:
    """Return the mean of expert scores, dropping one highest and one lowest once there are enough scores."""
    s = np.asarray(scores, dtype=np.float64)
    if s.ndim != 1:
        raise ValueError(f"scores must be one-dimensional, got shape {s.shape}")
    if s.size == 0:
        raise ValueError("at least one score is needed")
    if not np.isfinite(s).all():
        raise ValueError("scores must be finite numbers (no missing values)")
    if drop_extremes_from < 3:
        raise ValueError(f"drop_extremes_from must be at least 3, got {drop_extremes_from}")
    if s.size >= drop_extremes_from:
        s = np.sort(s)[1:-1]
    return float(s.mean())


def weighted_total(dimension_scores: npt.ArrayLike, weights: npt.ArrayLike) -> FloatArray:
    """Return totals on 0..100 from dimension scores on 0..100 and weights summing to 100."""
    x = _matrix(dimension_scores, "dimension_scores")
    w = _weights(weights, x.shape[1], total=100.0)
    if np.isnan(x).any():
        raise ValueError("every dimension needs a score (0 when nothing counts), no missing values")
    if (x < 0).any() or (x > 100).any():
        raise ValueError("dimension scores must lie in [0, 100]")
    return np.clip(x @ w / 100.0, 0.0, 100.0).astype(np.float64)


def _matrix(data: npt.ArrayLike, name: str) -> FloatArray:
    x = np.asarray(data, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"{name} must be a 2-D matrix (pilots x indicators), got shape {x.shape}")
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"{name} must have at least one row and one column, got shape {x.shape}")
    if np.isinf(x).any():
        raise ValueError(f"{name} must hold finite numbers or NaN for missing values")
    return x


def _same_shape(a: FloatArray, b: FloatArray, a_name: str, b_name: str) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{a_name} and {b_name} must have the same shape, got {a.shape} and {b.shape}")


def _cost_mask(directions: Sequence[str], columns: int) -> npt.NDArray[np.bool_]:
    if isinstance(directions, str):
        raise ValueError("directions must be a sequence with one direction per column, not a single string")
    if len(directions) != columns:
        raise ValueError(f"directions must give one direction per column: {columns} columns, {len(directions)} given")
    unknown = sorted({d for d in directions if d not in DIRECTIONS})
    if unknown:
        raise ValueError(f'unknown direction(s) {unknown}; each must be "benefit" or "cost"')
    return np.array([d == "cost" for d in directions], dtype=np.bool_)


def _weights(weights: npt.ArrayLike, columns: int, *, total: float) -> FloatArray:
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1 or w.shape[0] != columns:
        raise ValueError(f"weights must give one weight per column: {columns} columns, shape {w.shape} given")
    if not np.isfinite(w).all():
        raise ValueError("weights must be finite numbers")
    if (w < 0).any():
        raise ValueError("weights must not be negative")
    if abs(float(w.sum()) - total) > WEIGHT_TOLERANCE * max(total, 1.0):
        raise ValueError(f"weights must sum to {total:g}, they sum to {float(w.sum()):g}")
    return w
