"""The demo evaluation history (2017 and 2018 published, objections answered, warnings, an elimination, a bulletin)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest

from shidian.core.documents.numbers import number_of, subject_of
from shidian.core.models import AuditEvent
from shidian.evaluation.models import (
    Bulletin,
    DecisionStatus,
    EliminationProposal,
    ExpertAssignment,
    Objection,
    ObjectionStatus,
    Result,
    Run,
    RunStatus,
    Scheme,
    SchemeStatus,
    Warning,
)
from shidian.pilots.models import PilotArea, PilotStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_two_published_years_a_drafted_2019_and_every_decision_kind(demo_world: None) -> None:
    assert AuditEvent.objects.filter(action="evaluation.demo.loaded").exists()
    published = Run.objects.filter(status=RunStatus.PUBLISHED).select_related("scheme")
    assert sorted(r.scheme.year for r in published) == [2017, 2018]
    assert Scheme.objects.get(year=2019).status == SchemeStatus.DRAFT
    assert Scheme.objects.get(year=2018).status == SchemeStatus.FROZEN
    assert Objection.objects.filter(status=ObjectionStatus.ANSWERED).exists()
    assert not Objection.objects.filter(status=ObjectionStatus.OPEN).exists()
    assert Warning.objects.filter(status=DecisionStatus.APPROVED).exists()
    eliminated = EliminationProposal.objects.get(status=DecisionStatus.APPROVED)
    assert PilotArea.objects.get(pk=eliminated.pilot_id).status == PilotStatus.ELIMINATED
    bulletin = Bulletin.objects.get(run__scheme__year=2018)
    assert bulletin.status == "issued" and bulletin.number == "发改规划〔2019〕88号"
    assert number_of(subject_of(bulletin)) == bulletin.number  # issued by core.documents.numbers, not typed
    # The history was scored; only the 2019 draft's assignments (demo-expert's, window open) wait.
    assert not ExpertAssignment.objects.filter(scored_at__isnull=True).exclude(year=2019).exists()
    liuzhou_2018 = Result.objects.get(run__scheme__year=2018, run__status=RunStatus.PUBLISHED, pilot__name="柳州市")
    innovation = next(d for d in liuzhou_2018.breakdown["dimensions"] if d["code"] == "innovation")
    assert innovation["detail"]["trimmed"] is True  # five experts: highest and lowest dropped


def _grades(year: int) -> dict[str, int]:
    rows = Result.objects.filter(run__scheme__year=year, run__status=RunStatus.PUBLISHED)
    return dict(Counter(rows.values_list("grade", flat=True)))


def test_the_demo_reads_like_a_real_year_a_handful_of_failures_and_one_elimination(demo_world: None) -> None:
    """What an official would check: a plausible spread, few warnings, one elimination decided."""
    assert _grades(2017) == {"excellent": 11, "good": 42, "pass": 59, "fail": 2}
    assert _grades(2018) == {"excellent": 10, "good": 23, "pass": 75, "fail": 6}
    # 任务完成 does not apply where no milestone fell due: 41 pilots in 2017, 4 in 2018, weights re-scaled.
    for year, count in ((2017, 41), (2018, 4)):
        rows = Result.objects.filter(run__scheme__year=year, run__status=RunStatus.PUBLISHED)
        blank = [r for r in rows if r.breakdown["dimensions"][0]["applicable"] is False]
        assert len(blank) == count
        assert all(sum(Decimal(str(d["contribution"])) for d in r.breakdown["dimensions"]) == r.score for r in blank)
    assert dict(Counter(Warning.objects.filter(year=2017).values_list("status", flat=True))) == {
        "approved": 1,
        "rejected": 1,
    }
    assert Warning.objects.filter(year=2018, status=DecisionStatus.PROPOSED).count() == 6
    eliminated = EliminationProposal.objects.get(status=DecisionStatus.APPROVED)
    assert (eliminated.year, eliminated.reason_code) == (2018, "failed_rectification")
    assert Warning.objects.get(year=2017, status=DecisionStatus.APPROVED).pilot_id == eliminated.pilot_id
    assert EliminationProposal.objects.filter(year=2018, status=DecisionStatus.PROPOSED).count() == 6
    assert dict(Counter(PilotArea.objects.values_list("status", flat=True)))["eliminated"] == 1


def test_the_demo_expert_has_an_open_2019_assignment_on_the_workbench(demo_world: None) -> None:
    from shidian.accounts.models import User
    from shidian.core import clock
    from shidian.workbench import selectors as workbench

    scheme = Scheme.objects.get(year=2019)
    assert (scheme.scoring_opens_on, scheme.scoring_closes_on) == (dt.date(2019, 7, 1), dt.date(2019, 7, 31))
    expert = User.objects.get(username="demo-expert")
    open_ones = ExpertAssignment.objects.filter(expert=expert, year=2019, scored_at__isnull=True)
    assert open_ones.count() == 3
    assert not open_ones.filter(pilot__province=expert.expert_profile.province).exists()
    assert open_ones.filter(pilot__name="柳州市").exists()
    with clock.travel_to(dt.date(2019, 7, 8)):
        bench = workbench.workbench_for(user=expert)
    section = next(s for s in bench.sections if s.key == "assignments")
    assert section.count == 3 and any("柳州市" in item.title for item in section.items)


def _texts(html: str) -> str:
    """The page's text: scripts (chart data) and tags left out, so only what a reader sees is checked."""
    html = re.sub(r"<script\b.*?</script>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _cells(html: str, testid: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", m).strip()
        for m in re.findall(rf'data-testid="{testid}"[^>]*>(.*?)</(?:td|span|strong)>', html)
    ]


def test_the_demo_pages_write_every_number_through_the_formatting_rules(demo_world: None, client_as: Any) -> None:
    """Scores to the cent, weights whole (or to the cent when re-scaled), C and D to three places; nothing longer."""
    from django.urls import reverse

    from shidian.evaluation import analysis, selectors

    published = Run.objects.get(scheme__year=2018, status=RunStatus.PUBLISHED)
    draft = Run.objects.get(scheme__year=2018, status=RunStatus.DRAFT)  # the run the objection corrected
    card = Result.objects.get(run=published, pilot__name="柳州市")
    client = client_as("demo-national")
    pages = {
        "score card": reverse("evaluation:result", kwargs={"result_id": card.pk}),
        "dashboard": reverse("evaluation:run", kwargs={"run_id": published.pk}),
        "sensitivity": reverse("evaluation:run", kwargs={"run_id": draft.pk}),
        "comparison": reverse("evaluation:compare", kwargs={"run_id": published.pk, "other_id": draft.pk}),
        "scheme": reverse("evaluation:scheme", kwargs={"year": 2018}),
        "home": reverse("evaluation:home"),
        "pilot": reverse("evaluation:pilot", kwargs={"pilot_id": card.pilot_id}),
    }
    html = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html[name] = response.content.decode()
        too_long = re.findall(r"\d+\.\d{4,}", _texts(html[name]))
        assert not too_long, (name, too_long[:5])
    assert 'data-testid="sensitivity"' in html["sensitivity"]
    cent = re.compile(r"\d+\.\d{2}")
    for testid in ("score", "dimension-score", "contribution"):
        values = _cells(html["score card"], testid)
        assert values and all(cent.fullmatch(v) for v in values), (testid, values)
    ranking = _cells(html["dashboard"], "score")
    assert ranking and all(cent.fullmatch(v) for v in ranking)
    weights = _cells(html["score card"], "weight")
    assert weights and all(re.fullmatch(r"\d+(\.\d{2})?", w) for w in weights), weights
    assert "35" in weights and "35.00" not in weights  # the scheme's weight is written whole
    for testid in ("coupling-c", "coupling-d"):
        assert re.fullmatch(r"[01]\.\d{3}", _cells(html["score card"], testid)[0])
    summary = re.search(r"平均耦合度 C = (\S+?)（.*?平均耦合协调度 D = (\S+?)（", _texts(html["dashboard"]))
    assert summary and all(re.fullmatch(r"[01]\.\d{3}", v) for v in summary.groups())
    # The demo's coupling is not flat: C and D vary over the pilots, across several bands of D.
    rows = analysis.coupling(published, [r.pilot_id for r in published.results.all()], selectors.indicator_categories())
    cs = {round(r.c, 3) for r in rows.values()}
    assert len(rows) > 50 and len(cs) > 20 and min(cs) < 0.8
    assert len(analysis.coupling_bands(rows.values())) >= 5
