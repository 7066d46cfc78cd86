"""A province's workbench: reviews, the round's chase, its own report, contact rounds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from shidian.contacts import selectors as contact_selectors
from shidian.core import formatting
from shidian.indicators import selectors as indicator_selectors
from shidian.plans import selectors as plan_selectors
from shidian.reporting import selectors as report_selectors
from shidian.workbench.selectors.items import LATE, WAITING, Item, Section, due_note, waiting_note


def province_bench(user: Any, today: dt.date) -> list[Section]:
    sections: list[Section] = []
    plans = Section(
        "plan_reviews",
        _("待审核的工作方案"),
        link=reverse("plans:province"),
        link_label=_("本省工作方案"),
        empty=_("没有待审核的工作方案。试点报送后会立即出现在这里。"),
    )
    for version in plan_selectors.plans_awaiting_review(user=user):
        since = version.submitted_at.date() if version.submitted_at else None
        plans.items.append(
            Item(
                _("%(pilot)s 工作方案第 %(n)d 版") % {"pilot": version.plan.pilot.name, "n": version.number},
                reverse("plans:plan", kwargs={"pilot_id": version.plan.pilot_id}) + f"?version={version.pk}",
                note=waiting_note(since, today),
                tone=WAITING,
                testid=f"plan-review-{version.pk}",
            )
        )
    sections.append(plans)

    reports = Section(
        "report_reviews",
        _("待审核的试点报告"),
        link=reverse("reporting:home") + "#awaiting",
        link_label=_("报告"),
        empty=_("没有待审核的试点报告。试点报送后会立即出现在这里。"),
    )
    for waiting in report_selectors.pilot_reports_waiting(user=user):
        report = waiting.report
        reports.items.append(
            Item(
                f"{report.pilot.name} · {report.round}",
                reverse("reporting:report", kwargs={"report_id": report.pk}),
                note=waiting_note(waiting.since, today),
                tone=WAITING,
                testid=f"report-review-{report.pk}",
            )
        )
    sections.append(reports)

    values = Section(
        "value_reviews",
        _("待确认的指标数据"),
        link=reverse("indicators:reviews"),
        link_label=_("指标数据审核"),
        empty=_("没有待确认的指标数据。"),
    )
    pending = sorted(
        indicator_selectors.pending_reviews(user=user), key=lambda p: (p.since or dt.date.max, p.pilot.name)
    )
    for pending_row in pending:
        values.items.append(
            Item(
                _("%(pilot)s · %(period)s：%(n)d 项")
                % {
                    "pilot": pending_row.pilot.name,
                    "period": formatting.period(pending_row.period),
                    "n": pending_row.count,
                },
                reverse("indicators:review", kwargs={"pilot_id": pending_row.pilot.pk, "period": pending_row.period}),
                note=waiting_note(pending_row.since, today),
                tone=WAITING,
                testid=f"value-review-{pending_row.pilot.pk}-{pending_row.period}",
            )
        )
    sections.append(values)

    current = report_selectors.current_round(today=today)
    if current is not None:
        chase = Section(
            "round_chase",
            _("本轮尚未报送或逾期报送的试点：%(round)s") % {"round": current},
            link=reverse("reporting:matrix"),
            link_label=_("报送情况"),
            empty=_("本轮各试点均已按时报送。"),
        )
        due, due_tone = due_note(current.pilot_due, today)
        for row in report_selectors.round_rows(user=user, reporting_round=current, today=today):
            state = row.cell.state
            if state not in {
                report_selectors.CellState.MISSING,
                report_selectors.CellState.LATE,
                report_selectors.CellState.DUE,
            } and not (row.cell.late and state == report_selectors.CellState.RETURNED):
                continue
            tone = due_tone if state == report_selectors.CellState.DUE else LATE
            url = (
                reverse("reporting:report", kwargs={"report_id": row.cell.report_id})
                if row.cell.report_id
                else reverse("reporting:matrix")
            )
            chase.items.append(
                Item(
                    f"{row.pilot.name} · {row.cell.label}",
                    url,
                    note=due,
                    tone=tone,
                    testid=f"chase-{row.pilot.pk}",
                )
            )
        sections.append(chase)

        own = Section("province_report", _("本省报告：%(round)s") % {"round": current})
        report = report_selectors.visible_province_reports(user=user).filter(round=current).first()
        note, tone = due_note(current.province_due, today)
        returned = dict(report_selectors.returned_province_reports(user=user))
        if report is None or report.status in {"draft", "returned"}:
            url = (
                reverse("reporting:province_report", kwargs={"province_report_id": report.pk})
                if report
                else reverse("reporting:home") + "#province"
            )
            title = {
                None: _("尚未开始，请汇总本省试点报告后报送国家发展改革委"),
                "draft": _("草稿，尚未报送"),
                "returned": _("国家发展改革委已退回，请修改后重新报送"),
            }[report.status if report else None]
            comment = returned.get(report) if report else None
            own.items.append(
                Item(
                    title,
                    url,
                    note=note,
                    tone=LATE if report and report.status == "returned" else tone,
                    comment=comment.body if comment else "",
                    testid="province-report",
                )
            )
        own.empty = _("本省报告已报送。") if report and report.status == "submitted" else _("本省报告已确认。")
        sections.append(own)
    sections.extend(contact_round_sections(user, today))
    return sections


def contact_round_sections(user: Any, today: dt.date) -> list[Section]:
    """The province's open contact rounds (附件3), shown only while one waits for its submission."""
    open_ones = contact_selectors.open_submissions(user=user)
    if not open_ones:
        return []
    section = Section(
        "contact_round",
        _("待报送的负责人和联系人"),
        link=reverse("contacts:rounds"),
        link_label=_("联系人报送轮次"),
    )
    for submission in open_ones:
        note, tone = due_note(submission.round.due_on, today)
        section.items.append(
            Item(
                f"{submission.round.title} · {submission.province.name}",
                reverse(
                    "contacts:submission",
                    kwargs={"contact_round_id": submission.round_id, "province_id": submission.province_id},
                ),
                note=note,
                tone=tone,
                testid=f"contact-round-{submission.round_id}",
            )
        )
    return [section]
