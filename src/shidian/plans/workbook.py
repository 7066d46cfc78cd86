"""Excel round trip of a work plan (template, import with preview, export) and the DOCX export."""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shidian.accounts.models import Organisation, User
from shidian.core import audit, clock, formatting, uploads
from shidian.core import text as core_text
from shidian.core.documents import Heading, Kind, OfficialDocument, Paragraph, Table, render_docx, render_pdf
from shidian.core.documents import xlsx as sheets_xlsx
from shidian.core.errors import DomainError, ImportRejected, RowError
from shidian.pilots.models import PilotArea
from shidian.plans import scheduling, services
from shidian.plans.models import FocusArea, Goal, Milestone, PendingPlanImport, PlanStatus, PlanVersion, Task
from shidian.plans.selectors import PilotProgress

TASK_SHEET = "任务"
MILESTONE_SHEET = "节点"
GOAL_SHEET = "目标"
CHOICES_SHEET = "选项"
TASK_COLUMNS = [
    "任务编号",
    "任务",
    "重点领域",
    "牵头单位",
    "配合单位",
    "责任人",
    "联系方式",
    "完成期限",
    "权重",
    "按工作日排期",
]
MILESTONE_COLUMNS = ["任务编号", "节点编号", "节点", "工期（天）", "前置节点编号", "成果形式", "要求完成时间"]
GOAL_COLUMNS = ["目标", "目标年份"]
PROGRESS_COLUMNS = ["计划开始", "计划完成", "机动时间（天）", "完成进度（%）", "状态"]
MAX_ROWS = 500
SEPARATORS = ("、", ",", "，", ";", "；")


def _split(value: str) -> list[str]:
    for sep in SEPARATORS[1:]:
        value = value.replace(sep, SEPARATORS[0])
    return [v.strip() for v in value.split(SEPARATORS[0]) if v.strip()]


# ---- template and export ---------------------------------------------------------------------------


def _append(sheet: Any, values: list[Any]) -> None:
    """Append a row; text that looks like a formula stays text (see core.documents.xlsx)."""
    sheets_xlsx.append_rows(sheet, (), [values])


def _workbook_with_choices(pilot: PilotArea, departments: list[Organisation]) -> Any:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    notes = wb.worksheets[0]
    notes.title = "说明"
    for line in [
        _("工作方案导入模板：在“任务”“节点”“目标”三张表中填写，每行一项。"),
        _("任务编号在本文件内唯一；节点通过任务编号归属任务，前置节点填同一任务的节点编号，多个用“、”分隔。"),
        _("节点的计划开始和完成时间由系统从任务期限倒排计算，不必填写；“要求完成时间”可选，不得晚于任务期限。"),
        _("日期格式：YYYY-MM-DD。导入前会逐行检查，全部无误才会写入，并替换当前草稿中的目标和任务。"),
    ]:
        _append(notes, [line])
    choices = wb.create_sheet(CHOICES_SHEET)
    focus_areas = list(FocusArea.objects.filter(is_active=True).values_list("name", flat=True))
    _append(choices, [_("重点领域"), _("部门"), _("是否")])
    for i in range(max(len(focus_areas), len(departments), 2)):
        _append(
            choices,
            [
                focus_areas[i] if i < len(focus_areas) else None,
                departments[i].name if i < len(departments) else None,
                ["是", "否"][i] if i < 2 else None,
            ],
        )
    choices.sheet_state = "hidden"
    bold = Font(bold=True)
    sheets = {}
    for title, columns in (
        (TASK_SHEET, TASK_COLUMNS),
        (MILESTONE_SHEET, MILESTONE_COLUMNS),
        (GOAL_SHEET, GOAL_COLUMNS),
    ):
        sheet = wb.create_sheet(title)
        _append(sheet, columns)
        for cell in sheet[1]:
            cell.font = bold
        for i, _name in enumerate(columns):
            sheet.column_dimensions[chr(ord("A") + i)].width = 18
        sheet.freeze_panes = "A2"
        sheets[title] = sheet
    tasks = sheets[TASK_SHEET]
    lists = [
        ("C", f"{CHOICES_SHEET}!$A$2:$A${len(focus_areas) + 1}", _("请从列表中选择重点领域。")),
        ("D", f"{CHOICES_SHEET}!$B$2:$B${max(len(departments), 1) + 1}", _("请从列表中选择本试点的部门。")),
        ("J", f"{CHOICES_SHEET}!$C$2:$C$3", _("填“是”或“否”。")),
    ]
    for column, source, message in lists:
        validation = DataValidation(type="list", formula1=f"={source}", allow_blank=True, showErrorMessage=True)
        validation.error = message
        validation.errorTitle = _("输入有误")
        validation.add(f"{column}2:{column}{MAX_ROWS + 1}")
        tasks.add_data_validation(validation)
    # The goal years this pilot may use, from the registry (stage-result year and programme end).
    years = ",".join(str(y) for y in services.allowed_goal_years(pilot))
    year_check = DataValidation(type="list", formula1=f'"{years}"', allow_blank=True)
    year_check.add(f"B2:B{MAX_ROWS + 1}")
    sheets[GOAL_SHEET].add_data_validation(year_check)
    return wb, sheets


def _save(wb: Any) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template_xlsx(*, pilot: PilotArea) -> bytes:
    """An empty work-plan template with drop-down lists of focus areas and the pilot's departments."""
    wb, _sheets = _workbook_with_choices(pilot, services.pilot_departments(pilot))
    return _save(wb)


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


# ---- import ------------------------------------------------------------------------------------------


@dataclass
class ImportedMilestone:
    row: int
    number: str
    name: str
    duration: int
    depends_on: list[str]
    deliverable: str
    due_by: dt.date | None


@dataclass
class ImportedTask:
    row: int
    number: str
    title: str
    focus_area: FocusArea
    lead_department: Organisation
    supporting: list[Organisation]
    responsible_name: str
    responsible_contact: str
    deadline: dt.date
    weight: int
    use_working_days: bool
    milestones: list[ImportedMilestone] = field(default_factory=list)


@dataclass
class ImportPreview:
    tasks: list[ImportedTask]
    goals: list[tuple[str, int]]

    @property
    def milestone_count(self) -> int:
        return sum(len(t.milestones) for t in self.tasks)


def _cell(value: object) -> object:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _read_sheets(content: bytes) -> dict[str, list[tuple[int, dict[str, object]]]]:
    from openpyxl import load_workbook

    uploads.check(content, allowed=uploads.WORKBOOKS, max_bytes=settings.PLAN_IMPORT_MAX_BYTES)
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise DomainError(_("文件损坏，无法作为 XLSX 读取。")) from exc
    result: dict[str, list[tuple[int, dict[str, object]]]] = {}
    try:
        for name in (TASK_SHEET, MILESTONE_SHEET, GOAL_SHEET):
            if name not in wb.sheetnames:
                continue
            raw = [[_cell(v) for v in row] for row in wb[name].iter_rows(values_only=True)]
            header = [str(h or "").strip() for h in (raw[0] if raw else [])]
            rows = []
            for number, values in enumerate(raw[1:], start=2):
                if not any(v not in (None, "") for v in values):
                    continue
                rows.append((number, {h: (values[i] if i < len(values) else None) for i, h in enumerate(header) if h}))
            result[name] = rows
    finally:
        wb.close()
    return result


class _Checker:
    def __init__(self) -> None:
        self.errors: list[RowError] = []

    def error(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.errors.append(RowError(sheet=sheet, row=row, column=column, message=message))

    def text(
        self,
        sheet: str,
        row: int,
        data: dict[str, object],
        column: str,
        *,
        required: bool = True,
        model_field: tuple[type[Model], str] | None = None,
    ) -> str:
        """The cell as clean text; longer than ``model_field`` allows is an error (nothing is cut)."""
        value = data.get(column)
        text = "" if value is None else core_text.clean(str(value)).strip()
        if required and not text:
            self.error(sheet, row, column, _("必填。"))
        if model_field is not None:
            limit = getattr(model_field[0]._meta.get_field(model_field[1]), "max_length", None)
            if limit is not None and len(text) > limit:
                message = _("最多 %(limit)d 个字符，现有 %(length)d 个。") % {"limit": limit, "length": len(text)}
                self.error(sheet, row, column, message)
                return ""
        return text

    def integer(
        self,
        sheet: str,
        row: int,
        data: dict[str, object],
        column: str,
        *,
        minimum: int = 1,
        maximum: int | None = None,
    ) -> int | None:
        text = self.text(sheet, row, data, column)
        if not text:
            return None
        try:
            number = int(text)
        except ValueError:
            self.error(sheet, row, column, _("应为整数，实际为“%(value)s”。") % {"value": text})
            return None
        if number < minimum:
            self.error(sheet, row, column, _("不能小于 %(min)d。") % {"min": minimum})
            return None
        if maximum is not None and number > maximum:
            self.error(sheet, row, column, _("不能大于 %(max)d。") % {"max": maximum})
            return None
        return number

    def date(
        self, sheet: str, row: int, data: dict[str, object], column: str, *, required: bool = True
    ) -> dt.date | None:
        value = data.get(column)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = "" if value is None else str(value).strip()
        if not text:
            if required:
                self.error(sheet, row, column, _("必填。"))
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.error(sheet, row, column, _("日期格式应为 YYYY-MM-DD，实际为“%(value)s”。") % {"value": text})
            return None


Sheets = dict[str, list[tuple[int, dict[str, object]]]]


def preview_import(*, version: PlanVersion, content: bytes) -> ImportPreview:
    """Check every row of an uploaded plan; raise ImportRejected listing all errors, or return what it holds."""
    sheets = _read_sheets(content)
    check = _Checker()
    _check_columns(sheets, check)
    if check.errors:
        raise ImportRejected(check.errors)
    tasks = _read_tasks(sheets[TASK_SHEET], check, version)
    _read_milestones(sheets[MILESTONE_SHEET], check, version, tasks)
    _check_schedules(check, version, tasks)
    goals = _read_goals(sheets.get(GOAL_SHEET, []), check, version.plan.pilot)
    if check.errors:
        raise ImportRejected(check.errors)
    return ImportPreview(tasks=[t for t in tasks.values() if t is not None], goals=goals)


def _check_columns(sheets: Sheets, check: _Checker) -> None:
    """Step 1: the task and milestone sheets exist and carry their required columns."""
    for name, columns in ((TASK_SHEET, TASK_COLUMNS), (MILESTONE_SHEET, MILESTONE_COLUMNS[:4])):
        if name not in sheets:
            check.error(name, None, None, _("缺少工作表。"))
            continue
        header = set(sheets[name][0][1]) if sheets[name] else set(columns)
        for column in columns:
            if sheets[name] and column not in header:
                check.error(name, 1, column, _("缺少必需的列。"))


def _read_tasks(
    rows: list[tuple[int, dict[str, object]]], check: _Checker, version: PlanVersion
) -> dict[str, ImportedTask | None]:
    """Step 2: the task rows, by number (None for a known number whose row has errors)."""
    focus_areas = {f.name: f for f in FocusArea.objects.filter(is_active=True)}
    departments = {d.name: d for d in services.pilot_departments(version.plan.pilot)}
    tasks: dict[str, ImportedTask | None] = {}
    s = TASK_SHEET
    for row, data in rows:
        number = check.text(s, row, data, "任务编号")
        title = check.text(s, row, data, "任务", model_field=(Task, "title"))
        focus_name = check.text(s, row, data, "重点领域")
        focus = focus_areas.get(focus_name)
        if focus_name and focus is None:
            check.error(s, row, "重点领域", _("“%(value)s”不是可选的重点领域。") % {"value": focus_name})
        lead_name = check.text(s, row, data, "牵头单位")
        lead = departments.get(lead_name)
        if lead_name and lead is None:
            check.error(s, row, "牵头单位", _("“%(value)s”不是本试点的政府部门。") % {"value": lead_name})
        supporting = []
        for name in _split(check.text(s, row, data, "配合单位", required=False)):
            if name in departments:
                supporting.append(departments[name])
            else:
                check.error(s, row, "配合单位", _("“%(value)s”不是本试点的政府部门。") % {"value": name})
        person = check.text(s, row, data, "责任人", model_field=(Task, "responsible_name"))
        contact = check.text(s, row, data, "联系方式", required=False, model_field=(Task, "responsible_contact"))
        deadline = _checked(
            check,
            s,
            row,
            "完成期限",
            check.date(s, row, data, "完成期限"),
            lambda day: services.check_in_window(version.plan, day, label=str(_("任务期限"))),
        )
        weight_text = check.text(s, row, data, "权重", required=False)
        weight = check.integer(s, row, data, "权重", maximum=services.MAX_WEIGHT) if weight_text else 1
        working = check.text(s, row, data, "按工作日排期", required=False) in ("是", "Y", "y", "1")
        if number and number in tasks:
            check.error(s, row, "任务编号", _("任务编号“%(value)s”重复。") % {"value": number})
            continue
        if number and title and focus and lead and person and deadline and weight:
            tasks[number] = ImportedTask(
                row, number, title, focus, lead, supporting, person, contact, deadline, weight, working
            )
        elif number:
            tasks[number] = None  # a known number whose row already has errors
    return tasks


def _checked[T](
    check: _Checker, sheet: str, row: int, column: str, value: T | None, rule: Callable[[T], None]
) -> T | None:
    """``value`` if the domain ``rule`` accepts it; otherwise the rule's message on the cell, and None."""
    if value is None:
        return None
    try:
        rule(value)
    except DomainError as exc:
        check.error(sheet, row, column, exc.message)
        return None
    return value


def _read_milestones(
    rows: list[tuple[int, dict[str, object]]],
    check: _Checker,
    version: PlanVersion,
    tasks: dict[str, ImportedTask | None],
) -> None:
    """Step 3: the milestone rows, each added to its task."""
    s = MILESTONE_SHEET
    for row, data in rows:
        task_number = check.text(s, row, data, "任务编号")
        number = check.text(s, row, data, "节点编号")
        name = check.text(s, row, data, "节点", model_field=(Milestone, "name"))
        duration = _checked(
            check,
            s,
            row,
            "工期（天）",
            check.integer(s, row, data, "工期（天）"),
            functools.partial(services.check_duration, version.plan, name=name),
        )
        deps = _split(check.text(s, row, data, "前置节点编号", required=False))
        deliverable = check.text(s, row, data, "成果形式", required=False, model_field=(Milestone, "deliverable"))
        due_by = check.date(s, row, data, "要求完成时间", required=False)
        if task_number and task_number not in tasks:
            check.error(s, row, "任务编号", _("“任务”表中没有编号为“%(value)s”的任务。") % {"value": task_number})
            continue
        task = tasks.get(task_number)
        if task is None:
            continue
        if due_by is not None and due_by > task.deadline:
            check.error(
                s,
                row,
                "要求完成时间",
                _("%(date)s 晚于任务期限 %(deadline)s。")
                % {"date": due_by.isoformat(), "deadline": task.deadline.isoformat()},
            )
        if any(m.number == number for m in task.milestones):
            check.error(s, row, "节点编号", _("同一任务中节点编号“%(value)s”重复。") % {"value": number})
        elif number and name and duration:
            task.milestones.append(ImportedMilestone(row, number, name, duration, deps, deliverable, due_by))


def _check_schedules(check: _Checker, version: PlanVersion, tasks: dict[str, ImportedTask | None]) -> None:
    """Step 4: each task's milestones name known predecessors and fit before its deadline."""
    for task in tasks.values():
        if task is None:
            continue
        known = {m.number for m in task.milestones}
        bad = False
        for m in task.milestones:
            for dep in m.depends_on:
                if dep not in known:
                    check.error(
                        MILESTONE_SHEET,
                        m.row,
                        "前置节点编号",
                        _("同一任务中没有编号为“%(value)s”的节点。") % {"value": dep},
                    )
                    bad = True
        if bad or not task.milestones:
            continue
        steps = [scheduling.Step(m.number, m.name, m.duration, tuple(m.depends_on), m.due_by) for m in task.milestones]
        try:
            scheduling.schedule_backward(
                steps, deadline=task.deadline, not_before=version.plan.start_date, working_days=task.use_working_days
            )
        except DomainError as exc:
            check.error(TASK_SHEET, task.row, "完成期限", exc.message)


def _read_goals(rows: list[tuple[int, dict[str, object]]], check: _Checker, pilot: PilotArea) -> list[tuple[str, int]]:
    """Step 5: the goal rows (the goal sheet is optional)."""
    goals: list[tuple[str, int]] = []
    for row, data in rows:
        text = check.text(GOAL_SHEET, row, data, "目标", model_field=(Goal, "text"))
        year = check.integer(GOAL_SHEET, row, data, "目标年份", minimum=2000)
        year = _checked(check, GOAL_SHEET, row, "目标年份", year, lambda y: services.check_goal_year(pilot, y))
        if text and year:
            goals.append((text, year))
    return goals


def _audit_refused(*, version: PlanVersion, by: User, step: str, exc: ImportRejected | DomainError) -> None:
    """A refused file is audited after the refused work is rolled back (``audit.record_refusal``)."""
    errors = exc.errors if isinstance(exc, ImportRejected) else [exc.message]
    audit.record_refusal(
        action=audit.AuditAction.PLAN_IMPORT_REFUSED,
        actor=by,
        obj=version,
        detail={"step": step, "errors": len(errors), "first_error": str(errors[0]) if errors else ""},
    )


def preview_upload(*, version: PlanVersion, content: bytes, by: User) -> ImportPreview:
    """``preview_import`` of a user's upload; a refused file is audited."""
    try:
        return preview_import(version=version, content=content)
    except (ImportRejected, DomainError) as exc:
        _audit_refused(version=version, by=by, step="preview", exc=exc)
        raise


def apply_import(*, version: PlanVersion, content: bytes, by: User) -> ImportPreview:
    """Check the file again, then replace the draft's goals and tasks with it (all or nothing).

    Reading and checking the file happens before the transaction, so no write lock is held meanwhile.
    A refusal (the file's errors, or a step the services refuse) leaves the draft as it was and is audited.
    """
    try:
        preview = preview_import(version=version, content=content)
        with transaction.atomic():
            _replace_content(version=version, preview=preview, by=by)
    except (ImportRejected, DomainError) as exc:
        _audit_refused(version=version, by=by, step="apply", exc=exc)
        raise
    return preview


def _replace_content(*, version: PlanVersion, preview: ImportPreview, by: User) -> None:
    for goal in list(version.goals.all()):
        services.delete_goal(goal=goal, by=by)
    for task in list(version.tasks.all()):
        services.delete_task(task=task, by=by)
    for text, year in preview.goals:
        services.add_goal(version=version, text=text, target_year=year, by=by)
    for item in preview.tasks:
        task = services.add_task(
            version=version,
            title=item.title,
            focus_area=item.focus_area,
            lead_department=item.lead_department,
            supporting_departments=item.supporting,
            responsible_name=item.responsible_name,
            responsible_contact=item.responsible_contact,
            deadline=item.deadline,
            weight=item.weight,
            use_working_days=item.use_working_days,
            by=by,
        )
        created = {
            m.number: services.add_milestone(
                task=task, name=m.name, duration_days=m.duration, deliverable=m.deliverable, due_by=m.due_by, by=by
            )
            for m in item.milestones
        }
        for m in item.milestones:
            if m.depends_on:
                services.set_dependencies(
                    milestone=created[m.number], depends_on=[created[d] for d in m.depends_on], by=by
                )
    audit.record(
        action=audit.AuditAction.PLAN_VERSION_IMPORTED,
        actor=by,
        obj=version,
        detail={"tasks": len(preview.tasks), "milestones": preview.milestone_count, "goals": len(preview.goals)},
    )


@transaction.atomic
def keep_pending_import(*, version: PlanVersion, content: bytes, file_name: str, by: User) -> PendingPlanImport:
    """Keep a previewed file until it is confirmed or expires; earlier pending files of this user and draft go."""
    now = timezone.now()
    PendingPlanImport.objects.filter(version=version, uploaded_by=by, applied_at__isnull=True).delete()
    PendingPlanImport.objects.filter(expires_at__lt=now, applied_at__isnull=True).delete()
    return PendingPlanImport.objects.create(
        version=version,
        content=content,
        file_name=file_name[:200],
        uploaded_by=by,
        expires_at=now + dt.timedelta(minutes=settings.PLAN_IMPORT_PREVIEW_MINUTES),
    )


def pending_import_for(*, version: PlanVersion, import_id: object, by: User) -> PendingPlanImport | None:
    """The user's own unexpired, unapplied file for this draft; None when the preview is gone."""
    try:
        pk = int(str(import_id))
    except ValueError:
        return None
    return PendingPlanImport.objects.filter(
        pk=pk, version=version, uploaded_by=by, applied_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


@transaction.atomic
def confirm_pending_import(*, pending: PendingPlanImport, by: User) -> ImportPreview:
    """Apply a kept file (checked again) and drop its bytes."""
    locked = PendingPlanImport.objects.select_for_update().get(pk=pending.pk)
    if locked.applied_at is not None or locked.uploaded_by_id != by.pk:
        raise DomainError(_("预览已失效，请重新上传。"))
    preview = apply_import(version=locked.version, content=bytes(locked.content), by=by)
    locked.applied_at = timezone.now()
    locked.content = b""
    locked.save(update_fields=["applied_at", "content"])
    return preview
