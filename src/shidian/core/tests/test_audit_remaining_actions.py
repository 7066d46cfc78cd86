"""The audit actions no other test asserted: each test performs the action and checks its event.

(The three demo loaders' events are asserted in test_cross_scope_sweep, whose module loads the demo anyway.)
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections
from django.db.utils import load_backend
from django.test import Client
from django.urls import reverse

from shidian.accounts.models import User
from shidian.core import audit, backup
from shidian.core.actors import system
from shidian.core.audit_actions import AuditAction
from shidian.core.models import AuditEvent
from shidian.indicators import imports
from shidian.indicators import services as indicator_services
from shidian.indicators.models import DataQualityIssue, ImportState, Indicator, IssueStatus, PilotTarget
from shidian.pilots import services as pilot_services
from shidian.pilots.models import PilotArea
from shidian.plans import workbook
from shidian.plans.tests import factories as plan_factories
from shidian.reporting import services as reporting_services
from shidian.reporting.tests import factories as reporting_factories

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[4]


def last(action: AuditAction) -> AuditEvent:
    events = AuditEvent.objects.filter(action=action).order_by("-id")
    assert events.exists(), f"no {action} event"
    return events[0]


def test_password_change_locked(client_as: Callable[[str], Client]) -> None:
    client = client_as("demo-pilot")
    url = reverse("accounts:password_change")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(url, {"old_password": "wrong", "new_password": "x", "confirm_password": "x"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    event = last(AuditAction.PASSWORD_CHANGE_LOCKED)
    assert (event.actor_username, event.object_type, event.success) == ("demo-pilot", "accounts.User", False)
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE_FAILED).count() == settings.AXES_FAILURE_LIMIT


@contextlib.contextmanager
def _fresh_database(tmp_path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """A new, empty database of the kind under test: its URL (for manage.py) and its settings (to read it back)."""
    settings_dict = connections["default"].settings_dict
    if connection.vendor == "sqlite":
        target = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{target}", {**settings_dict, "NAME": str(target)}
        return
    name = f"restored_{os.getpid()}"
    with connection._nodb_cursor() as cursor:  # CREATE DATABASE cannot run inside the test's transaction
        cursor.execute(f'CREATE DATABASE "{name}"')
    login = settings_dict["USER"] + (f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else "")
    url = f"postgresql://{login}@{settings_dict['HOST']}:{settings_dict['PORT']}/{name}"
    try:
        yield url, {**settings_dict, "NAME": name}
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_restored(tmp_path: Path) -> None:
    """``manage.py restore`` into a new installation records the restore on the restored trail (both databases)."""
    archive = backup.create_backup(directory=tmp_path / "out").archive
    with _fresh_database(tmp_path) as (url, restored_settings):
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("SHIDIAN_DATABASE")},
            "DJANGO_SETTINGS_MODULE": "shidian.settings.test",
            "SHIDIAN_DATABASE_URL": url,
            "PYTHONPATH": str(REPO / "src"),
        }
        result = subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, str(REPO / "manage.py"), "restore", str(archive)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        restored = load_backend(connection.settings_dict["ENGINE"]).DatabaseWrapper(restored_settings, alias="restored")
        try:
            with restored.cursor() as cursor:
                cursor.execute("SELECT action, actor_username, detail FROM core_auditevent ORDER BY id DESC LIMIT 1")
                action, actor, detail = cursor.fetchone()
            assert (action, actor) == (AuditAction.BACKUP_RESTORED, "manage.py restore")
            assert archive.name in str(detail)
            assert audit.verify_chain(connection=restored).ok
        finally:
            restored.close()


def test_registry_imported(user: Callable[[str], User]) -> None:
    national = user("demo-national")
    content = "batch,province,name,level,verification,source_note\n1,北京市,通州区,区,official,x\n".encode()
    upload, _plan = pilot_services.preview_registry_upload(content=content, file_name="名录.csv", by=national)
    pilot_services.confirm_registry_upload(upload=upload, by=national)
    event = last(AuditAction.REGISTRY_IMPORTED)
    assert event.actor_username == "demo-national" and event.detail["file"] == "名录.csv"
    assert PilotArea.objects.filter(province__name="北京市", name="通州区").exists()
    # The upload itself moved through its flow: previewed → applied, recorded on the upload.
    applied = last(AuditAction.REGISTRY_UPLOAD_APPLIED)
    assert (applied.object_id, applied.changes) == (str(upload.pk), {"state": ["previewed", "applied"]})


def test_plan_version_imported(user: Callable[[str], User]) -> None:
    _plan, version, _tasks, _ms = plan_factories.make_plan(tasks=2, milestones=2)
    content = workbook.export_xlsx(version=version)
    workbook.apply_import(version=version, content=content, by=user("demo-pilot"))
    event = last(AuditAction.PLAN_VERSION_IMPORTED)
    assert (event.actor_username, event.object_type, event.object_id) == (
        "demo-pilot",
        "plans.PlanVersion",
        str(version.pk),
    )
    assert (event.detail["tasks"], event.detail["milestones"]) == (2, 4)


def test_attachment_downloaded(user: Callable[[str], User], client_as: Callable[[str], Client]) -> None:
    writer = user("demo-pilot")
    report = reporting_factories.filled_report(writer, reporting_factories.year_end(2017))
    attachment = reporting_services.add_attachment(
        report=report, file_name="说明.pdf", content=b"%PDF-1.4\n", by=writer
    )
    response = client_as("demo-province").get(reverse("reporting:attachment", kwargs={"attachment_id": attachment.pk}))
    assert response.status_code == 200
    event = last(AuditAction.ATTACHMENT_DOWNLOADED)
    assert (event.actor_username, event.object_type, event.object_id) == (
        "demo-province",
        "reporting.Attachment",
        str(attachment.pk),
    )
    assert event.detail == {"file": "说明.pdf"}


def test_indicator_created() -> None:
    template = Indicator.objects.get(code="resident_population")
    indicator = Indicator(
        code="sweep_new_indicator", name="新增测试指标", category=template.category, unit=template.unit
    )
    indicator_services.save_indicator(indicator=indicator, by=system("test"))
    event = last(AuditAction.INDICATOR_CREATED)
    assert (event.object_type, event.object_id) == ("indicators.Indicator", str(indicator.pk))
    assert event.detail["code"] == "sweep_new_indicator"
    indicator.name = "改名"
    indicator_services.save_indicator(indicator=indicator, by=system("test"))
    assert last(AuditAction.INDICATOR_CHANGED).object_id == str(indicator.pk)
    assert AuditEvent.objects.filter(action=AuditAction.INDICATOR_CREATED).count() == 1


def test_target_removed(user: Callable[[str], User]) -> None:
    pilot = PilotArea.objects.get(name="柳州市")
    province = user("demo-province")
    year = indicator_services.stage_year(pilot)
    indicator_services.set_pilot_targets(
        pilot=pilot, targets={("resident_population", year): "420"}, source="方案", by=province
    )
    assert PilotTarget.objects.filter(pilot=pilot, indicator__code="resident_population", target_year=year).exists()
    indicator_services.set_pilot_targets(
        pilot=pilot, targets={("resident_population", year): ""}, source="方案", by=province
    )
    event = last(AuditAction.TARGET_REMOVED)
    assert (event.actor_username, event.object_type, event.object_id) == (
        "demo-province",
        "pilots.PilotArea",
        str(pilot.pk),
    )
    assert event.detail == {"code": "resident_population", "year": year}
    assert not PilotTarget.objects.filter(pilot=pilot, indicator__code="resident_population", target_year=year).exists()


def test_quality_followed_up(user: Callable[[str], User]) -> None:
    issue = DataQualityIssue.objects.create(
        pilot=PilotArea.objects.get(name="柳州市"),
        indicator=Indicator.objects.get(code="resident_population"),
        period="2018",
        kind="outlier",
        message="异常",
    )
    indicator_services.follow_up_issue(
        issue=issue, to=IssueStatus.FOLLOWING, note="已电话核实", by=user("demo-province")
    )
    event = last(AuditAction.QUALITY_FOLLOWED_UP)
    assert (event.actor_username, event.object_type, event.object_id) == (
        "demo-province",
        "indicators.DataQualityIssue",
        str(issue.pk),
    )
    assert event.changes["status"] == [IssueStatus.OPEN, IssueStatus.FOLLOWING]


HEADER = "省级单位,试点地区,指标代码,期间,数值\n"


def test_import_uploaded_and_applied(user: Callable[[str], User]) -> None:
    job = imports.start_import(
        content=(HEADER + "广西壮族自治区,柳州市,resident_population,2018,400\n").encode(),
        file_name="数值.csv",
        mode="all",
        by=user("demo-pilot"),
    )
    assert job.state == ImportState.DONE
    uploaded, applied = last(AuditAction.IMPORT_UPLOADED), last(AuditAction.IMPORT_APPLIED)
    for event in (uploaded, applied):
        assert (event.actor_username, event.object_type, event.object_id) == (
            "demo-pilot",
            "indicators.ImportJob",
            str(job.pk),
        )
    assert uploaded.id < applied.id and applied.success is True
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT_REJECTED).exists()


def test_import_rejected(user: Callable[[str], User]) -> None:
    job = imports.start_import(
        content=(HEADER + "广西壮族自治区,柳州市,no_such_code,2018,1\n").encode(),
        file_name="数值.csv",
        mode="all",
        by=user("demo-pilot"),
    )
    assert job.state == ImportState.REJECTED
    event = last(AuditAction.IMPORT_REJECTED)
    assert (event.object_id, event.success, event.detail) == (str(job.pk), False, {"errors": 1})
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT_APPLIED).exists()


def test_a_processed_job_moves_queued_running_done_through_its_flow(
    user: Callable[[str], User], monkeypatch: pytest.MonkeyPatch
) -> None:
    from shidian.indicators.models import ImportJob

    monkeypatch.setattr(imports, "PROGRESS_EVERY", 1)
    content = (HEADER + "广西壮族自治区,柳州市,resident_population,2018,400\n").encode()
    job = ImportJob.objects.create(file_name="数值.csv", content=content, total_rows=1, created_by=user("demo-pilot"))
    done = imports.run_job(job.pk)
    assert done.state == ImportState.DONE
    running, applied = last(AuditAction.IMPORT_RUNNING), last(AuditAction.IMPORT_APPLIED)
    assert running.id < applied.id
    assert (running.object_id, running.changes) == (str(job.pk), {"state": ["queued", "running"]})
    assert applied.changes == {"state": ["running", "done"]}


def test_an_unreadable_job_fails_through_its_flow(user: Callable[[str], User]) -> None:
    from shidian.indicators.models import ImportJob

    job = ImportJob.objects.create(file_name="坏.xlsx", content=b"PK\x03\x04broken", created_by=user("demo-pilot"))
    failed = imports.run_job(job.pk)
    assert failed.state == ImportState.FAILED and failed.errors and failed.finished_at is not None
    event = last(AuditAction.IMPORT_FAILED)
    assert (event.object_id, event.changes) == (str(job.pk), {"state": ["queued", "failed"]})
    # A finished job is not processed again.
    assert imports.run_job(job.pk).state == ImportState.FAILED


def test_the_system_actor_is_named_on_platform_events() -> None:
    """Platform jobs (demo loaders, daily tasks) carry the job's name instead of an account."""
    event = audit.record(action=AuditAction.PLANS_DEMO_LOADED, actor=system("tests"), detail={"count": 0})
    assert (event.actor_id, event.actor_username) == (None, "tests")
