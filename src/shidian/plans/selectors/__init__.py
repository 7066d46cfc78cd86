"""Read work plans for a user: the version in force, progress roll-ups, province and national views.

One module per domain object; callers import the package (``from shidian.plans import selectors``) and
use the names re-exported here.
"""

from shidian.plans.selectors.access import (
    get_annual_goal_for,
    get_department_for,
    get_member_for,
    get_milestone_for,
    get_pilot_for,
    get_task_for,
    get_version_for,
    visible_pilots,
)
from shidian.plans.selectors.annual_plans import annual_plans_of
from shidian.plans.selectors.diffs import Difference, diff_versions
from shidian.plans.selectors.leading_groups import leading_group_members
from shidian.plans.selectors.milestones import DueMilestone, milestones_due, milestones_due_in_year, my_milestones
from shidian.plans.selectors.plan_page import GanttBar, PlanPage, TaskView, plan_page
from shidian.plans.selectors.progress import (
    Breakdown,
    MilestoneRow,
    NationalView,
    PilotProgress,
    national_progress,
    pilot_progress_facts,
    province_progress,
    rollup,
    task_progress,
    weighted_progress,
)
from shidian.plans.selectors.reminders import get_reminder_for, milestones_needing_reminders, reminders_for
from shidian.plans.selectors.tasks import supported_tasks, tasks_of
from shidian.plans.selectors.versions import (
    PlanState,
    ReviewStep,
    attention_version_ids,
    current_version_ids,
    plan_state,
    plans_awaiting_review,
    review_history,
    versions_of,
)

__all__ = [
    "Breakdown",
    "Difference",
    "DueMilestone",
    "GanttBar",
    "MilestoneRow",
    "NationalView",
    "PilotProgress",
    "PlanPage",
    "PlanState",
    "ReviewStep",
    "TaskView",
    "annual_plans_of",
    "attention_version_ids",
    "current_version_ids",
    "diff_versions",
    "get_annual_goal_for",
    "get_department_for",
    "get_member_for",
    "get_milestone_for",
    "get_pilot_for",
    "get_reminder_for",
    "get_task_for",
    "get_version_for",
    "leading_group_members",
    "milestones_due",
    "milestones_due_in_year",
    "milestones_needing_reminders",
    "my_milestones",
    "national_progress",
    "pilot_progress_facts",
    "plan_page",
    "plan_state",
    "plans_awaiting_review",
    "province_progress",
    "reminders_for",
    "review_history",
    "rollup",
    "supported_tasks",
    "task_progress",
    "tasks_of",
    "versions_of",
    "visible_pilots",
    "weighted_progress",
]
