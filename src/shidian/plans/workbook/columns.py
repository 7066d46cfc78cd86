"""The work-plan workbook's sheets and columns, and the small helpers every sheet uses."""

from __future__ import annotations

import io
from typing import Any

from shidian.core.documents import xlsx as sheets_xlsx

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


def _append(sheet: Any, values: list[Any]) -> None:
    """Append a row; text that looks like a formula stays text (see core.documents.xlsx)."""
    sheets_xlsx.append_rows(sheet, (), [values])


def _save(wb: Any) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
