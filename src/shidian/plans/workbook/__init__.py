"""Excel round trip of a work plan (template, import with preview, export) and the DOCX export.

One module per domain object or step; callers import the package (``from shidian.plans import workbook``)
and use the names re-exported here.
"""

from shidian.plans.workbook.applying import (
    apply_import,
    confirm_pending_import,
    keep_pending_import,
    pending_import_for,
    preview_upload,
)
from shidian.plans.workbook.columns import (
    CHOICES_SHEET,
    GOAL_COLUMNS,
    GOAL_SHEET,
    MAX_ROWS,
    MILESTONE_COLUMNS,
    MILESTONE_SHEET,
    PROGRESS_COLUMNS,
    SEPARATORS,
    TASK_COLUMNS,
    TASK_SHEET,
)
from shidian.plans.workbook.export import export_docx, export_pdf, export_xlsx, plan_date, progress_list_xlsx
from shidian.plans.workbook.reading import ImportedMilestone, ImportedTask, ImportPreview, Sheets, preview_import
from shidian.plans.workbook.template import template_xlsx

__all__ = [
    "CHOICES_SHEET",
    "GOAL_COLUMNS",
    "GOAL_SHEET",
    "MAX_ROWS",
    "MILESTONE_COLUMNS",
    "MILESTONE_SHEET",
    "PROGRESS_COLUMNS",
    "SEPARATORS",
    "TASK_COLUMNS",
    "TASK_SHEET",
    "ImportPreview",
    "ImportedMilestone",
    "ImportedTask",
    "Sheets",
    "apply_import",
    "confirm_pending_import",
    "export_docx",
    "export_pdf",
    "export_xlsx",
    "keep_pending_import",
    "pending_import_for",
    "plan_date",
    "preview_import",
    "preview_upload",
    "progress_list_xlsx",
    "template_xlsx",
]
