"""What each user must do now and soon, gathered from every app's selectors (never from their models).

Every section lists everything it counts (its count is the length of its list) and links to the page where
the work is done. Items are ordered oldest and most urgent first. "Today" is the business clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from shidian.contacts import selectors as contact_selectors
from shidian.core import clock, formatting, scoping
from shidian.core.roles import Capability, Reach, Role
from shidian.evaluation import selectors as evaluation_selectors
from shidian.experiences import selectors as experience_selectors
from shidian.indicators import selectors as indicator_selectors
from shidian.pilots import selectors as pilot_selectors
from shidian.plans import selectors as plan_selectors
from shidian.reporting import selectors as report_selectors
from shidian.reporting.models import PilotReportVersion

# Tones: how an item reads at a glance (the same words and colours on every page, see docs/workbench.md).
LATE = "late"
SOON = "soon"
WAITING = "waiting"
DONE = "done"
INFO = "info"

DUE_SOON_DAYS = 30
SHOWN = 15  # items shown per section; the count and the linked list always hold them all


@dataclass
class Item:
    title: str
    url: str
    note: str = ""
    tone: str = INFO
    comment: str = ""
    testid: str = ""


@dataclass
class Section:
    key: str
    heading: str
    items: list[Item] = field(default_factory=list)
    link: str = ""
    link_label: str = ""
    empty: str = ""

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def shown(self) -> list[Item]:
        return self.items[:SHOWN]

    @property
    def hidden(self) -> int:
        return max(self.count - SHOWN, 0)


@dataclass
class Workbench:
    today: dt.date
    sections: list[Section]
    intro: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)
    empty: str = ""

    @property
    def total(self) -> int:
        return sum(s.count for s in self.sections)


def due_note(due: dt.date, today: dt.date) -> tuple[str, str]:
    """("期限 2019年7月10日 · 还剩 2 天", tone) for a deadline seen from ``today``."""
    days = (due - today).days
    when = _("期限 %(date)s") % {"date": formatting.date(due)}
    if days < 0:
        return "%s · %s" % (when, _("逾期 %(days)d 天") % {"days": -days}), LATE  # noqa: UP031
    if days == 0:
        return "%s · %s" % (when, _("今天到期")), SOON  # noqa: UP031
    tone = SOON if days <= 7 else INFO
    return "%s · %s" % (when, _("还剩 %(days)d 天") % {"days": days}), tone  # noqa: UP031


def waiting_note(since: dt.date | None, today: dt.date) -> str:
    if since is None:
        return ""
    if since > today:  # recorded in real time after the business date (a demo or a test travelling back)
        return _("%(date)s 报送") % {"date": formatting.date(since)}
    days = (today - since).days
    return _("%(date)s 报送 · 已等待 %(days)d 天") % {"date": formatting.date(since), "days": days}


# -- pilot ------------------------------------------------------------------------------------------


def _pilot_bench(user: Any, today: dt.date) -> list[Section]:
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

    overdue, soon = _milestone_sections(user, today)
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


def _milestone_sections(user: Any, today: dt.date) -> tuple[Section, Section]:
    department = scoping.can(user, Capability.UPDATE_PROGRESS)
    link = reverse("plans:my_tasks") if department else reverse("plans:home")
    overdue = Section(
        "overdue",
        _("逾期未完成的节点"),
        link=link,
        link_label=_("我的任务") if department else _("工作方案"),
        empty=_("没有逾期的节点。"),
    )
    soon = Section(
        "due_soon",
        _("%(days)d 天内到期的节点") % {"days": DUE_SOON_DAYS},
        link=link,
        link_label=overdue.link_label,
        empty=_("%(days)d 天内没有到期的节点。") % {"days": DUE_SOON_DAYS},
    )
    for m in plan_selectors.milestones_due(user=user, today=today, within_days=DUE_SOON_DAYS):
        note, tone = due_note(m.planned_finish, today) if m.planned_finish else ("", INFO)
        item = Item(
            f"{m.task.title} · {m.name}",
            reverse("plans:milestone", kwargs={"milestone_id": m.pk}),
            note="%s · %s" % (note, m.task.lead_department.name) if m.task.lead_department_id else note,  # noqa: UP031
            tone=tone,
            testid=f"milestone-{m.pk}",
        )
        (overdue if tone == LATE else soon).items.append(item)
    return overdue, soon


# -- province ---------------------------------------------------------------------------------------


def _province_bench(user: Any, today: dt.date) -> list[Section]:
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
    sections.extend(_contact_round_sections(user, today))
    return sections


def _contact_round_sections(user: Any, today: dt.date) -> list[Section]:
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


# -- nation -----------------------------------------------------------------------------------------


def _national_bench(user: Any, today: dt.date) -> list[Section]:
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
    sections.extend(_missing_contact_sections(user, today))
    return sections


def _missing_contact_sections(user: Any, today: dt.date) -> list[Section]:
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


# -- ministry ---------------------------------------------------------------------------------------


def _ministry_bench(user: Any, today: dt.date) -> list[Section]:
    unread = Section(
        "unread",
        _("未读的抄送"),
        link=reverse("reporting:home") + "#copies",
        link_label=_("抄送"),
        empty=_("抄送的省级报告都已阅读。新的抄送会出现在这里。"),
    )
    for copy in report_selectors.unread_copies(user=user):
        report = copy.version.report
        unread.items.append(
            Item(
                f"{report.province.name} · {report.round}",
                reverse("reporting:copy", kwargs={"copy_id": copy.pk}),
                note=waiting_note(copy.version.submitted_at.date(), today),
                tone=WAITING,
                testid=f"copy-{copy.pk}",
            )
        )
    tags = Section(
        "tags",
        _("涉及本部门的困难与建议"),
        link=reverse("reporting:home") + "#copies",
        link_label=_("抄送"),
        empty=_("省级报告中还没有标注本部门的困难或建议。"),
    )
    for tag in report_selectors.ministry_tags(user=user):
        report = tag.copy.version.report
        tags.items.append(
            Item(
                tag.text,
                reverse("reporting:copy", kwargs={"copy_id": tag.copy.pk}),
                note=f"{report.province.name} · {report.round}",
                testid=f"tag-{tag.copy.pk}",
            )
        )
    return [unread, tags]


# -- evaluation -------------------------------------------------------------------------------------


def _expert_bench(user: Any, today: dt.date) -> list[Section]:
    section = Section(
        "assignments",
        _("分配给我的评分任务"),
        link=reverse("evaluation:home"),
        link_label=_("年度评估"),
        empty=_("评估任务分配给您之后，这里会列出需要您评分的试点和评分截止日期。目前没有评估任务。"),
    )
    for a in evaluation_selectors.assignments_of(user=user):
        if a.scored_at is not None:
            continue
        note, tone = due_note(a.closes_on, today)
        section.items.append(
            Item(
                _("%(year)d年度评估：%(province)s · %(pilot)s")
                % {"year": a.year, "province": a.pilot.province.name, "pilot": a.pilot.name},
                reverse("evaluation:score", kwargs={"assignment_id": a.pk}),
                note=note,
                tone=tone,
                testid=f"assignment-{a.pk}",
            )
        )
    return [section]


def _national_evaluation(user: Any, today: dt.date) -> list[Section]:
    if not scoping.can(user, Capability.MANAGE_EVALUATION):
        return []
    drafts = Section(
        "evaluation_drafts",
        _("待发布的评估结果"),
        link=reverse("evaluation:home"),
        link_label=_("年度评估"),
        empty=_("没有待发布的评估计算。"),
    )
    for run in evaluation_selectors.draft_runs(user=user):
        drafts.items.append(
            Item(
                str(run),
                reverse("evaluation:run", kwargs={"run_id": run.pk}),
                note=_("异议截止 %(date)s") % {"date": formatting.date(run.objections_until)}
                if run.objections_until
                else "",
                tone=WAITING,
                testid=f"draft-run-{run.pk}",
            )
        )
    objections = Section(
        "objections",
        _("待答复的评估异议"),
        link=reverse("evaluation:home"),
        link_label=_("年度评估"),
        empty=_("没有待答复的异议。"),
    )
    for o in evaluation_selectors.unanswered_objections(user=user):
        objections.items.append(
            Item(
                f"{o.province.name} · {o.result.pilot.name} · {o.result.run}",
                reverse("evaluation:run", kwargs={"run_id": o.result.run_id}) + "#objections",
                note=waiting_note(o.filed_on or o.filed_at.date(), today),
                tone=WAITING,
                comment=o.reasons,
                testid=f"objection-{o.pk}",
            )
        )
    warnings, eliminations = evaluation_selectors.pending_decisions(user=user)
    decisions = Section(
        "evaluation_decisions",
        _("待决定的警示与退出"),
        link=reverse("evaluation:decisions"),
        link_label=_("警示与退出"),
        empty=_("没有待决定的警示或退出建议。"),
    )
    for proposal in [*warnings, *eliminations]:
        decisions.items.append(
            Item(
                f"{proposal} · {proposal.pilot.province.name}",
                reverse("evaluation:decisions"),
                note=proposal.reason,
                tone=SOON,
                testid=f"decision-{proposal._meta.model_name}-{proposal.pk}",
            )
        )
    return [drafts, objections, decisions]


def _province_evaluation(user: Any, today: dt.date) -> list[Section]:
    section = Section(
        "evaluation_results",
        _("本省试点的评估结果（草稿，可提出异议）"),
        link=reverse("evaluation:home"),
        link_label=_("年度评估"),
        empty=_("没有待确认的评估结果。国家发展改革委计算后，本省试点的草稿结果会在这里出现。"),
    )
    for result in evaluation_selectors.province_draft_results(user=user):
        run = result.run
        note, tone = due_note(run.objections_until, today) if run.objections_until else ("", INFO)
        section.items.append(
            Item(
                _("%(pilot)s：%(score)s 分 · %(grade)s · 全国第 %(rank)d")
                % {
                    "pilot": result.pilot.name,
                    "score": formatting.number(result.score, decimals=2),
                    "grade": result.get_grade_display(),
                    "rank": result.rank_overall,
                },
                reverse("evaluation:result", kwargs={"result_id": result.pk}),
                note=_("异议期：%(note)s") % {"note": note} if note else "",
                tone=tone,
                testid=f"draft-result-{result.pk}",
            )
        )
    return [section]


# -- typical experiences ---------------------------------------------------------------------------


def _experience_sections(user: Any, today: dt.date) -> list[Section]:
    """Experiences waiting for this user: returned to the pilot, to recommend (province), to select or publish."""
    link, label = reverse("experiences:home"), _("典型经验")
    reach = scoping.scope_for(user).reach
    sections: list[Section] = []

    def item(experience: Any, since: dt.date | None, tone: str, prefix: str) -> Item:
        return Item(
            f"{experience.pilot.name}《{experience.title}》",
            reverse("experiences:detail", kwargs={"experience_id": experience.pk}),
            note=waiting_note(since, today) if since else "",
            tone=tone,
            comment=experience.review_comment if tone == LATE else "",
            testid=f"{prefix}-{experience.pk}",
        )

    if reach is Reach.PILOT and scoping.can(user, Capability.PROPOSE_EXPERIENCES):
        returned = Section(
            "experiences_returned",
            _("退回修改的典型经验"),
            link=link,
            link_label=label,
            empty=_("没有退回修改的典型经验。"),
        )
        returned.items = [
            item(e, None, LATE, "experience-returned") for e in experience_selectors.returned_to_pilot(user=user)
        ]
        sections.append(returned)
    if reach is Reach.PROVINCE and scoping.can(user, Capability.RECOMMEND_EXPERIENCES):
        waiting = Section(
            "experiences_to_recommend",
            _("待推荐的典型经验"),
            link=link + "?status=submitted",
            link_label=label,
            empty=_("没有待推荐的典型经验。试点报送后会立即出现在这里。"),
        )
        waiting.items = [
            item(e, e.submitted_on, WAITING, "experience-recommend")
            for e in experience_selectors.awaiting_recommendation(user=user)
        ]
        sections.append(waiting)
    if scoping.can(user, Capability.SELECT_EXPERIENCES):
        to_select = Section(
            "experiences_to_select",
            _("待遴选的典型经验"),
            link=link + "?status=recommended",
            link_label=label,
            empty=_("没有待遴选的典型经验。各省推荐后会立即出现在这里。"),
        )
        to_select.items = [
            item(e, e.recommended_on, WAITING, "experience-select")
            for e in experience_selectors.awaiting_selection(user=user)
        ]
        to_publish = Section(
            "experiences_to_publish",
            _("已入选待发布的典型经验"),
            link=link + "?status=selected",
            link_label=label,
            empty=_("没有待发布的典型经验。"),
        )
        to_publish.items = [
            item(e, e.selected_on, SOON, "experience-publish")
            for e in experience_selectors.awaiting_publication(user=user)
        ]
        sections += [to_select, to_publish]
    return sections


# -- the one entry point ----------------------------------------------------------------------------


ADMIN_INTRO: dict[str, tuple[str, list[tuple[str, str]]]] = {
    Role.AUDITOR: (
        _("您负责查阅和检索审计日志。检索本身也会被记录。"),
        [("core:audit_log", _("审计日志"))],
    ),
    Role.SECURITY_ADMIN: (
        _("您负责账号、组织和安全策略，可解锁被锁定的账号。"),
        [("admin:index", _("系统管理"))],
    ),
    Role.SYSTEM_ADMIN: (
        _("您负责维护参考数据（省份、区划、批次）和地图边界。"),
        [("admin:index", _("系统管理")), ("regions:map_upload", _("地图边界与审图号"))],
    ),
}


def workbench_for(*, user: Any) -> Workbench:
    """The workbench of ``user``: its sections in the order its work is usually done."""
    today = clock.today()
    scope = scoping.scope_for(user)
    role = getattr(user, "role", "")
    if role in ADMIN_INTRO:
        intro, links = ADMIN_INTRO[role]
        return Workbench(
            today,
            [],
            intro=_("按照三员分立要求，系统管理员、安全管理员和安全审计员不能查看或修改业务数据。") + str(intro),
            links=[(reverse(name), str(label)) for name, label in links],
            empty=_("您的待办事项会在这里出现；目前没有需要处理的事项。"),
        )
    if role == Role.EXPERT:
        sections = _expert_bench(user, today)
        return Workbench(today, sections if sections[0].items else [], empty=sections[0].empty)
    if role == Role.MINISTRY_REVIEWER:
        return Workbench(today, _ministry_bench(user, today))
    if role == Role.DEPARTMENT_USER:
        overdue, soon = _milestone_sections(user, today)
        return Workbench(today, [overdue, soon])
    if scope.reach is Reach.PILOT:
        return Workbench(today, _pilot_bench(user, today) + _experience_sections(user, today))
    if scope.reach is Reach.PROVINCE:
        return Workbench(
            today, _province_bench(user, today) + _province_evaluation(user, today) + _experience_sections(user, today)
        )
    if scope.reach is Reach.NATION:
        return Workbench(
            today, _national_bench(user, today) + _national_evaluation(user, today) + _experience_sections(user, today)
        )
    return Workbench(today, [], empty=_("目前没有需要您处理的事项。"))
