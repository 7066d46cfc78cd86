"""Evaluation pages: who sees what before and after publication, the expert's reach, the forms."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shidian.core import clock
from shidian.evaluation import services
from shidian.evaluation.models import ExpertScore, Objection, Result, Run
from shidian.evaluation.tests import factories as f
from shidian.pilots.models import PilotArea

pytestmark = pytest.mark.django_db


def _draft(n: int = 3) -> tuple[Run, list[PilotArea]]:
    pilots = f.some_pilots(n)
    f.only_pilots(pilots)
    return f.computed_run(f.scheme()), pilots


def _login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_national_admin_sees_the_whole_draft_ranking_with_sensitivity(
    client_as: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    run, pilots = _draft(5)
    client = client_as("demo-national")
    with django_assert_max_num_queries(30):
        page = client.get(reverse("evaluation:run", kwargs={"run_id": run.pk}))
    assert page.status_code == 200
    text = page.content.decode()
    for p in pilots:
        assert f'data-testid="result-{p.pk}"' in text
    assert 'data-testid="sensitivity"' in text and 'data-testid="publish"' in text
    assert 'data-chart-id="chart-province"' in text


def test_a_province_sees_only_its_own_pilots_draft_results_and_another_provinces_result_is_404(
    client_as: Callable[[str], Client],
) -> None:
    run, pilots = _draft(4)
    other = next(p for p in pilots if p.province_id != f.liuzhou().province_id)
    client = client_as("demo-province")
    text = client.get(reverse("evaluation:run", kwargs={"run_id": run.pk})).content.decode()
    assert f'data-testid="result-{f.liuzhou().pk}"' in text
    assert f'data-testid="result-{other.pk}"' not in text
    hidden = Result.objects.get(run=run, pilot=other)
    assert client.get(reverse("evaluation:result", kwargs={"result_id": hidden.pk})).status_code == 404
    own = Result.objects.get(run=run, pilot=f.liuzhou())
    card = client.get(reverse("evaluation:result", kwargs={"result_id": own.pk}))
    assert card.status_code == 200 and 'data-testid="objection-form"' in card.content.decode()


def test_a_provinces_sensitivity_gives_national_rank_ranges_around_the_national_rank(
    client_as: Callable[[str], Client],
) -> None:
    """The page shows the national rank, so its range is computed over every pilot, not the province's few."""
    pilots = f.some_pilots(4)
    f.only_pilots(pilots)
    for p in pilots:
        f.milestones_due(p, done=0 if p == f.liuzhou() else 2, total=2)
    run = f.computed_run(f.scheme())
    own = Result.objects.get(run=run, pilot=f.liuzhou())
    assert own.rank_overall > 1  # the others did better
    text = client_as("demo-province").get(reverse("evaluation:run", kwargs={"run_id": run.pk})).content.decode()
    best, worst = (
        int(n)
        for n in re.search(rf'data-testid="range-{own.pilot_id}">(\d+) — (\d+)<', text).groups()  # type: ignore[union-attr]
    )
    assert best <= own.rank_overall <= worst


def test_a_pilot_officer_sees_nothing_before_publication_and_everyone_sees_it_after(
    client_as: Callable[[str], Client],
) -> None:
    run, pilots = _draft(3)
    other = next(p for p in pilots if p.province_id != f.liuzhou().province_id)
    own = Result.objects.get(run=run, pilot=f.liuzhou())
    hidden = Result.objects.get(run=run, pilot=other)
    pilot_client = client_as("demo-pilot")
    assert pilot_client.get(reverse("evaluation:run", kwargs={"run_id": run.pk})).status_code == 404
    assert pilot_client.get(reverse("evaluation:result", kwargs={"result_id": own.pk})).status_code == 404
    services.publish_run(run=run, by=f.national())
    assert pilot_client.get(reverse("evaluation:result", kwargs={"result_id": own.pk})).status_code == 200
    province = client_as("demo-province")
    assert province.get(reverse("evaluation:result", kwargs={"result_id": hidden.pk})).status_code == 200


def test_the_objection_flow_through_the_pages(client_as: Callable[[str], Client]) -> None:
    run, _pilots = _draft(2)
    own = Result.objects.get(run=run, pilot=f.liuzhou())
    province = client_as("demo-province")
    province.post(
        reverse("evaluation:object", kwargs={"result_id": own.pk}), {"reasons": "年度报告按期报送，系统记录有误。"}
    )
    objection = Objection.objects.get(result=own)
    national = client_as("demo-national")
    national.post(reverse("evaluation:publish", kwargs={"run_id": run.pk}))
    run.refresh_from_db()
    assert run.status == "draft"
    national.post(
        reverse("evaluation:answer", kwargs={"objection_id": objection.pk}), {"answer": "经核实，维持原结果。"}
    )
    national.post(reverse("evaluation:publish", kwargs={"run_id": run.pk}))
    run.refresh_from_db()
    assert run.status == "published"


def test_scheme_form_refuses_bad_weights_with_the_message(client_as: Callable[[str], Client]) -> None:
    s = f.scheme()
    data = {
        "weight_tasks": "50",
        "weight_indicators": "25",
        "weight_innovation": "20",
        "weight_reporting": "10",
        "weight_province": "10",
        "excellent_from": "90",
        "good_from": "80",
        "pass_from": "60",
        "indicator_method": "attainment",
        "composite_method": "weighted",
        "objection_days": "10",
    }
    page = client_as("demo-national").post(reverse("evaluation:scheme", kwargs={"year": s.year}), data, follow=True)
    assert "各维度权重之和应为 100，现为 115。" in page.content.decode()
    assert (
        client_as("demo-province").post(reverse("evaluation:scheme", kwargs={"year": s.year}), data).status_code == 404
    )


def test_an_expert_sees_only_assigned_pilots_and_scores_them() -> None:
    s = f.scheme(scoring_opens_on=dt.date(2019, 1, 10), scoring_closes_on=dt.date(2019, 1, 31))
    expert = f.expert("expert-view", province="北京市")
    assignment = services.assign_expert(expert=expert, pilot=f.liuzhou(), scheme=s, by=f.national())
    client = _login(expert)
    assert client.get(reverse("pilots:detail", kwargs={"pilot_id": f.liuzhou().pk})).status_code == 200
    unassigned = PilotArea.objects.exclude(pk=f.liuzhou().pk).first()
    assert unassigned is not None
    assert client.get(reverse("pilots:detail", kwargs={"pilot_id": unassigned.pk})).status_code == 404
    with clock.travel_to(dt.date(2019, 1, 20)):
        client.post(
            reverse("evaluation:score", kwargs={"assignment_id": assignment.pk}),
            {"score_reform": "80", "score_results": "70", "score_replicable": "60", "comment": "较好"},
        )
    assert ExpertScore.objects.filter(assignment=assignment).count() == 3
    other = f.expert("expert-other", province="北京市")
    assert _login(other).get(reverse("evaluation:score", kwargs={"assignment_id": assignment.pk})).status_code == 404


def test_pages_render_for_every_reader(client_as: Callable[[str], Client]) -> None:
    run, _pilots = _draft(2)
    services.publish_run(run=run, by=f.national())
    own = Result.objects.get(run=run, pilot=f.liuzhou())
    for username in ("demo-national", "demo-province", "demo-pilot", "demo-ministry"):
        client = client_as(username)
        for url in (
            reverse("evaluation:home"),
            reverse("evaluation:run", kwargs={"run_id": run.pk}),
            reverse("evaluation:result", kwargs={"result_id": own.pk}),
            reverse("evaluation:scheme", kwargs={"year": 2018}),
        ):
            assert client.get(url).status_code == 200, (username, url)
    assert client_as("demo-national").get(reverse("evaluation:decisions")).status_code == 200
    assert client_as("demo-province").get(reverse("evaluation:decisions")).status_code == 404
    assert client_as("demo-auditor").get(reverse("evaluation:home")).status_code == 404


def test_a_pilots_evaluation_page_shows_its_history_and_decisions(client_as: Callable[[str], Client]) -> None:
    from shidian.evaluation.models import Warning

    run, pilots = _draft(2)
    services.publish_run(run=run, by=f.national())
    warning = Warning.objects.create(
        pilot=f.liuzhou(), year=2018, run=run, reason_code="fail_grade", reason="2018年度不合格"
    )
    services.decide_warning(warning=warning, approve=True, reason="限期整改", by=f.national())
    page = client_as("demo-province").get(reverse("evaluation:pilot", kwargs={"pilot_id": f.liuzhou().pk}))
    text = page.content.decode()
    warning.refresh_from_db()
    assert warning.document_number.startswith("发改规划〔")
    assert page.status_code == 200 and "2018年度不合格" in text and warning.document_number in text
    other = next(p for p in pilots if p.province_id != f.liuzhou().province_id)
    assert client_as("demo-province").get(reverse("evaluation:pilot", kwargs={"pilot_id": other.pk})).status_code == 404
    detail = client_as("demo-province").get(reverse("pilots:detail", kwargs={"pilot_id": f.liuzhou().pk}))
    assert 'data-testid="evaluation-history-link"' in detail.content.decode()


def test_the_rectification_form_names_the_missing_field_in_chinese_and_changes_nothing(
    client_as: Callable[[str], Client],
) -> None:
    from shidian.evaluation.models import Warning

    run, _pilots = _draft(1)
    services.publish_run(run=run, by=f.national())
    warning = Warning.objects.create(pilot=f.liuzhou(), year=2018, run=run, reason_code="fail_grade", reason="x")
    services.decide_warning(warning=warning, approve=True, reason="限期整改", by=f.national())
    url = reverse("evaluation:rectification", kwargs={"warning_id": warning.pk})
    page = client_as("demo-national").post(url, {"outcome": "passed", "note": ""}, follow=True)
    assert "依据：这个字段是必填项。" in page.content.decode() or "依据：" in page.content.decode()
    warning.refresh_from_db()
    assert warning.rectification == "pending"
    bad = client_as("demo-national").post(url, {"outcome": "maybe", "note": "复查"}, follow=True)
    assert "整改结果：" in bad.content.decode()
    warning.refresh_from_db()
    assert warning.rectification == "pending"
    client_as("demo-national").post(url, {"outcome": "passed", "note": "复查合格"})
    warning.refresh_from_db()
    assert warning.rectification == "passed" and f.liuzhou().status == "active"


def test_an_expert_reads_a_published_score_card_without_the_other_experts_scores() -> None:
    s = f.scheme(scoring_opens_on=dt.date(2019, 1, 10), scoring_closes_on=dt.date(2019, 1, 31))
    f.only_pilots([f.liuzhou()])
    mine, theirs = f.expert("expert-mine", province="北京市"), f.expert("expert-theirs", province="上海市")
    with clock.travel_to(dt.date(2019, 1, 20)):
        for expert, value in ((mine, "81"), (theirs, "63")):
            assignment = services.assign_expert(expert=expert, pilot=f.liuzhou(), scheme=s, by=f.national())
            services.save_expert_scores(
                assignment=assignment,
                scores={"reform": value, "results": value, "replicable": value},
                comments={},
                comment="",
                by=expert,
            )
    run = services.publish_run(run=f.computed_run(s), by=f.national())
    url = reverse("evaluation:result", kwargs={"result_id": Result.objects.get(run=run).pk})
    text = _login(mine).get(url).content.decode()
    assert "expert-mine" in text and "81.00" in text
    assert "expert-theirs" not in text and "63.00" not in text and 'data-testid="others-hidden"' in text
    national = _login(f.national()).get(url).content.decode()
    assert "expert-theirs" in national  # the commission sees every expert's scores
