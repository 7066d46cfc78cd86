"""Read reports for a user: lists, inboxes, the completeness and timeliness matrix.

One module per domain object; callers import the package (``from shidian.reporting import selectors``)
and use the names re-exported here.
"""

from shidian.reporting.selectors.access import REPORTING_STATUSES
from shidian.reporting.selectors.completeness import (
    CELL_LABELS,
    Cell,
    CellState,
    Matrix,
    MatrixRow,
    ProvinceRoundRow,
    Rate,
    RoundRow,
    completeness_matrix,
    matrix_pilots,
    province_timeliness,
    reporting_on,
    round_completeness_by_province,
    round_rows,
    scanned_round_completeness_by_province,
)
from shidian.reporting.selectors.copies import (
    MinistryTag,
    copies_sent,
    get_copy_for,
    ministry_inbox,
    ministry_tags,
    tags_for_ministry,
    unread_copies,
)
from shidian.reporting.selectors.pilot_reports import (
    filter_pilot_reports,
    get_attachment_for,
    get_pilot_report_for,
    get_version_for,
    pilot_reports_waiting,
    pilot_rounds,
    reports_awaiting_review,
    returned_pilot_reports,
    user_pilot,
    versions_of,
    visible_pilot_reports,
)
from shidian.reporting.selectors.province_reports import (
    filter_province_reports,
    get_province_report_for,
    national_inbox,
    province_reports_waiting,
    province_versions_of,
    returned_province_reports,
    visible_province_reports,
)
from shidian.reporting.selectors.reporting_rounds import current_round, get_round, rounds
from shidian.reporting.selectors.waiting import Waiting
from shidian.reporting.selectors.year_facts import ReportFact, report_facts_for_year

__all__ = [
    "CELL_LABELS",
    "REPORTING_STATUSES",
    "Cell",
    "CellState",
    "Matrix",
    "MatrixRow",
    "MinistryTag",
    "ProvinceRoundRow",
    "Rate",
    "ReportFact",
    "RoundRow",
    "Waiting",
    "completeness_matrix",
    "copies_sent",
    "current_round",
    "filter_pilot_reports",
    "filter_province_reports",
    "get_attachment_for",
    "get_copy_for",
    "get_pilot_report_for",
    "get_province_report_for",
    "get_round",
    "get_version_for",
    "matrix_pilots",
    "ministry_inbox",
    "ministry_tags",
    "national_inbox",
    "pilot_reports_waiting",
    "pilot_rounds",
    "province_reports_waiting",
    "province_timeliness",
    "province_versions_of",
    "report_facts_for_year",
    "reporting_on",
    "reports_awaiting_review",
    "returned_pilot_reports",
    "returned_province_reports",
    "round_completeness_by_province",
    "round_rows",
    "rounds",
    "scanned_round_completeness_by_province",
    "tags_for_ministry",
    "unread_copies",
    "user_pilot",
    "versions_of",
    "visible_pilot_reports",
    "visible_province_reports",
]
