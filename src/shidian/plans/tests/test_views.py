"""Plan pages: scoping, query counts, the review through the pages, progress, my tasks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shidian.accounts.models import User
from shidian.plans import services
from shidian.plans.models import Milestone, PlanStatus, PlanVersion
from shidian.plans.tests import factories

pytestmark = pytest.mark.django_db
ClientAs = Callable[[str], Client]


def test_plan_page_shows_the_timeline_with_today_line_and_overdue(client_as: ClientAs) -> None:
    factories.extend_programme(dt.date(2030, 12, 31))
    _plan, _version, _tasks, ms = factories.make_plan(deadline=dt.date(2030, 12, 31), start=dt.date(2016, 1, 1))
    services.set_dependencies(milestone=ms[1], depends_on=[], by=factories.officer_for(factories.pilot()))
    pilot = factories.pilot()
    response = client_as("demo-province").get(reverse("plans:plan", kwargs={"pilot_id": pilot.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="timeline"' in html and 'data-testid="today-line"' in html
    assert html.count('data-testid="milestone-row"') == 3
    assert 'data-testid="overdue"' not in html  # all due in 2030


def test_overdue_milestones_are_marked(client_as: ClientAs) -> None:
    factories.make_plan(deadline=dt.date(2018, 12, 31))
    html = (
        client_as("demo-pilot").get(reverse("plans:plan", kwargs={"pilot_id": factories.pilot().pk})).content.decode()
    )
    assert html.count('data-testid="overdue"') == 3
    assert 'class="gantt-bar overdue"' in html
    assert 'class="gantt-today beyond"' in html  # today is after the timeline: pinned at the right edge


def test_another_provinces_plan_is_not_found(client_as: ClientAs) -> None:
    beijing = factories.pilot("北京市", "顺义区")
    _plan, version, _tasks, ms = factories.make_plan(beijing)
    for username in ("demo-province", "demo-pilot", "demo-department"):
        client = client_as(username)
        assert client.get(reverse("plans:plan", kwargs={"pilot_id": beijing.pk})).status_code == 404
        assert client.get(reverse("plans:milestone", kwargs={"milestone_id": ms[0].pk})).status_code == 404
        assert client.get(reverse("plans:diff", kwargs={"plan_version_id": version.pk})).status_code == 404
        assert client.get(reverse("plans:export_xlsx", kwargs={"pilot_id": beijing.pk})).status_code == 404
    assert client_as("demo-national").get(reverse("plans:plan", kwargs={"pilot_id": beijing.pk})).status_code == 200
    assert client_as("demo-ministry").get(reverse("plans:plan", kwargs={"pilot_id": beijing.pk})).status_code == 200


def test_admin_duties_see_no_plans(client_as: ClientAs) -> None:
    factories.make_plan()
    for username in ("demo-auditor", "demo-secadmin", "demo-sysadmin"):
        client = client_as(username)
        assert client.get(reverse("plans:plan", kwargs={"pilot_id": factories.pilot().pk})).status_code == 404
        assert client.get(reverse("plans:national")).status_code == 404


def _count_queries(client: Client, url: str, django_assert_num_queries: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_timeline_query_count_is_constant(client_as: ClientAs, django_assert_num_queries: Any) -> None:
    _plan, version, tasks, _ms = factories.make_plan(tasks=2, milestones=2)
    client = client_as("demo-pilot")
    url = reverse("plans:plan", kwargs={"pilot_id": factories.pilot().pk})
    small = _count_queries(client, url, django_assert_num_queries)
    officer = factories.officer_for(factories.pilot())
    for i in range(3):
        task = services.add_task(
            version=version,
            title=f"更多任务{i}",
            focus_area=factories.focus("farmland"),
            lead_department=tasks[0].lead_department,
            supporting_departments=[tasks[0].lead_department],
            deadline=dt.date(2019, 12, 31),
            responsible_name="王五",
            by=officer,
        )
        for j in range(3):
            services.add_milestone(task=task, name=f"更多节点{i}-{j}", duration_days=10, by=officer)
    assert _count_queries(client, url, django_assert_num_queries) == small


def test_province_page_query_count_is_constant(client_as: ClientAs, django_assert_num_queries: Any) -> None:
    client = client_as("demo-province")
    url = reverse("plans:province")
    factories.make_plan(tasks=1, milestones=1)
    small = _count_queries(client, url, django_assert_num_queries)
    for name in ("北流市", "来宾市", "靖西市"):
        factories.make_plan(factories.pilot("广西壮族自治区", name), tasks=2, milestones=3)
    response = client.get(url)
    assert "柳州市" in response.content.decode()
    assert _count_queries(client, url, django_assert_num_queries) == small


def test_national_page_groups_by_batch_region_and_focus_area(client_as: ClientAs) -> None:
    factories.make_plan(tasks=2)
    response = client_as("demo-national").get(reverse("plans:national"))
    assert response.status_code == 200
    view = response.context["view"]
    assert any(b.with_plan == 1 for b in view.by_batch)
    assert [b.label for b in view.by_focus_area] == ["城市绿色智能发展"]
    assert view.by_focus_area[0].with_plan == 2


def test_review_through_the_pages(client_as: ClientAs) -> None:
    _plan, version, _t, _m = factories.make_plan()
    pilot_client, province_client = client_as("demo-pilot"), client_as("demo-province")
    pilot_client.post(reverse("plans:submit", kwargs={"plan_version_id": version.pk}))
    assert PlanVersion.objects.get(pk=version.pk).status == PlanStatus.SUBMITTED
    # The pilot cannot decide on its own plan.
    pilot_client.post(reverse("plans:review", kwargs={"plan_version_id": version.pk}), {"decision": "approve"})
    assert PlanVersion.objects.get(pk=version.pk).status == PlanStatus.SUBMITTED
    province_client.post(
        reverse("plans:review", kwargs={"plan_version_id": version.pk}), {"decision": "return", "comment": "补充节点"}
    )
    assert PlanVersion.objects.get(pk=version.pk).status == PlanStatus.RETURNED
    page = pilot_client.get(reverse("plans:plan", kwargs={"pilot_id": version.plan.pilot_id})).content.decode()
    assert "补充节点" in page
    pilot_client.post(reverse("plans:submit", kwargs={"plan_version_id": version.pk}))
    province_client.post(reverse("plans:review", kwargs={"plan_version_id": version.pk}), {"decision": "approve"})
    response = pilot_client.get(reverse("plans:plan", kwargs={"pilot_id": version.plan.pilot_id}))
    assert [(h.status, h.comment) for h in response.context["history"]] == [
        ("已报送", ""),
        ("已退回", "补充节点"),
        ("已报送", ""),
        ("已批准", ""),
    ]


def test_department_updates_progress_and_sees_my_tasks(client_as: ClientAs, user: Callable[[str], User]) -> None:
    _plan, _version, _tasks, ms = factories.make_plan()
    client = client_as("demo-department")
    response = client.post(
        reverse("plans:milestone", kwargs={"milestone_id": ms[0].pk}),
        {"progress_percent": 60, "status": "in_progress", "note": "已完成调研"},
    )
    assert response.status_code == 302
    assert Milestone.objects.get(pk=ms[0].pk).progress_percent == 60
    # The pilot office may read but not report a department's progress.
    client_as("demo-pilot").post(
        reverse("plans:milestone", kwargs={"milestone_id": ms[0].pk}), {"progress_percent": 90, "status": "in_progress"}
    )
    assert Milestone.objects.get(pk=ms[0].pk).progress_percent == 60
    html = client.get(reverse("plans:my_tasks")).content.decode()
    assert html.count(" 逾期</td>") >= 3 and 'data-testid="my-milestones"' in html
    assert 'data-testid="supported-tasks"' not in html  # it leads, it does not support
    assert reverse("notifications:inbox") in html  # the reminders are in the notification centre


def test_evidence_upload_refuses_disallowed_type(client_as: ClientAs) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    _plan, _version, _tasks, ms = factories.make_plan()
    client = client_as("demo-department")
    bad = SimpleUploadedFile("report.pdf", b"#!/bin/sh\necho hi\n")
    response = client.post(reverse("plans:evidence", kwargs={"milestone_id": ms[0].pk}), {"file": bad}, follow=True)
    assert "类型不允许" in response.content.decode()
    assert not ms[0].evidence.exists()


def test_home_sends_each_role_to_its_page(client_as: ClientAs) -> None:
    assert client_as("demo-department").get(reverse("plans:home"))["Location"] == reverse("plans:my_tasks")
    assert client_as("demo-province").get(reverse("plans:home"))["Location"] == reverse("plans:province")
    assert client_as("demo-national").get(reverse("plans:home"))["Location"] == reverse("plans:national")
    assert client_as("demo-pilot").get(reverse("plans:home"))["Location"] == reverse(
        "plans:plan", kwargs={"pilot_id": factories.pilot().pk}
    )


def test_leading_group_page_records_history(client_as: ClientAs) -> None:
    pilot = factories.pilot()
    client = client_as("demo-pilot")
    url = reverse("plans:leading_group", kwargs={"pilot_id": pilot.pk})
    client.post(url, {"role": "leader", "person_name": "王市长", "valid_from": "2016-03-01"})
    client.post(url, {"role": "leader", "person_name": "赵市长", "valid_from": "2018-03-01"})
    response = client_as("demo-province").get(url)
    assert response.status_code == 200
    assert [m.person_name for m in response.context["current"]] == ["赵市长"]
    assert [m.person_name for m in response.context["past"]] == ["王市长"]
    client_as("demo-province").post(url, {"role": "deputy", "person_name": "x", "valid_from": "2018-03-01"})
    assert len(client.get(url).context["current"]) == 1


def test_dependencies_page_refuses_a_cycle_and_deletes_a_milestone(client_as: ClientAs) -> None:
    _plan, _version, _tasks, ms = factories.make_plan(milestones=3)
    client = client_as("demo-pilot")
    page = client.get(reverse("plans:milestone", kwargs={"milestone_id": ms[0].pk}))
    assert 'data-testid="dependencies-form"' in page.content.decode()
    response = client.post(
        reverse("plans:milestone_dependencies", kwargs={"milestone_id": ms[0].pk}),
        {"depends_on": [ms[2].pk]},
        follow=True,
    )
    assert "循环" in response.content.decode()
    assert not Milestone.objects.get(pk=ms[0].pk).depends_on.exists()
    client.post(reverse("plans:milestone_delete", kwargs={"milestone_id": ms[2].pk}))
    assert not Milestone.objects.filter(pk=ms[2].pk).exists()
    # The department may not restructure the plan.
    client_as("demo-department").post(reverse("plans:milestone_delete", kwargs={"milestone_id": ms[1].pk}))
    assert Milestone.objects.filter(pk=ms[1].pk).exists()


def test_task_form_takes_a_responsible_user_of_the_pilot(client_as: ClientAs, user: Callable[[str], User]) -> None:
    _plan, version, tasks, _ms = factories.make_plan()
    client = client_as("demo-pilot")
    data = {
        "title": "用户负责的任务",
        "focus_area": factories.focus("multi_plan").pk,
        "lead_department": tasks[0].lead_department_id,
        "deadline": "2019-06-30",
        "weight": 2,
    }
    url = reverse("plans:add_task", kwargs={"plan_version_id": version.pk})
    response = client.post(url, data, follow=True)
    assert "请指定责任人" in response.content.decode()
    client.post(url, {**data, "responsible_user": user("demo-department").pk})
    task = version.tasks.get(title="用户负责的任务")
    assert task.responsible_user == user("demo-department")
    # A user of another pilot is not offered (the form refuses it).
    outsider = factories.officer_for(factories.pilot("北京市", "顺义区"))
    client.post(url, {**data, "title": "外人负责", "responsible_user": outsider.pk})
    assert not version.tasks.filter(title="外人负责").exists()


def test_national_page_query_count_is_constant(client_as: ClientAs, django_assert_num_queries: Any) -> None:
    client = client_as("demo-national")
    url = reverse("plans:national")
    factories.make_plan(tasks=1, milestones=1)
    small = _count_queries(client, url, django_assert_num_queries)
    for name in ("北流市", "来宾市"):
        factories.make_plan(factories.pilot("广西壮族自治区", name), tasks=2, milestones=3)
    factories.make_plan(factories.pilot("北京市", "顺义区"), tasks=2, milestones=2)
    assert _count_queries(client, url, django_assert_num_queries) == small


def test_my_tasks_lists_tasks_the_department_supports(client_as: ClientAs) -> None:
    _plan, version, tasks, _ms = factories.make_plan()
    other = factories.department(factories.pilot(), "柳州市财政局（测试）")
    services.add_task(
        version=version,
        title="财政牵头的任务",
        focus_area=factories.focus("financing"),
        lead_department=other,
        supporting_departments=[tasks[0].lead_department],
        deadline=dt.date(2019, 12, 31),
        responsible_name="钱六",
        by=factories.officer_for(factories.pilot()),
    )
    html = client_as("demo-department").get(reverse("plans:my_tasks")).content.decode()
    assert 'data-testid="supported-tasks"' in html and "财政牵头的任务" in html


def test_evidence_is_downloaded_within_scope_only(client_as: ClientAs, user: Callable[[str], User]) -> None:
    _plan, _version, _tasks, ms = factories.make_plan()
    content = b"%PDF-1.4\n% evidence\n%%EOF\n"
    evidence = services.attach_evidence(
        milestone=ms[0], file_name="验收.pdf", content=content, by=user("demo-department")
    )
    url = reverse("plans:evidence_file", kwargs={"milestone_id": ms[0].pk, "evidence_id": evidence.pk})
    response = client_as("demo-province").get(url)
    assert response.status_code == 200 and response.content == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    wrong = reverse("plans:evidence_file", kwargs={"milestone_id": ms[1].pk, "evidence_id": evidence.pk})
    assert client_as("demo-province").get(wrong).status_code == 404


def test_editing_a_task_reschedules_and_a_deadline_too_early_is_refused(client_as: ClientAs) -> None:
    _plan, _version, tasks, ms = factories.make_plan(milestones=2, deadline=dt.date(2018, 12, 31))
    task = tasks[0]
    client = client_as("demo-pilot")
    url = reverse("plans:edit_task", kwargs={"task_id": task.pk})
    assert client.get(url).status_code == 200
    data = {
        "title": "改名的任务",
        "focus_area": task.focus_area_id,
        "lead_department": task.lead_department_id,
        "responsible_name": "张三",
        "deadline": "2019-06-30",
        "weight": 1,
    }
    assert client.post(url, data).status_code == 302
    assert Milestone.objects.get(pk=ms[-1].pk).planned_finish == dt.date(2019, 6, 30)
    response = client.post(url, {**data, "title": "太急", "deadline": "2016-01-20"}, follow=True)
    assert "无法" in response.content.decode()
    task.refresh_from_db()
    assert task.title == "改名的任务" and task.deadline == dt.date(2019, 6, 30)
    assert client_as("demo-province").get(url).status_code == 404


def test_annual_plan_page_generates_adds_and_deletes_goals(client_as: ClientAs) -> None:
    _plan, _version, tasks, _ms = factories.make_plan(milestones=3, deadline=dt.date(2018, 12, 31))
    department = tasks[0].lead_department
    client = client_as("demo-department")
    url = reverse("plans:annual_plan", kwargs={"department_id": department.pk, "year": 2018})
    client.post(url, {"action": "generate"})
    annual = department.annual_plans.get(year=2018)
    generated = annual.goals.count()
    assert generated >= 1
    client.post(url, {"text": "完成棚户区改造 3000 户", "due_on": "2018-11-30"})
    goal = annual.goals.get(milestone__isnull=True)
    client.post(reverse("plans:delete_annual_goal", kwargs={"goal_id": goal.pk}))
    assert annual.goals.count() == generated
    other = factories.department_user_for(factories.department(factories.pilot(), "柳州市财政局（测试）"))
    client_b = Client()
    client_b.force_login(other)
    refused = client_b.post(url, {"action": "generate"}, follow=True)
    assert "只有本试点的工作人员或该部门可以编制年度计划" in refused.content.decode()


def test_my_tasks_query_count_is_constant(client_as: ClientAs, django_assert_num_queries: Any) -> None:
    _plan, version, tasks, _ms = factories.make_plan(tasks=1, milestones=1)
    client = client_as("demo-department")
    url = reverse("plans:my_tasks")
    small = _count_queries(client, url, django_assert_num_queries)
    officer = factories.officer_for(factories.pilot())
    for i in range(3):
        task = services.add_task(
            version=version,
            title=f"我的任务{i}",
            focus_area=factories.focus("stock_land"),
            lead_department=tasks[0].lead_department,
            deadline=dt.date(2019, 12, 31),
            responsible_name="孙七",
            by=officer,
        )
        for j in range(2):
            services.add_milestone(task=task, name=f"我的节点{i}-{j}", duration_days=10, by=officer)
    assert _count_queries(client, url, django_assert_num_queries) == small
