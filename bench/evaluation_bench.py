"""The evaluation run over every area: the product's run vs an ORM loop over areas vs NumPy on preloaded arrays.

- **Product**: ``services.inputs.gather_inputs`` (the run's set-based reads), ``scoring.flatten`` (the snapshot as
  arrays, in one pass) and ``scoring.compute`` (the array arithmetic: dimension scores, totals, ranks, grades) -
  the numbers ``services.runs.compute_run`` stores. The score cards (``scoring.breakdowns``) and the write of the
  results (``runs._store``: COPY on PostgreSQL) are timed apart, and the whole run is compared to the loop too.
- **(a) ORM loop** (the peer baseline, the common way): for each area, its own queries (milestones due, its
  indicator series and targets, its report facts, its expert scores, its province assessment) and its own
  scalar arithmetic, one area after the other.
- **(b) NumPy limit**: the same arithmetic as whole-array operations on arrays preloaded from the product's
  snapshot (the preloading is not timed): nothing but the numbers, no breakdowns. It is compared with
  ``scoring.compute`` on the product's own arrays (``scoring.flatten``, the product's preloading, timed apart).

All three must give identical scores to the cent for every area; the benchmark fails otherwise. Only the
scheme's default methods (target attainment, weighted sum) have a scalar twin here; another scheme's
methods are measured for the product only.
"""

from __future__ import annotations

import time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

CENT = Decimal("0.01")


def _money(value: float) -> Decimal:
    return Decimal(repr(float(value))).quantize(CENT, rounding=ROUND_HALF_UP)


# -- (a) the ORM loop ----------------------------------------------------------------------------------


def orm_loop(scheme: Any) -> dict[int, Decimal]:
    """Each area's score, area by area: its own queries, then plain scalar arithmetic."""
    from shidian.evaluation import scoring
    from shidian.evaluation.services import inputs

    year = scheme.year
    weights = [float(scheme.dimensions.get(code=d).weight) for d in scoring.DIMENSIONS]
    cap = float(scheme.attainment_cap)
    out: dict[int, Decimal] = {}
    for pilot in inputs.evaluated_pilots(year):
        pid = pilot.pk
        milestones = inputs._milestones([pid], year).get(pid, [])
        indicators = inputs._indicators([pilot], year).get(pid, [])
        reports = inputs._reports([pid], year).get(pid, [])
        experts = inputs._experts([pid], year).get(pid, [])
        assessment = inputs._assessments([pid], year).get(pid)
        task, _d = scoring.task_score(milestones)
        cells = []
        # Every row has a target (the reader drops the others); in code order, as the run's columns are.
        for row in sorted(indicators, key=lambda r: r["code"]):
            cells.append(_attainment(row, cap))
        # np.mean, as the product's run does: its summation order is the product's for long rows too.
        indicator = 100.0 * float(np.mean(cells)) if cells else 0.0
        innovation, _d = scoring.innovation_score(experts, [], max_score=int(scheme.max_expert_score))
        reporting, _d = scoring.reporting_score(reports)
        province, _d = scoring.province_score(assessment)
        dims = [task, indicator, innovation, reporting, province]
        dims = [None if d is None else float(_money(d)) for d in dims]
        applicable = sum(w for w, d in zip(weights, dims, strict=True) if d is not None)
        total = 0.0
        for w, d in zip(weights, dims, strict=True):
            effective = w * 100.0 / applicable if d is not None and applicable > 0 else 0.0
            total += float(_money((d or 0.0) * effective / 100.0))
        out[pid] = _money(total)
    return out


def _attainment(row: dict[str, Any], cap: float) -> float:
    """One cell of methods.attainment (no baselines), in scalars."""
    if row["value"] is None or row["target"] is None:
        return 0.0
    value, target = float(row["value"]), float(row["target"])
    cost = row["direction"] == "negative"
    numerator, denominator = (target, value) if cost else (value, target)
    reached = value <= target if cost else value >= target
    ratio = (cap if reached else 0.0) if denominator == 0 else numerator / denominator
    ratio = max(ratio, 1.0) if reached else (0.0 if ratio >= 1.0 else ratio)
    return min(max(ratio, 0.0), cap)


# -- (b) the NumPy limit ------------------------------------------------------------------------------


def preload(snapshot: dict[str, Any]) -> dict[str, Any]:
    """Flat arrays of the numbers a score rests on (not timed: the limit starts from arrays in memory)."""
    pilots = snapshot["pilots"]
    n = len(pilots)
    codes = sorted({r["code"]: r["direction"] for p in pilots for r in p["indicators"]}.items())
    index = {code: j for j, (code, _d) in enumerate(codes)}
    values = np.full((n, max(len(codes), 1)), np.nan)
    targets = np.full_like(values, np.nan)
    ms_pilot, ms_duration, ms_done, ms_on_time = [], [], [], []
    rep_pilot, rep_submitted, rep_late, rep_returns = [], [], [], []
    width = max([len(p["experts"]) for p in pilots] + [1])
    experts = np.full((n, width), np.nan)
    province = np.zeros(n)
    for i, p in enumerate(pilots):
        for m in p["milestones"]:
            done = m["status"] == "done"
            ms_pilot.append(i)
            ms_duration.append(float(m["duration"]))
            ms_done.append(done)
            ms_on_time.append(done and (m["finished_on"] is None or m["finished_on"] <= m["due"]))
        for r in p["indicators"]:
            j = index[r["code"]]
            if r["value"] is not None:
                values[i, j] = float(r["value"])
            targets[i, j] = float(r["target"])
        for r in p["reports"]:
            rep_pilot.append(i)
            rep_submitted.append(r["submitted_at"] is not None)
            rep_late.append(bool(r["late"]))
            rep_returns.append(r["returns"])
        totals = [e["total"] for e in p["experts"] if e["total"] is not None]
        experts[i, : len(totals)] = totals
        if p["province_assessment"] is not None:
            province[i] = float(p["province_assessment"]["score"])
    scheme = snapshot["scheme"]
    return {
        "n": n,
        "ms_pilot": np.array(ms_pilot, dtype=np.int64),
        "ms_duration": np.array(ms_duration),
        "ms_done": np.array(ms_done, dtype=bool),
        "ms_on_time": np.array(ms_on_time, dtype=bool),
        "values": values,
        "targets": targets,
        "cost": np.array([d == "negative" for _c, d in codes] or [False]),
        "rep_pilot": np.array(rep_pilot, dtype=np.int64),
        "rep_submitted": np.array(rep_submitted, dtype=bool),
        "rep_late": np.array(rep_late, dtype=bool),
        "rep_returns": np.array(rep_returns, dtype=np.float64),
        "experts": experts,
        "province": province,
        "weights": np.array([float(scheme["weights"][d]) for d in ("tasks", "indicators", "innovation",
                                                                    "reporting", "province")]),
        "cap": float(scheme["attainment_cap"]),
        "max_score": float(scheme["max_expert_score"]),
    }  # fmt: skip


def cents(x: np.ndarray) -> np.ndarray:
    """Half-up to the cent of each value's shortest decimal text, as Decimal(repr(x)).quantize does.

    floor(100x + 0.5) is that rounding except within float error of a half cent; those few go through Decimal.
    """
    y = x * 100.0
    out = np.floor(y + 0.5) / 100.0
    near = np.abs(y - np.floor(y) - 0.5) < 1e-6
    for i in np.flatnonzero(near):
        out.flat[i] = float(_money(x.flat[i]))
    return out


def numpy_limit(a: dict[str, Any]) -> np.ndarray:
    n = a["n"]
    credit = np.where(a["ms_on_time"], 1.0, np.where(a["ms_done"], 0.5, 0.0))
    weight = np.bincount(a["ms_pilot"], a["ms_duration"], minlength=n)
    earned = np.bincount(a["ms_pilot"], a["ms_duration"] * credit, minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        task = np.where(weight > 0, 100.0 * earned / weight, np.nan)
    v, t, cost, cap = a["values"], a["targets"], a["cost"], a["cap"]
    numerator, denominator = np.where(cost, t, v), np.where(cost, v, t)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = numerator / denominator
    reached = np.where(cost, v <= t, v >= t)
    ratio = np.where(denominator == 0, np.where(reached, cap, 0.0), ratio)
    ratio = np.where(reached, np.maximum(ratio, 1.0), np.where(ratio >= 1.0, 0.0, ratio))
    cells = np.where(np.isnan(v) | np.isnan(t), 0.0, np.clip(ratio, 0.0, cap))
    counted = ~np.isnan(t)
    count = counted.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        indicator = np.where(count > 0, 100.0 * np.where(counted, cells, 0.0).sum(axis=1) / count, 0.0)
    e = np.sort(a["experts"], axis=1)  # NaN last
    k = (~np.isnan(e)).sum(axis=1)
    cols = np.arange(e.shape[1])
    trim = (k >= 5)[:, None] & ((cols == 0) | (cols == (k - 1)[:, None]))
    keep = ~np.isnan(e) & ~trim
    kept = keep.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(keep, e, 0.0).sum(axis=1) / kept
    innovation = np.where(k > 0, np.minimum(100.0, mean * 100.0 / a["max_score"]), 0.0)
    base = np.where(a["rep_submitted"], np.where(a["rep_late"], 60.0, 100.0), 0.0)
    points = np.maximum(0.0, base - 10.0 * a["rep_returns"])
    rounds = np.bincount(a["rep_pilot"], minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        reporting = np.where(rounds > 0, np.bincount(a["rep_pilot"], points, minlength=n) / rounds, 0.0)
    dims = cents(np.column_stack([task, indicator, innovation, reporting, a["province"]]))
    applicable = ~np.isnan(dims)
    raw = np.where(applicable, a["weights"], 0.0)
    total = raw.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        effective = np.where(total > 0, raw * 100.0 / total, 0.0)
    contributions = cents(np.nan_to_num(dims, nan=0.0) * effective / 100.0)
    return cents(contributions.sum(axis=1))


# -- the benchmark ------------------------------------------------------------------------------------


def _best(fn: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def run(*, smoke: bool) -> list[tuple[Any, ...]]:
    from django.db import transaction

    from shidian.accounts.models import User
    from shidian.evaluation import scoring
    from shidian.evaluation.models import Result, Run, RunState, Scheme
    from shidian.evaluation.services import inputs, runs

    scheme = Scheme.objects.filter(runs__isnull=False).order_by("-year").first() or Scheme.objects.first()
    if scheme is None:
        return [("评估", "评估计算（没有评估方案，未测）", "—", "—", None, "≥ 50x 循环，≤ 3x NumPy", None)]
    repeat = 1 if smoke else 3
    read_s, snapshot = _best(lambda: inputs.gather_inputs(scheme=scheme), repeat)
    flat_s, flat = _best(lambda: scoring.flatten(snapshot), repeat)
    arithmetic_s, computed = _best(lambda: scoring.compute(flat, snapshot["scheme"]), 1 if smoke else 5)
    cards_s, _cards = _best(lambda: scoring.breakdowns(snapshot, flat, computed), repeat)
    scored = scoring.score_run(snapshot)  # what the run stores: the numbers above with their breakdowns
    product_s = read_s + flat_s + arithmetic_s
    n = len(scored)
    print(
        f"  evaluation: {n} areas, reads {read_s:.2f} s, flatten {flat_s * 1000:.0f} ms, arithmetic"
        f" {arithmetic_s * 1000:.1f} ms, breakdowns {cards_s * 1000:.0f} ms",
        flush=True,
    )
    with transaction.atomic():  # the store, timed and rolled back
        national = User.objects.get(username="demo-national")
        # running, as compute_run leaves it before the store (the store moves it to done)
        run = Run.objects.create(
            scheme=scheme, number=10_000, created_by=national, total_pilots=n, state=RunState.RUNNING
        )
        start = time.perf_counter()
        runs._store(run, scored, snapshot)
        store_s = time.perf_counter() - start
        stored = Result.objects.filter(run=run).count()
        transaction.set_rollback(True)
    assert stored == n, (stored, n)
    ours = {s.pilot_id: s.score for s in scored}
    assert [_money(t) for t in computed.totals] == [s.score for s in scored]
    arrays = preload(snapshot)
    limit_s, limit = _best(lambda: numpy_limit(arrays), 1 if smoke else 5)
    ids = [p["id"] for p in snapshot["pilots"]]
    plain = snapshot["scheme"]["indicator_method"] == "attainment" and snapshot["scheme"]["composite_method"] == (
        "weighted"
    )
    full_s = product_s + cards_s + store_s
    rows: list[tuple[Any, ...]] = []
    if plain:
        for pid, value in zip(ids, limit, strict=True):
            assert _money(value) == ours[pid], ("numpy", pid, value, ours[pid])
        start = time.perf_counter()
        looped = orm_loop(scheme)
        loop_s = time.perf_counter() - start
        assert looped == ours, "the ORM loop's scores differ from the run's"
        speedup = loop_s / product_s
        rows.append(
            ("评估", f"评估计算：{n:,} 个地区（读取 + 计分），分数逐一相同", f"{product_s:.2f} s",
             f"逐地区 ORM 循环 {loop_s:.2f} s", speedup, "≥ 50x 快于循环", speedup >= 50)
        )  # fmt: skip
        rows.append(
            ("评估", f"评估计算全程：{n:,} 个地区（读取 + 计分 + 评分卡 + 写入）", f"{full_s:.2f} s",
             f"逐地区 ORM 循环 {loop_s:.2f} s（不写入）", loop_s / full_s, "≥ 50x 快于循环", loop_s / full_s >= 50)
        )  # fmt: skip
    ratio = arithmetic_s / limit_s
    rows.append(
        ("评估", f"评估计分（快照数组上的计算，{n:,} 个地区）", f"{arithmetic_s * 1000:.1f} ms",
         f"NumPy 预载数组 {limit_s * 1000:.1f} ms", ratio, "≤ 3x NumPy", ratio <= 3 if plain else None)
    )  # fmt: skip
    rows.append(
        ("评估", "评估计算：读取快照 / 快照成数组 / 评分卡 / 写入结果（参考）",
         f"读取 {read_s:.2f} s / 成数组 {flat_s * 1000:.0f} ms / 评分卡 {cards_s * 1000:.0f} ms / 写入 {store_s:.2f} s",
         "—", None, "—", None)
    )  # fmt: skip
    return rows
