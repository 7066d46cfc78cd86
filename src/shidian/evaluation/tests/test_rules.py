"""The warning and elimination rules on constructed histories (no database)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shidian.evaluation.rules import (
    CONSECUTIVE_FAIL,
    ELIMINATION,
    FAIL_GRADE,
    FAILED_RECTIFICATION,
    NO_YEAR_END_REPORT,
    WARNING,
    PilotYear,
    Proposal,
    RuleSet,
    add_months,
    propose,
)

DEFAULT = RuleSet()
DECIDED = dt.date(2019, 3, 15)


def run(*years: PilotYear, year: int = 2018, rules: RuleSet = DEFAULT) -> list[Proposal]:
    return propose(list(years), year=year, rules=rules, decided_on=DECIDED)


def y(year: int, grade: str | None, report: bool = True, rectification: str = "none") -> PilotYear:
    return PilotYear(year, grade, report, rectification)


def test_a_fail_gives_a_warning_with_the_deadline_six_months_after_the_decision() -> None:
    [proposal] = run(y(2017, "pass"), y(2018, "fail"))
    assert proposal.kind == WARNING and proposal.reason_code == FAIL_GRADE
    assert proposal.rectify_by == dt.date(2019, 9, 15)
    assert proposal.reason == "2018年度评估等次为不合格，予以预警，限2019年9月15日前完成整改。"


def test_the_deadline_follows_the_rule_set_and_clamps_to_the_months_end() -> None:
    [proposal] = propose(
        [y(2018, "fail")], year=2018, rules=RuleSet(rectification_months=3), decided_on=dt.date(2019, 11, 30)
    )
    assert proposal.rectify_by == dt.date(2020, 2, 29)
    assert add_months(dt.date(2019, 8, 31), 6) == dt.date(2020, 2, 29)
    assert add_months(dt.date(2019, 1, 31), 1) == dt.date(2019, 2, 28)
    assert add_months(dt.date(2019, 12, 1), 12) == dt.date(2020, 12, 1)


def test_a_second_consecutive_fail_proposes_elimination_and_no_warning() -> None:
    [proposal] = run(y(2017, "fail"), y(2018, "fail"))
    assert proposal.kind == ELIMINATION and proposal.reason_code == CONSECUTIVE_FAIL
    assert proposal.rectify_by is None
    assert proposal.reason == "2017年度评估等次为不合格，2018年度评估等次为不合格，连续2年不合格。"


def test_a_year_not_evaluated_breaks_consecutive() -> None:
    [proposal] = run(y(2016, "fail"), y(2017, None), y(2018, "fail"))
    assert proposal.kind == WARNING
    [absent] = run(y(2016, "fail"), y(2018, "fail"))  # 2017 missing from the history altogether
    assert absent.kind == WARNING


def test_three_fails_in_a_row_with_a_rule_of_three() -> None:
    rules = RuleSet(consecutive_fails_to_eliminate=3)
    assert run(y(2017, "fail"), y(2018, "fail"), rules=rules)[0].kind == WARNING
    [proposal] = run(y(2016, "fail"), y(2017, "fail"), y(2018, "fail"), rules=rules)
    assert proposal.kind == ELIMINATION and "2016年度" in proposal.reason and "连续3年" in proposal.reason


def test_consecutive_rule_off_and_a_rule_of_one() -> None:
    off = RuleSet(consecutive_fails_to_eliminate=0)
    assert run(y(2017, "fail"), y(2018, "fail"), rules=off)[0].kind == WARNING
    [one] = run(y(2018, "fail"), rules=RuleSet(consecutive_fails_to_eliminate=1))
    assert one.kind == ELIMINATION and one.reason == "2018年度评估等次为不合格。"


def test_a_failed_rectification_of_last_years_warning_proposes_elimination() -> None:
    [proposal] = run(y(2017, "fail", rectification="failed"), y(2018, "pass"))
    assert proposal.kind == ELIMINATION and proposal.reason_code == FAILED_RECTIFICATION
    assert proposal.reason == "2017年度评估等次为不合格，预警后整改未通过验收。"


def test_a_pending_or_passed_rectification_proposes_nothing() -> None:
    assert run(y(2017, "fail", rectification="pending"), y(2018, "good")) == []
    assert run(y(2017, "fail", rectification="passed"), y(2018, "good")) == []


def test_an_older_failed_rectification_is_not_proposed_again() -> None:
    assert run(y(2016, "fail", rectification="failed"), y(2017, "pass"), y(2018, "pass")) == []


def test_no_year_end_report_proposes_elimination_naming_the_year_and_grade() -> None:
    [proposal] = run(y(2017, "good"), y(2018, "pass", report=False))
    assert proposal.kind == ELIMINATION and proposal.reason_code == NO_YEAR_END_REPORT
    assert proposal.reason == "未提交2018年度报告（2018年度评估等次为合格）。"
    [ungraded] = run(y(2018, None, report=False))
    assert ungraded.reason == "未提交2018年度报告。"


def test_a_missing_report_and_a_fail_in_one_year_is_one_elimination_not_a_warning() -> None:
    [proposal] = run(y(2017, "pass"), y(2018, "fail", report=False))
    assert proposal.kind == ELIMINATION and proposal.reason_code == NO_YEAR_END_REPORT
    assert "不合格" in proposal.reason


def test_several_grounds_are_one_proposal_with_the_strongest_code_and_every_reason() -> None:
    [proposal] = run(y(2017, "fail", rectification="failed"), y(2018, "fail", report=False))
    assert proposal.reason_code == CONSECUTIVE_FAIL
    assert proposal.grounds == (CONSECUTIVE_FAIL, FAILED_RECTIFICATION, NO_YEAR_END_REPORT)
    assert "连续2年不合格" in proposal.reason and "整改未通过验收" in proposal.reason
    assert "未提交2018年度报告" in proposal.reason


def test_switched_off_rules_propose_nothing() -> None:
    rules = RuleSet(
        warn_on_fail=False,
        consecutive_fails_to_eliminate=0,
        eliminate_on_failed_rectification=False,
        eliminate_on_missing_year_end_report=False,
    )
    assert run(y(2017, "fail", rectification="failed"), y(2018, "fail", report=False), rules=rules) == []
    # Without warnings a second fail still eliminates.
    assert run(y(2017, "fail"), y(2018, "fail"), rules=RuleSet(warn_on_fail=False))[0].kind == ELIMINATION


def test_nothing_is_known_about_a_year_absent_from_the_history() -> None:
    assert run(y(2017, "fail", report=False), year=2018) == []


def test_later_years_do_not_change_a_past_years_proposal() -> None:
    assert run(y(2017, "pass"), y(2018, "fail"), y(2019, "fail", report=False), year=2018)[0].kind == WARNING


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        run(y(2018, "pass"), y(2018, "fail"))
    with pytest.raises(ValueError, match="grade"):
        y(2018, "bad")
    with pytest.raises(ValueError, match="rectification"):
        y(2018, "fail", rectification="maybe")
    with pytest.raises(ValueError):
        RuleSet(rectification_months=0)
    with pytest.raises(ValueError):
        RuleSet(consecutive_fails_to_eliminate=-1)


def test_reasons_are_chinese_under_the_english_interface() -> None:
    from django.utils import translation

    with translation.override("en"):
        [proposal] = run(y(2017, "fail"), y(2018, "fail"))
    assert proposal.reason.startswith("2017年度评估等次为不合格")


# Properties over any history.

YEARS = range(2015, 2022)
grades = st.sampled_from(["excellent", "good", "pass", "fail", None])
passing = st.sampled_from(["excellent", "good", "pass"])


@st.composite
def histories(draw: st.DrawFn, grade: st.SearchStrategy[str | None] = grades) -> list[PilotYear]:
    years = draw(st.sets(st.sampled_from(YEARS), min_size=1))
    return [
        PilotYear(
            year,
            draw(grade),
            draw(st.booleans()),
            draw(st.sampled_from(["none", "pending", "passed", "failed"])),
        )
        for year in sorted(years)
    ]


rule_sets = st.builds(
    RuleSet,
    warn_on_fail=st.booleans(),
    consecutive_fails_to_eliminate=st.integers(0, 4),
    eliminate_on_failed_rectification=st.booleans(),
    eliminate_on_missing_year_end_report=st.booleans(),
    rectification_months=st.integers(1, 24),
)
decision_dates = st.dates(dt.date(2016, 1, 1), dt.date(2023, 12, 31))


@given(
    years=st.sets(st.sampled_from(YEARS), min_size=1),
    rules=rule_sets,
    decided_on=decision_dates,
    data=st.data(),
)
def test_a_history_of_passes_with_reports_proposes_nothing(
    years: set[int], rules: RuleSet, decided_on: dt.date, data: st.DataObject
) -> None:
    history = [
        PilotYear(year, data.draw(passing), True, data.draw(st.sampled_from(["none", "passed"]))) for year in years
    ]
    for year in years:
        assert propose(history, year=year, rules=rules, decided_on=decided_on) == []


@given(history=histories(), rules=rule_sets, decided_on=decision_dates, year=st.sampled_from(YEARS))
def test_never_both_a_warning_and_an_elimination(
    history: list[PilotYear], rules: RuleSet, decided_on: dt.date, year: int
) -> None:
    proposals = propose(history, year=year, rules=rules, decided_on=decided_on)
    assert len(proposals) <= 1
    assert len({p.kind for p in proposals}) == len(proposals)


@given(history=histories(), rules=rule_sets, decided_on=decision_dates, year=st.sampled_from(YEARS))
def test_every_proposal_rests_on_a_ground_that_holds(
    history: list[PilotYear], rules: RuleSet, decided_on: dt.date, year: int
) -> None:
    by_year = {entry.year: entry for entry in history}
    for proposal in propose(history, year=year, rules=rules, decided_on=decided_on):
        current = by_year[year]
        assert f"{year}年度" in proposal.reason or f"{year - 1}年度" in proposal.reason
        if proposal.kind == WARNING:
            assert current.grade == "fail" and rules.warn_on_fail
            assert proposal.rectify_by == add_months(decided_on, rules.rectification_months) > decided_on
            continue
        assert proposal.rectify_by is None and proposal.grounds[0] == proposal.reason_code
        for ground in proposal.grounds:
            if ground == CONSECUTIVE_FAIL:
                n = rules.consecutive_fails_to_eliminate
                assert n and all(by_year.get(year - k, y(0, None)).grade == "fail" for k in range(n))
            elif ground == FAILED_RECTIFICATION:
                assert rules.eliminate_on_failed_rectification
                assert any(by_year.get(w, y(0, None)).rectification == "failed" for w in (year - 1, year))
            else:
                assert ground == NO_YEAR_END_REPORT and rules.eliminate_on_missing_year_end_report
                assert not current.has_year_end_report


@given(history=histories(), rules=rule_sets, decided_on=decision_dates, year=st.sampled_from(YEARS))
def test_a_fail_is_always_answered_unless_its_rules_are_off(
    history: list[PilotYear], rules: RuleSet, decided_on: dt.date, year: int
) -> None:
    by_year = {entry.year: entry for entry in history}
    proposals = propose(history, year=year, rules=rules, decided_on=decided_on)
    if year in by_year and by_year[year].grade == "fail" and rules.warn_on_fail:
        assert proposals


@given(history=histories(), rules=rule_sets, decided_on=decision_dates, year=st.sampled_from(YEARS), seed=st.randoms())
def test_the_order_of_the_history_does_not_matter(
    history: list[PilotYear], rules: RuleSet, decided_on: dt.date, year: int, seed: object
) -> None:
    shuffled = list(history)
    seed.shuffle(shuffled)  # type: ignore[attr-defined]
    assert propose(shuffled, year=year, rules=rules, decided_on=decided_on) == propose(
        history, year=year, rules=rules, decided_on=decided_on
    )
