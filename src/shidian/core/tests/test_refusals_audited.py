"""Refused moves and refused plan imports leave an audit event, and nothing else of the refused work.

The event is recorded after the refused transaction is rolled back (``audit.record_refusal``): the refusal
stays on the trail while the rows the refused work had already written are gone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from shidian.accounts.models import User
from shidian.core import audit
from shidian.core.audit_actions import AuditAction
from shidian.core.errors import DomainError, ImportRejected
from shidian.core.models import AuditEvent
from shidian.core.transitions import MoveRefused
from shidian.pilots import services as pilot_services
from shidian.pilots.models import PilotArea, PilotStatus, PilotStatusChange
from shidian.plans import services as plan_services
from shidian.plans import workbook
from shidian.plans.models import Goal, Milestone, PendingPlanImport, Task
from shidian.plans.tests import factories as plan_factories
from shidian.plans.tests.test_workbook import _bad_workbook

pytestmark = pytest.mark.django_db


def _refusals(action: AuditAction) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def _eliminated(pilot: PilotArea, national: User) -> PilotArea:
    return pilot_services.change_pilot_status(
        pilot=pilot, to=PilotStatus.ELIMINATED, effective_on=dt.date(2019, 1, 2), reason="退出", by=national
    )


def test_a_refused_move_is_audited_after_the_rollback_of_what_it_had_written(user: Callable[[str], User]) -> None:
    national = user("demo-national")
    pilot = _eliminated(PilotArea.objects.get(name="柳州市"), national)
    changes = PilotStatusChange.objects.filter(pilot=pilot).count()
    # The caller's transaction: a write, then the refused move.
    with pytest.raises(MoveRefused), transaction.atomic():
        PilotArea.objects.filter(pk=pilot.pk).update(source_note="半途写入")
        pilot_services.change_pilot_status(
            pilot=pilot, to=PilotStatus.ACTIVE, effective_on=dt.date(2019, 2, 1), reason="恢复", by=national
        )
    audit.flush_refusals()  # what the end of a request (or a task) does
    [event] = _refusals(AuditAction.MOVE_REFUSED)
    assert (event.actor_username, event.object_type, event.object_id) == (
        "demo-national",
        "pilots.PilotArea",
        str(pilot.pk),
    )
    assert event.success is False
    assert event.detail["flow"] == "pilots.pilot"
    assert (event.detail["from"], event.detail["to"]) == (PilotStatus.ELIMINATED, PilotStatus.ACTIVE)
    assert "不能从" in event.detail["message"]
    pilot.refresh_from_db()
    assert pilot.status == PilotStatus.ELIMINATED and pilot.source_note != "半途写入"
    assert PilotStatusChange.objects.filter(pilot=pilot).count() == changes
    assert audit.verify_chain().ok
    assert audit.flush_refusals() == []  # recorded once


def test_a_refused_move_through_the_page_is_audited(
    client_as: Callable[[str], Client], user: Callable[[str], User]
) -> None:
    pilot = _eliminated(PilotArea.objects.get(name="柳州市"), user("demo-national"))
    changes = PilotStatusChange.objects.filter(pilot=pilot).count()
    response = client_as("demo-national").post(
        reverse("pilots:change_status", kwargs={"pilot_id": pilot.pk}),
        {"to": PilotStatus.WARNED, "effective_on": "2019-03-01", "reason": "警示"},
    )
    assert response.status_code == 302
    [event] = _refusals(AuditAction.MOVE_REFUSED)
    assert event.detail["to"] == PilotStatus.WARNED and event.success is False
    assert PilotStatusChange.objects.filter(pilot=pilot).count() == changes
    assert PilotArea.objects.get(pk=pilot.pk).status == PilotStatus.ELIMINATED


def test_a_refusal_caught_inside_a_committed_transaction_is_recorded_when_the_work_ends(
    user: Callable[[str], User],
) -> None:
    national = user("demo-national")
    pilot = _eliminated(PilotArea.objects.get(name="柳州市"), national)
    with audit.refusals_recorded():  # a request, a task
        with transaction.atomic():
            with contextlib.suppress(MoveRefused):
                pilot_services.change_pilot_status(
                    pilot=pilot, to=PilotStatus.ACTIVE, effective_on=dt.date(2019, 2, 1), reason="x", by=national
                )
            assert _refusals(AuditAction.MOVE_REFUSED) == []  # not yet: the transaction could still roll back
        assert _refusals(AuditAction.MOVE_REFUSED) == []
    assert len(_refusals(AuditAction.MOVE_REFUSED)) == 1


def test_an_allowed_move_records_no_refusal(user: Callable[[str], User]) -> None:
    _eliminated(PilotArea.objects.get(name="柳州市"), user("demo-national"))
    audit.flush_refusals()
    assert _refusals(AuditAction.MOVE_REFUSED) == []


def test_a_refused_plan_file_is_audited_at_preview(client_as: Callable[[str], Client]) -> None:
    plan, version, _tasks, _ms = plan_factories.make_plan(tasks=1, milestones=1)
    response = client_as("demo-pilot").post(
        reverse("plans:import", kwargs={"pilot_id": plan.pilot_id}),
        {"file": SimpleUploadedFile("plan.xlsx", _bad_workbook())},
    )
    assert 'data-testid="import-errors"' in response.content.decode()
    [event] = _refusals(AuditAction.PLAN_IMPORT_REFUSED)
    assert (event.actor_username, event.object_type, event.object_id) == (
        "demo-pilot",
        "plans.PlanVersion",
        str(version.pk),
    )
    assert event.success is False and event.detail["step"] == "preview" and event.detail["errors"] >= 9
    assert not PendingPlanImport.objects.exists()


def test_a_plan_import_refused_half_way_is_audited_and_leaves_the_draft_as_it_was(
    client_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    plan, version, _tasks, _ms = plan_factories.make_plan(tasks=2, milestones=2)
    officer = plan_factories.officer_for(plan.pilot)
    plan_services.add_goal(version=version, text="原有目标", target_year=2020, by=officer)
    content = workbook.export_xlsx(version=version)
    before = (
        list(Task.objects.filter(version=version).values_list("pk", "title")),
        list(Milestone.objects.filter(task__version=version).values_list("pk", "name")),
        list(Goal.objects.filter(version=version).values_list("pk", "text")),
    )
    client = client_as("demo-pilot")
    url = reverse("plans:import", kwargs={"pilot_id": plan.pilot_id})
    pending = client.post(url, {"file": SimpleUploadedFile("plan.xlsx", content)}).context["pending"]

    calls = []

    def refuse_the_second(**kwargs: object) -> Milestone:
        calls.append(kwargs)
        if len(calls) > 1:  # the draft's goals and tasks are already replaced by then
            raise DomainError("拒绝")
        return real_add_milestone(**kwargs)  # type: ignore[arg-type]

    real_add_milestone = plan_services.add_milestone
    monkeypatch.setattr(plan_services, "add_milestone", refuse_the_second)
    response = client.post(url, {"confirm": "1", "import_id": pending.pk})
    assert 'data-testid="import-errors"' in response.content.decode()
    assert len(calls) == 2
    [event] = _refusals(AuditAction.PLAN_IMPORT_REFUSED)
    assert event.detail == {"step": "apply", "errors": 1, "first_error": "拒绝"}
    assert event.object_id == str(version.pk) and event.success is False
    after = (
        list(Task.objects.filter(version=version).values_list("pk", "title")),
        list(Milestone.objects.filter(task__version=version).values_list("pk", "name")),
        list(Goal.objects.filter(version=version).values_list("pk", "text")),
    )
    assert after == before
    assert PendingPlanImport.objects.get(pk=pending.pk).applied_at is None
    assert not AuditEvent.objects.filter(action=AuditAction.PLAN_VERSION_IMPORTED).exists()
    assert audit.verify_chain().ok


def test_a_refused_import_by_the_service_is_audited(user: Callable[[str], User]) -> None:
    _plan, version, _tasks, _ms = plan_factories.make_plan()
    with pytest.raises(DomainError):
        workbook.apply_import(version=version, content=b"%PDF-1.4 not a workbook", by=user("demo-pilot"))
    with pytest.raises(ImportRejected):
        workbook.apply_import(version=version, content=_bad_workbook(), by=user("demo-pilot"))
    first, second = _refusals(AuditAction.PLAN_IMPORT_REFUSED)
    assert first.detail["step"] == "apply" and first.actor_username == "demo-pilot"
    assert "XLSX" in first.detail["first_error"] and first.detail["errors"] == 1
    assert second.detail["errors"] >= 9
