"""Reporting pages. Thin: parse, call one service or selector, render.

One module per domain object; callers import the package (``from shidian.reporting import views``) and
use the names re-exported here.
"""

from shidian.reporting.views._common import DOCX_TYPE, XLSX_TYPE
from shidian.reporting.views.overview import copy_detail, home, inbox_xlsx, matrix, round_dues
from shidian.reporting.views.pilot_reports import (
    open_pilot_report,
    report_accept,
    report_autosave,
    report_compare,
    report_detail,
    report_return,
    report_review_confirm,
    report_submit,
    report_submit_confirm,
    version_download,
)
from shidian.reporting.views.province_reports import (
    open_province_report,
    province_report_detail,
    province_report_review,
    province_report_save,
    province_report_submit,
    province_version_download,
)
from shidian.reporting.views.report_files import attachment_download, report_attachments, report_tags

__all__ = [
    "DOCX_TYPE",
    "XLSX_TYPE",
    "attachment_download",
    "copy_detail",
    "home",
    "inbox_xlsx",
    "matrix",
    "open_pilot_report",
    "open_province_report",
    "province_report_detail",
    "province_report_review",
    "province_report_save",
    "province_report_submit",
    "province_version_download",
    "report_accept",
    "report_attachments",
    "report_autosave",
    "report_compare",
    "report_detail",
    "report_return",
    "report_review_confirm",
    "report_submit",
    "report_submit_confirm",
    "report_tags",
    "round_dues",
    "version_download",
]
