from __future__ import annotations

from decimal import Decimal

import pytest

from shidian.accounts.models import User
from shidian.core.actors import system
from shidian.core.errors import DomainError, NotFound
from shidian.core.models import AuditEvent
from shidian.core.periods import Period
from shidian.indicators import selectors, services
from shidian.indicators.models import (
    DataQualityIssue,
    Indicator,
    IndicatorValue,
    IssueKind,
    IssueStatus,
    ValueStatus,
)
from shidian.pilots.models import PilotArea

pytestmark = pytest.mark.django_db


def put(pilot: PilotArea, code: str, period: str, value: str) -> None:
    IndicatorValue.objects.create(
        pilot=pilot,
        indicator=Indicator.objects.get(code=code),
        period=period,
        year=int(period[:4]),
        value=Decimal(value),
        status=ValueStatus.SUBMITTED,
    )


def test_cross_indicator_rule_flags_hukou_above_resident(liuzhou: PilotArea) -> None:
    put(liuzhou, "urban_rate_hukou", "2018", "70")
    put(liuzhou, "urban_rate_resident", "2018", "60")
    assert services.run_quality_checks(period=Period(2018), by=system("tests")) == 1
    issue = DataQualityIssue.objects.get()
    assert (issue.pilot, issue.indicator.code, issue.kind) == (liuzhou, "urban_rate_hukou", IssueKind.RULE)
    assert "户籍人口城镇化率不应高于常住人口城镇化率" in issue.message
    # Running again finds the same issue and opens no new one.
    assert services.run_quality_checks(period=Period(2018), by=system("tests")) == 0


def test_rule_passes_when_consistent(liuzhou: PilotArea) -> None:
    put(liuzhou, "urban_rate_hukou", "2018", "45")
    put(liuzhou, "urban_rate_resident", "2018", "60")
    assert services.run_quality_checks(period=Period(2018), by=system("tests")) == 0


def test_year_on_year_jump_is_flagged(liuzhou: PilotArea, shunyi: PilotArea) -> None:
    put(liuzhou, "gdp_per_capita", "2017", "50000")
    put(liuzhou, "gdp_per_capita", "2018", "80000")  # +60 % > 30 %
    put(shunyi, "gdp_per_capita", "2017", "50000")
    put(shunyi, "gdp_per_capita", "2018", "56000")  # +12 %
    assert services.run_quality_checks(period=Period(2018), by=system("tests")) == 1
    issue = DataQualityIssue.objects.get()
    assert issue.pilot == liuzhou and "60.0%" in issue.message


def test_z_score_outlier_within_the_same_kind_of_area() -> None:
    cities = list(PilotArea.objects.filter(kind="地级市").order_by("pk")[:12])
    for n, pilot in enumerate(cities[:-1]):
        put(pilot, "green_space_rate", "2018", str(35 + n % 3))
    put(cities[-1], "green_space_rate", "2018", "95")
    # A county with a high value is compared with counties, not with cities.
    counties = list(PilotArea.objects.filter(kind="县").order_by("pk")[:3])
    for pilot in counties:
        put(pilot, "green_space_rate", "2018", "90")
    services.run_quality_checks(period=Period(2018), by=system("tests"))
    outliers = list(DataQualityIssue.objects.filter(kind=IssueKind.OUTLIER))
    assert [o.pilot for o in outliers] == [cities[-1]]
    assert "地级市" in outliers[0].message


def test_follow_up_moves_and_scope(
    liuzhou: PilotArea, shunyi: PilotArea, province_user: User, pilot_user: User
) -> None:
    put(liuzhou, "urban_rate_hukou", "2018", "70")
    put(liuzhou, "urban_rate_resident", "2018", "60")
    put(shunyi, "urban_rate_hukou", "2018", "70")
    put(shunyi, "urban_rate_resident", "2018", "60")
    services.run_quality_checks(period=Period(2018), by=system("tests"))
    assert [i.pilot for i in selectors.quality_issues(user=province_user)] == [liuzhou]
    ours = DataQualityIssue.objects.get(pilot=liuzhou)
    theirs = DataQualityIssue.objects.get(pilot=shunyi)
    with pytest.raises(NotFound):
        services.follow_up_issue(issue=theirs, to=IssueStatus.FOLLOWING, note="", by=province_user)
    with pytest.raises(NotFound):
        services.follow_up_issue(issue=ours, to=IssueStatus.FOLLOWING, note="", by=pilot_user)
    issue = services.follow_up_issue(issue=ours, to=IssueStatus.FOLLOWING, note="已电话核实", by=province_user)
    assert issue.status == IssueStatus.FOLLOWING and "已电话核实" in issue.follow_up
    with pytest.raises(DomainError):
        services.follow_up_issue(issue=issue, to=IssueStatus.OPEN, note="", by=province_user)
    issue = services.follow_up_issue(issue=issue, to=IssueStatus.RESOLVED, note="已更正", by=province_user)
    services.follow_up_issue(issue=issue, to=IssueStatus.OPEN, note="再次出现", by=province_user)


def test_a_province_checks_only_its_own_pilots_and_a_pilot_none(
    liuzhou: PilotArea, shunyi: PilotArea, province_user: User, pilot_user: User
) -> None:
    for pilot in (liuzhou, shunyi):
        put(pilot, "urban_rate_hukou", "2018", "70")
        put(pilot, "urban_rate_resident", "2018", "60")
    with pytest.raises(NotFound):
        services.run_quality_checks(period=Period(2018), by=pilot_user)
    with pytest.raises(NotFound):
        services.run_quality_checks(period=Period(2018), by=None)  # type: ignore[arg-type]
    assert not DataQualityIssue.objects.exists()
    assert services.run_quality_checks(period=Period(2018), by=province_user) == 1
    assert [i.pilot for i in DataQualityIssue.objects.all()] == [liuzhou]
    [event] = AuditEvent.objects.filter(action="indicators.quality.checked")
    assert event.actor == province_user
