"""Walk every URL pattern: another province's objects are "not found", anonymous users meet the login page.

A new URL with an object in it must be added to OBJECT_KWARGS, or this test fails: nobody forgets a view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from shidian.accounts.models import User
from shidian.experiences.tests import factories as experience_factories
from shidian.pilots import services as pilot_services
from shidian.pilots.models import PilotArea, RegistryImport
from shidian.reporting.tests import factories as reporting_factories

# URL names open to anonymous users (everything else must send them to the login page); "favicon" only redirects
# to the static icon.
PUBLIC = {"accounts:login", "set_language", "favicon"}
# The public portal (/portal/): open to everyone by design, and nothing on it is scoped (portal/tests walk it).
PUBLIC_NAMESPACES = ("portal:",)
# Pages of programme-wide objects that every business reader may see (a year's evaluation scheme and its rules):
# no province owns them, so the other-province walk skips their GET; the anonymous walk still covers them.
NATIONAL_PAGES = {"evaluation:scheme"}
# The Django admin (only for the admin duties, no business data) is walked separately below; the API answers
# with JSON (401 for anonymous callers) and is walked through its own schema in api/tests.
SKIP_NAMESPACES = {"admin", "api"}


def walk(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in SKIP_NAMESPACES:
                continue
            yield from walk(entry, f"{namespace}{ns}:" if ns else namespace)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


def all_patterns() -> list[tuple[str, list[str]]]:
    return [(name, list(p.pattern.regex.groupindex)) for name, p in walk(get_resolver())]


def indicator_objects(beijing: PilotArea, national: User) -> dict[str, Any]:
    """An indicator import job of the nation and a quality issue of a 北京 pilot."""
    from shidian.indicators.imports import start_import
    from shidian.indicators.models import DataQualityIssue, Indicator

    header = "省级单位,试点地区,指标代码,期间,数值\n".encode()
    job = start_import(content=header, file_name="x.csv", mode="all", by=national)
    indicator = Indicator.objects.get(code="resident_population")
    issue = DataQualityIssue.objects.create(
        pilot=beijing, indicator=indicator, period="2018", kind="outlier", message="x"
    )
    return {"period": "2018", "job_id": job.pk, "issue_id": issue.pk}


def plan_objects(beijing: PilotArea) -> dict[str, Any]:
    """A work plan of a 北京 pilot with a task, a milestone, a group member and a department."""
    import datetime as dt

    from shidian.plans import services as plan_services
    from shidian.plans.tests import factories as plan_factories

    _plan, version, tasks, milestones = plan_factories.make_plan(beijing, milestones=1)
    officer = plan_factories.officer_for(beijing)
    member = plan_services.appoint_member(
        pilot=beijing, role="leader", person_name="x", valid_from=dt.date(2017, 1, 1), by=officer
    )
    department = tasks[0].lead_department
    evidence = plan_services.attach_evidence(
        milestone=milestones[0],
        file_name="x.pdf",
        content=b"%PDF-1.4\n%%EOF\n",
        by=plan_factories.department_user_for(department),
    )
    annual = plan_services.generate_annual_plan(department=department, year=2018, version=version, by=officer)
    annual_goal = plan_services.add_annual_goal(annual_plan=annual, text="x", by=officer)
    return {
        "plan_version_id": version.pk,
        "task_id": tasks[0].pk,
        "milestone_id": milestones[0].pk,
        "member_id": member.pk,
        "department_id": department.pk,
        "evidence_id": evidence.pk,
        "goal_id": annual_goal.pk,
        "year": 2018,
    }


def account_change(beijing: PilotArea) -> Any:
    """A new account for a 北京 pilot office, waiting for 北京's provincial officer."""
    from shidian.accounts import services as account_services
    from shidian.core.roles import Role

    office = account_services.ensure_pilot_organisations(pilot=beijing)
    return account_services.request_account(
        username="bj-newcomer",
        role=Role.PILOT_OFFICER,
        organisation=office,
        by=User.objects.get(username="demo-secadmin"),
    ).change


def api_token(owner: User) -> int:
    """A personal access token of somebody else."""
    import datetime as dt

    from django.utils import timezone

    from shidian.api import services as api_services

    token, _secret = api_services.create_token(
        user=owner, name="x", access="read", expires_on=timezone.localdate() + dt.timedelta(days=1)
    )
    return token.pk


def evaluation_objects(beijing: PilotArea, national: User, *, year: int = 2018) -> dict[str, Any]:
    """A draft evaluation run of 北京's pilot alone, its result, an objection, an assignment and a warning."""
    import datetime as dt

    from shidian.evaluation import services as evaluation_services
    from shidian.evaluation.models import Objection, Result, Run, Warning
    from shidian.evaluation.tests import factories as evaluation_factories

    scheme = evaluation_factories.scheme(
        year, scoring_opens_on=dt.date(year + 1, 1, 1), scoring_closes_on=dt.date(year + 1, 1, 31)
    )
    # Runs computed for real (inputs snapshot, breakdown), over 北京's pilot alone.
    alone = PilotArea.objects.filter(pk=beijing.pk)
    run = evaluation_services.compute_run(
        run=Run.objects.create(scheme=scheme, number=1, created_by=national), pilots=alone
    )
    other = evaluation_services.compute_run(
        run=Run.objects.create(scheme=scheme, number=2, created_by=national), pilots=alone
    )
    result = Result.objects.get(run=run, pilot=beijing)
    objection = Objection.objects.create(
        result=result,
        province=beijing.province,
        reasons="x",
        filed_by=national,
        evidence=b"%PDF-1.4\n",
        evidence_name="x.pdf",
    )
    expert = evaluation_factories.expert("walk-expert", province="广西壮族自治区")
    assignment = evaluation_services.assign_expert(expert=expert, pilot=beijing, scheme=scheme, by=national)
    warning = Warning.objects.create(pilot=beijing, year=year, run=run, reason_code="fail_grade", reason="x")
    return {
        "run_id": run.pk,
        "other_id": other.pk,
        "result_id": result.pk,
        "objection_id": objection.pk,
        "assignment_id": assignment.pk,
        "kind": "warning",
        "proposal_id": warning.pk,
        "warning_id": warning.pk,
    }


def contact_objects(beijing: PilotArea) -> dict[str, Any]:
    """A contact round over 北京's batch; its province answer is 北京's."""
    import datetime as dt

    from shidian.contacts import services as contact_services
    from shidian.core import clock

    with clock.travel_to(dt.date(2016, 11, 25)):
        contact_round = contact_services.open_contact_round(
            title="x",
            batch_numbers=[beijing.batch.number],
            due_on=dt.date(2016, 12, 9),
            by=User.objects.get(username="demo-national"),
        )
    contact_round.submissions.exclude(province=beijing.province).delete()  # a round that asks only 北京
    return {"contact_round_id": contact_round.pk, "province_id": beijing.province_id}


def notification_objects(beijing: PilotArea) -> dict[str, Any]:
    """A notification of a 北京 pilot officer and its e-mail (someone else's inbox)."""
    from django.utils import timezone

    from shidian.notifications.models import Notification, OutgoingMail
    from shidian.plans.tests import factories as plan_factories

    officer = plan_factories.officer_for(beijing)
    notification = Notification.objects.create(recipient=officer, kind="due", title="x", source="periodic:walk")
    mail = OutgoingMail.objects.create(
        notification=notification, recipient=officer, to="x@example.cn", subject="x", body="x",
        next_attempt_at=timezone.now(),
    )  # fmt: skip
    return {"notification_id": notification.pk, "mail_id": mail.pk}


def news_objects(province: Any) -> dict[str, Any]:
    """A draft news item of ``province``'s commission (the writers' pages) and a bulletin id (public pages)."""
    from shidian.portal.models import NewsItem

    national = User.objects.get(username="demo-national")
    item = NewsItem.objects.create(
        title="x", summary="x", body="x", province=province, publisher="x", created_by=national
    )
    return {"news_id": item.pk, "bulletin_id": 1}


def other_province_objects() -> dict[str, Any]:
    """An object outside 广西 for every URL keyword."""
    beijing = PilotArea.objects.get(province__name="北京市", name="顺义区")
    national = User.objects.get(username="demo-national")
    content = "batch,province,name,level,verification,source_note\n1,北京市,通州区,区,official,x\n".encode()
    upload, _plan = pilot_services.preview_registry_upload(content=content, file_name="x.csv", by=national)
    objects = {"pilot_id": beijing.pk, "import_id": upload.pk}
    objects.update(indicator_objects(beijing, national))
    objects.update(reporting_factories.other_province_objects())
    objects.update(plan_objects(beijing))
    objects["change_id"] = account_change(beijing).pk
    objects["token_id"] = api_token(national)
    objects.update(evaluation_objects(beijing, national))
    objects.update(contact_objects(beijing))
    objects.update(notification_objects(beijing))
    objects.update(exchange_objects(beijing))
    objects.update(experience_factories.hidden_objects(beijing))
    objects.update(news_objects(beijing.province))
    return objects


def exchange_objects(pilot: PilotArea) -> dict[str, Any]:
    """A difficulty of ``pilot`` with a file, and a notice sent to it alone."""
    from shidian.exchange.tests.factories import exchange_objects as build

    return build(pilot)


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["demo-province", "demo-pilot"])
def test_other_province_objects_are_not_found(client_as: Callable[[str], Client], username: str) -> None:
    objects = other_province_objects()
    client = client_as(username)
    walked = 0
    for name, kwargs in all_patterns():
        if not kwargs or name.startswith(PUBLIC_NAMESPACES):
            continue
        unknown = set(kwargs) - objects.keys()
        assert not unknown, f"{name}: add an object of another province for {unknown} to this test"
        url = reverse(name, kwargs={k: objects[k] for k in kwargs})
        for method in ("get", "post"):
            if method == "get" and name in NATIONAL_PAGES:
                continue
            response = getattr(client, method)(url)
            assert response.status_code in {404, 405}, f"{username} {method.upper()} {url} → {response.status_code}"
            if response.status_code == 405:
                continue
            walked += 1
    assert walked >= 4
    assert RegistryImport.objects.filter(state=RegistryImport.State.PREVIEWED).count() == 1
    assert PilotArea.objects.get(pk=objects["pilot_id"]).status == "active"


@pytest.mark.django_db
def test_own_objects_are_found(client_as: Callable[[str], Client]) -> None:
    """The same walk must not be passing only because everything is 404."""
    own = PilotArea.objects.get(name="柳州市")
    for username in ["demo-province", "demo-pilot"]:
        assert client_as(username).get(reverse("pilots:detail", kwargs={"pilot_id": own.pk})).status_code == 200


@pytest.mark.django_db
def test_anonymous_users_meet_the_login_page(client: Client) -> None:
    objects: dict[str, Any] = {"pilot_id": PilotArea.objects.first().pk, "import_id": 1}  # type: ignore[union-attr]
    objects.update({"period": "2018", "job_id": 1, "issue_id": 1})
    objects.update(dict.fromkeys(["round_id", "report_id", "attachment_id", "version_id"], 1))
    objects.update(dict.fromkeys(["province_report_id", "province_version_id", "copy_id"], 1))
    objects.update(dict.fromkeys(["plan_version_id", "task_id", "milestone_id", "member_id", "department_id"], 1))
    objects.update({"evidence_id": 1, "goal_id": 1, "year": 2018, "change_id": 1, "token_id": 1})
    objects.update(
        dict.fromkeys(["run_id", "other_id", "result_id", "objection_id", "assignment_id", "proposal_id"], 1)
    )
    objects["kind"] = "warning"
    objects["warning_id"] = 1
    objects.update({"contact_round_id": 1, "province_id": 1, "news_id": 1, "bulletin_id": 1})
    objects.update({"notification_id": 1, "mail_id": 1})
    objects.update({"difficulty_id": 1, "file_id": 1, "notice_id": 1, "category": "land"})
    objects.update({"experience_id": 1, "experience_file_id": 1})
    login = reverse("accounts:login")
    checked = 0
    for name, kwargs in all_patterns():
        if name in PUBLIC or name.startswith(PUBLIC_NAMESPACES):
            continue
        url = reverse(name, kwargs={k: objects[k] for k in kwargs})
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code == 405:
                continue
            assert response.status_code == 302, f"anonymous {method.upper()} {url} → {response.status_code}"
            assert response["Location"].startswith(login), f"anonymous {url} → {response['Location']}"
            checked += 1
    assert checked >= 8
    admin = client.get("/admin/", follow=True)
    assert admin.redirect_chain and admin.redirect_chain[-1][0].startswith(login)


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["demo-province", "demo-pilot", "demo-national", "demo-expert"])
def test_business_users_cannot_enter_the_admin(client_as: Callable[[str], Client], username: str) -> None:
    client = client_as(username)
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/regions/province/").status_code == 404
