"""A plan version out of the platform: the filled workbook, the progress list, the DOCX and PDF documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shidian.core import clock, formatting
from shidian.core.documents import Heading, Kind, OfficialDocument, Paragraph, Table, render_docx, render_pdf
from shidian.core.documents import xlsx as sheets_xlsx
from shidian.plans import services
from shidian.plans.models import PlanStatus, PlanVersion, Task
from shidian.plans.selectors import PilotProgress
from shidian.plans.workbook.columns import (
    GOAL_SHEET,
    MILESTONE_COLUMNS,
    MILESTONE_SHEET,
    PROGRESS_COLUMNS,
    TASK_SHEET,
    _append,
    _save,
)
from shidian.plans.workbook.template import _workbook_with_choices


def _tasks_of(version: PlanVersion) -> list[Task]:
    return list(
        version.tasks.select_related("focus_area", "lead_department", "responsible_user").prefetch_related(
            "supporting_departments", "milestones__depends_on"
        )
    )


def progress_list_xlsx(rows: Sequence[PilotProgress]) -> bytes:
    """The plans list (province or nation) as filtered on the page, every row, with a version awaiting review."""
    with translation.override("zh-hans"):
        return sheets_xlsx.one_sheet(
            _("工作方案进展"),
            [
                sheets_xlsx.Column(_("省级单位"), 18),
                sheets_xlsx.Column(_("试点地区"), 24),
                sheets_xlsx.Column(_("批次"), 10),
                sheets_xlsx.Column(_("现行方案"), 18),
                sheets_xlsx.Column(_("待处理版本"), 18),
                sheets_xlsx.Column(_("任务（项）"), 10, sheets_xlsx.INTEGER_FORMAT),
                sheets_xlsx.Column(_("节点（个）"), 10, sheets_xlsx.INTEGER_FORMAT),
                sheets_xlsx.Column(_("已完成节点（个）"), 12, sheets_xlsx.INTEGER_FORMAT),
                sheets_xlsx.Column(_("逾期节点（个）"), 12, sheets_xlsx.INTEGER_FORMAT),
                sheets_xlsx.Column(_("进度（%）"), 10, "0.0"),
            ],
            (
                [
                    r.pilot.province.name,
                    r.pilot.name,
                    str(r.pilot.batch),
                    _version_label(r.version) if r.version else _("未编制"),
                    _version_label(r.pending) if r.pending else "",
                    r.tasks,
                    r.milestones,
                    r.done,
                    r.overdue,
                    r.progress,
                ]
                for r in rows
            ),
        )


def _version_label(version: PlanVersion) -> str:
    return _("第%(n)d版 · %(status)s") % {"n": version.number, "status": version.get_status_display()}


def export_xlsx(*, version: PlanVersion) -> bytes:
    """The plan in the template's layout (re-importable), with planned dates and progress added."""
    from openpyxl.styles import Font

    wb, sheets = _workbook_with_choices(version.plan.pilot, services.pilot_departments(version.plan.pilot))
    milestone_sheet = sheets[MILESTONE_SHEET]
    for i, name in enumerate(PROGRESS_COLUMNS, start=len(MILESTONE_COLUMNS) + 1):
        sheets_xlsx.write_cell(milestone_sheet, 1, i, name).font = Font(bold=True)
    for t_index, task in enumerate(_tasks_of(version), start=1):
        _append(
            sheets[TASK_SHEET],
            [
                t_index,
                task.title,
                task.focus_area.name,
                task.lead_department.name,
                "、".join(o.name for o in task.supporting_departments.all()),
                task.responsible,
                task.responsible_contact,
                task.deadline,
                task.weight,
                "是" if task.use_working_days else "否",
            ],
        )
        milestones = list(task.milestones.all())
        number = {m.pk: i for i, m in enumerate(milestones, start=1)}
        for m in milestones:
            _append(
                milestone_sheet,
                [
                    t_index,
                    number[m.pk],
                    m.name,
                    m.duration_days,
                    "、".join(str(number[d.pk]) for d in m.depends_on.all()),
                    m.deliverable,
                    m.due_by,
                    m.planned_start,
                    m.planned_finish,
                    m.slack_days,
                    m.progress_percent,
                    m.get_status_display(),
                ],
            )
    for goal in version.goals.all():
        _append(sheets[GOAL_SHEET], [goal.text, goal.target_year])
    for sheet in sheets.values():
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
    return _save(wb)


def export_docx(*, version: PlanVersion) -> bytes:
    """The plan as an attachment-style document (A4, page numbers): texts, goals and a table of tasks."""
    with translation.override("zh-hans"):
        return render_docx(_plan_document(version))


def export_pdf(*, version: PlanVersion) -> bytes:
    """The same document as PDF (laid out from the DOCX by LibreOffice)."""
    with translation.override("zh-hans"):
        return render_pdf(_plan_document(version))


def plan_date(version: PlanVersion) -> dt.date:
    """成文日期 of a plan: the business day it was approved, else submitted, else the day it is printed."""
    moment = version.decided_at if version.status == PlanStatus.APPROVED else version.submitted_at
    return timezone.localdate(moment) if moment is not None else clock.today()


def _plan_document(version: PlanVersion) -> OfficialDocument:
    pilot = version.plan.pilot
    document = OfficialDocument(
        title=_("%(pilot)s国家新型城镇化综合试点工作方案") % {"pilot": pilot.name},
        kind=Kind.ATTACHMENT,
        subtitle=_("（第%(number)d版 · %(status)s）")
        % {"number": version.number, "status": version.get_status_display()},
        date=plan_date(version),
        is_demo=getattr(pilot, "is_demo", False),
    )
    blocks = document.blocks
    for title, text in ((_("实施方案"), version.implementation_plan), (_("行动计划"), version.action_plan)):
        blocks.append(Heading(1, title))
        blocks.append(Paragraph(text or _("（未填写）")))
    blocks.append(Heading(1, _("目标")))
    for goal in version.goals.all():
        blocks.append(Paragraph(_("%(year)d年：%(text)s") % {"year": goal.target_year, "text": goal.text}))
    blocks.append(Heading(1, _("任务分解与时间节点")))
    rows: list[list[str]] = []
    for task in _tasks_of(version):
        rows.append(
            [
                task.title,
                task.focus_area_label,
                task.lead_department_label,
                task.responsible,
                formatting.date(task.deadline),
                "",
            ]
        )
        rows += [
            ["　" + m.name, "", "", "", formatting.date(m.planned_finish), formatting.percent(m.progress_percent, 0)]
            for m in task.milestones.all()
        ]
    headers = [_("任务/节点"), _("重点领域"), _("牵头单位"), _("责任人"), _("期限/计划完成"), _("进度")]
    blocks.append(Table(header=[str(h) for h in headers], rows=rows, widths=[3, 2, 2, 1.4, 3.4, 1.4]))
    return document
