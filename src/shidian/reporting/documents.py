"""Reports as official documents (公文), composed from their GB/T 9704-2012 elements by the core engine.

A pilot report goes up to its provincial commission; a province report is a 上行文 to 国家发展改革委 with the
ministries in 抄送. Documents are always composed in Chinese, whatever the reader's interface language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shidian.core import formatting
from shidian.core.documents import Heading, Kind, OfficialDocument, Paragraph, Table, render_docx, render_pdf
from shidian.core.documents import numbers as document_numbers
from shidian.core.documents import xlsx as sheets
from shidian.reporting import richtext
from shidian.reporting.facts import fact_lines

if TYPE_CHECKING:
    from shidian.reporting.models import PilotReportVersion, ProvinceReport, ProvinceReportVersion

__all__ = [
    "OfficialDocument",
    "matrix_xlsx",
    "pilot_report_document",
    "province_report_document",
    "render_docx",
    "render_pdf",
]

NATIONAL_COMMISSION = "国家发展改革委"


def _day(moment: Any) -> Any:
    if moment is None:
        return None
    return timezone.localtime(moment).date() if getattr(moment, "tzinfo", None) else moment


def facts_table(lines: list[str]) -> Table | None:
    """The automatically attached facts as one compact table: two 项目/情况 pairs a row."""
    pairs = []
    for line in lines:
        label, _sep, value = line.partition("：")
        pairs.append((label, value) if value else ("", label))
    if not pairs:
        return None
    rows = []
    for start in range(0, len(pairs), 2):
        left, right = pairs[start], pairs[start + 1] if start + 1 < len(pairs) else ("", "")
        rows.append([left[0], left[1], right[0], right[1]])
    return Table(header=[_("项目"), _("情况"), _("项目"), _("情况")], rows=rows, widths=[4, 2.5, 4, 2.5])


def _copied_to(version: ProvinceReportVersion) -> list[str]:
    """抄送: the ministries the version was copied to when it was submitted (the commission is 主送)."""
    from shidian.reporting.models import ReportCopy

    names = ReportCopy.objects.filter(version=version).order_by("ministry_id").values_list("ministry__name", flat=True)
    return [n for n in names if n != NATIONAL_COMMISSION]


def _signer(version: ProvinceReportVersion) -> str:
    """签发人 of a 上行文: the officer who submitted the version."""
    user = getattr(version, "submitted_by", None)
    return str(getattr(user, "full_name", "") or "") if user is not None else ""


def pilot_report_document(version: PilotReportVersion) -> OfficialDocument:
    """A submitted pilot report version as a report to its provincial commission (in Chinese)."""
    with translation.override("zh-hans"):
        return _pilot_report_document(version)


def _pilot_report_document(version: PilotReportVersion) -> OfficialDocument:
    report = version.report
    pilot = report.pilot
    office = _("%(pilot)s新型城镇化综合试点工作领导小组办公室") % {"pilot": pilot.name}
    document = OfficialDocument(
        title=_("%(pilot)s%(round)s") % {"pilot": pilot.name, "round": report.round},
        kind=Kind.UPWARD,
        subtitle=_("（第%(n)d版）") % {"n": version.number},
        recipients=[_("%(province)s发展和改革委员会") % {"province": pilot.province.name}],
        signature=office,
        date=_day(version.submitted_at),
        is_demo=report.is_demo,
    )
    for _name, heading, text in version.sections():
        document.blocks.append(Heading(1, str(heading)))
        document.blocks.append(Paragraph(richtext.to_text(text)))
    table = facts_table(fact_lines(version.facts or {}))
    if table is not None:
        document.blocks.append(Heading(1, _("自动附带数据")))
        document.blocks.append(table)
    if version.tags:
        document.blocks.append(Heading(2, _("困难与建议涉及部门")))
        for tag in version.tags:
            names = "、".join(m["name"] for m in tag.get("ministries", []))
            document.blocks.append(Paragraph(f"{tag['text']}（{names}）"))
    return document


def province_report_document(version: ProvinceReportVersion) -> OfficialDocument:
    """A submitted province report version as a 上行文 to the commission, copied to the ministries (in Chinese)."""
    with translation.override("zh-hans"):
        return _province_report_document(version)


def _province_report_document(version: ProvinceReportVersion) -> OfficialDocument:
    report = version.report
    commission = _("%(province)s发展和改革委员会") % {"province": report.province.name}
    day = _day(version.submitted_at)
    document = OfficialDocument(
        title=_("%(province)s%(round)s") % {"province": report.province.name, "round": report.round},
        kind=Kind.UPWARD,
        issuer_mark=commission,
        number=document_numbers.number_of(document_numbers.subject_of(version)),
        signer=_signer(version),
        subtitle=_("（第%(n)d版）") % {"n": version.number},
        recipients=[NATIONAL_COMMISSION],
        signature=commission,
        date=day,
        copies_to=_copied_to(version),
        printed_by=_("%(commission)s办公室") % {"commission": commission},
        printed_on=day,
        is_demo=report.is_demo,
    )
    stats = version.statistics or {}
    blocks = document.blocks
    blocks.append(Heading(1, _("总体情况")))
    blocks.append(Paragraph(version.overview))
    if stats:
        blocks.append(
            Paragraph(
                _(
                    "本轮应报送试点%(expected)s个，已报送%(submitted)s个，其中按时%(on_time)s个、逾期%(late)s个，未报送%(missing)s个。"
                )
                % {
                    key: formatting.number(stats.get(field, 0), 0)
                    for key, field in (
                        ("expected", "pilots_expected"),
                        ("submitted", "reports_submitted"),
                        ("on_time", "reports_on_time"),
                        ("late", "reports_late"),
                        ("missing", "reports_missing"),
                    )
                }
            )
        )
        totals = stats.get("plan_totals") or {}
        if totals.get("pilots_with_plan"):
            blocks.append(
                Paragraph(
                    _("%(p)s个试点有工作方案，到期时间节点%(due)s个，已完成%(done)s个，逾期%(overdue)s个。")
                    % {
                        "p": formatting.number(totals.get("pilots_with_plan", 0), 0),
                        "due": formatting.number(totals.get("milestones_due", 0), 0),
                        "done": formatting.number(totals.get("milestones_done", 0), 0),
                        "overdue": formatting.number(totals.get("overdue", 0), 0),
                    }
                )
            )
        table = facts_table(list(stats.get("indicator_lines") or []))
        if table is not None:
            blocks.append(table)
    blocks.append(Heading(1, _("各试点进展情况")))
    for section in version.pilot_sections:
        blocks.append(Heading(2, str(section.get("pilot", ""))))
        blocks.append(Paragraph(section.get("text", "")))
        table = facts_table(list(section.get("facts") or []))
        if table is not None:
            blocks.append(table)
    blocks.append(Heading(1, _("矛盾困难")))
    blocks.append(Paragraph(version.difficulties))
    by_ministry = stats.get("difficulties_by_ministry") or {}
    if by_ministry:
        listing = "；".join(f"{name}{count}项" for name, count in by_ministry.items())
        blocks.append(Paragraph(_("按涉及部门统计：%(listing)s。") % {"listing": listing}))
    blocks.append(Heading(1, _("下一步工作建议")))
    blocks.append(Paragraph(version.suggestions))
    return document


def matrix_xlsx(matrix: Any) -> bytes:
    """The completeness and timeliness matrix as a workbook: pilots, provinces and rates."""
    with translation.override("zh-hans"):
        return _matrix_xlsx(matrix)


def inbox_xlsx(reports: QuerySet[ProvinceReport]) -> bytes:
    """The national inbox of province reports as filtered on the page, every row, in Chinese."""
    rows = reports.select_related("province", "round").annotate(
        last_submitted=Max("versions__submitted_at"), version_count=Count("versions")
    )
    with translation.override("zh-hans"):
        return sheets.one_sheet(
            _("省级报告收件箱"),
            [
                sheets.Column(_("省级单位"), 18),
                sheets.Column(_("报告轮次"), 22),
                sheets.Column(_("报告期间"), 14),
                sheets.Column(_("省级报送期限"), 16, sheets.CN_DATE_FORMAT),
                sheets.Column(_("最近报送时间"), 20),
                sheets.Column(_("版本数"), 8, sheets.INTEGER_FORMAT),
                sheets.Column(_("状态"), 10),
            ],
            (
                [
                    r.province.name,
                    str(r.round),
                    formatting.period(r.round.period),
                    r.round.province_due,
                    formatting.datetime(r.last_submitted),
                    r.version_count,
                    r.get_status_display(),
                ]
                for r in rows
            ),
        )


def _matrix_xlsx(matrix: Any) -> bytes:
    from openpyxl.styles import PatternFill

    fills = {
        "on_time": "C6EFCE",
        "accepted": "C6EFCE",
        "late": "F8D7DA",  # the pages' late colour
        "returned": "FFEB9C",
        "missing": "FFC7CE",
    }
    book = sheets.workbook()
    rounds = [sheets.Column(str(r), 16) for r in matrix.rounds]
    pilots = sheets.add_sheet(
        book,
        _("试点报送情况"),
        [
            sheets.Column(_("省份"), 18),
            sheets.Column(_("批次"), 10),
            sheets.Column(_("区域"), 10),
            sheets.Column(_("试点地区"), 22),
            *rounds,
        ],
        ([row.province, row.batch, row.region, row.label, *[c.label for c in row.cells]] for row in matrix.pilot_rows),
    )
    for row_number, row in enumerate(matrix.pilot_rows, start=2):
        for offset, cell in enumerate(row.cells):
            state = "late" if cell.late else cell.state  # late is never green, even once accepted
            if state in fills:
                pilots.cell(row=row_number, column=5 + offset).fill = PatternFill("solid", fgColor=fills[state])
    sheets.add_sheet(
        book,
        _("省级报告报送情况"),
        [sheets.Column(_("省份"), 18), sheets.Column(_("区域"), 10), *rounds],
        ([row.label, row.region, *[c.label for c in row.cells]] for row in matrix.province_rows),
    )
    groups = [
        (_("省份"), matrix.by_province),
        (_("批次"), matrix.by_batch),
        (_("区域"), matrix.by_region),
        (_("全国试点"), [matrix.total]),
        (_("省级报告"), [matrix.province_total]),
    ]
    count, rate = sheets.INTEGER_FORMAT, "0.0"
    sheets.add_sheet(
        book,
        _("报送率"),
        [
            sheets.Column(_("分组"), 12),
            sheets.Column(_("名称"), 22),
            sheets.Column(_("应报送"), 10, count),
            sheets.Column(_("已报送"), 10, count),
            sheets.Column(_("按时报送"), 10, count),
            sheets.Column(_("报送率（%）"), 12, rate),
            sheets.Column(_("按时率（%）"), 12, rate),
        ],
        (
            [str(group), r.label, r.expected, r.submitted, r.on_time, r.submitted_rate, r.on_time_rate]
            for group, items in groups
            for r in items
        ),
    )
    return sheets.to_bytes(book)
