"""Each role's workbench: its items, their counts, their links, and a query count that does not grow."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.core import clock
from shidian.core.periods import Period
from shidian.core.roles import Role
from shidian.indicators import services as indicator_services
from shidian.indicators.models import Indicator, PeriodType
from shidian.pilots import services as pilot_services
from shidian.pilots.models import PilotArea
from shidian.plans import services as plan_services
from shidian.plans.tests import factories as plan_factories
from shidian.regions.models import Province
from shidian.reporting import services
from shidian.reporting.models import ReportCopy, RoundKind, TagKind
from shidian.reporting.tests import factories as report_factories
from shidian.workbench import selectors

pytestmark = pytest.mark.django_db
ClientAs = Callable[[str], Client]
TODAY = dt.date(2019, 7, 8)  # two days before the mid-year round's pilot due date (2019-07-10)
COMMENT = "请补充常住人口城镇化率的完成情况。"


def _user(username: str) -> User:
    return User.objects.select_related("organisation").get(username=username)


def _other_guangxi_pilot() -> PilotArea:
    return PilotArea.objects.filter(province__name="广西壮族自治区").exclude(name="柳州市").order_by("name").first()  # type: ignore[return-value]


@pytest.fixture
def scene() -> dict[str, Any]:
    """A programme on 2019-07-08 with work for every role, built through the real services."""
    pilot_user, province_user, national = _user("demo-pilot"), _user("demo-province"), _user("demo-national")
    liuzhou = report_factories.liuzhou()
    other = _other_guangxi_pilot()
    other_officer = plan_factories.officer_for(other)
    with clock.travel_to(TODAY):
        r2018 = services.open_round(year=2018, kind=RoundKind.YEAR_END, by=services.OPENER)
        r2019 = services.open_round(year=2019, kind=RoundKind.MID_YEAR, by=services.OPENER)
        # 柳州市: its 2018 report was returned with a comment.
        returned = report_factories.submitted_report(pilot_user, r2018, when=dt.date(2019, 1, 5))
        returned = services.return_pilot_report(report=returned, comment=COMMENT, by=province_user)
        # The other pilot: its 2018 report was accepted (with a difficulty for 住房城乡建设部), its 2019H1 waits.
        report = report_factories.filled_report(other_officer, r2018, other)
        ministry = Organisation.objects.get(kind=OrganisationKind.MINISTRY, name="住房城乡建设部")
        services.add_tag(
            report=report,
            kind=TagKind.DIFFICULTY,
            text="棚户区改造资金缺口大",
            ministry_ids=[ministry.pk],
            by=other_officer,
        )
        report = services.submit_pilot_report(report=report, by=other_officer, now=report_factories.on(r2018.pilot_due))
        services.accept_pilot_report(report=report, by=province_user)
        waiting = report_factories.submitted_report(other_officer, r2019, when=dt.date(2019, 7, 5), pilot=other)
        # 广西's 2018 province report is with the commission (and copied to every ministry).
        province_report = services.open_province_report(
            province=Province.objects.get(name="广西壮族自治区"), reporting_round=r2018, by=province_user
        )
        province_report = services.save_province_draft(
            report=province_report,
            revision=province_report.revision,
            fields={"overview": "广西"},
            pilot_texts={},
            by=province_user,
        )
        province_report = services.submit_province_report(report=province_report, by=province_user)
        # 柳州市's plan: three chained milestones before 2019-07-20 (two overdue, one due in 12 days), submitted.
        _plan, version, _tasks, milestones = plan_factories.make_plan(liuzhou, deadline=dt.date(2019, 7, 20))
        plan_services.submit_plan(version=version, by=pilot_user)
        # 柳州市 reported some 2019H1 values (submitted, waiting for the province).
        half_year = list(
            Indicator.objects.active().filter(formula="", period_type=PeriodType.HALF_YEAR).order_by("pk")[:1]
        )
        if half_year:
            indicator_services.save_values(
                pilot=liuzhou, period=Period(2019, 1), values={half_year[0].code: "1"}, submit=True, by=pilot_user
            )
        pilot_services.change_pilot_status(
            pilot=other, to="warned", effective_on=dt.date(2019, 3, 1), reason="进展滞后", by=national
        )
    return {
        "returned": returned,
        "waiting": waiting,
        "province_report": province_report,
        "version": version,
        "milestones": milestones,
        "other": other,
        "liuzhou": liuzhou,
        "half_year": bool(half_year),
    }


def _bench(username: str) -> selectors.Workbench:
    with clock.travel_to(TODAY):
        return selectors.workbench_for(user=_user(username))


def _section(bench: selectors.Workbench, key: str) -> selectors.Section:
    return next(s for s in bench.sections if s.key == key)


def _page(client_as: ClientAs, username: str) -> str:
    with clock.travel_to(TODAY):
        response = client_as(username).get("/")
    assert response.status_code == 200
    return response.content.decode()


def _count_on_page(html: str, key: str) -> int:
    match = re.search(rf'data-testid="count-{key}">(\d+)<', html)
    assert match, key
    return int(match.group(1))


def test_the_pilot_sees_its_returned_report_first_with_the_comment(scene: dict[str, Any], client_as: ClientAs) -> None:
    bench = _bench("demo-pilot")
    assert bench.sections[0].key == "returned"
    (item,) = bench.sections[0].items
    assert item.comment == COMMENT
    assert item.url == reverse("reporting:report", kwargs={"report_id": scene["returned"].pk})
    html = _page(client_as, "demo-pilot")
    assert html.index(COMMENT) < html.index('data-testid="section-round"')
    assert _count_on_page(html, "returned") == 1


def test_the_pilot_sees_the_open_round_with_days_left(scene: dict[str, Any]) -> None:
    section = _section(_bench("demo-pilot"), "round")
    assert "2019年中报告" in section.heading
    (item,) = section.items
    assert "还剩 2 天" in item.note and "2019年7月10日" in item.note
    with clock.travel_to(dt.date(2019, 7, 13)):
        late = _section(selectors.workbench_for(user=_user("demo-pilot")), "round").items[0]
    assert "逾期 3 天" in late.note and late.tone == selectors.LATE


def test_the_pilot_sees_overdue_and_coming_milestones_and_the_plan_under_review(scene: dict[str, Any]) -> None:
    bench = _bench("demo-pilot")
    overdue, soon = _section(bench, "overdue"), _section(bench, "due_soon")
    for m in scene["milestones"]:
        m.refresh_from_db()
    finishes = sorted(m.planned_finish for m in scene["milestones"])
    assert [i.url for i in overdue.items] == [
        reverse("plans:milestone", kwargs={"milestone_id": m.pk})
        for m in sorted(scene["milestones"], key=lambda m: m.planned_finish)
        if m.planned_finish < TODAY
    ]
    assert overdue.count == sum(1 for f in finishes if f < TODAY) == 2
    assert soon.count == 1 and "还剩 12 天" in soon.items[0].note
    plan = _section(bench, "plan")
    assert plan.count == 0 and "已报送，等待省级审核" in plan.empty


def test_the_pilot_sees_missing_indicator_values_per_ended_period(scene: dict[str, Any]) -> None:
    values = _section(_bench("demo-pilot"), "values")
    codes = [item.testid for item in values.items]
    assert "values-2018" in codes and "values-2019" not in codes  # 2019 has not ended
    assert all(item.url.startswith(f"/indicators/pilots/{scene['liuzhou'].pk}/entry/") for item in values.items)


def test_the_province_finds_every_review_at_once_with_days_waiting(scene: dict[str, Any], client_as: ClientAs) -> None:
    bench = _bench("demo-province")
    plans = _section(bench, "plan_reviews")
    assert [i.url for i in plans.items] == [
        reverse("plans:plan", kwargs={"pilot_id": scene["liuzhou"].pk}) + f"?version={scene['version'].pk}"
    ]
    reports = _section(bench, "report_reviews")
    assert [i.url for i in reports.items] == [reverse("reporting:report", kwargs={"report_id": scene["waiting"].pk})]
    assert "已等待 3 天" in reports.items[0].note
    if scene["half_year"]:
        assert _section(bench, "value_reviews").count == 1
    # The count on the linked list page is the same.
    with clock.travel_to(TODAY):
        home = client_as("demo-province").get(reverse("reporting:home"))
    assert len(home.context["awaiting"]) == reports.count
    html = _page(client_as, "demo-province")
    assert _count_on_page(html, "report_reviews") == reports.count == 1


def test_the_province_sees_pilots_not_yet_reported_and_its_own_report(scene: dict[str, Any]) -> None:
    bench = _bench("demo-province")
    chase = _section(bench, "round_chase")
    guangxi = PilotArea.objects.filter(province__name="广西壮族自治区").exclude(pk=scene["other"].pk)
    # Every Guangxi pilot in the programme except the one that reported (the warned one still reports).
    assert chase.count == guangxi.filter(status__in=["active", "warned"]).count()
    own = _section(bench, "province_report")
    assert own.count == 1 and "尚未开始" in own.items[0].title


def test_the_nation_sees_province_reports_to_acknowledge_completeness_and_warnings(scene: dict[str, Any]) -> None:
    bench = _bench("demo-national")
    inbox = _section(bench, "acknowledge")
    assert [i.url for i in inbox.items] == [
        reverse("reporting:province_report", kwargs={"province_report_id": scene["province_report"].pk})
    ]
    completeness = _section(bench, "completeness")
    assert any("广西壮族自治区：已报送 1 / " in i.title for i in completeness.items)
    warned = _section(bench, "warned")
    assert [i.url for i in warned.items] == [reverse("pilots:detail", kwargs={"pilot_id": scene["other"].pk})]
    assert warned.link == reverse("pilots:list") + "?status=warned"


def test_the_warned_count_equals_the_filtered_pilot_list(scene: dict[str, Any], client_as: ClientAs) -> None:
    warned = _section(_bench("demo-national"), "warned")
    page = client_as("demo-national").get(warned.link)
    assert page.context["page"].paginator.count == warned.count


def test_the_ministry_sees_unread_copies_and_difficulties_tagged_with_it(scene: dict[str, Any]) -> None:
    bench = _bench("demo-ministry")
    unread, tags = _section(bench, "unread"), _section(bench, "tags")
    assert unread.count == 1 and "广西壮族自治区" in unread.items[0].title
    assert [t.title for t in tags.items] == ["棚户区改造资金缺口大"]
    copy_id = int(unread.items[0].url.rstrip("/").split("/")[-1])
    services.read_copy(copy=ReportCopy.objects.get(pk=copy_id), by=_user("demo-ministry"))
    assert _section(_bench("demo-ministry"), "unread").count == 0


def test_the_department_sees_its_milestones_due_and_overdue(scene: dict[str, Any]) -> None:
    bench = _bench("demo-department")
    assert [s.key for s in bench.sections] == ["overdue", "due_soon"]
    assert _section(bench, "overdue").count == 2 and _section(bench, "due_soon").count == 1


@pytest.mark.parametrize(
    ("username", "says"),
    [
        ("demo-expert", "评估任务分配给您之后"),
        ("demo-auditor", "审计日志"),
        ("demo-secadmin", "三员分立"),
        ("demo-sysadmin", "地图边界"),
    ],
)
def test_roles_without_work_get_an_empty_state_that_says_what_will_appear(
    client_as: ClientAs, username: str, says: str
) -> None:
    html = _page(client_as, username)
    assert says in html and 'data-testid="bench-empty"' in html
    assert "柳州市" not in html


def test_an_empty_programme_gives_each_section_an_empty_text(client_as: ClientAs) -> None:
    with clock.travel_to(TODAY):
        services.open_round(year=2019, kind=RoundKind.MID_YEAR, by=services.OPENER)
    for username in ("demo-pilot", "demo-province", "demo-national", "demo-ministry", "demo-department"):
        bench = _bench(username)
        assert bench.sections and all(s.items or s.empty for s in bench.sections), username


def _queries(username: str) -> int:
    with clock.travel_to(TODAY), CaptureQueriesContext(connection) as captured:
        selectors.workbench_for(user=_user(username))
    return len(captured)


@pytest.mark.parametrize(
    "username", ["demo-pilot", "demo-province", "demo-national", "demo-ministry", "demo-department"]
)
def test_query_count_does_not_grow_with_the_data(
    scene: dict[str, Any], username: str, django_assert_max_num_queries: Any
) -> None:
    before = _queries(username)
    # Twice the work: more returned reports, milestones, waiting reports, warned pilots, copies.
    pilot_user, province_user, national = _user("demo-pilot"), _user("demo-province"), _user("demo-national")
    more = list(PilotArea.objects.filter(province__name="广西壮族自治区").exclude(name="柳州市").order_by("name")[1:3])
    with clock.travel_to(TODAY):
        r2017 = services.open_round(year=2017, kind=RoundKind.YEAR_END, by=services.OPENER)
        again = report_factories.submitted_report(pilot_user, r2017, when=dt.date(2018, 1, 5))
        services.return_pilot_report(report=again, comment="再补充。", by=province_user)
        for p in more:
            officer = plan_factories.officer_for(p)
            r2019 = services.open_round(year=2019, kind=RoundKind.MID_YEAR, by=services.OPENER)
            report_factories.submitted_report(officer, r2019, when=dt.date(2019, 7, 6), pilot=p)
            plan_factories.make_plan(p, deadline=dt.date(2019, 7, 30))
            pilot_services.change_pilot_status(
                pilot=p, to="warned", effective_on=dt.date(2019, 3, 1), reason="进展滞后", by=national
            )
        beijing = Province.objects.get(name="北京市")
        bj_reviewer = User.objects.create(
            username="bj-reviewer",
            role=Role.PROVINCIAL_OFFICER,
            organisation=Organisation.objects.get(kind=OrganisationKind.PROVINCIAL_COMMISSION, province=beijing),
        )
        bj_report = services.open_province_report(province=beijing, reporting_round=r2017, by=bj_reviewer)
        bj_report = services.save_province_draft(
            report=bj_report, revision=bj_report.revision, fields={"overview": "北京"}, pilot_texts={}, by=bj_reviewer
        )
        services.submit_province_report(report=bj_report, by=bj_reviewer)
    after = _queries(username)
    assert after == before, (username, before, after)
    with django_assert_max_num_queries(before), clock.travel_to(TODAY):
        selectors.workbench_for(user=_user(username))


def test_a_long_section_shows_the_first_items_and_links_to_the_rest(client_as: ClientAs) -> None:
    section = selectors.Section("x", "x", link="/reporting/")
    section.items = [selectors.Item(str(i), "/") for i in range(selectors.SHOWN + 4)]
    assert section.count == selectors.SHOWN + 4 and len(section.shown) == selectors.SHOWN and section.hidden == 4
    with clock.travel_to(TODAY):
        _pilot_values = selectors.workbench_for(user=_user("demo-pilot"))
    values = _section(_pilot_values, "values")
    html = _page(client_as, "demo-pilot")
    assert _count_on_page(html, "values") == values.count  # the count is the whole list, not what is shown


def test_the_pilots_missing_values_leave_out_what_it_reported(scene: dict[str, Any]) -> None:
    """柳州市 submitted one half-year value of 2019H1: that period misses every other half-year indicator."""
    if not scene["half_year"]:
        pytest.skip("no half-year indicator in the catalogue")
    expected = Indicator.objects.active().filter(formula="", period_type=PeriodType.HALF_YEAR).count()
    item = next(i for i in _section(_bench("demo-pilot"), "values").items if i.testid == "values-2019H1")
    assert f"{expected - 1} 项指标未报送（共 {expected} 项）" in item.title


def _without_token(html: str) -> str:
    return re.sub(r'X-CSRFToken": "[^"]+"|name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.parametrize("username", ["demo-pilot", "demo-province", "demo-national", "demo-ministry"])
def test_a_second_visit_is_served_from_what_the_first_kept(
    scene: dict[str, Any], client_as: ClientAs, username: str
) -> None:
    """The sections are kept until the data moves (issue 16): the same page, from the session, the user, the
    data generation and the unread count alone."""
    client = client_as(username)
    with clock.travel_to(TODAY), CaptureQueriesContext(connection) as first:
        html = client.get("/").content.decode()
    with clock.travel_to(TODAY), CaptureQueriesContext(connection) as second:
        again = client.get("/").content.decode()
    assert _without_token(again) == _without_token(html)
    tables = [re.findall(r'FROM "(\w+)"', q["sql"])[:1] for q in second.captured_queries]
    assert len(first) > 5 and len(second) <= 5, tables
    assert ["core_datageneration"] in tables


def test_a_write_shows_on_the_next_visit(scene: dict[str, Any], client_as: ClientAs) -> None:
    """What was kept is never served after a write: the province accepts a report, the next page has it gone."""
    client = client_as("demo-province")
    waiting = scene["waiting"]
    with clock.travel_to(TODAY):
        assert f'data-testid="report-review-{waiting.pk}"' in client.get("/").content.decode()
        assert f'data-testid="report-review-{waiting.pk}"' in client.get("/").content.decode()  # kept
        services.accept_pilot_report(report=waiting, by=_user("demo-province"))
        assert f'data-testid="report-review-{waiting.pk}"' not in client.get("/").content.decode()


def test_a_page_kept_in_another_language_or_on_another_day_is_not_served(
    scene: dict[str, Any], client_as: ClientAs
) -> None:
    client = client_as("demo-pilot")
    chinese = _page(client_as, "demo-pilot")
    client.cookies["django_language"] = "en"
    with clock.travel_to(TODAY):
        english = client.get("/").content.decode()
    assert "审核意见" in chinese and "审核意见" not in english
    with clock.travel_to(TODAY + dt.timedelta(days=30)):
        later = client_as("demo-pilot").get("/").content.decode()
    assert "逾期" in later and later.count("逾期") > chinese.count("逾期")


@pytest.mark.django_db(transaction=True)
def test_a_write_committed_by_another_process_is_seen_through_the_shared_token(
    client_as: ClientAs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another app process sees only the database: the token the commit wrote makes it render anew."""
    from shidian.core import generation
    from shidian.core.models import DataGeneration

    pilot = _other_guangxi_pilot()
    client = client_as("demo-national")
    with clock.travel_to(TODAY):
        assert f'data-testid="warned-{pilot.pk}"' not in client.get("/").content.decode()
        before = DataGeneration.objects.values_list("token", flat=True).first()
        local = generation.local()
        pilot_services.change_pilot_status(
            pilot=pilot, to="warned", effective_on=TODAY, reason="进展滞后", by=_user("demo-national")
        )
        assert DataGeneration.objects.values_list("token", flat=True).first() not in {None, before}
        monkeypatch.setattr(generation, "_local_value", local)  # as if another process had written
        assert f'data-testid="warned-{pilot.pk}"' in client.get("/").content.decode()
