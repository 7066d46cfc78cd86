"""Sensitivity of a draft ranking, the comparison of two runs, and the background path of a run."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from shidian.evaluation import analysis, scoring, services
from shidian.evaluation.models import ProvinceAssessment, Result, Run, RunState
from shidian.evaluation.tests import factories as f

pytestmark = pytest.mark.django_db

THRESHOLDS = {"excellent": "90", "good": "80", "pass": "60"}


def test_moving_a_weight_can_swap_two_close_pilots_and_flags_a_grade_on_the_line() -> None:
    # A is strong in tasks, B in indicators; with 50/50 they tie near 60, C is far ahead.
    dims = np.array([[70.0, 50.0, 0, 0, 0], [50.0, 70.0, 0, 0, 0], [100.0, 100.0, 0, 0, 0]]) * 1.0
    weights = np.array([50.0, 50.0, 0.0, 0.0, 0.0])
    rows = {
        s.pilot_id: s
        for s in scoring.sensitivity(dims, weights, method="weighted", thresholds=THRESHOLDS, pilot_ids=[1, 2, 3])
    }
    assert (rows[1].best, rows[1].worst) == (2, 3) and (rows[2].best, rows[2].worst) == (2, 3)
    assert (rows[3].best, rows[3].worst) == (1, 1)
    assert rows[1].grades == {"pass", "fail"} and rows[3].grades == {"excellent"}


def test_comparing_runs_names_the_dimension_and_the_input_that_moved() -> None:
    pilots = f.some_pilots(2)
    f.only_pilots(pilots)
    s = f.scheme()
    first = f.computed_run(s)
    ProvinceAssessment.objects.create(pilot=f.liuzhou(), year=2018, score=Decimal(90), entered_by=f.province_officer())
    second = f.computed_run(s)
    moves = analysis.compare(first, second, Result.objects.filter(run=first), Result.objects.filter(run=second))
    (move,) = moves
    # No milestone due: 任务完成 does not apply, so 省级评价 weighs 10 x 100 / 65 = 15.38; 90 x 15.38% = 13.85.
    assert move.pilot == f.liuzhou() and move.delta == Decimal("13.85")
    assert any("省级评价" in r for r in move.reasons)


def test_a_large_run_goes_to_the_task_worker_and_shows_its_progress(
    client_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    pilots = f.some_pilots(3)
    f.only_pilots(pilots)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_run(scheme=f.scheme(), by=f.national(), background=True)
    run.refresh_from_db()
    assert run.state == RunState.DONE and run.results.count() == 3  # the immediate backend ran the task
    from django.urls import reverse

    fragment = client_as("demo-national").get(reverse("evaluation:run_progress", kwargs={"run_id": run.pk}))
    assert 'data-state="done"' in fragment.content.decode()


def test_the_coupling_of_population_and_land_urbanisation_keeps_c_and_d_apart() -> None:
    """Hand computation over a run's snapshot: every value min-max normalised over the run's pilots.

    Population (城镇化水平, 农民工融入城镇): urban rate 60 / 40 / 80 -> 0.5 / 0 / 1; migrants settled 40 / 50 / 10
    -> 0.75 / 1 / 0; so U1 = 0.625 / 0.5 / 0.5. Land (土地利用, cost): land per head 100 / 140 / 120 -> 1 / 0 / 0.5.
    Pilot 7: C = 2 * sqrt(0.625 * 1) / 1.625 = 0.9730; T = 0.8125; D = sqrt(C * T) = 0.8891 (良好协调).
    Pilot 9: U1 = U2 = 0.5: C = 1, D = sqrt(0.5) = 0.7071 (中级协调). Pilot 8: U2 = 0: C = 0, D = 0.
    """

    def pilot(pid: int, **values: float) -> dict[str, Any]:
        directions = {"urban_land_per_capita": "negative"}
        return {
            "id": pid,
            "indicators": [
                {"code": code, "direction": directions.get(code, "positive"), "value": str(value)}
                for code, value in values.items()
            ],
        }

    run = Run(
        inputs={
            "pilots": [
                pilot(7, urban_rate_resident=60, migrant_settled=40, urban_land_per_capita=100, gdp_per_capita=9),
                pilot(8, urban_rate_resident=40, migrant_settled=50, urban_land_per_capita=140),
                pilot(9, urban_rate_resident=80, migrant_settled=10, urban_land_per_capita=120),
                pilot(10, urban_rate_resident=60, migrant_settled=30),  # no land indicator: no coupling
            ]
        }
    )
    categories = {
        "urban_rate_resident": "城镇化水平",
        "migrant_settled": "农民工融入城镇",
        "urban_land_per_capita": "土地利用",
        "gdp_per_capita": "中心城市建设",
    }
    rows = analysis.coupling(run, [7, 8, 9, 10], categories)
    assert set(rows) == {7, 8, 9}
    row = rows[7]
    assert (round(row.u1, 4), round(row.u2, 4)) == (0.625, 1.0)
    assert (round(row.c, 4), round(row.t, 4), round(row.d, 4)) == (0.973, 0.8125, 0.8891)
    assert row.band == "良好协调"
    assert (round(rows[9].c, 4), round(rows[9].d, 4), rows[9].band) == (1.0, 0.7071, "中级协调")
    assert (rows[8].c, rows[8].d, rows[8].band) == (0.0, 0.0, "极度失调")
    # The levels are the run's: a province that sees only pilot 7 gets the same numbers as the nation.
    assert analysis.coupling(run, [7], categories)[7] == row
    assert analysis.coupling_bands(rows.values()) == [("极度失调", 1), ("中级协调", 1), ("良好协调", 1)]
