"""Sensitivity of a draft ranking, the comparison of two runs, and the background path of a run."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from shidian.evaluation import analysis, scoring, services
from shidian.evaluation.models import ProvinceAssessment, Result, RunState
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
    """Hand computation: U1 = (0.8 + 0.6) / 2 = 0.7 (population), U2 = 0.35 (land; an uncounted cell is left out).

    C = 2 * sqrt(0.7 * 0.35) / 1.05 = 0.9428; T = 0.525; D = sqrt(C * T) = 0.7035 (中级协调).
    """
    cells = [
        {"code": "urban_rate_resident", "cell": 0.8, "counted": True},
        {"code": "migrant_settled", "cell": 0.6, "counted": True},
        {"code": "urban_land_per_capita", "cell": 0.35, "counted": True},
        {"code": "farmland_area", "cell": 0.9, "counted": False},  # not counted: left out
        {"code": "gdp_per_capita", "cell": 0.1, "counted": True},  # neither subsystem
    ]
    result = Result(pilot_id=7, breakdown={"dimensions": [{"code": "indicators", "detail": {"indicators": cells}}]})
    categories = {
        "urban_rate_resident": "城镇化水平",
        "migrant_settled": "农民工融入城镇",
        "urban_land_per_capita": "土地利用",
        "farmland_area": "土地利用",
        "gdp_per_capita": "中心城市建设",
    }
    row = analysis.coupling([result], categories)[7]
    assert (round(row.u1, 4), round(row.u2, 4)) == (0.7, 0.35)
    assert (round(row.c, 4), round(row.t, 4), round(row.d, 4)) == (0.9428, 0.525, 0.7035)
    assert row.band == "中级协调"
    population_only = {"dimensions": [{"code": "indicators", "detail": {"indicators": cells[:2]}}]}
    no_land = Result(pilot_id=8, breakdown=population_only)
    assert analysis.coupling([no_land], categories) == {}
    assert analysis.coupling_bands([row]) == [("中级协调", 1)]
