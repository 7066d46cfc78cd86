"""Plan pages: timeline, editing, review, diff, my tasks, province and national views, Excel/Word. Thin.

One module per domain object; callers import the package (``from shidian.plans import views``) and
use the names re-exported here.
"""

from shidian.plans.views._common import DOCX, XLSX
from shidian.plans.views.leading_groups import annual_plan, delete_annual_goal, end_member, leading_group
from shidian.plans.views.milestones import (
    evidence,
    evidence_file,
    milestone,
    milestone_delete,
    milestone_dependencies,
    my_tasks,
)
from shidian.plans.views.plan_pages import (
    add_goal,
    add_milestone,
    add_task,
    delete_task,
    edit_task,
    home,
    new_version,
    plan,
    start_plan,
    version_texts,
)
from shidian.plans.views.progress import national, province
from shidian.plans.views.review import diff, reopen, review, review_confirm, submit, submit_confirm
from shidian.plans.views.workbooks import export_docx, export_pdf, export_xlsx, import_plan, template_xlsx

__all__ = [
    "DOCX",
    "XLSX",
    "add_goal",
    "add_milestone",
    "add_task",
    "annual_plan",
    "delete_annual_goal",
    "delete_task",
    "diff",
    "edit_task",
    "end_member",
    "evidence",
    "evidence_file",
    "export_docx",
    "export_pdf",
    "export_xlsx",
    "home",
    "import_plan",
    "leading_group",
    "milestone",
    "milestone_delete",
    "milestone_dependencies",
    "my_tasks",
    "national",
    "new_version",
    "plan",
    "province",
    "reopen",
    "review",
    "review_confirm",
    "start_plan",
    "submit",
    "submit_confirm",
    "template_xlsx",
    "version_texts",
]
