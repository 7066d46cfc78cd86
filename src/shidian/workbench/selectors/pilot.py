"""A pilot's workbench: returned work, the round's report, missing values, the plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from shidian.indicators import selectors as indicator_selectors
from shidian.plans import selectors as plan_selectors
from shidian.reporting import selectors as report_selectors
from shidian.reporting.models import PilotReportVersion
from shidian.workbench.selectors.items import LATE, SOON, Item, Section, due_note
from shidian.workbench.selectors.milestones import milestone_sections


def pilot_bench(user: Any, today: dt.date) -> list[Section]:
    pilot = report_selectors.user_pilot(user)
    if pilot is None:
        return []
    sections: list[Section] = []

    returned = Section(
        "returned",
        _("退回待修改"),
        link=reverse("reporting:home"),
        link_label=_("报告"),
        empty=_("没有被退回的报告或工作方案。省级退回后，这里会显示退回意见。"),
    )
    for report, comment in report_selectors.returned_pilot_reports(user=user):
        note, tone = due_note(report.round.pilot_due, today)
        returned.items.append(
            Item(
                _("%(round)s已退回，请修改后重新报送") % {"round": report.round},
                reverse("reporting:report", kwargs={"report_id": report.pk}),
                note=note,
                tone=LATE if tone == LATE else SOON,
                comment=comment.body if comment else "",
                testid=f"returned-report-{report.pk}",
            )
        )
    state = plan_selectors.plan_state(user=user, pilot=pilot)
    if state.pending is not None and state.pending.status == "returned":
        returned.items.append(
            Item(
                _("工作方案第 %(n)d 版已退回，请修改后重新报送") % {"n": state.pending.number},
                reverse("plans:plan", kwargs={"pilot_id": pilot.pk}) + f"?version={state.pending.pk}",
                tone=LATE,
                comment=state.pending.review_comment,
                testid="returned-plan",
            )
        )
    sections.append(returned)

    current = report_selectors.current_round(today=today)
    if current is not None:
        round_section = Section("round", _("本轮报告：%(round)s") % {"round": current})
        round_report = report_selectors.visible_pilot_reports(user=user).filter(round=current).first()
        note, tone = due_note(current.pilot_due, today)
        status = round_report.status if round_report else ""
        if status in {"", "draft"}:
            title = _("尚未开始，请撰写并报送") if round_report is None else _("草稿，尚未报送")
            url = (
                reverse("reporting:report", kwargs={"report_id": round_report.pk})
                if round_report
                else reverse("reporting:home") + "#rounds"
            )
            round_section.items.append(Item(title, url, note=note, tone=tone, testid="round-report"))
        elif status == "returned":
            url = reverse("reporting:report", kwargs={"report_id": round_report.pk})  # type: ignore[union-attr]
            round_section.items.append(
                Item(
                    _("已退回，请修改后重新报送"),
                    url,
                    note=note,
                    tone=LATE if tone == LATE else SOON,
                    testid="round-report",
                )
            )
        round_section.empty = _("本轮报告已报送，等待省级审核。") if status == "submitted" else _("本轮报告已接收。")
        late = False  # the matrix's 逾期报送 is its first version's; said the same way here
        if round_report is not None and status in {"submitted", "accepted"}:
            first = PilotReportVersion.objects.filter(report=round_report).order_by("number")
            late = bool(first.values_list("is_late", flat=True).first())
        if late:
            round_section.empty = (
                _("本轮报告已逾期报送，等待省级审核。") if status == "submitted" else _("本轮报告已接收（逾期报送）。")
            )
        sections.append(round_section)

    overdue, soon = milestone_sections(user, today)
    sections += [overdue, soon]

    values = Section(
        "values",
        _("待填报的指标数据"),
        link=reverse("indicators:pilot", kwargs={"pilot_id": pilot.pk}),
        link_label=_("指标数据"),
        empty=_("已结束的开放期间的指标数据都已报送。"),
    )
    for row in indicator_selectors.missing_values(user=user, pilot=pilot, today=today):
        values.items.append(
            Item(
                _("%(period)s：%(missing)d 项指标未报送（共 %(expected)d 项）")
                % {"period": row.period.label, "missing": row.missing, "expected": row.expected},
                reverse("indicators:entry", kwargs={"pilot_id": pilot.pk, "period": row.period.code}),
                tone=LATE,
                testid=f"values-{row.period.code}",
            )
        )
    sections.append(values)

    plan = Section(
        "plan", _("工作方案"), link=reverse("plans:plan", kwargs={"pilot_id": pilot.pk}), link_label=_("工作方案")
    )
    plan_url = reverse("plans:plan", kwargs={"pilot_id": pilot.pk})
    if state.pending is None and state.in_force is None:
        plan.items.append(Item(_("尚未编制工作方案，请编制并报送省级审核"), plan_url, tone=SOON, testid="plan-state"))
    elif state.pending is not None and state.pending.status == "draft":
        plan.items.append(
            Item(
                _("第 %(n)d 版草稿，尚未报送") % {"n": state.pending.number},
                plan_url + f"?version={state.pending.pk}",
                tone=SOON,
                testid="plan-state",
            )
        )
    if state.pending is not None and state.pending.status == "submitted":
        plan.empty = _("第 %(n)d 版已报送，等待省级审核。") % {"n": state.pending.number}
    elif state.in_force is not None:
        plan.empty = _("现行方案：第 %(n)d 版（已批准）。") % {"n": state.in_force.number}
    sections.append(plan)
    return sections
