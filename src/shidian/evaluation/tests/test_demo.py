"""The demo evaluation history (2017 and 2018 published, objections answered, warnings, an elimination, a bulletin)."""

from __future__ import annotations

import pytest

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
    assert Bulletin.objects.get(run__scheme__year=2018).number == "发改规划〔2019〕88号"
    assert not ExpertAssignment.objects.filter(scored_at__isnull=True).exists()  # the history was scored
    liuzhou_2018 = Result.objects.get(run__scheme__year=2018, run__status=RunStatus.PUBLISHED, pilot__name="柳州市")
    innovation = next(d for d in liuzhou_2018.breakdown["dimensions"] if d["code"] == "innovation")
    assert innovation["detail"]["trimmed"] is True  # five experts: highest and lowest dropped
    grades = set(Result.objects.filter(run__in=published).values_list("grade", flat=True))
    assert len(grades) >= 3  # a spread of grades, not everyone failing
