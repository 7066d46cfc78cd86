"""The commission's workbench: province reports to acknowledge, completeness, warned pilots, contacts."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from shidian.accounts.models import User
from shidian.contacts import selectors as contact_selectors
from shidian.core import scoping
from shidian.core.roles import Capability
from shidian.pilots import selectors as pilot_selectors
from shidian.reporting import selectors as report_selectors
from shidian.reporting.models import ReportingRound
from shidian.workbench.selectors.items import LATE, SOON, Item, Section, due_item, due_note, waiting_item


def national_bench(user: User, today: dt.date) -> list[Section]:
    sections: list[Section] = []
    if scoping.can(user, Capability.REVIEW_PROVINCE_REPORTS):
        sections.append(_acknowledge(user, today))
        current = report_selectors.current_round(today=today)
        if current is not None:
            sections.append(_completeness(user, current, today))
    sections.append(_warned(user))
    sections.extend(missing_contact_sections(user, today))
    return sections


def _acknowledge(user: User, today: dt.date) -> Section:
    inbox = Section(
        "acknowledge",
        _("待确认的省级报告"),
        link=reverse("reporting:home") + "#inbox",
        link_label=_("报告"),
        empty=_("没有待确认的省级报告。各省报送后会立即出现在这里。"),
    )
    for waiting in report_selectors.province_reports_waiting(user=user):
        report = waiting.report
        inbox.items.append(
            waiting_item(
                f"{report.province.name} · {report.round}",
                reverse("reporting:province_report", kwargs={"province_report_id": report.pk}),
                since=waiting.since,
                today=today,
                testid=f"acknowledge-{report.pk}",
            )
        )
    return inbox


def _completeness(user: User, current: ReportingRound, today: dt.date) -> Section:
    """The provinces whose pilots have not all reported on time in the current round."""
    due, _tone = due_note(current.pilot_due, today)
    completeness = Section(
        "completeness",
        _("本轮报送情况（按省）：%(round)s") % {"round": current},
        link=reverse("reporting:matrix"),
        link_label=_("报送情况"),
        empty=_("本轮没有应报送的试点。"),
    )
    for row in report_selectors.round_completeness_by_province(user=user, reporting_round=current, today=today):
        if row.submitted == row.expected and not row.late:
            continue
        completeness.items.append(
            Item(
                _(
                    "%(province)s：已报送 %(submitted)d / %(expected)d（其中逾期 %(late)d），"
                    "待报送 %(waiting)d，逾期未报送 %(missing)d"
                )
                % {
                    "province": row.province.name,
                    "submitted": row.submitted,
                    "expected": row.expected,
                    "late": row.late,
                    "waiting": row.waiting,
                    "missing": row.missing,
                },
                reverse("reporting:matrix"),
                note=due,
                tone=LATE if row.missing or row.late else SOON,
                testid=f"completeness-{row.province.code}",
            )
        )
    completeness.empty = _("本轮各省试点均已按时报送。")
    return completeness


def _warned(user: User) -> Section:
    warned = Section(
        "warned",
        _("警示中的试点"),
        link=reverse("pilots:list") + "?status=warned",
        link_label=_("试点名录"),
        empty=_("目前没有被警示的试点。"),
    )
    for pilot in pilot_selectors.warned_pilots(user=user):
        warned.items.append(
            Item(
                f"{pilot.province.name} · {pilot.name}",
                reverse("pilots:detail", kwargs={"pilot_id": pilot.pk}),
                tone=LATE,
                testid=f"warned-{pilot.pk}",
            )
        )
    return warned


def missing_contact_sections(user: User, today: dt.date) -> list[Section]:
    """Provinces that have not sent their contacts in an open round (shown only while some are missing)."""
    missing = contact_selectors.missing_by_round(user=user)
    if not missing:
        return []
    section = Section(
        "contact_missing",
        _("未报送负责人和联系人的省份"),
        link=reverse("contacts:rounds"),
        link_label=_("联系人报送轮次"),
    )
    for contact_round, submissions in missing:
        for submission in submissions:
            section.items.append(
                due_item(
                    f"{submission.province.name} · {contact_round.title}",
                    reverse("contacts:round", kwargs={"contact_round_id": contact_round.pk}),
                    due=contact_round.due_on,
                    today=today,
                    testid=f"contact-missing-{contact_round.pk}-{submission.province.code}",
                )
            )
    return [section]
