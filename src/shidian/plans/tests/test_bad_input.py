"""Bad input is refused in Chinese, in bounded time, with nothing written (never a 500 or a stall)."""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from shidian.accounts.models import User
from shidian.core.errors import DomainError, ImportRejected
from shidian.plans import services, workbook
from shidian.plans.models import Milestone, Task
from shidian.plans.tests import factories

pytestmark = pytest.mark.django_db
ClientAs = Callable[[str], Client]


def _messages(response: object) -> str:
    return " ".join(str(m) for m in response.context["messages"])  # type: ignore[attr-defined]


def test_a_milestone_of_20000_working_days_under_9999_12_31_is_refused_at_once(client_as: ClientAs) -> None:
    _plan, _version, tasks, _ms = factories.make_plan()
    task = tasks[0]
    before = Milestone.objects.count()
    began = time.perf_counter()
    response = client_as("demo-pilot").post(
        reverse("plans:add_milestone", kwargs={"task_id": task.pk}),
        {"name": "长节点", "duration_days": "20000", "due_by": "9999-12-31"},
        follow=True,
    )
    assert time.perf_counter() - began < 5
    assert response.status_code == 200
    assert "工期" in _messages(response) and "日期" in _messages(response)
    assert Milestone.objects.count() == before


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("weight", str(10**20), "权重"),
        ("deadline", "9999-12-31", "完成期限"),
        ("deadline", "2099-12-31", "试点工作截止日期"),
        ("title", "任" * 5000, "任务"),
    ],
)
def test_a_task_with_an_out_of_bounds_value_is_refused_and_nothing_is_written(
    client_as: ClientAs, field: str, value: str, words: str
) -> None:
    _plan, version, tasks, _ms = factories.make_plan()
    task = tasks[0]
    data = {
        "title": "新任务",
        "focus_area": str(task.focus_area_id),
        "lead_department": str(task.lead_department_id),
        "responsible_name": "张三",
        "deadline": "2018-06-30",
        "weight": "1",
        field: value,
    }
    before = Task.objects.count()
    response = client_as("demo-pilot").post(
        reverse("plans:add_task", kwargs={"plan_version_id": version.pk}), data, follow=True
    )
    assert response.status_code == 200
    assert words in _messages(response)
    assert Task.objects.count() == before


def test_a_740000_day_duration_is_a_field_error_not_a_500(client_as: ClientAs) -> None:
    _plan, _version, tasks, _ms = factories.make_plan()
    response = client_as("demo-pilot").post(
        reverse("plans:add_milestone", kwargs={"task_id": tasks[0].pk}),
        {"name": "超长", "duration_days": "740000"},
        follow=True,
    )
    assert response.status_code == 200
    assert "工期" in _messages(response)
    assert not Milestone.objects.filter(name="超长").exists()


def test_the_services_refuse_durations_and_dates_outside_the_programme_window(user: Callable[[str], User]) -> None:
    _plan, _version, tasks, _ms = factories.make_plan()
    officer = user("demo-pilot")
    with pytest.raises(DomainError, match="工期须在 1 至"):
        services.add_milestone(task=tasks[0], name="长", duration_days=20_000, by=officer)
    with pytest.raises(DomainError, match="截止日期"):
        services.add_milestone(task=tasks[0], name="远", duration_days=1, due_by=dt.date(9999, 12, 31), by=officer)
    assert not Milestone.objects.filter(name__in=["长", "远"]).exists()


def test_update_task_makes_the_same_deadline_checks_as_add_task(user: Callable[[str], User]) -> None:
    plan, _version, tasks, _ms = factories.make_plan()
    officer = user("demo-pilot")
    task = tasks[0]
    for deadline in (plan.start_date - dt.timedelta(days=1), dt.date(9999, 12, 31)):
        with pytest.raises(DomainError, match="任务期限"):
            services.update_task(task=task, deadline=deadline, by=officer)
    with pytest.raises(DomainError, match="权重"):
        services.update_task(task=task, weight=10**20, by=officer)
    task.refresh_from_db()
    assert task.deadline == dt.date(2018, 12, 31) and task.weight == 1


def test_control_characters_are_stripped_from_text_fields(client_as: ClientAs) -> None:
    _plan, version, tasks, _ms = factories.make_plan()
    task = tasks[0]
    client_as("demo-pilot").post(
        reverse("plans:add_task", kwargs={"plan_version_id": version.pk}),
        {
            "title": "\x00控制\x07字符\u202e任务\x1b",
            "focus_area": str(task.focus_area_id),
            "lead_department": str(task.lead_department_id),
            "responsible_name": "张\t三",
            "deadline": "2018-06-30",
            "weight": "1",
        },
    )
    created = Task.objects.get(version=version, title="控制字符任务")
    assert created.responsible_name == "张 三"


def test_the_services_strip_control_characters_too(user: Callable[[str], User]) -> None:
    _plan, _version, tasks, _ms = factories.make_plan()
    milestone = services.add_milestone(task=tasks[0], name="节\x00点\x08", duration_days=1, by=user("demo-pilot"))
    assert milestone.name == "节点"


def _plan_workbook(title: str, duration: object = 5, weight: object = 1) -> bytes:
    wb = Workbook()
    tasks = wb.worksheets[0]
    tasks.title = "任务"
    tasks.append(workbook.TASK_COLUMNS)
    lead = "柳州市住房和城乡建设局（演示）"
    tasks.append(["1", title, "城乡统筹发展", lead, "", "张三", "", "2018-12-31", weight, "否"])
    milestones = wb.create_sheet("节点")
    milestones.append(workbook.MILESTONE_COLUMNS)
    milestones.append(["1", "1", "调\u202e研", duration, "", "报告", ""])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_plan_import_refuses_a_5000_character_title_and_writes_nothing(user: Callable[[str], User]) -> None:
    _plan, version, _tasks, _ms = factories.make_plan()
    before = (Task.objects.count(), Milestone.objects.count())
    with pytest.raises(ImportRejected) as exc:
        workbook.apply_import(version=version, content=_plan_workbook("长" * 5000), by=user("demo-pilot"))
    assert any(e.column == "任务" and "最多 200 个字符" in e.message for e in exc.value.errors)
    assert (Task.objects.count(), Milestone.objects.count()) == before


def test_the_plan_import_refuses_huge_numbers_and_cleans_control_characters(user: Callable[[str], User]) -> None:
    _plan, version, _tasks, _ms = factories.make_plan()
    with pytest.raises(ImportRejected) as exc:
        workbook.preview_import(version=version, content=_plan_workbook("任务", duration=740_000, weight=10**20))
    columns = {e.column for e in exc.value.errors}
    assert {"工期（天）", "权重"} <= columns
    preview = workbook.preview_import(version=version, content=_plan_workbook("任\u200b务"))
    assert preview.tasks[0].title == "任务" and preview.tasks[0].milestones[0].name == "调研"


def test_the_plan_page_survives_a_milestone_stored_as_ending_9999_12_31(client_as: ClientAs) -> None:
    """Data written before the bounds existed must not take the plan page down for everyone."""
    _plan, _version, _tasks, ms = factories.make_plan()
    Milestone.objects.filter(pk=ms[-1].pk).update(
        planned_start=dt.date(9999, 12, 1), planned_finish=dt.date(9999, 12, 31)
    )
    response = client_as("demo-province").get(reverse("plans:plan", kwargs={"pilot_id": factories.pilot().pk}))
    assert response.status_code == 200
