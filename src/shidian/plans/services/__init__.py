"""Change work plans: versions and their review, tasks, milestones, progress, annual plans, leading groups.

One module per domain object; callers import the package (``from shidian.plans import services``) and
use the names re-exported here, so moving a function between modules never touches a caller.
"""

from shidian.plans.services.annual_plans import add_annual_goal, delete_annual_goal, generate_annual_plan
from shidian.plans.services.evidence import attach_evidence, sniff_evidence
from shidian.plans.services.goals import add_goal, delete_goal
from shidian.plans.services.leading_groups import appoint_member, end_membership
from shidian.plans.services.milestones import (
    add_milestone,
    delete_milestone,
    set_dependencies,
    update_milestone_progress,
)
from shidian.plans.services.reminders import create_reminders, mark_reminder_read
from shidian.plans.services.rules import (
    MAX_WEIGHT,
    MILESTONE_FIELDS,
    PROGRESS_FIELDS,
    TASK_FIELDS,
    allowed_goal_years,
    check_department,
    check_duration,
    check_goal_year,
    check_in_window,
    pilot_departments,
    plan_window,
    stage_year,
)
from shidian.plans.services.tasks import add_task, delete_task, reschedule_task, update_task
from shidian.plans.services.versions import (
    approve_plan,
    ensure_work_plan,
    reopen_plan,
    return_plan,
    start_new_version,
    submit_plan,
    update_plan_texts,
)

__all__ = [
    "MAX_WEIGHT",
    "MILESTONE_FIELDS",
    "PROGRESS_FIELDS",
    "TASK_FIELDS",
    "add_annual_goal",
    "add_goal",
    "add_milestone",
    "add_task",
    "allowed_goal_years",
    "appoint_member",
    "approve_plan",
    "attach_evidence",
    "check_department",
    "check_duration",
    "check_goal_year",
    "check_in_window",
    "create_reminders",
    "delete_annual_goal",
    "delete_goal",
    "delete_milestone",
    "delete_task",
    "end_membership",
    "ensure_work_plan",
    "generate_annual_plan",
    "mark_reminder_read",
    "pilot_departments",
    "plan_window",
    "reopen_plan",
    "reschedule_task",
    "return_plan",
    "set_dependencies",
    "sniff_evidence",
    "stage_year",
    "start_new_version",
    "submit_plan",
    "update_milestone_progress",
    "update_plan_texts",
    "update_task",
]
