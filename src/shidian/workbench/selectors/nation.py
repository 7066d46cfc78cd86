"""The commission's workbench: province reports to acknowledge, completeness, warned pilots, contacts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from shidian.contacts import selectors as contact_selectors
from shidian.core import scoping
from shidian.core.roles import Capability
from shidian.pilots import selectors as pilot_selectors
from shidian.reporting import selectors as report_selectors
from shidian.workbench.selectors.items import LATE, SOON, WAITING, Item, Section, due_note, waiting_note


def national_bench(user: Any, today: dt.date) -> list[Section]:
    sections: list[Section] = []
    if scoping.can(user, Capability.REVIEW_PROVINCE_REPORTS):
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
                Item(
                    f"{report.province.name} · {report.round}",
                    reverse("reporting:province_report", kwargs={"province_report_id": report.pk}),
                    note=waiting_note(waiting.since, today),
                    tone=WAITING,
                    testid=f"acknowledge-{report.pk}",
                )
            )
        sections.append(inbox)
        current = report_selectors.current_round(today=today)
        if current is not None:
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
                        _("%(province)s：已报送 %(submitted)d / %(expected)d，逾期 %(late)d，未报送 %(missing)d")
                        % {
                            "province": row.province.name,
                            "submitted": row.submitted,
                            "expected": row.expected,
                            "late": row.late,
                            "missing": row.missing,
                        },
                        reverse("reporting:matrix"),
                        note=due,
                        tone=LATE if row.missing or row.late else SOON,
                        testid=f"completeness-{row.province.code}",
                    )
                )
            completeness.empty = _("本轮各省试点均已按时报送。")
            sections.append(completeness)
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
    sections.append(warned)
    sections.extend(missing_contact_sections(user, today))
    return sections


def missing_contact_sections(user: Any, today: dt.date) -> list[Section]:
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
        note, tone = due_note(contact_round.due_on, today)
        for submission in submissions:
            section.items.append(
                Item(
                    f"{submission.province.name} · {contact_round.title}",
                    reverse("contacts:round", kwargs={"contact_round_id": contact_round.pk}),
                    note=note,
                    tone=tone,
                    testid=f"contact-missing-{contact_round.pk}-{submission.province.code}",
                )
            )
    return [section]
