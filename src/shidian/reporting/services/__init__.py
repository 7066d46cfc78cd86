"""Change reports: rounds, drafts (with conflict detection), submissions, reviews, province reports, copies.

One module per domain object; callers import the package (``from shidian.reporting import services``)
and use the names re-exported here.
"""

from shidian.reporting.services.attachments import add_attachment, remove_attachment
from shidian.reporting.services.copies import read_copy
from shidian.reporting.services.pilot_reports import (
    PILOT_REPORTS,
    accept_pilot_report,
    open_pilot_report,
    return_pilot_report,
    save_pilot_draft,
    submit_pilot_report,
)
from shidian.reporting.services.province_reports import (
    PROVINCE_FIELDS,
    PROVINCE_REPORTS,
    acknowledge_province_report,
    assemble_province_content,
    open_province_report,
    reassemble_province_report,
    return_province_report,
    save_province_draft,
    submit_province_report,
)
from shidian.reporting.services.reminders import reminder_days, send_reminders
from shidian.reporting.services.rounds import (
    FIRST_ROUND,
    OPEN_DAYS_BEFORE_DUE,
    OPENER,
    change_round_dues,
    open_due_rounds,
    open_round,
    round_opens_on,
    rounds_due_to_open,
)
from shidian.reporting.services.tags import add_tag, remove_tag
from shidian.reporting.services.workflow import RETURNED, SUBMITTED, EditConflict, ReportWorkflow

__all__ = [
    "FIRST_ROUND",
    "OPENER",
    "OPEN_DAYS_BEFORE_DUE",
    "PILOT_REPORTS",
    "PROVINCE_FIELDS",
    "PROVINCE_REPORTS",
    "RETURNED",
    "SUBMITTED",
    "EditConflict",
    "ReportWorkflow",
    "accept_pilot_report",
    "acknowledge_province_report",
    "add_attachment",
    "add_tag",
    "assemble_province_content",
    "change_round_dues",
    "open_due_rounds",
    "open_pilot_report",
    "open_province_report",
    "open_round",
    "read_copy",
    "reassemble_province_report",
    "reminder_days",
    "remove_attachment",
    "remove_tag",
    "return_pilot_report",
    "return_province_report",
    "round_opens_on",
    "rounds_due_to_open",
    "save_pilot_draft",
    "save_province_draft",
    "send_reminders",
    "submit_pilot_report",
    "submit_province_report",
]
