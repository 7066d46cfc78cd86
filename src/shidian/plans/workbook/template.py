"""The blank template a pilot fills in: its sheets, headers and drop-down choices."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from shidian.accounts.models import Organisation
from shidian.pilots.models import PilotArea
from shidian.plans import services
from shidian.plans.models import FocusArea
from shidian.plans.workbook.columns import (
    CHOICES_SHEET,
    GOAL_COLUMNS,
    GOAL_SHEET,
    MAX_ROWS,
    MILESTONE_COLUMNS,
    MILESTONE_SHEET,
    TASK_COLUMNS,
    TASK_SHEET,
    _append,
    _save,
)


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


def template_xlsx(*, pilot: PilotArea) -> bytes:
    """An empty work-plan template with drop-down lists of focus areas and the pilot's departments."""
    wb, _sheets = _workbook_with_choices(pilot, services.pilot_departments(pilot))
    return _save(wb)
