"""The run: one pass over every pilot of the year, traceable breakdown, ranks, grades, determinism, query count."""

from __future__ import annotations

import importlib
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from django.db import connection

from shidian.core.models import AuditEvent
from shidian.evaluation import scoring, services
from shidian.evaluation.models import ProvinceAssessment, Result, RunState
from shidian.evaluation.tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_run_scores_every_pilot_and_the_breakdown_adds_up_to_the_score() -> None:
    pilots = f.some_pilots(3)
    f.only_pilots(pilots)
    liuzhou = pilots[0]
    f.milestones_due(liuzhou, done=2, total=4)
    f.indicator_with_value(liuzhou, value="50", target="100")
    ProvinceAssessment.objects.create(pilot=liuzhou, year=2018, score=Decimal(80), entered_by=f.province_officer())
    run = f.computed_run(f.scheme())
    assert run.state == RunState.DONE
    results = {r.pilot_id: r for r in Result.objects.filter(run=run)}
    assert set(results) == {p.pk for p in pilots}
    card = results[liuzhou.pk]
    dims = {d["code"]: d for d in card.breakdown["dimensions"]}
    # 2 of 4 equal milestones on time: 50; the one indicator half-way: 50 (others have no target).
    assert dims["tasks"]["score"] == 50.0
    assert [m["credit"] for m in dims["tasks"]["detail"]["milestones"]] == [1.0, 1.0, 0.0, 0.0]
    assert dims["province"]["score"] == 80.0
    assert "典型经验模块尚未上线" in dims["innovation"]["detail"]["experiences_note"]
    assert sum(Decimal(str(d["contribution"])) for d in dims.values()) == card.score
    assert card.score == Decimal("17.50") + Decimal(str(dims["indicators"]["contribution"])) + Decimal(
        "8.00"
    ) + Decimal(str(dims["reporting"]["contribution"]))
    assert card.rank_overall == 1 and card.grade == "fail"
    snapshot = next(p for p in run.inputs["pilots"] if p["id"] == liuzhou.pk)
    assert [m["status"] for m in snapshot["milestones"]] == ["done", "done", "in_progress", "in_progress"]
    assert AuditEvent.objects.filter(action="evaluation.run.created", object_id=str(run.pk)).exists()


def test_same_inputs_give_identical_results() -> None:
    pilots = f.some_pilots(4)
    f.only_pilots(pilots)
    f.milestones_due(pilots[1], done=1, total=3)
    s = f.scheme()
    first = f.computed_run(s)
    second = f.computed_run(s)
    assert first.inputs == second.inputs

    def rows(run: Any) -> list[tuple[Any, ...]]:
        return list(
            Result.objects.filter(run=run)
            .order_by("pilot_id")
            .values_list(
                "pilot_id", "score", "grade", "rank_overall", "rank_batch", "rank_region", "rank_province", "breakdown"
            )
        )

    assert rows(first) == rows(second)
    assert [s.score for s in scoring.score_run(first.inputs)] == [s.score for s in scoring.score_run(first.inputs)]


def test_ranks_overall_by_batch_region_and_province() -> None:
    inputs = {
        "scheme": {
            "weights": {"tasks": "100", "indicators": "0", "innovation": "0", "reporting": "0", "province": "0"},
            "thresholds": {"excellent": "90", "good": "80", "pass": "60"},
            "indicator_method": "attainment",
            "composite_method": "weighted",
            "attainment_cap": "1",
            "max_expert_score": 100,
        },
        "pilots": [
            {
                "id": i,
                "batch": b,
                "region": r,
                "province_id": pr,
                "milestones": [
                    {
                        "id": i,
                        "task": "t",
                        "name": "m",
                        "duration": 10,
                        "due": "2018-06-01",
                        "status": "done" if done else "x",
                        "finished_on": None,
                    }
                ],
                "indicators": [],
                "experts": [],
                "experiences": [],
                "reports": [],
                "province_assessment": None,
            }
            for i, b, r, pr, done in [
                (1, 1, "east", 11, True),
                (2, 2, "east", 11, False),
                (3, 1, "west", 50, True),
                (4, 2, "west", 50, False),
            ]
        ],
    }
    scored = {s.pilot_id: s for s in scoring.score_run(inputs)}
    assert [scored[i].ranks["overall"] for i in (1, 2, 3, 4)] == [1, 3, 1, 3]
    assert [scored[i].ranks["batch"] for i in (1, 2, 3, 4)] == [1, 1, 1, 1]
    assert [scored[i].ranks["region"] for i in (1, 2, 3, 4)] == [1, 2, 1, 2]
    assert [scored[i].grade for i in (1, 2)] == ["excellent", "fail"]


@pytest.mark.parametrize("n", [5, 50])
def test_a_runs_query_count_does_not_grow_with_the_number_of_pilots(n: int, django_assert_max_num_queries: Any) -> None:
    pilots = f.some_pilots(n)
    f.only_pilots(pilots)
    for p in pilots[:3]:
        f.milestones_due(p, done=1, total=2)
    s = f.scheme()
    run = services.start_run(scheme=s, by=f.national(), background=False)
    # 43 whatever n (PostgreSQL; SQLite 41): the set-based reads, the bulk write, one update per step of the
    # progress bar, and the two moves of the computation's state (running, done), each locked, saved and audited
    # through core.transitions.
    with django_assert_max_num_queries(43):
        services.compute_run(run=type(run).objects.create(scheme=s, number=99, created_by=f.national()))
    assert Result.objects.filter(run__number=99).count() == n
    done = type(run).objects.get(scheme=s, number=99)
    assert (done.step, done.percent, done.state) == (5, 100, "done")


def test_the_progress_bar_counts_the_runs_steps_not_its_pilots(monkeypatch: pytest.MonkeyPatch) -> None:
    from shidian.evaluation.models import RUN_STEPS, Run, RunState

    pilots = f.some_pilots(2)
    f.only_pilots(pilots)
    s = f.scheme()
    seen: list[tuple[int, int]] = []
    original = services.gather_inputs

    def watched(**kwargs: Any) -> Any:
        progress = kwargs.pop("progress")

        def record(done: int) -> None:
            progress(done)
            row = Run.objects.get(scheme=s, number=1)
            seen.append((row.step, row.percent))

        return original(progress=record, **kwargs)

    from shidian.evaluation.services import runs

    monkeypatch.setattr(runs, "gather_inputs", watched)
    run = services.start_run(scheme=s, by=f.national(), background=False)
    assert seen == [(1, 20), (2, 40), (3, 60)]
    assert len(RUN_STEPS) == 5 and run.state == RunState.DONE and run.percent == 100
    queued = Run(scheme=s, number=7, created_by=f.national(), step=4, state=RunState.RUNNING)
    assert queued.percent == 80 and queued.step_label == str(RUN_STEPS[4])


def _pilot(i: int, *, milestones: list[dict[str, Any]], province: str | None) -> dict[str, Any]:
    return {
        "id": i,
        "batch": 1,
        "region": "east",
        "province_id": 11,
        "milestones": milestones,
        "indicators": [],
        "experts": [],
        "experiences": [],
        "reports": [],
        "province_assessment": {"score": province, "comment": "", "id": i} if province else None,
    }


def _inputs(method: str, pilots: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "scheme": {
            "weights": {"tasks": "35", "indicators": "25", "innovation": "20", "reporting": "10", "province": "10"},
            "thresholds": {"excellent": "90", "good": "80", "pass": "60"},
            "indicator_method": "attainment",
            "composite_method": method,
            "attainment_cap": "1",
            "max_expert_score": 100,
        },
        "pilots": pilots,
    }


DONE = {"id": 1, "task": "t", "name": "m", "duration": 10, "due": "2018-06-01", "status": "done", "finished_on": None}


def test_no_milestone_due_makes_task_completion_not_applicable_and_rescales_the_other_weights() -> None:
    """Hand computation: province 90 with 任务完成 dropped weighs 10 x 100 / 65 = 15.38 %: 90 x 0.1538 = 13.85.

    The pilot with a milestone done on time: 100 x 35 % + 90 x 10 % = 44.00 (nothing dropped).
    """
    pilots = [_pilot(1, milestones=[], province="90"), _pilot(2, milestones=[DONE], province="90")]
    scored = {s.pilot_id: s for s in scoring.score_run(_inputs("weighted", pilots))}
    blank = {d["code"]: d for d in scored[1].breakdown["dimensions"]}
    assert blank["tasks"]["applicable"] is False and blank["tasks"]["score"] is None
    assert blank["tasks"]["contribution"] == 0.0 and blank["tasks"]["effective_weight"] == 0.0
    assert "不适用" in blank["tasks"]["detail"]["note"]
    assert [blank[c]["effective_weight"] for c in ("indicators", "innovation", "reporting", "province")] == [
        38.46,
        30.77,
        15.38,
        15.38,
    ]
    assert scored[1].score == Decimal("13.85") == sum(Decimal(str(d["contribution"])) for d in blank.values())
    full = {d["code"]: d for d in scored[2].breakdown["dimensions"]}
    assert full["tasks"]["applicable"] is True and full["tasks"]["effective_weight"] == 35.0
    assert scored[2].score == Decimal("44.00")


def test_topsis_and_the_sensitivity_leave_a_dimension_that_does_not_apply_out() -> None:
    """TOPSIS: the N/A cell takes no part in its column; with only 省级评价 differing beside it, the pilot without
    a due milestone (province 90) is measured on the four other columns, where it is at the ideal of 省级评价."""
    pilots = [
        _pilot(1, milestones=[], province="90"),
        _pilot(2, milestones=[DONE], province="50"),
        _pilot(3, milestones=[{**DONE, "status": "x"}], province="50"),
    ]
    scored = {s.pilot_id: s for s in scoring.score_run(_inputs("topsis", pilots))}
    assert scored[1].score == Decimal("100.00")  # every column that applies at its best (others all equal or 0)
    # Pilot 2: r(任务完成) = 1 at the ideal, r(省级评价) = 50 / 114.455 = 0.4369 against the ideal 0.7863:
    # S+ = 0.10 x 0.3494 = 0.03494, S- = 0.35 x 1 = 0.35, C = 0.35 / 0.38494 = 0.9092. Pilot 3: S- = 0, C = 0.
    assert scored[2].score == Decimal("90.92") and scored[3].score == Decimal("0.00")
    dims = np.array([[np.nan, 0, 0, 0, 90.0], [100.0, 0, 0, 0, 50.0], [0.0, 0, 0, 0, 50.0]])
    weights = np.array([35.0, 25, 20, 10, 10])
    rows = scoring.sensitivity(
        dims,
        weights,
        method="weighted",
        thresholds={"excellent": "90", "good": "80", "pass": "60"},
        pilot_ids=[1, 2, 3],
    )
    assert [(r.rank, r.best, r.worst) for r in rows] == [(2, 2, 2), (1, 1, 1), (3, 3, 3)]


def test_a_runs_computation_moves_through_its_flow_and_a_failed_one_may_run_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from shidian.core.audit_actions import AuditAction

    f.only_pilots(f.some_pilots(2))
    s = f.scheme()
    queued = type(f.computed_run(s)).objects.create(scheme=s, number=9, created_by=f.national())

    def broken(inputs: Any) -> Any:
        raise ValueError("缺少数据")

    monkeypatch.setattr(scoring, "score_run", broken)
    failed = services.compute_run(run=queued)
    assert (failed.state, failed.error) == (RunState.FAILED, "缺少数据")
    events = AuditEvent.objects.filter(object_type="evaluation.Run", object_id=str(queued.pk)).order_by("pk")
    assert [(e.action, e.changes) for e in events] == [
        (AuditAction.COMPUTATION_RUNNING, {"state": ["queued", "running"]}),
        (AuditAction.COMPUTATION_FAILED, {"state": ["running", "failed"]}),
    ]
    monkeypatch.undo()
    done = services.compute_run(run=failed)
    assert done.state == RunState.DONE and done.error == ""
    assert [(e.action, e.changes) for e in events.all()][2:] == [
        (AuditAction.COMPUTATION_RUNNING, {"state": ["failed", "running"]}),
        (AuditAction.COMPUTATION_DONE, {"state": ["running", "done"]}),
    ]
    # A done run is not computed again.
    assert services.compute_run(run=done).state == RunState.DONE


MIGRATION = "shidian.evaluation.migrations.0004_compress_run_json_with_lz4_on_postgresql"


def test_a_runs_snapshot_and_breakdowns_are_compressed_with_lz4_on_postgresql_and_left_alone_elsewhere() -> None:
    if connection.vendor != "postgresql":
        # TOAST compression is PostgreSQL's: elsewhere the migration must not touch the tables at all.
        migration = importlib.import_module(MIGRATION)
        executed: list[str] = []
        # SQLite's schema editor cannot open inside the test's transaction; the migration uses only these two.
        editor = SimpleNamespace(connection=connection, execute=executed.append)
        migration.lz4(None, editor)
        migration.default(None, editor)
        assert executed == []
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attrelid::regclass::text, attname, attcompression FROM pg_attribute"
            " WHERE (attrelid, attname) IN (('evaluation_run'::regclass, 'inputs'),"
            " ('evaluation_result'::regclass, 'breakdown'))"
        )
        assert sorted(cursor.fetchall()) == [("evaluation_result", "breakdown", "l"), ("evaluation_run", "inputs", "l")]
