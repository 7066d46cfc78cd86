"""The cross-scope sweep: every URL pattern, as every demo account, with and without object ids, GET and POST.

The whole demo is loaded once (``demo_world``). For each URL keyword the test picks a real object of another
province (and, for the pilot-level accounts, of another pilot of their own province). Every account that does
not reach that object gets "not found" (404, or 405 for a method the view does not take) and nothing changes;
no request of any account ends in a server error; the three admin duties reach no business page.

A new URL with a keyword the maps below do not know fails the test, so a new view cannot be forgotten.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from shidian.accounts.models import Organisation, User
from shidian.core.audit_actions import AuditAction
from shidian.core.models import AuditEvent
from shidian.core.tests import test_url_walk as url_walk
from shidian.experiences.tests import factories as experience_factories
from shidian.notifications.models import Notification, OutgoingMail
from shidian.pilots.models import PilotArea
from shidian.plans import models as plans
from shidian.reporting import models as reporting

pytestmark = pytest.mark.django_db

NATIONAL = ("demo-national", "demo-ministry")
PROVINCIAL = ("demo-province",)
PILOT_LEVEL = ("demo-pilot", "demo-department")
EXPERTS = ("demo-expert",)
ADMIN_DUTIES = ("demo-auditor", "demo-secadmin", "demo-sysadmin")
ROLES = (*NATIONAL, *PROVINCIAL, *PILOT_LEVEL, *EXPERTS, *ADMIN_DUTIES)

# Keywords that are not object ids: one value that exists for every pilot.
# theme, promotion_batch_id: the portal's public pages of a focus area and of a promotion batch.
VALUES = {"period": "2018", "year": 2018, "theme": "migrant_integration", "promotion_batch_id": 1}

# The pages without ids each admin duty may open: its own tools and its own account, never business data.
COMMON_PAGES = {"set_language", "accounts:login", "accounts:logout", "accounts:password_change", "workbench:home"}
# The API's own description (no data) and a user's own access tokens.
COMMON_PAGES |= {"api:openapi-json", "api:openapi-view", "api_tokens:tokens"}
# Each account's own inbox and e-mail preferences (its notifications, never another's).
COMMON_PAGES |= {"notifications:inbox", "notifications:unread", "notifications:read_all", "notifications:preferences"}
ADMIN_DUTY_PAGES = {
    "demo-auditor": COMMON_PAGES
    | {"core:audit_log", "core:audit_export", "core:audit_alerts", "accounts:changes", "api:list_events"},
    "demo-secadmin": COMMON_PAGES | {"accounts:changes"},
    "demo-sysadmin": COMMON_PAGES | {"regions:map_upload", "regions:map_geojson", "notifications:mail_queue"},
}
# Objects an admin duty reaches by its office: the auditor reads every account change (four eyes), so its
# decisions there are refused with a message; the rows compared before and after show nothing changed.
# The system admin runs the mail relay: it sees every outgoing e-mail (a retry of one not failed is refused).
SEEN_BY_DUTY = {"demo-auditor": {"change_id"}, "demo-sysadmin": {"mail_id"}}
# Reached by an admin duty means anything but "not found", "forbidden" or "method not allowed".
REFUSED = {403, 404, 405}
# Tables whose rows a refused request may add to: the audit trail (refusals are audited) and the session.
LOG_TABLES = {"core.AuditEvent", "sessions.Session", "axes.AccessLog", "axes.AccessAttempt", "axes.AccessFailureLog"}


def walk(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns == "admin":  # the Django admin: only for the admin duties, walked in test_url_walk
                continue
            yield from walk(entry, f"{namespace}{ns}:" if ns else namespace)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


def patterns() -> list[tuple[str, list[str]]]:
    return [(name, list(p.pattern.regex.groupindex)) for name, p in walk(get_resolver())]


def _first[M: models.Model](model: type[M], **lookup: Any) -> M | None:
    return model._default_manager.filter(**lookup).order_by("pk").first()


def objects_of(pilot: PilotArea) -> dict[str, Any]:
    """A real id for every URL keyword: the demo's rows of ``pilot`` and its province, the rest created here."""
    from shidian.accounts import services as account_services
    from shidian.core.roles import Role
    from shidian.indicators.models import DataQualityIssue, ImportJob, Indicator
    from shidian.plans import services as plan_services
    from shidian.plans.tests.factories import department_user_for

    task = _first(plans.Task, version__plan__pilot=pilot, milestones__isnull=False)
    assert task is not None, pilot
    milestone = _first(plans.Milestone, task=task)
    assert milestone is not None, pilot
    department = task.lead_department
    writer = User.objects.filter(organisation__pilot=pilot, role=Role.PILOT_OFFICER).order_by("pk").first()
    assert writer is not None, pilot
    evidence = _first(plans.MilestoneEvidence, milestone__task__version__plan__pilot=pilot) or (
        plan_services.attach_evidence(
            milestone=milestone, file_name="x.pdf", content=b"%PDF-1.4\n%%EOF\n", by=department_user_for(department)
        )
    )
    annual = _first(plans.AnnualPlan, pilot=pilot) or plans.AnnualPlan.objects.create(
        pilot=pilot, department=department, year=2018
    )
    goal = _first(plans.AnnualGoal, annual_plan__pilot=pilot) or plans.AnnualGoal.objects.create(
        annual_plan=annual, text="x"
    )
    report = _first(reporting.PilotReport, pilot=pilot, versions__isnull=False)
    assert report is not None, pilot
    attachment = _first(reporting.Attachment, report__pilot=pilot) or reporting.Attachment.objects.create(
        report=report, file_name="a.pdf", content_type="application/pdf", size=9, sha256="0" * 64,
        content=b"%PDF-1.4\n", uploaded_by=writer,
    )  # fmt: skip
    province_version = _first(reporting.ProvinceReportVersion, report__province=pilot.province)
    assert province_version is not None, pilot
    job = ImportJob.objects.create(
        file_name="x.csv", content=b"x", province=pilot.province, pilot=pilot, created_by=writer
    )
    issue = _first(DataQualityIssue, pilot=pilot) or DataQualityIssue.objects.create(
        pilot=pilot,
        indicator=Indicator.objects.get(code="resident_population"),
        period="2018",
        kind="outlier",
        message="x",
    )
    notification = Notification.objects.create(
        recipient=writer, kind="due", title="x", source=f"periodic:sweep:{pilot.pk}"
    )
    mail = OutgoingMail.objects.create(
        notification=notification, recipient=writer, to="x@example.cn", subject="x", body="x",
        next_attempt_at=timezone.now(),
    )  # fmt: skip
    change = account_services.request_account(
        username=f"sweep-{pilot.pk}",
        role=Role.DEPARTMENT_USER,
        organisation=department,
        by=User.objects.get(username="demo-secadmin"),
    ).change
    return {
        "pilot_id": pilot.pk,
        "plan_version_id": _pk(plans.PlanVersion, plan__pilot=pilot),
        "task_id": task.pk,
        "milestone_id": milestone.pk,
        "evidence_id": evidence.pk,
        "member_id": _pk(plans.LeadingGroupMember, group__pilot=pilot),
        "department_id": department.pk,
        "goal_id": goal.pk,
        "report_id": report.pk,
        "version_id": _pk(reporting.PilotReportVersion, report=report),
        "attachment_id": attachment.pk,
        "province_report_id": province_version.report_id,
        "province_version_id": province_version.pk,
        "copy_id": _pk(reporting.ReportCopy, version=province_version),
        "round_id": report.round_id,
        "job_id": job.pk,
        "issue_id": issue.pk,
        "change_id": change.pk,
        "notification_id": notification.pk,
        "mail_id": mail.pk,
        **experience_factories.hidden_objects(pilot),
    }


def _pk(model: type[models.Model], **lookup: Any) -> Any:
    row = _first(model, **lookup)
    assert row is not None, (model, lookup)
    return row.pk


# Keywords whose object belongs to one pilot: for the pilot-level accounts these also come from a neighbour pilot.
PILOT_KWARGS = {
    "pilot_id", "plan_version_id", "task_id", "milestone_id", "evidence_id", "member_id", "department_id",
    "goal_id", "report_id", "version_id", "attachment_id", "job_id", "issue_id", "change_id",
    "notification_id", "mail_id", "difficulty_id", "file_id", "notice_id", "experience_id", "experience_file_id",
}  # fmt: skip


@pytest.fixture(scope="module")
def foreign(demo_world: None, django_db_blocker: Any) -> dict[str, dict[str, Any]]:
    """Ids outside 广西 (``province``) and of another 广西 pilot than 柳州市 (``pilot``)."""
    from shidian.pilots import services as pilot_services

    with django_db_blocker.unblock():
        beijing = PilotArea.objects.get(province__name="北京市", name="顺义区")
        neighbour = PilotArea.objects.get(province__name="广西壮族自治区", name="来宾市")
        other_province = {**objects_of(beijing), **VALUES}
        content = "batch,province,name,level,verification,source_note\n1,北京市,通州区,区,official,x\n".encode()
        upload, _plan = pilot_services.preview_registry_upload(
            content=content, file_name="x.csv", by=User.objects.get(username="demo-national")
        )
        other_province["import_id"] = upload.pk
        # Programme-wide objects made to belong to 北京 alone: a draft run of its pilot (a year the demo has not
        # evaluated), its result, objection, expert assignment and warning; a contact round that asks only 北京.
        national = User.objects.get(username="demo-national")
        other_province.update(url_walk.evaluation_objects(beijing, national, year=2016))
        other_province.update(url_walk.contact_objects(beijing))
        other_province.update(url_walk.exchange_objects(beijing))  # a difficulty of 北京's and a notice to it alone
        other_province["token_id"] = url_walk.api_token(national)  # somebody else's access token
        other_province.update(url_walk.news_objects(beijing.province))  # a draft news item of 北京's commission
        neighbour_ids = {**objects_of(neighbour), **url_walk.exchange_objects(neighbour)}
        other_pilot = {**other_province, **{k: v for k, v in neighbour_ids.items() if k in PILOT_KWARGS}}
    return {"province": other_province, "pilot": other_pilot}


@pytest.fixture(scope="module")
def clients(demo_world: None, django_db_blocker: Any) -> dict[str, Client]:
    """One logged-in client per demo account, reused by every request of the sweep."""
    with django_db_blocker.unblock():
        result = {}
        for username in ROLES:
            client = Client(raise_request_exception=False)
            client.force_login(User.objects.get(username=username))
            result[username] = client
    return result


def _business_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m._meta.label not in LOG_TABLES and not m._meta.proxy]


def _counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in _business_models()}


def _rows(ids: dict[str, Any]) -> dict[str, Any]:
    """The foreign objects as stored, to compare before and after the walk."""
    from shidian.accounts.models import AccountChange
    from shidian.experiences.models import Experience
    from shidian.pilots.models import RegistryImport

    snapshot = {
        "pilot": list(PilotArea.objects.filter(pk=ids["pilot_id"]).values()),
        "plan": list(plans.PlanVersion.objects.filter(pk=ids["plan_version_id"]).values()),
        "report": list(reporting.PilotReport.objects.filter(pk=ids["report_id"]).values()),
        "province_report": list(reporting.ProvinceReport.objects.filter(pk=ids["province_report_id"]).values()),
        "task": list(plans.Task.objects.filter(pk=ids["task_id"]).values()),
        "milestone": list(plans.Milestone.objects.filter(pk=ids["milestone_id"]).values()),
        "department": list(Organisation.objects.filter(pk=ids["department_id"]).values()),
        "import": list(RegistryImport.objects.filter(pk=ids.get("import_id", 0)).values()),
        "change": list(AccountChange.objects.filter(pk=ids["change_id"]).values()),
        "notification": list(Notification.objects.filter(pk=ids["notification_id"]).values()),
        "mail": list(OutgoingMail.objects.filter(pk=ids["mail_id"]).values()),
        "experience": list(Experience.objects.filter(pk=ids["experience_id"]).values()),
    }
    return snapshot


def _sweep_ids(client: Client, username: str, ids: dict[str, Any]) -> list[str]:
    """Every pattern with ids, GET and POST; the problems found (empty when all is well)."""
    problems = []
    seen = SEEN_BY_DUTY.get(username, set())
    for name, kwargs in patterns():
        if not kwargs or name.startswith(url_walk.PUBLIC_NAMESPACES):  # the public portal: everyone's
            continue
        unknown = set(kwargs) - ids.keys()
        assert not unknown, f"{name}: add an object of another province for {unknown} to objects_of()"
        url = reverse(name, kwargs={k: ids[k] for k in kwargs})
        # A programme-wide page every business reader may see (a year's evaluation scheme): only its POST.
        methods = ("post",) if name in url_walk.NATIONAL_PAGES else ("get", "post")
        # An object the duty reads by its office: a decision on it is refused with a message, not "not found".
        expected = {302, 404, 405} if seen & set(kwargs) else {404, 405}
        if name.startswith("api:") and username in ADMIN_DUTIES:
            expected |= {403}  # the API refuses the admin duties outright, whatever the id (nothing revealed)
        for method in methods:
            status = getattr(client, method)(url).status_code
            if status not in expected:
                problems.append(f"{username} {method.upper()} {url} ({name}) → {status}")
    return problems


@pytest.mark.parametrize("username", [*PROVINCIAL, *PILOT_LEVEL, *EXPERTS, *ADMIN_DUTIES])
def test_foreign_objects_are_not_found_and_unchanged(
    foreign: dict[str, dict[str, Any]], clients: dict[str, Client], username: str
) -> None:
    maps = [foreign["province"], foreign["pilot"]] if username in PILOT_LEVEL else [foreign["province"]]
    counts = _counts()
    for ids in maps:
        before = _rows(ids)
        problems = _sweep_ids(clients[username], username, ids)
        assert not problems, "\n".join(problems)
        assert _rows(ids) == before
    assert _counts() == counts


@pytest.mark.parametrize("username", NATIONAL)
def test_national_accounts_reach_every_province_without_errors(
    foreign: dict[str, dict[str, Any]], clients: dict[str, Client], username: str
) -> None:
    """For the nation no province is foreign: the same ids answer, never with a server error."""
    found = 0
    for name, kwargs in patterns():
        if not kwargs:
            continue
        unknown = set(kwargs) - foreign["province"].keys()
        assert not unknown, f"{name}: add an object of another province for {unknown} to objects_of()"
        url = reverse(name, kwargs={k: foreign["province"][k] for k in kwargs})
        for method in ("get", "post"):
            status = getattr(clients[username], method)(url).status_code
            assert status < 500, f"{username} {method.upper()} {url} ({name}) → {status}"
            found += method == "get" and status == 200
    assert found >= 10, "the ids of the sweep must be real objects: the nation sees them"


@pytest.mark.parametrize("username", ROLES)
def test_pages_without_ids_answer_every_account_without_errors(clients: dict[str, Client], username: str) -> None:
    """Pages without ids: never a server error; the admin duties reach only their own tools."""
    counts = _counts()
    problems = []
    allowed = ADMIN_DUTY_PAGES.get(username)
    for name, kwargs in patterns():
        if kwargs or name == "accounts:logout":
            continue
        url = reverse(name)
        for method in ("get", "post"):
            status = getattr(clients[username], method)(url).status_code
            if status >= 500:
                problems.append(f"{username} {method.upper()} {url} ({name}) → {status}")
            # The public portal and the public pages (login, the favicon) show no business data.
            public = name.startswith(url_walk.PUBLIC_NAMESPACES) or name in url_walk.PUBLIC
            if allowed is not None and name not in allowed and not public and status not in REFUSED:
                problems.append(f"{username} reaches business page {method.upper()} {url} ({name}) → {status}")
    assert not problems, "\n".join(problems)
    if allowed is not None:
        assert _counts() == counts, "an admin duty's requests changed business rows"


def test_the_admin_duties_workbench_shows_no_business_data(clients: dict[str, Client]) -> None:
    for username in ADMIN_DUTIES:
        page = clients[username].get(reverse("workbench:home")).content.decode()
        assert "柳州市" not in page and "顺义区" not in page, username


@pytest.mark.parametrize(
    ("action", "counted"),
    [
        (AuditAction.PLANS_DEMO_LOADED, "plans"),
        (AuditAction.INDICATORS_DEMO_LOADED, "values"),
        (AuditAction.REPORTING_DEMO_LOADED, "reports"),
    ],
)
def test_the_demo_loaders_are_audited(demo_world: None, action: AuditAction, counted: str) -> None:
    """The module's demo load (the platform writing history) left one event per loader, by no account."""
    [event] = AuditEvent.objects.filter(action=action)
    assert event.actor_id is None and event.success is True
    assert event.detail[counted] > 0, event.detail
