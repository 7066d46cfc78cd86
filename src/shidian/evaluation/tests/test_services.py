"""Schemes, assessments, expert scores, publication, objections, warnings and elimination through the services."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

from shidian.accounts.models import Organisation, OrganisationKind
from shidian.core import clock
from shidian.core.errors import Conflict, DomainError, NotFound
from shidian.core.models import AuditEvent, DocumentNumber
from shidian.evaluation import services
from shidian.evaluation.models import (
    DecisionStatus,
    Dimension,
    EliminationProposal,
    ObjectionStatus,
    Result,
    Run,
    RunStatus,
    Scheme,
    SchemeStatus,
    Warning,
)
from shidian.evaluation.tests import factories as f
from shidian.pilots.models import PilotArea, PilotStatus

pytestmark = pytest.mark.django_db

WEIGHTS = {"tasks": "35", "indicators": "25", "innovation": "20", "reporting": "10", "province": "10"}
THRESHOLDS = {"excellent_from": "90", "good_from": "80", "pass_from": "60"}


def _update(s: Scheme, **kw: object) -> Scheme:
    args: dict[str, object] = {
        "weights": WEIGHTS,
        "thresholds": THRESHOLDS,
        "indicator_method": "attainment",
        "composite_method": "weighted",
        "by": f.national(),
    }
    args.update(kw)
    return services.update_scheme(scheme=s, **args)  # type: ignore[arg-type]


def test_a_new_scheme_has_the_five_default_dimensions_and_weights() -> None:
    s = f.scheme()
    assert {d.code: int(d.weight) for d in s.dimensions.all()} == {
        "tasks": 35,
        "indicators": 25,
        "innovation": 20,
        "reporting": 10,
        "province": 10,
    }
    assert [s.excellent_from, s.good_from, s.pass_from] == [Decimal(90), Decimal(80), Decimal(60)]
    assert AuditEvent.objects.filter(action="evaluation.scheme.created").exists()


def test_weights_that_do_not_sum_to_100_are_refused_and_nothing_changes() -> None:
    s = f.scheme()
    with pytest.raises(DomainError, match="权重之和应为 100"):
        _update(s, weights={**WEIGHTS, "tasks": "40"})
    assert Dimension.objects.get(scheme=s, code="tasks").weight == 35
    with pytest.raises(DomainError, match="“任务完成”的权重"):
        _update(s, weights={**WEIGHTS, "tasks": "abc"})


def test_thresholds_out_of_order_are_refused_naming_the_fields() -> None:
    s = f.scheme()
    with pytest.raises(DomainError, match="良好分数线"):
        _update(s, thresholds={**THRESHOLDS, "good_from": "95"})
    s.refresh_from_db()
    assert s.good_from == 80


def test_a_valid_change_is_saved_and_audited() -> None:
    s = _update(f.scheme(), weights={**WEIGHTS, "tasks": "30", "indicators": "30"}, composite_method="topsis")
    assert Dimension.objects.get(scheme=s, code="tasks").weight == 30 and s.composite_method == "topsis"
    event = AuditEvent.objects.get(action="evaluation.scheme.changed")
    assert "weight.tasks" in event.changes


def _published(n: int = 2) -> tuple[Scheme, Run]:
    pilots = f.some_pilots(n)
    f.only_pilots(pilots)
    s = f.scheme()
    run = f.computed_run(s)
    return s, services.publish_run(run=run, by=f.national())


def test_publishing_freezes_the_scheme_and_a_frozen_scheme_refuses_changes() -> None:
    s, run = _published()
    s.refresh_from_db()
    assert s.status == SchemeStatus.FROZEN and run.status == RunStatus.PUBLISHED
    assert AuditEvent.objects.filter(action="evaluation.run.published").exists()
    assert AuditEvent.objects.filter(action="evaluation.scheme.frozen").exists()
    with pytest.raises(Conflict, match="已冻结"):
        _update(s)
    with pytest.raises(Conflict):
        services.start_run(scheme=s, by=f.national(), background=False)


def test_only_the_national_admin_publishes() -> None:
    pilots = f.some_pilots(2)
    f.only_pilots(pilots)
    run = f.computed_run(f.scheme())
    with pytest.raises(NotFound):
        services.publish_run(run=run, by=f.province_officer())


def test_an_objection_blocks_publication_until_answered() -> None:
    pilots = f.some_pilots(2)
    f.only_pilots(pilots)
    run = f.computed_run(f.scheme())
    result = Result.objects.get(run=run, pilot=f.liuzhou())
    objection = services.file_objection(result=result, reasons="节点完成日期有误，附佐证。", by=f.province_officer())
    assert AuditEvent.objects.filter(action="evaluation.objection.filed").exists()
    with pytest.raises(Conflict, match="1 条异议未答复"):
        services.publish_run(run=run, by=f.national())
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT
    with pytest.raises(DomainError):
        services.answer_objection(objection=objection, answer="  ", by=f.national())
    answered = services.answer_objection(objection=objection, answer="已核实，按新数据重新计算。", by=f.national())
    assert answered.status == ObjectionStatus.ANSWERED and answered.answered_by == f.national()
    assert AuditEvent.objects.filter(action="evaluation.objection.answered").exists()
    assert services.publish_run(run=run, by=f.national()).status == RunStatus.PUBLISHED


def test_a_province_objects_only_to_its_own_pilots_and_within_the_window() -> None:
    pilots = f.some_pilots(3)
    other = next(p for p in pilots if p.province_id != f.liuzhou().province_id)
    f.only_pilots(pilots)
    run = f.computed_run(f.scheme())
    with pytest.raises(NotFound):
        services.file_objection(result=Result.objects.get(run=run, pilot=other), reasons="x", by=f.province_officer())
    assert run.objections_until is not None
    with clock.travel_to(run.objections_until + dt.timedelta(days=1)), pytest.raises(DomainError, match="异议期"):
        services.file_objection(
            result=Result.objects.get(run=run, pilot=f.liuzhou()), reasons="x", by=f.province_officer()
        )


def test_an_expert_is_never_assigned_a_pilot_of_the_own_province_and_scores_within_range_and_window() -> None:
    s = f.scheme(scoring_opens_on=dt.date(2019, 1, 10), scoring_closes_on=dt.date(2019, 1, 31))
    local = f.expert("expert-gx", province="广西壮族自治区")
    with pytest.raises(DomainError, match="本省试点"):
        services.assign_expert(expert=local, pilot=f.liuzhou(), scheme=s, by=f.national())
    outsider = f.expert("expert-bj", province="北京市")
    assignment = services.assign_expert(expert=outsider, pilot=f.liuzhou(), scheme=s, by=f.national())
    assert AuditEvent.objects.filter(action="evaluation.assignment.created").exists()
    scores = {"reform": "80", "results": "70", "replicable": "90"}
    with clock.travel_to(dt.date(2019, 1, 20)):
        with pytest.raises(DomainError, match="0 到 100"):
            services.save_expert_scores(
                assignment=assignment, scores={**scores, "reform": "120"}, comments={}, comment="", by=outsider
            )
        assert not assignment.scores.exists()
        services.save_expert_scores(assignment=assignment, scores=scores, comments={}, comment="总体较好", by=outsider)
    assert AuditEvent.objects.filter(action="evaluation.score.saved").exists()
    with clock.travel_to(dt.date(2019, 2, 1)), pytest.raises(DomainError, match="评分期"):
        services.save_expert_scores(assignment=assignment, scores=scores, comments={}, comment="", by=outsider)
    with clock.travel_to(dt.date(2019, 1, 20)), pytest.raises(NotFound):
        services.save_expert_scores(assignment=assignment, scores=scores, comments={}, comment="", by=local)


def test_five_experts_drop_the_highest_and_the_lowest() -> None:
    f.only_pilots([f.liuzhou()])
    s = f.scheme(scoring_opens_on=dt.date(2019, 1, 10), scoring_closes_on=dt.date(2019, 1, 31))
    for i, total in enumerate([10, 60, 70, 80, 100]):
        e = f.expert(f"expert-{i}", province="北京市")
        a = services.assign_expert(expert=e, pilot=f.liuzhou(), scheme=s, by=f.national())
        with clock.travel_to(dt.date(2019, 1, 20)):
            services.save_expert_scores(
                assignment=a,
                scores={"reform": str(total), "results": str(total), "replicable": str(total)},
                comments={},
                comment="",
                by=e,
            )
    run = f.computed_run(s)
    innovation = next(d for d in Result.objects.get(run=run).breakdown["dimensions"] if d["code"] == "innovation")
    assert innovation["score"] == 70.0 and innovation["detail"]["trimmed"] is True


def test_the_province_assesses_its_own_pilots_only() -> None:
    a = services.set_province_assessment(
        pilot=f.liuzhou(), year=2018, score="85", comment="好", by=f.province_officer()
    )
    assert a.score == Decimal(85)
    assert AuditEvent.objects.filter(action="evaluation.assessment.set").exists()
    beijing = PilotArea.objects.filter(province__name="北京市").first()
    assert beijing is not None
    with pytest.raises(NotFound):
        services.set_province_assessment(pilot=beijing, year=2018, score="85", comment="", by=f.province_officer())
    with pytest.raises(DomainError):
        services.set_province_assessment(pilot=f.liuzhou(), year=2018, score="101", comment="", by=f.province_officer())


def test_a_fail_grade_proposes_a_warning_and_its_approval_warns_the_pilot() -> None:
    _s, run = _published(1)
    warnings, eliminations = services.create_proposals(run=run, by=f.national())
    assert AuditEvent.objects.filter(action="evaluation.proposals.created").exists()
    assert [w.pilot_id for w in warnings] == [f.liuzhou().pk] and not eliminations
    warning = warnings[0]
    assert warning.rectify_by is not None and "不合格" in warning.reason
    with pytest.raises(DomainError, match="理由"):
        services.decide_warning(warning=warning, approve=True, reason=" ", by=f.national())
    warning.refresh_from_db()
    assert warning.status == DecisionStatus.PROPOSED and f.liuzhou().status == PilotStatus.ACTIVE
    decided = services.decide_warning(warning=warning, approve=True, reason="未达合格", by=f.national())
    assert decided.status == DecisionStatus.APPROVED and f.liuzhou().status == PilotStatus.WARNED
    assert AuditEvent.objects.filter(action="evaluation.warning.approved").exists()
    assert AuditEvent.objects.filter(action="pilots.pilot.warned").exists()


def test_an_approved_elimination_changes_the_pilots_status_and_a_rejected_one_does_not() -> None:
    _s, run = _published(1)
    proposal = EliminationProposal.objects.create(
        pilot=f.liuzhou(), year=2018, run=run, reason_code="consecutive_fail", reason="连续两年不合格"
    )
    services.decide_elimination(proposal=proposal, approve=True, reason="连续两年不合格", by=f.national())
    pilot = f.liuzhou()
    assert pilot.status == PilotStatus.ELIMINATED
    assert not services.evaluated_pilots(2019).filter(pk=pilot.pk).exists()  # out of later rounds
    proposal.refresh_from_db()
    issued = DocumentNumber.objects.get(subject=f"evaluation.eliminationproposal:{proposal.pk}")
    assert proposal.document_number == issued.text and re.fullmatch(r"发改规划〔\d{4}〕\d+号", issued.text)
    change = pilot.status_changes.order_by("-id").first()
    assert change is not None and change.document_number == issued.text
    assert AuditEvent.objects.filter(action="evaluation.elimination.approved").exists()
    with pytest.raises(Conflict):
        services.decide_elimination(proposal=proposal, approve=False, reason="x", by=f.national())


def test_rejecting_a_warning_leaves_the_pilot_as_it_was() -> None:
    _s, run = _published(1)
    warning = Warning.objects.create(pilot=f.liuzhou(), year=2018, run=run, reason_code="fail_grade", reason="x")
    services.decide_warning(warning=warning, approve=False, reason="数据有误", by=f.national())
    assert f.liuzhou().status == PilotStatus.ACTIVE
    assert AuditEvent.objects.filter(action="evaluation.warning.rejected").exists()
    proposal = EliminationProposal.objects.create(pilot=f.liuzhou(), year=2018, run=run, reason_code="x", reason="x")
    services.decide_elimination(proposal=proposal, approve=False, reason="情况特殊", by=f.national())
    assert AuditEvent.objects.filter(action="evaluation.elimination.rejected").exists()
    assert f.liuzhou().status == PilotStatus.ACTIVE


def test_a_failed_rectification_is_recorded_and_grounds_an_elimination_next_year() -> None:
    _s, run = _published(1)
    warning = Warning.objects.create(pilot=f.liuzhou(), year=2018, run=run, reason_code="fail_grade", reason="x")
    with pytest.raises(Conflict):
        services.record_rectification(warning=warning, passed=False, note="x", by=f.national())
    services.decide_warning(warning=warning, approve=True, reason="限期整改", by=f.national())
    with pytest.raises(DomainError, match="依据"):
        services.record_rectification(warning=warning, passed=False, note=" ", by=f.national())
    recorded = services.record_rectification(warning=warning, passed=False, note="复查未通过", by=f.national())
    assert recorded.rectification == "failed"
    assert AuditEvent.objects.filter(action="evaluation.warning.rectified").exists()
    history = services._histories([f.liuzhou().pk], 2018)[f.liuzhou().pk]
    assert [(h.year, h.rectification) for h in history] == [(2018, "failed")]


def test_a_passed_rectification_returns_the_warned_pilot_to_active_through_its_lifecycle() -> None:
    _s, run = _published(1)
    warning = Warning.objects.create(pilot=f.liuzhou(), year=2018, run=run, reason_code="fail_grade", reason="x")
    services.decide_warning(warning=warning, approve=True, reason="限期整改", by=f.national())
    assert f.liuzhou().status == PilotStatus.WARNED
    services.record_rectification(warning=warning, passed=True, note="复查合格", by=f.national())
    pilot = f.liuzhou()
    assert pilot.status == PilotStatus.ACTIVE
    change = pilot.status_changes.order_by("-id").first()
    assert change is not None and (change.from_status, change.to_status) == (PilotStatus.WARNED, PilotStatus.ACTIVE)
    warning.refresh_from_db()
    assert "整改合格" in change.reason and change.document_number == warning.document_number != ""
    assert AuditEvent.objects.filter(action="pilots.pilot.active", object_id=str(pilot.pk)).exists()


def test_a_failed_rectification_leaves_the_pilot_warned() -> None:
    _s, run = _published(1)
    warning = Warning.objects.create(pilot=f.liuzhou(), year=2018, run=run, reason_code="fail_grade", reason="x")
    services.decide_warning(warning=warning, approve=True, reason="限期整改", by=f.national())
    services.record_rectification(warning=warning, passed=False, note="复查未通过", by=f.national())
    assert f.liuzhou().status == PilotStatus.WARNED


def _rules(scheme: Scheme, **changes: Any) -> Scheme:
    values: dict[str, Any] = {
        "warn_on_fail": True,
        "consecutive_fails_to_eliminate": "2",
        "eliminate_on_failed_rectification": True,
        "eliminate_on_missing_year_end_report": True,
        "rectification_months": "6",
        **changes,
    }
    return services.update_rules(scheme=scheme, by=f.national(), **values)


def test_the_rules_are_edited_audited_and_refused_when_out_of_range_changing_nothing() -> None:
    s = f.scheme()
    for changes, message in (
        ({"rectification_months": "0"}, "整改期限"),
        ({"rectification_months": "x"}, "整改期限（月）：请填写数字"),
        ({"consecutive_fails_to_eliminate": "6"}, "0 到 5"),
        ({"consecutive_fails_to_eliminate": "1.5"}, "0 到 5"),
        ({"consecutive_fails_to_eliminate": "1"}, "至少为 2 年"),
    ):
        with pytest.raises(DomainError, match=message):
            _rules(s, **changes)
        s.refresh_from_db()
        assert (s.rectification_months, s.consecutive_fails_to_eliminate) == (6, 2)
    assert not AuditEvent.objects.filter(action="evaluation.scheme.rules_changed").exists()
    changed = _rules(s, rectification_months="3", consecutive_fails_to_eliminate="3", warn_on_fail=True)
    assert (changed.rectification_months, changed.consecutive_fails_to_eliminate) == (3, 3)
    event = AuditEvent.objects.get(action="evaluation.scheme.rules_changed")
    assert event.changes["rectification_months"] == [6, 3]
    assert _rules(changed, consecutive_fails_to_eliminate="1", warn_on_fail=False).consecutive_fails_to_eliminate == 1


def test_the_rules_freeze_with_the_scheme_and_the_years_rules_make_the_proposals() -> None:
    pilots = f.some_pilots(1)
    f.only_pilots(pilots)
    s = f.scheme()
    _rules(s, warn_on_fail=False, eliminate_on_missing_year_end_report=False)
    run = services.publish_run(run=f.computed_run(s), by=f.national())
    assert Result.objects.get(run=run).grade == "fail"  # nothing entered: 不合格
    warnings, eliminations = services.create_proposals(run=run, by=f.national())
    assert warnings == [] and eliminations == []  # no warning: the year's rules say so
    with pytest.raises(Conflict, match="已冻结"):
        _rules(s)


def test_a_decision_is_dated_on_the_business_day() -> None:
    _s, run = _published(1)
    warning = Warning.objects.create(pilot=f.liuzhou(), year=2018, run=run, reason_code="fail_grade", reason="x")
    with clock.travel_to(dt.date(2019, 4, 1)):
        decided = services.decide_warning(warning=warning, approve=False, reason="数据有误", by=f.national())
    assert decided.decided_at is not None and decided.decided_at.date() == dt.date(2019, 4, 1)


def test_every_decision_is_numbered_by_the_numbering_service_never_twice() -> None:
    """决定文号 come from core.documents.numbers: the commission's sequence of the year, no gaps, no reuse."""
    _s, run = _published(1)
    pilot = f.liuzhou()
    warning = Warning.objects.create(pilot=pilot, year=2018, run=run, reason_code="fail_grade", reason="x")
    proposal = EliminationProposal.objects.create(pilot=pilot, year=2018, run=run, reason_code="x", reason="x")
    national = f.national()
    with clock.travel_to(dt.date(2019, 4, 1)):
        services.decide_warning(warning=warning, approve=False, reason="数据有误", by=national)
        services.decide_elimination(proposal=proposal, approve=False, reason="情况特殊", by=national)
    warning.refresh_from_db()
    proposal.refresh_from_db()
    serials = [re.fullmatch(r"发改规划〔2019〕(\d+)号", d.document_number) for d in (warning, proposal)]
    first, second = (int(m[1]) for m in serials if m is not None)
    assert second == first + 1
    assert DocumentNumber.objects.filter(text=warning.document_number).count() == 1


def test_a_decision_that_cannot_be_numbered_is_refused_and_changes_nothing() -> None:
    """Eliminating without a document number: with no commission to number it, the decision is refused."""
    _s, run = _published(1)
    proposal = EliminationProposal.objects.create(
        pilot=f.liuzhou(), year=2018, run=run, reason_code="consecutive_fail", reason="连续两年不合格"
    )
    national = f.national()
    Organisation.objects.filter(kind=OrganisationKind.NATIONAL_COMMISSION).update(kind=OrganisationKind.OPERATIONS)
    before = (AuditEvent.objects.count(), DocumentNumber.objects.count())
    with pytest.raises(DomainError, match="决定文号"):
        services.decide_elimination(proposal=proposal, approve=True, reason="连续两年不合格", by=national)
    proposal.refresh_from_db()
    assert proposal.status == DecisionStatus.PROPOSED and proposal.document_number == ""
    assert f.liuzhou().status == PilotStatus.ACTIVE
    assert (AuditEvent.objects.count(), DocumentNumber.objects.count()) == before
