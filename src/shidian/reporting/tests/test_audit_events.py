"""Every reporting service leaves its audit event: the action, who did it, on which object, what changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Max

from shidian.accounts.models import Organisation, User
from shidian.core.audit import AuditAction
from shidian.core.models import AuditEvent
from shidian.regions.models import Province
from shidian.reporting import services
from shidian.reporting.tests.factories import filled_report, submitted_report, year_end

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n"


@dataclass
class World:
    pilot: User
    province: User
    national: User
    ministry: User


def province_draft(w: World) -> Any:
    reporting_round = year_end()
    accepted = services.accept_pilot_report(report=submitted_report(w.pilot, reporting_round), by=w.province)
    assert accepted is not None
    draft = services.open_province_report(
        province=Province.objects.get(name="广西壮族自治区"), reporting_round=reporting_round, by=w.province
    )
    return services.save_province_draft(
        report=draft, revision=draft.revision, fields={"overview": "总体"}, pilot_texts={}, by=w.province
    )


def province_submitted(w: World) -> Any:
    return services.submit_province_report(report=province_draft(w), by=w.province)


def resubmitted(w: World) -> Any:
    report = submitted_report(w.pilot, year_end())
    report = services.return_pilot_report(report=report, comment="请补充", by=w.province)
    report = services.save_pilot_draft(report=report, revision=report.revision, sections={"progress": "新"}, by=w.pilot)
    return services.submit_pilot_report(report=report, by=w.pilot)


def copy_read(w: World) -> Any:
    version = province_submitted(w).versions.get()
    copy = version.copies.get(ministry_id=w.ministry.organisation_id)
    services.read_copy(copy=copy, by=w.ministry)
    return copy


def tag_removed(w: World) -> Any:
    housing = Organisation.objects.get(kind="ministry", name="住房城乡建设部")
    tag = services.add_tag(
        report=filled_report(w.pilot, year_end()), kind="difficulty", text="资金", ministry_ids=[housing.pk], by=w.pilot
    )
    pk = tag.pk
    services.remove_tag(tag=tag, by=w.pilot)
    tag.pk = pk
    return tag


# (action, run the service and return the object the event names, actor attribute, expected change subset)
Scenario = tuple[AuditAction, Callable[[World], Any], str, dict[str, Any]]
SCENARIOS: list[Scenario] = [
    (AuditAction.ROUND_OPENED, lambda w: year_end(), "", {}),
    (
        AuditAction.ROUND_CHANGED,
        lambda w: services.change_round_dues(
            reporting_round=year_end(), pilot_due=dt.date(2018, 1, 20), province_due=dt.date(2018, 2, 10), by=w.national
        ),
        "national",
        {},
    ),
    (
        AuditAction.REPORT_CREATED,
        lambda w: services.open_pilot_report(
            pilot=w.pilot.organisation.pilot,  # type: ignore[union-attr,arg-type]
            reporting_round=year_end(),
            by=w.pilot,
        ),
        "pilot",
        {},
    ),
    (AuditAction.REPORT_DRAFT_SAVED, lambda w: filled_report(w.pilot, year_end()), "pilot", {}),
    (
        AuditAction.REPORT_SUBMITTED,
        lambda w: submitted_report(w.pilot, year_end()),
        "pilot",
        {"status": ["draft", "submitted"]},
    ),
    (
        AuditAction.REPORT_RETURNED,
        lambda w: services.return_pilot_report(
            report=submitted_report(w.pilot, year_end()), comment="请补充", by=w.province
        ),
        "province",
        {"status": ["submitted", "returned"]},
    ),
    (AuditAction.REPORT_RESUBMITTED, resubmitted, "pilot", {"status": ["returned", "submitted"]}),
    (
        AuditAction.REPORT_ACCEPTED,
        lambda w: services.accept_pilot_report(report=submitted_report(w.pilot, year_end()), by=w.province),
        "province",
        {"status": ["submitted", "accepted"]},
    ),
    (
        AuditAction.TAG_CREATED,
        lambda w: services.add_tag(
            report=filled_report(w.pilot, year_end()),
            kind="difficulty",
            text="资金",
            ministry_ids=[Organisation.objects.get(kind="ministry", name="住房城乡建设部").pk],
            by=w.pilot,
        ),
        "pilot",
        {},
    ),
    (AuditAction.TAG_DELETED, tag_removed, "pilot", {}),
    (
        AuditAction.ATTACHMENT_ADDED,
        lambda w: services.add_attachment(
            report=filled_report(w.pilot, year_end()), file_name="a.pdf", content=PDF, by=w.pilot
        ),
        "pilot",
        {},
    ),
    (
        AuditAction.ATTACHMENT_REMOVED,
        lambda w: services.remove_attachment(
            attachment=services.add_attachment(
                report=filled_report(w.pilot, year_end()), file_name="a.pdf", content=PDF, by=w.pilot
            ),
            by=w.pilot,
        ),
        "pilot",
        {},
    ),
    (
        AuditAction.PROVINCE_REPORT_CREATED,
        lambda w: services.open_province_report(
            province=Province.objects.get(name="广西壮族自治区"), reporting_round=year_end(), by=w.province
        ),
        "province",
        {},
    ),
    (AuditAction.PROVINCE_REPORT_DRAFT_SAVED, province_draft, "province", {}),
    (
        AuditAction.PROVINCE_REPORT_REASSEMBLED,
        lambda w: (lambda d: services.reassemble_province_report(report=d, revision=d.revision, by=w.province))(
            province_draft(w)
        ),
        "province",
        {},
    ),
    (AuditAction.PROVINCE_REPORT_SUBMITTED, province_submitted, "province", {"status": ["draft", "submitted"]}),
    (
        AuditAction.PROVINCE_REPORT_ACKNOWLEDGED,
        lambda w: services.acknowledge_province_report(report=province_submitted(w), by=w.national),
        "national",
        {},
    ),
    (
        AuditAction.PROVINCE_REPORT_RETURNED,
        lambda w: services.return_province_report(report=province_submitted(w), comment="请补充", by=w.national),
        "national",
        {},
    ),
    (AuditAction.COPY_READ, copy_read, "ministry", {}),
]


@pytest.mark.parametrize(("action", "run", "actor", "changes"), SCENARIOS, ids=[s[0].value for s in SCENARIOS])
def test_each_service_records_its_event(
    user: Callable[[str], User], action: AuditAction, run: Callable[[World], Any], actor: str, changes: dict[str, Any]
) -> None:
    watermark = AuditEvent.objects.aggregate(top=Max("id"))["top"] or 0
    world = World(
        pilot=user("demo-pilot"),
        province=user("demo-province"),
        national=user("demo-national"),
        ministry=user("demo-ministry"),
    )
    obj = run(world)
    event = AuditEvent.objects.filter(id__gt=watermark, action=action).order_by("-id").first()
    assert event is not None, f"{action} not recorded"
    assert event.actor == (getattr(world, actor) if actor else None)
    assert (event.object_type, event.object_id) == (obj._meta.label, str(obj.pk))
    for field, change in changes.items():
        assert event.changes[field] == change
