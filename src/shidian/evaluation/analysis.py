"""Read-side arithmetic over a run's stored results: sensitivity, comparison of runs, group summaries, charts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from shidian.core import formatting
from shidian.evaluation import methods, scoring
from shidian.evaluation.models import DimensionCode, Grade, Result, Run
from shidian.regions.models import RegionClass

if TYPE_CHECKING:
    from shidian.pilots.models import PilotArea

DIMENSION_LABELS = dict(DimensionCode.choices)


def _dims(breakdowns: Sequence[dict[str, Any]]) -> np.ndarray:
    """The stored dimension scores; a dimension that did not apply (score None) is NaN, as in the run."""
    rows = []
    for breakdown in breakdowns:
        by_code = {d["code"]: d["score"] for d in breakdown.get("dimensions", [])}
        rows.append([np.nan if by_code.get(code) is None else float(by_code[code]) for code in scoring.DIMENSIONS])
    return np.array(rows, dtype=np.float64).reshape(len(breakdowns), len(scoring.DIMENSIONS))


@dataclass(frozen=True)
class StabilityRow:
    result: Result
    best: int
    worst: int
    grades: list[str]

    @property
    def grade_may_change(self) -> bool:
        return len(self.grades) > 1


def sensitivity(run: Run, results: Sequence[Result], every: Sequence[tuple[int, dict[str, Any]]]) -> list[StabilityRow]:
    """Each weight ±20% (the rest rescaled to 100): the rank range and the grades each of ``results`` could get.

    The ranks are national, so they are recomputed over ``every`` result of the run (pilot id, breakdown),
    whoever looks; only the rows of ``results`` (the pilots the user may see) are returned.
    """
    results = list(results)
    if not results or not every:
        return []
    scheme = run.inputs.get("scheme", {})
    weights = np.array([float(scheme["weights"][c]) for c in scoring.DIMENSIONS])
    rows = scoring.sensitivity(
        _dims([breakdown for _pid, breakdown in every]),
        weights,
        method=scheme.get("composite_method", "weighted"),
        thresholds=scheme["thresholds"],
        pilot_ids=[pid for pid, _b in every],
    )
    by_pilot = {s.pilot_id: s for s in rows}
    order = [g.value for g in Grade]
    return [
        StabilityRow(r, s.best, s.worst, [str(Grade(g).label) for g in sorted(s.grades, key=order.index)])
        for r in results
        if (s := by_pilot.get(r.pilot_id)) is not None
    ]


@dataclass
class Move:
    pilot: PilotArea
    before: Result | None
    after: Result | None
    reasons: list[str] = field(default_factory=list)

    @property
    def delta(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after.score - self.before.score

    @property
    def rank_delta(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.before.rank_overall - self.after.rank_overall

    @property
    def rank_fall(self) -> int | None:
        """How many places the pilot fell (the page writes ↓n)."""
        delta = self.rank_delta
        return None if delta is None else -delta


def _inputs_by_pilot(run: Run) -> dict[int, dict[str, Any]]:
    return {p["id"]: p for p in run.inputs.get("pilots", [])}


def _score_text(value: float | None) -> str:
    return _("不适用") if value is None else formatting.score(value)


def compare(old: Run, new: Run, old_results: Iterable[Result], new_results: Iterable[Result]) -> list[Move]:
    """What moved between two runs and why: the dimensions whose contribution changed and the inputs behind them."""
    before = {r.pilot_id: r for r in old_results}
    after = {r.pilot_id: r for r in new_results}
    old_inputs, new_inputs = _inputs_by_pilot(old), _inputs_by_pilot(new)
    moves = []
    for pid in sorted(set(before) | set(after)):
        b, a = before.get(pid), after.get(pid)
        row = a or b
        assert row is not None  # noqa: S101 - pid comes from one of the two runs
        move = Move(row.pilot, b, a)
        if b is None or a is None:
            move.reasons.append(_("仅在一次计算中出现。"))
        else:
            old_dims = {d["code"]: d for d in b.breakdown["dimensions"]}
            for d in a.breakdown["dimensions"]:
                was = old_dims.get(d["code"])
                if was is not None and was["contribution"] != d["contribution"]:
                    move.reasons.append(
                        _("%(dim)s：%(old)s → %(new)s 分（贡献 %(oc)s → %(nc)s）")
                        % {
                            "dim": DIMENSION_LABELS.get(d["code"], d["code"]),
                            "old": _score_text(was["score"]),
                            "new": _score_text(d["score"]),
                            "oc": formatting.score(was["contribution"]),
                            "nc": formatting.score(d["contribution"]),
                        }
                    )
            oi, ni = old_inputs.get(pid, {}), new_inputs.get(pid, {})
            for key, label in (
                ("milestones", _("到期节点")),
                ("indicators", _("指标数值")),
                ("reports", _("报告")),
                ("experts", _("专家评分")),
                ("province_assessment", _("省级评价")),
            ):
                if oi.get(key) != ni.get(key):
                    move.reasons.append(_("输入变化：%(what)s") % {"what": label})
            old_w = old.inputs.get("scheme", {}).get("weights")
            if old_w != new.inputs.get("scheme", {}).get("weights"):
                move.reasons.append(_("方案权重变化"))
        if move.reasons or (move.delta not in (None, Decimal(0))):
            moves.append(move)
    moves.sort(key=lambda m: -abs(m.delta or Decimal(0)))
    return moves


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    count: int
    mean: float
    grades: dict[str, int]


def groups(results: Sequence[Result], by: str) -> list[Group]:
    """Results summarised by province, batch or region: count, mean score and grade counts."""
    buckets: dict[tuple[Any, str], list[Result]] = defaultdict(list)
    regions = dict(RegionClass.choices)
    for r in results:
        if by == "province":
            key: tuple[Any, str] = (r.pilot.province.code, r.pilot.province.name)
        elif by == "batch":
            key = (r.pilot.batch.number, str(r.pilot.batch))
        else:
            key = (r.pilot.province.region, str(regions.get(r.pilot.province.region, r.pilot.province.region)))
        buckets[key].append(r)
    out = []
    for (key, label), rows in sorted(buckets.items(), key=lambda kv: str(kv[0][0])):
        grades = {g.value: sum(1 for r in rows if r.grade == g.value) for g in Grade}
        out.append(Group(str(key), label, len(rows), round(sum(float(r.score) for r in rows) / len(rows), 2), grades))
    return out


def bar_option(groups_: Sequence[Group], *, title: str) -> dict[str, Any]:
    """An ECharts option: mean score per group, with grade counts stacked on a second axis."""
    labels = [g.label for g in groups_]
    series: list[dict[str, Any]] = [
        {"name": _("平均分"), "type": "bar", "data": [g.mean for g in groups_], "yAxisIndex": 0},
    ]
    for grade in Grade:
        series.append(
            {
                "name": str(grade.label),
                "type": "line",
                "yAxisIndex": 1,
                "data": [g.grades[grade.value] for g in groups_],
            }
        )
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 40, "right": 40, "bottom": 60, "containLabel": True},
        "xAxis": {"type": "category", "data": labels, "axisLabel": {"rotate": 45 if len(labels) > 8 else 0}},
        "yAxis": [
            {"type": "value", "name": _("分"), "min": 0, "max": 100},
            {"type": "value", "name": _("试点数"), "minInterval": 1},
        ],
        "series": series,
    }


# The pair of subsystems the dashboard couples (docs/evaluation.md, 耦合协调度): the population's urbanisation
# against the land's, each the development level (0..1) of the indicators of those catalogue categories
# (indicators app, 指标分类) in the run's snapshot: every value min-max normalised over the run's pilots.
COUPLING_PAIR: tuple[tuple[str, frozenset[str]], tuple[str, frozenset[str]]] = (
    (gettext_noop("人口城镇化"), frozenset({"城镇化水平", "农民工融入城镇"})),
    (gettext_noop("土地城镇化"), frozenset({"土地利用"})),
)
# 十级 bands of D (田深圳等 2021, 表1), upper bounds.
COORDINATION_BANDS = (
    (0.1, gettext_noop("极度失调")),
    (0.2, gettext_noop("严重失调")),
    (0.3, gettext_noop("中度失调")),
    (0.4, gettext_noop("轻度失调")),
    (0.5, gettext_noop("濒临失调")),
    (0.6, gettext_noop("勉强协调")),
    (0.7, gettext_noop("初级协调")),
    (0.8, gettext_noop("中级协调")),
    (0.9, gettext_noop("良好协调")),
    (1.0, gettext_noop("优质协调")),
)


def coordination_band(d: float) -> str:
    """The 十级 band of a coordination degree D (0.1 wide; 1.0 itself is 优质协调)."""
    for upper, label in COORDINATION_BANDS:
        if d < upper:
            return _(label)
    return _(COORDINATION_BANDS[-1][1])


@dataclass(frozen=True)
class CouplingRow:
    """One pilot's two subsystem levels U1, U2, and the coupling degree C, index T and coordination degree D."""

    pilot_id: int
    u1: float
    u2: float
    c: float
    t: float
    d: float

    @property
    def band(self) -> str:
        return coordination_band(self.d)


def _subsystem_levels(
    pilots: Sequence[dict[str, Any]], categories: dict[str, str], wanted: frozenset[str]
) -> list[float | None]:
    """Each pilot's level of one subsystem: the mean of its indicators' values min-max normalised over the pilots.

    Normalised by direction (a cost indicator such as 人均城市建设用地 reversed); a pilot without a value of
    the subsystem has no level (None). Not the capped target attainment of the score: a pilot on target in
    both subsystems would be 1 and 1, "perfectly coupled" whatever its actual levels.
    """
    columns = sorted(
        {
            row["code"]: row["direction"]
            for p in pilots
            for row in p["indicators"]
            if categories.get(row["code"]) in wanted
        }.items()
    )
    if not columns:
        return [None] * len(pilots)
    index = {code: j for j, (code, _d) in enumerate(columns)}
    values = np.full((len(pilots), len(columns)), np.nan)
    for i, p in enumerate(pilots):
        for row in p["indicators"]:
            j = index.get(row["code"])
            if j is not None and row["value"] is not None:
                values[i, j] = float(row["value"])
    present = ~np.isnan(values)
    scaled = methods.min_max(values, directions=["cost" if d == "negative" else "benefit" for _c, d in columns])
    counts = present.sum(axis=1)
    sums = np.where(present, scaled, 0.0).sum(axis=1)
    return [float(sums[i] / counts[i]) if counts[i] else None for i in range(len(pilots))]


def coupling(run: Run, pilot_ids: Iterable[int], categories: dict[str, str]) -> dict[int, CouplingRow]:
    """{pilot id: coupling row} for the given pilots of ``run`` with both subsystems (methods.coupling_coordination).

    The levels U1, U2 are normalised over every pilot of the run's snapshot, so a pilot's C and D are the same
    on its score card, on the run page of the nation and on that of its province.
    """
    pilots = run.inputs.get("pilots", [])
    (_n1, first), (_n2, second) = COUPLING_PAIR
    wanted = set(pilot_ids)
    levels = [
        (p["id"], u1, u2)
        for p, u1, u2 in zip(
            pilots,
            _subsystem_levels(pilots, categories, first),
            _subsystem_levels(pilots, categories, second),
            strict=True,
        )
        if p["id"] in wanted and u1 is not None and u2 is not None
    ]
    if not levels:
        return {}
    model = methods.coupling_coordination(np.array([[u1, u2] for _p, u1, u2 in levels]))
    return {
        pid: CouplingRow(pid, u1, u2, float(model.c[i]), float(model.t[i]), float(model.d[i]))
        for i, (pid, u1, u2) in enumerate(levels)
    }


def coupling_bands(rows: Iterable[CouplingRow]) -> list[tuple[str, int]]:
    """How many pilots fall in each band of D, in band order (bands with none left out)."""
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.band] += 1
    return [(_(label), counts[_(label)]) for _upper, label in COORDINATION_BANDS if counts[_(label)]]
