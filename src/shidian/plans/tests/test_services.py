"""Plan services: the review state machine (every move, refused ones too), validation, progress."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
from docx import Document

from shidian.accounts.models import Organisation, User
from shidian.core.errors import DomainError
from shidian.core.models import AuditEvent
from shidian.plans import selectors, services
from shidian.plans.models import (
    PLAN_MOVES,
    FocusArea,
    Milestone,
    MilestoneEvidence,
    MilestoneStatus,
    PlanStatus,
    PlanVersion,
    Task,
)
from shidian.plans.tests import factories

pytestmark = pytest.mark.django_db
UserGetter = Callable[[str], User]


def test_the_move_map_is_what_the_review_needs() -> None:
    assert PLAN_MOVES[PlanStatus.DRAFT] == {PlanStatus.SUBMITTED}
    assert PLAN_MOVES[PlanStatus.SUBMITTED] == {PlanStatus.RETURNED, PlanStatus.APPROVED}
    assert PLAN_MOVES[PlanStatus.RETURNED] == {PlanStatus.DRAFT, PlanStatus.SUBMITTED}
    assert PLAN_MOVES[PlanStatus.APPROVED] == set()


def test_submit_return_resubmit_approve(user: UserGetter) -> None:
    _plan, version, _tasks, _ms = factories.make_plan()
    pilot_officer, province = user("demo-pilot"), user("demo-province")
    version = services.submit_plan(version=version, by=pilot_officer)
    assert version.status == PlanStatus.SUBMITTED and version.submitted_at
    version = services.return_plan(version=version, comment="请补充投融资任务", by=province)
    assert version.status == PlanStatus.RETURNED and version.review_comment == "请补充投融资任务"
    version = services.submit_plan(version=version, by=pilot_officer)
    version = services.approve_plan(version=version, by=province)
    assert version.status == PlanStatus.APPROVED and version.decided_by == province
    actions = list(
        AuditEvent.objects.filter(object_type="plans.PlanVersion", object_id=str(version.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions.count("plans.version.submitted") == 2
    assert "plans.version.returned" in actions and "plans.version.approved" in actions


def test_returned_version_can_go_back_to_draft(user: UserGetter) -> None:
    _plan, version, _t, _m = factories.make_plan()
    services.submit_plan(version=version, by=user("demo-pilot"))
    services.return_plan(version=version, comment="修改", by=user("demo-province"))
    version = services.reopen_plan(version=version, by=user("demo-pilot"))
    assert version.status == PlanStatus.DRAFT


@pytest.mark.parametrize(
    ("status_path", "move"),
    [
        ([], "approve"),  # draft cannot be approved
        ([], "return"),  # nor returned
        ([], "reopen"),
        (["submit"], "submit"),
        (["submit"], "reopen"),
        (["submit", "approve"], "submit"),
        (["submit", "approve"], "return"),
        (["submit", "approve"], "approve"),
        (["submit", "approve"], "reopen"),
        (["submit", "return"], "approve"),
        (["submit", "return"], "return"),
    ],
)
def test_moves_outside_the_map_are_refused(user: UserGetter, status_path: list[str], move: str) -> None:
    _plan, version, _t, _m = factories.make_plan()
    officer, province = user("demo-pilot"), user("demo-province")
    calls = {
        "submit": lambda v: services.submit_plan(version=v, by=officer),
        "return": lambda v: services.return_plan(version=v, comment="意见", by=province),
        "approve": lambda v: services.approve_plan(version=v, by=province),
        "reopen": lambda v: services.reopen_plan(version=v, by=officer),
    }
    for step in status_path:
        version = calls[step](version)
    before = version.status
    with pytest.raises(DomainError, match="不能从"):
        calls[move](version)
    assert PlanVersion.objects.get(pk=version.pk).status == before


def test_only_the_pilot_submits_and_only_its_province_reviews(user: UserGetter) -> None:
    _plan, version, _t, _m = factories.make_plan()
    for outsider in ("demo-province", "demo-department", "demo-national"):
        with pytest.raises(DomainError):
            services.submit_plan(version=version, by=user(outsider))
    services.submit_plan(version=version, by=user("demo-pilot"))
    for outsider in ("demo-pilot", "demo-national", "demo-department"):
        with pytest.raises(DomainError):
            services.approve_plan(version=version, by=user(outsider))
    # A provincial officer of another province.
    beijing = factories.pilot("北京市", "顺义区")
    _other_plan, other_version, _t2, _m2 = factories.make_plan(beijing)
    services.submit_plan(version=other_version, by=factories.officer_for(beijing))
    with pytest.raises(DomainError):
        services.approve_plan(version=other_version, by=user("demo-province"))
    assert PlanVersion.objects.get(pk=other_version.pk).status == PlanStatus.SUBMITTED


def test_returning_needs_a_comment(user: UserGetter) -> None:
    _plan, version, _t, _m = factories.make_plan()
    services.submit_plan(version=version, by=user("demo-pilot"))
    with pytest.raises(DomainError, match="审核意见"):
        services.return_plan(version=version, comment="  ", by=user("demo-province"))


def test_an_empty_plan_cannot_be_submitted(user: UserGetter) -> None:
    plan = services.ensure_work_plan(pilot=factories.pilot(), by=user("demo-pilot"))
    with pytest.raises(DomainError, match="没有任务"):
        services.submit_plan(version=plan.versions.get(), by=user("demo-pilot"))


def test_approved_version_is_frozen_and_a_change_starts_a_new_version(user: UserGetter) -> None:
    plan, version, tasks, ms = factories.make_plan()
    officer, province = user("demo-pilot"), user("demo-province")
    services.submit_plan(version=version, by=officer)
    services.approve_plan(version=version, by=province)
    with pytest.raises(DomainError, match="新建版本"):
        services.add_goal(version=version, text="目标", target_year=2020, by=officer)
    with pytest.raises(DomainError, match="新建版本"):
        services.add_milestone(task=tasks[0], name="新节点", duration_days=3, by=officer)
    with pytest.raises(DomainError, match="新建版本"):
        services.delete_task(task=tasks[0], by=officer)
    new = services.start_new_version(plan=plan, by=officer)
    assert new.number == 2 and new.status == PlanStatus.DRAFT and new.based_on == version
    assert new.tasks.count() == 1 and Milestone.objects.filter(task__version=new).count() == 3
    copied = Milestone.objects.get(task__version=new, name=ms[1].name)
    assert [d.name for d in copied.depends_on.all()] == [ms[0].name]
    with pytest.raises(DomainError, match="尚未批准"):
        services.start_new_version(plan=plan, by=officer)
    services.add_milestone(task=new.tasks.get(), name="新增节点", duration_days=5, by=officer)
    differences = selectors.diff_versions(old=version, new=new)
    assert any(d.change == "added" and "新增节点" in d.subject for d in differences)
    # The old version did not change.
    assert Milestone.objects.filter(task__version=version).count() == 3


def test_progress_reported_meanwhile_carries_over_to_the_new_approved_version(user: UserGetter) -> None:
    plan, version, _tasks, ms = factories.make_plan()
    officer, province, dept = user("demo-pilot"), user("demo-province"), user("demo-department")
    services.submit_plan(version=version, by=officer)
    services.approve_plan(version=version, by=province)
    new = services.start_new_version(plan=plan, by=officer)
    services.update_milestone_progress(milestone=ms[0], progress_percent=100, status=MilestoneStatus.DONE, by=dept)
    services.submit_plan(version=new, by=officer)
    services.approve_plan(version=new, by=province)
    assert Milestone.objects.get(task__version=new, name=ms[0].name).status == MilestoneStatus.DONE


def test_goal_years_follow_the_batch_in_the_registry(user: UserGetter) -> None:
    _plan, version, _t, _m = factories.make_plan()
    pilot = version.plan.pilot
    batch = pilot.batch
    assert batch.stage_results_by is not None and batch.rollout_by is not None
    stage, last = batch.stage_results_by.year, batch.rollout_by.year
    assert services.allowed_goal_years(pilot) == (stage, last)
    services.add_goal(version=version, text="阶段目标", target_year=stage, by=user("demo-pilot"))
    services.add_goal(version=version, text="期末目标", target_year=last, by=user("demo-pilot"))
    wrong = 2018 if stage == 2017 else 2017
    with pytest.raises(DomainError, match="目标年份"):
        services.add_goal(version=version, text="错误", target_year=wrong, by=user("demo-pilot"))
    assert version.goals.count() == 2
    # The registry decides, not a literal: move the batch's dates and the allowed years follow.
    batch.stage_results_by, batch.rollout_by = dt.date(2019, 12, 31), dt.date(2021, 12, 31)
    batch.save(update_fields=["stage_results_by", "rollout_by"])
    assert services.allowed_goal_years(pilot) == (2019, 2021)
    services.add_goal(version=version, text="新期末目标", target_year=2021, by=user("demo-pilot"))
    with pytest.raises(DomainError, match="目标年份"):
        services.add_goal(version=version, text="旧期末目标", target_year=2020, by=user("demo-pilot"))


def test_a_department_of_another_pilot_cannot_lead_or_support(user: UserGetter) -> None:
    _plan, version, _t, _m = factories.make_plan()
    other = factories.department(factories.pilot("北京市", "顺义区"), "顺义区发展改革局（测试）")
    own = Organisation.objects.get(name="柳州市住房和城乡建设局（演示）")
    common = {
        "version": version,
        "title": "跨界任务",
        "focus_area": factories.focus(),
        "deadline": dt.date(2018, 6, 30),
        "responsible_name": "李四",
        "by": user("demo-pilot"),
    }
    with pytest.raises(DomainError, match="不是“柳州市”的政府部门"):
        services.add_task(lead_department=other, **common)  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="配合单位"):
        services.add_task(lead_department=own, supporting_departments=[other], **common)  # type: ignore[arg-type]
    office = user("demo-pilot").organisation
    assert office is not None
    with pytest.raises(DomainError):
        services.add_task(lead_department=office, **common)  # type: ignore[arg-type]
    assert not Task.objects.filter(title="跨界任务").exists()


def test_a_milestone_that_does_not_fit_is_refused_and_nothing_is_written(user: UserGetter) -> None:
    _plan, _version, tasks, ms = factories.make_plan(deadline=dt.date(2016, 6, 30))
    before = list(Milestone.objects.filter(task=tasks[0]).values_list("pk", "planned_start", "planned_finish"))
    with pytest.raises(DomainError, match="无法"):
        services.add_milestone(
            task=tasks[0], name="超长节点", duration_days=400, depends_on=[ms[-1]], by=user("demo-pilot")
        )
    assert not Milestone.objects.filter(name="超长节点").exists()
    assert list(Milestone.objects.filter(task=tasks[0]).values_list("pk", "planned_start", "planned_finish")) == before


def test_a_milestone_after_the_deadline_is_refused(user: UserGetter) -> None:
    _plan, _version, tasks, _ms = factories.make_plan()
    with pytest.raises(DomainError, match="晚于任务期限"):
        services.add_milestone(
            task=tasks[0], name="迟到节点", duration_days=5, due_by=dt.date(2019, 3, 1), by=user("demo-pilot")
        )
    assert not Milestone.objects.filter(name="迟到节点").exists()


def test_a_dependency_cycle_is_refused_and_nothing_is_written(user: UserGetter) -> None:
    _plan, _version, _tasks, ms = factories.make_plan()
    with pytest.raises(DomainError, match="循环"):
        services.set_dependencies(milestone=ms[0], depends_on=[ms[2]], by=user("demo-pilot"))
    assert list(Milestone.objects.get(pk=ms[0].pk).depends_on.all()) == []


def test_milestones_are_scheduled_backwards_from_the_deadline() -> None:
    _plan, _version, _tasks, ms = factories.make_plan(deadline=dt.date(2018, 12, 31))
    last = Milestone.objects.get(pk=ms[-1].pk)
    first = Milestone.objects.get(pk=ms[0].pk)
    assert last.planned_finish == dt.date(2018, 12, 31)
    assert first.planned_finish is not None and last.planned_start is not None
    assert first.planned_finish < Milestone.objects.get(pk=ms[1].pk).planned_start  # type: ignore[operator]
    assert first.slack_days is not None and first.slack_days > 0


def test_department_updates_only_milestones_of_tasks_it_leads(user: UserGetter) -> None:
    _plan, _version, _tasks, ms = factories.make_plan()
    dept = user("demo-department")
    updated = services.update_milestone_progress(
        milestone=ms[0], progress_percent=40, status=MilestoneStatus.IN_PROGRESS, note="推进中", by=dept
    )
    assert updated.progress_percent == 40
    other_org = factories.department(factories.pilot(), "柳州市财政局（测试）")
    other_user = factories.department_user_for(other_org)
    with pytest.raises(DomainError, match="牵头单位"):
        services.update_milestone_progress(milestone=ms[0], progress_percent=90, status="in_progress", by=other_user)
    with pytest.raises(DomainError):
        services.update_milestone_progress(
            milestone=ms[0], progress_percent=90, status="in_progress", by=user("demo-pilot")
        )
    with pytest.raises(DomainError, match="0 到 100"):
        services.update_milestone_progress(milestone=ms[0], progress_percent=120, status="in_progress", by=dept)
    assert Milestone.objects.get(pk=ms[0].pk).progress_percent == 40


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_evidence_type_is_checked_by_content_and_size(user: UserGetter, settings: object) -> None:
    _plan, _version, _tasks, ms = factories.make_plan()
    dept = user("demo-department")
    evidence = services.attach_evidence(milestone=ms[0], file_name="验收报告.pdf", content=PDF, by=dept)
    assert evidence.kind == "pdf" and evidence.size == len(PDF)
    with pytest.raises(DomainError, match="PDF"):
        services.attach_evidence(milestone=ms[0], file_name="报告.pdf", content=b"MZ\x90\x00 not a pdf", by=dept)
    settings.PLAN_EVIDENCE_MAX_BYTES = 100  # type: ignore[attr-defined]
    with pytest.raises(DomainError, match="过大"):
        services.attach_evidence(milestone=ms[0], file_name="大.pdf", content=PDF + b"0" * 200, by=dept)
    assert MilestoneEvidence.objects.filter(milestone=ms[0]).count() == 1


def test_progress_rolls_up_weighted(user: UserGetter) -> None:
    _plan, _version, _tasks, ms = factories.make_plan(tasks=2, milestones=2)
    dept = user("demo-department")
    # Task 1 (weight 1): milestones of equal duration at 100 and 0 → 50. Task 2 (weight 2): 0.
    services.update_milestone_progress(milestone=ms[0], progress_percent=100, status=MilestoneStatus.DONE, by=dept)
    facts = selectors.pilot_progress_facts(pilot=factories.pilot(), period_end=dt.date(2030, 1, 1))
    assert facts["has_plan"] is True and facts["tasks"] == 2 and facts["milestones"] == 4
    assert facts["progress_percent"] == pytest.approx(round((1 * 50 + 2 * 0) / 3, 1))
    assert facts["milestones_due"] == 4 and facts["milestones_done"] == 1 and facts["overdue"] == 3
    assert facts["tasks_by_focus_area"] == [{"focus_area": "城市绿色智能发展", "tasks": 2}]
    early = selectors.pilot_progress_facts(pilot=factories.pilot(), period_end=dt.date(2016, 1, 1))
    assert early["milestones_due"] == 0 and early["overdue"] == 0


def test_pilot_without_plan_has_no_facts() -> None:
    facts = selectors.pilot_progress_facts(pilot=factories.pilot("北京市", "顺义区"), period_end=dt.date(2018, 1, 1))
    assert facts["has_plan"] is False and facts["progress_percent"] is None


def test_annual_plan_is_generated_and_keeps_free_text(user: UserGetter) -> None:
    _plan, version, _tasks, ms = factories.make_plan(milestones=3, deadline=dt.date(2018, 12, 31))
    dept_org = Organisation.objects.get(name="柳州市住房和城乡建设局（演示）")
    officer = user("demo-pilot")
    annual = services.generate_annual_plan(department=dept_org, year=2018, version=version, by=officer)
    generated = annual.goals.filter(milestone__isnull=False).count()
    assert generated == Milestone.objects.filter(pk__in=[m.pk for m in ms], planned_finish__year=2018).count() > 0
    services.add_annual_goal(annual_plan=annual, text="完成老旧小区改造 20 个", by=user("demo-department"))
    annual = services.generate_annual_plan(department=dept_org, year=2018, version=version, by=officer)
    assert annual.goals.filter(milestone__isnull=True, text="完成老旧小区改造 20 个").exists()
    assert annual.goals.filter(milestone__isnull=False).count() == generated


def test_leading_group_keeps_history(user: UserGetter) -> None:
    pilot = factories.pilot()
    officer = user("demo-pilot")
    first = services.appoint_member(
        pilot=pilot, role="leader", person_name="王市长", valid_from=dt.date(2015, 3, 1), by=officer
    )
    services.appoint_member(
        pilot=pilot, role="leader", person_name="赵市长", valid_from=dt.date(2017, 6, 1), by=officer
    )
    first.refresh_from_db()
    assert first.valid_until == dt.date(2017, 5, 31)
    members = selectors.leading_group_members(user=user("demo-province"), pilot=pilot)
    assert [m.person_name for m in members if m.valid_until is None] == ["赵市长"]
    with pytest.raises(DomainError):
        services.appoint_member(
            pilot=pilot, role="deputy", person_name="x", valid_from=dt.date(2017, 1, 1), by=user("demo-province")
        )


def test_facts_count_completion_as_of_the_period_end(user: UserGetter) -> None:
    _plan, _version, _tasks, ms = factories.make_plan(milestones=2, deadline=dt.date(2017, 12, 31))
    dept = user("demo-department")
    first_finish = Milestone.objects.get(pk=ms[0].pk).planned_finish
    assert first_finish is not None
    late = first_finish + dt.timedelta(days=40)
    services.update_milestone_progress(
        milestone=ms[0], progress_percent=100, status=MilestoneStatus.DONE, finished_on=late, by=dept
    )
    pilot = factories.pilot()
    before = selectors.pilot_progress_facts(pilot=pilot, period_end=first_finish + dt.timedelta(days=10))
    assert before["milestones_due"] == 1 and before["milestones_done"] == 0 and before["overdue"] == 1
    after = selectors.pilot_progress_facts(pilot=pilot, period_end=late)
    # Both milestones are due by then; the first is done (late), the second is overdue.
    assert after["milestones_due"] == 2 and after["milestones_done"] == 1 and after["overdue"] == 1


def test_an_approved_version_keeps_the_names_it_was_approved_with(user: UserGetter) -> None:
    from shidian.plans import workbook

    plan, version, tasks, _ms = factories.make_plan()
    officer, province = user("demo-pilot"), user("demo-province")
    task = tasks[0]
    supporting = factories.department(plan.pilot, "柳州市自然资源局（测试）")
    services.update_task(task=task, supporting_departments=[supporting], by=officer)
    old_focus, old_lead = task.focus_area.name, task.lead_department.name
    services.submit_plan(version=version, by=officer)
    services.approve_plan(version=version, by=province)
    # Reference data is renamed later (the 2018 reorganisation renamed departments, too).
    FocusArea.objects.filter(pk=task.focus_area_id).update(name="改名后的重点领域")
    Organisation.objects.filter(pk=task.lead_department_id).update(name="改名后的牵头单位")
    Organisation.objects.filter(pk=supporting.pk).update(name="改名后的配合单位")
    approved = Task.objects.get(pk=task.pk)
    assert (approved.focus_area_label, approved.lead_department_label) == (old_focus, old_lead)
    assert approved.supporting_labels == ["柳州市自然资源局（测试）"]
    page = selectors.plan_page(user=province, pilot=plan.pilot)
    assert [v.task.focus_area_label for v in page.tasks] == [old_focus]
    document = Document(io.BytesIO(workbook.export_docx(version=version)))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert old_focus in cells and old_lead in cells and "改名后的牵头单位" not in cells
    # A new draft shows the names in force now.
    draft = services.start_new_version(plan=plan, by=officer)
    copied = draft.tasks.get()
    assert (copied.focus_area_label, copied.lead_department_label) == ("改名后的重点领域", "改名后的牵头单位")


def test_plan_texts_are_saved_for_the_own_pilot_only_and_audited_with_their_change(user: UserGetter) -> None:
    _plan, version, _tasks, _ms = factories.make_plan()
    officer = user("demo-pilot")
    saved = services.update_plan_texts(
        version=version, implementation_plan=" 实施方案 ", action_plan="行动计划", by=officer
    )
    assert (saved.implementation_plan, saved.action_plan) == ("实施方案", "行动计划")
    event = AuditEvent.objects.filter(action="plans.version.updated", object_id=str(version.pk)).get()
    assert event.actor == officer
    assert event.changes == {"implementation_plan": ["", "实施方案"], "action_plan": ["", "行动计划"]}
    with pytest.raises(DomainError):
        services.update_plan_texts(version=version, implementation_plan="x", action_plan="y", by=user("demo-province"))
