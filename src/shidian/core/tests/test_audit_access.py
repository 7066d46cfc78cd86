"""Downloads and exports leave an audit event; so does a refused attempt on an object that exists,
at most a limited number per user so a crawler cannot flood the trail."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db.models import Max
from django.test import Client, override_settings
from django.urls import reverse

from shidian.accounts.models import User
from shidian.core.audit import AuditAction
from shidian.core.models import AuditEvent, AuditEventQuerySet
from shidian.plans import services as plan_services
from shidian.plans.tests import factories as plan_factories
from shidian.reporting import services as reporting_services
from shidian.reporting.tests.factories import submitted_report, year_end

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def trail(db: None) -> Callable[..., AuditEventQuerySet]:
    watermark = AuditEvent.objects.aggregate(top=Max("id"))["top"] or 0
    return lambda **lookup: AuditEvent.objects.filter(id__gt=watermark, **lookup)


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def plan_export(fmt: str) -> Callable[[Callable[[str], User]], tuple[str, str, Any]]:
    def build(user: Callable[[str], User]) -> tuple[str, str, Any]:
        _plan, version, _t, _m = plan_factories.make_plan(milestones=1)
        return "demo-pilot", reverse(f"plans:export_{fmt}", args=[version.plan.pilot_id]), version

    return build


def plan_template(user: Callable[[str], User]) -> tuple[str, str, Any]:
    _plan, version, _t, _m = plan_factories.make_plan(milestones=1)
    return "demo-pilot", reverse("plans:template", args=[version.plan.pilot_id]), version.plan.pilot


def evidence(user: Callable[[str], User]) -> tuple[str, str, Any]:
    _plan, _version, _t, milestones = plan_factories.make_plan(milestones=1)
    document = plan_services.attach_evidence(
        milestone=milestones[0], file_name="验收.pdf", content=PDF, by=user("demo-department")
    )
    return "demo-pilot", reverse("plans:evidence_file", args=[milestones[0].pk, document.pk]), document


def report_version(fmt: str) -> Callable[[Callable[[str], User]], tuple[str, str, Any]]:
    def build(user: Callable[[str], User]) -> tuple[str, str, Any]:
        report = submitted_report(user("demo-pilot"), year_end(2017))
        version = report.versions.get()
        return "demo-national", reverse("reporting:version_download", args=[version.pk]) + f"?format={fmt}", version

    return build


def province_version(user: Callable[[str], User]) -> tuple[str, str, Any]:
    from shidian.regions.models import Province

    province_user = user("demo-province")
    reporting_round = year_end(2017)
    draft = reporting_services.open_province_report(
        province=Province.objects.get(name="广西壮族自治区"), reporting_round=reporting_round, by=province_user
    )
    draft = reporting_services.save_province_draft(
        report=draft, revision=draft.revision, fields={"overview": "总体"}, pilot_texts={}, by=province_user
    )
    draft = reporting_services.submit_province_report(report=draft, by=province_user)
    version = draft.versions.get()
    return "demo-national", reverse("reporting:province_version_download", args=[version.pk]) + "?format=docx", version


def matrix(user: Callable[[str], User]) -> tuple[str, str, Any]:
    year_end(2017)
    return "demo-national", reverse("reporting:matrix") + "?format=xlsx", None


def indicator_template(user: Callable[[str], User]) -> tuple[str, str, Any]:
    return "demo-pilot", reverse("indicators:template") + "?period=2018", None


DOWNLOADS = [
    (AuditAction.PLAN_EXPORTED, plan_export("xlsx"), {"format": "xlsx"}),
    (AuditAction.PLAN_EXPORTED, plan_export("docx"), {"format": "docx"}),
    (AuditAction.PLAN_TEMPLATE_DOWNLOADED, plan_template, {}),
    (AuditAction.EVIDENCE_DOWNLOADED, evidence, {"file": "验收.pdf"}),
    (AuditAction.REPORT_DOWNLOADED, report_version("docx"), {"format": "docx"}),
    (AuditAction.REPORT_DOWNLOADED, report_version("pdf"), {"format": "pdf"}),
    (AuditAction.PROVINCE_REPORT_DOWNLOADED, province_version, {"format": "docx"}),
    (AuditAction.MATRIX_EXPORTED, matrix, {"format": "xlsx"}),
    (AuditAction.INDICATOR_TEMPLATE_DOWNLOADED, indicator_template, {"period": "2018"}),
]


@pytest.mark.parametrize(
    ("action", "build", "detail"),
    DOWNLOADS,
    ids=[f"{a.value}-{d.get('format', '')}" for a, _b, d in DOWNLOADS],
)
def test_every_download_is_audited(
    client_as: Callable[[str], Client],
    user: Callable[[str], User],
    trail: Callable[..., AuditEventQuerySet],
    action: AuditAction,
    build: Callable[[Callable[[str], User]], tuple[str, str, Any]],
    detail: dict[str, Any],
) -> None:
    username, url, obj = build(user)
    response = client_as(username).get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    [event] = trail(action=action)
    assert event.actor == user(username)
    if obj is not None:
        assert (event.object_type, event.object_id) == (obj._meta.label, str(obj.pk))
    assert detail.items() <= event.detail.items()


def test_a_refused_look_at_an_existing_object_is_audited(
    client_as: Callable[[str], Client], user: Callable[[str], User], trail: Callable[..., AuditEventQuerySet]
) -> None:
    beijing = plan_factories.pilot("北京市", "顺义区")
    client = client_as("demo-province")  # 广西's officer
    assert client.get(reverse("plans:plan", args=[beijing.pk])).status_code == 404
    [event] = trail(action=AuditAction.ACCESS_DENIED)
    assert (event.actor, event.object_type, event.object_id, event.success) == (
        user("demo-province"),
        "pilots.PilotArea",
        str(beijing.pk),
        False,
    )
    # A missing object looks the same to the user and leaves nothing: there is nothing to protect.
    assert client.get(reverse("plans:plan", args=[999_999])).status_code == 404
    assert trail(action=AuditAction.ACCESS_DENIED).count() == 1


@override_settings(AUDIT_DENIED_LIMIT=3)
def test_refusals_are_recorded_only_up_to_the_limit_per_user(
    client_as: Callable[[str], Client], trail: Callable[..., AuditEventQuerySet]
) -> None:
    beijing = plan_factories.pilot("北京市", "顺义区")
    crawler = client_as("demo-province")
    for _i in range(10):
        assert crawler.get(reverse("plans:plan", args=[beijing.pk])).status_code == 404
    events = list(trail(action=AuditAction.ACCESS_DENIED).order_by("id"))
    assert len(events) == 3
    assert events[-1].detail["rate_limit_reached"] is True
    # Another user's refusals are counted apart.
    client_as("demo-pilot").get(reverse("plans:plan", args=[beijing.pk]))
    assert trail(action=AuditAction.ACCESS_DENIED, actor_username="demo-pilot").count() == 1
