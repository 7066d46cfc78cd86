"""An uploaded workbook read and checked row by row into a preview; nothing is written."""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Model
from django.utils.translation import gettext as _

from shidian.accounts.models import Organisation
from shidian.core import text as core_text
from shidian.core import uploads
from shidian.core.errors import DomainError, ImportRejected, RowError
from shidian.pilots.models import PilotArea
from shidian.plans import scheduling, services
from shidian.plans.models import FocusArea, Goal, Milestone, PlanVersion, Task
from shidian.plans.workbook.columns import (
    GOAL_SHEET,
    MILESTONE_COLUMNS,
    MILESTONE_SHEET,
    TASK_COLUMNS,
    TASK_SHEET,
    _split,
)


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
