"""Reports as official documents: DOCX in the GB/T 9704-2012 layout and PDF from the same content.

Layout facts (DESIGN.md, "Official documents"): A4; top margin 37 mm, left 28 mm; text block
156 x 225 mm; 22 lines of 28 characters; title 2号 (22 pt) 小标宋; body 3号 (16 pt) 仿宋;
headings "一、" 黑体, "（一）" 楷体; page numbers 4号 (14 pt) 宋体 "— 1 —" at the foot, odd pages
right and even pages left, one character in from the edge.
"""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from shidian.reporting import richtext
from shidian.reporting.facts import fact_lines

# Page geometry in millimetres.
PAGE_WIDTH, PAGE_HEIGHT = 210, 297
MARGIN_TOP, MARGIN_LEFT = 37, 28
TEXT_WIDTH, TEXT_HEIGHT = 156, 225
MARGIN_BOTTOM = PAGE_HEIGHT - MARGIN_TOP - TEXT_HEIGHT  # 35 mm
MARGIN_RIGHT = PAGE_WIDTH - MARGIN_LEFT - TEXT_WIDTH  # 26 mm
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
TITLE_PT, BODY_PT, PAGE_NUMBER_PT = 22, 16, 14
TWIPS_PER_MM = 1440 / 25.4
# Exact line pitch that fits 22 lines in 225 mm (≈ 28.95 pt) and the grid's extra space per character.
LINE_PITCH_TWIPS = int(TEXT_HEIGHT * TWIPS_PER_MM / LINES_PER_PAGE)
CHAR_PITCH_PT = TEXT_WIDTH * 72 / 25.4 / CHARS_PER_LINE
CHAR_SPACE = round((CHAR_PITCH_PT - BODY_PT) * 4096)

# Fonts named in the DOCX (readers' machines have them); the PDF embeds the free CJK fonts installed here.
FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEADING_1 = "黑体"
FONT_HEADING_2 = "楷体_GB2312"
FONT_PAGE_NUMBER = "宋体"
FONT_LATIN = "Times New Roman"

# PDF fonts, best first: fc-match patterns (reportlab embeds TrueType outlines; CFF-only files are skipped).
PDF_SERIF = ["Noto Serif CJK SC", "AR PL UMing CN", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Droid Sans Fallback"]
PDF_SANS = ["Noto Sans CJK SC", "WenQuanYi Zen Hei", "Droid Sans Fallback", "AR PL UMing CN"]


class FontMissing(RuntimeError):
    """No CJK font that the PDF writer can embed is installed (install fonts-wqy-zenhei or fonts-noto-cjk)."""


@dataclass
class Block:
    kind: str  # "h1" (一、), "h2" (（一）), "p" (body paragraph), "facts" (small list lines)
    text: str


@dataclass
class OfficialDocument:
    title: str
    subtitle: str = ""
    blocks: list[Block] = field(default_factory=list)
    signature: str = ""
    date: str = ""
    is_demo: bool = False


CHINESE_NUMBERS = "一二三四五六七八九十"


def _numeral(index: int) -> str:
    if index < 10:
        return CHINESE_NUMBERS[index]
    if index < 20:
        return "十" + (CHINESE_NUMBERS[index - 10] if index > 10 else "")
    return str(index + 1)


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in re.split(r"\n+", text or "") if line.strip()]


def _chinese_date(moment: Any) -> str:
    day = timezone.localtime(moment).date() if hasattr(moment, "tzinfo") else moment
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def pilot_report_document(version: Any) -> OfficialDocument:
    """A submitted pilot report version as a document."""
    report = version.report
    document = OfficialDocument(
        title=_("%(pilot)s%(round)s") % {"pilot": report.pilot.name, "round": report.round},
        subtitle=_("（第 %(n)d 版）") % {"n": version.number},
        signature=_("%(pilot)s新型城镇化综合试点工作领导小组办公室") % {"pilot": report.pilot.name},
        date=_chinese_date(version.submitted_at),
        is_demo=report.is_demo,
    )
    for index, (_name, heading, text) in enumerate(version.sections()):
        document.blocks.append(Block("h1", f"{_numeral(index)}、{heading}"))
        document.blocks.extend(Block("p", paragraph) for paragraph in _paragraphs(richtext.to_text(text)))
    lines = fact_lines(version.facts or {})
    if lines:
        document.blocks.append(Block("h1", f"{_numeral(5)}、{_('自动附带数据')}"))
        document.blocks.extend(Block("p", line) for line in lines)
    if version.tags:
        document.blocks.append(Block("h2", _("（一）困难与建议涉及部门")))
        for tag in version.tags:
            names = "、".join(m["name"] for m in tag.get("ministries", []))
            document.blocks.append(Block("p", f"{tag['text']}（{names}）"))
    return document


def province_report_document(version: Any) -> OfficialDocument:
    """A submitted province report version as a document."""
    report = version.report
    document = OfficialDocument(
        title=_("%(province)s%(round)s") % {"province": report.province.name, "round": report.round},
        subtitle=_("（第 %(n)d 版）") % {"n": version.number},
        signature=_("%(province)s发展和改革委员会") % {"province": report.province.name},
        date=_chinese_date(version.submitted_at),
        is_demo=report.is_demo,
    )
    stats = version.statistics or {}
    document.blocks.append(Block("h1", _("一、总体情况")))
    document.blocks.extend(Block("p", p) for p in _paragraphs(version.overview))
    if stats:
        document.blocks.append(
            Block(
                "p",
                _(
                    "本轮应报送试点 %(expected)d 个，已报送 %(submitted)d 个，其中按时 %(on_time)d 个、逾期 %(late)d 个，未报送 %(missing)d 个。"  # noqa: E501
                )
                % {
                    "expected": stats.get("pilots_expected", 0),
                    "submitted": stats.get("reports_submitted", 0),
                    "on_time": stats.get("reports_on_time", 0),
                    "late": stats.get("reports_late", 0),
                    "missing": stats.get("reports_missing", 0),
                },
            )
        )
        totals = stats.get("plan_totals") or {}
        if totals.get("pilots_with_plan"):
            document.blocks.append(
                Block(
                    "p",
                    _("%(p)d 个试点有工作方案，到期时间节点 %(due)d 个，已完成 %(done)d 个，逾期 %(overdue)d 个。")
                    % {
                        "p": totals.get("pilots_with_plan", 0),
                        "due": totals.get("milestones_due", 0),
                        "done": totals.get("milestones_done", 0),
                        "overdue": totals.get("overdue", 0),
                    },
                )
            )
        document.blocks.extend(Block("p", line) for line in stats.get("indicator_lines") or [])
    document.blocks.append(Block("h1", _("二、各试点进展情况")))
    for index, section in enumerate(version.pilot_sections):
        document.blocks.append(Block("h2", f"（{_numeral(index)}）{section.get('pilot', '')}"))
        document.blocks.extend(Block("p", p) for p in _paragraphs(section.get("text", "")))
        document.blocks.extend(Block("p", line) for line in section.get("facts", []))
    document.blocks.append(Block("h1", _("三、矛盾困难")))
    document.blocks.extend(Block("p", p) for p in _paragraphs(version.difficulties))
    by_ministry = stats.get("difficulties_by_ministry") or {}
    if by_ministry:
        listing = "；".join(f"{name} {count} 项" for name, count in by_ministry.items())
        document.blocks.append(Block("p", _("按涉及部门统计：%(listing)s。") % {"listing": listing}))
    document.blocks.append(Block("h1", _("四、下一步工作建议")))
    document.blocks.extend(Block("p", p) for p in _paragraphs(version.suggestions))
    return document


# -- DOCX --------------------------------------------------------------------------------------------


def _set_run_fonts(run: Any, east_asia: str, size_pt: float, *, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.size = Pt(size_pt)
    run.font.name = FONT_LATIN
    run.font.bold = bold
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.insert(0, fonts)
    fonts.set(qn("w:ascii"), FONT_LATIN)
    fonts.set(qn("w:hAnsi"), FONT_LATIN)
    fonts.set(qn("w:eastAsia"), east_asia)


def _exact_spacing(paragraph: Any) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt, Twips

    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Twips(LINE_PITCH_TWIPS)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _page_number_paragraph(footer: Any, *, align_right: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if align_right else WD_ALIGN_PARAGRAPH.LEFT
    # One character (4号 ≈ 14 pt) in from the edge of the text block.
    if align_right:
        paragraph.paragraph_format.right_indent = Pt(PAGE_NUMBER_PT)
    else:
        paragraph.paragraph_format.left_indent = Pt(PAGE_NUMBER_PT)
    _set_run_fonts(paragraph.add_run("— "), FONT_PAGE_NUMBER, PAGE_NUMBER_PT)
    field_run = paragraph.add_run()
    _set_run_fonts(field_run, FONT_PAGE_NUMBER, PAGE_NUMBER_PT)
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instruction, separate, placeholder, end):
        field_run._element.append(element)
    _set_run_fonts(paragraph.add_run(" —"), FONT_PAGE_NUMBER, PAGE_NUMBER_PT)


def _document_grid(section: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(old)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))
    sect_pr.append(grid)


def render_docx(document: OfficialDocument) -> bytes:
    """The document as DOCX bytes in the GB/T 9704-2012 layout."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    docx = Document()
    section = docx.sections[0]
    section.page_width, section.page_height = Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP), Mm(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT), Mm(MARGIN_RIGHT)
    section.footer_distance = Mm(28)
    _document_grid(section)

    normal = docx.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    normal.font.name = FONT_LATIN
    from docx.oxml.ns import qn

    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT_BODY)

    docx.settings.odd_and_even_pages_header_footer = True
    _page_number_paragraph(section.footer, align_right=True)
    _page_number_paragraph(section.even_page_footer, align_right=False)

    if document.is_demo:
        marker = docx.add_paragraph()
        _exact_spacing(marker)
        _set_run_fonts(marker.add_run(_("【演示数据】")), FONT_HEADING_1, BODY_PT)
    title = docx.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact_spacing(title)
    _set_run_fonts(title.add_run(document.title), FONT_TITLE, TITLE_PT)
    if document.subtitle:
        subtitle = docx.add_paragraph()
        subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _exact_spacing(subtitle)
        _set_run_fonts(subtitle.add_run(document.subtitle), FONT_HEADING_2, BODY_PT)
    blank = docx.add_paragraph()
    _exact_spacing(blank)

    for block in document.blocks:
        paragraph = docx.add_paragraph()
        _exact_spacing(paragraph)
        paragraph.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
        font = {"h1": FONT_HEADING_1, "h2": FONT_HEADING_2}.get(block.kind, FONT_BODY)
        _set_run_fonts(paragraph.add_run(block.text), font, BODY_PT)

    if document.signature:
        docx.add_paragraph()
        for text in (document.signature, document.date):
            paragraph = docx.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.right_indent = Pt(4 * BODY_PT)
            _exact_spacing(paragraph)
            _set_run_fonts(paragraph.add_run(text), FONT_BODY, BODY_PT)
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()


# -- PDF ---------------------------------------------------------------------------------------------


def _fc_match(pattern: str) -> tuple[str, int] | None:
    try:
        result = subprocess.run(  # noqa: S603 - fixed program, pattern from a constant list
            ["fc-match", "--format=%{file}|%{index}|%{family}", pattern],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0 or "|" not in result.stdout:
        return None
    path, index, family = [*result.stdout.split("|", 2), "", ""][:3]
    # fc-match always answers with something; keep it only if it is the CJK family asked for.
    wanted = pattern.split(":")[0].lower().replace(" ", "")
    if wanted not in family.lower().replace(" ", ""):
        return None
    return path, int(index or 0)


@cache
def pdf_font(role: str) -> str:
    """Register and return the name of an embeddable CJK font for ``role`` ("serif" or "sans")."""
    from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
    from reportlab.pdfbase.ttfonts import TTFError, TTFont  # type: ignore[import-untyped]

    candidates = PDF_SERIF if role == "serif" else PDF_SANS
    tried = []
    for pattern in candidates:
        found = _fc_match(pattern)
        if found is None:
            continue
        path, index = found
        tried.append(path)
        name = f"shidian-{role}"
        try:
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
        except (TTFError, OSError, ValueError):
            continue  # e.g. CFF outlines, which reportlab cannot embed
        return name
    raise FontMissing(
        f"no embeddable CJK font found (tried {', '.join(candidates)}; files {', '.join(tried) or 'none'}): "
        "install fonts-wqy-zenhei or fonts-noto-cjk"
    )


def render_pdf(document: OfficialDocument) -> bytes:
    """The same document as PDF (A4, the same margins and line pitch), with an embedded CJK font."""
    from xml.sax.saxutils import escape

    from reportlab.lib.enums import TA_CENTER, TA_RIGHT  # type: ignore[import-untyped]
    from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
    from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
    from reportlab.lib.units import mm  # type: ignore[import-untyped]
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer  # type: ignore[import-untyped]

    serif, sans = pdf_font("serif"), pdf_font("sans")
    leading = LINE_PITCH_TWIPS / 20
    body = ParagraphStyle(
        "body", fontName=serif, fontSize=BODY_PT, leading=leading, firstLineIndent=2 * BODY_PT, wordWrap="CJK"
    )
    styles = {
        "p": body,
        "h1": ParagraphStyle("h1", parent=body, fontName=sans),
        "h2": ParagraphStyle("h2", parent=body),
    }
    title_style = ParagraphStyle(
        "title", fontName=sans, fontSize=TITLE_PT, leading=leading * 1.3, alignment=TA_CENTER, wordWrap="CJK"
    )
    subtitle_style = ParagraphStyle("subtitle", parent=body, alignment=TA_CENTER, firstLineIndent=0)
    sign_style = ParagraphStyle("sign", parent=body, alignment=TA_RIGHT, firstLineIndent=0, rightIndent=4 * BODY_PT)

    def page_number(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(serif, PAGE_NUMBER_PT)
        label = f"— {doc.page} —"
        y = (MARGIN_BOTTOM - 7 - 5) * mm
        if doc.page % 2:
            canvas.drawRightString((PAGE_WIDTH - MARGIN_RIGHT) * mm - PAGE_NUMBER_PT, y, label)
        else:
            canvas.drawString(MARGIN_LEFT * mm + PAGE_NUMBER_PT, y, label)
        canvas.restoreState()

    story: list[Any] = []
    if document.is_demo:
        story.append(Paragraph(escape(_("【演示数据】")), styles["h1"]))
    story.append(Paragraph(escape(document.title), title_style))
    if document.subtitle:
        story.append(Paragraph(escape(document.subtitle), subtitle_style))
    story.append(Spacer(1, leading))
    for block in document.blocks:
        story.append(Paragraph(escape(block.text), styles.get(block.kind, body)))
    if document.signature:
        story.append(Spacer(1, leading))
        story.append(Paragraph(escape(document.signature), sign_style))
        story.append(Paragraph(escape(document.date), sign_style))
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        topMargin=MARGIN_TOP * mm,
        bottomMargin=MARGIN_BOTTOM * mm,
        leftMargin=MARGIN_LEFT * mm,
        rightMargin=MARGIN_RIGHT * mm,
        title=document.title,
        author="Shidian",
    ).build(story, onFirstPage=page_number, onLaterPages=page_number)
    return out.getvalue()


# -- XLSX: the completeness matrix -------------------------------------------------------------------


def matrix_xlsx(matrix: Any) -> bytes:
    """The completeness and timeliness matrix as a workbook: pilots, provinces and rates."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    fills = {
        "on_time": "C6EFCE",
        "accepted": "C6EFCE",
        "late": "FFEB9C",
        "returned": "FFEB9C",
        "missing": "FFC7CE",
    }
    workbook = Workbook()
    pilots = workbook.create_sheet(_("试点报送情况"), 0)
    workbook.remove(workbook.worksheets[1])
    pilots.title = _("试点报送情况")
    round_labels = [str(r) for r in matrix.rounds]
    pilots.append([_("省份"), _("批次"), _("区域"), _("试点地区"), *round_labels])
    for row in matrix.pilot_rows:
        pilots.append([row.province, row.batch, row.region, row.label, *[c.label for c in row.cells]])
        for offset, cell in enumerate(row.cells):
            if cell.state in fills:
                pilots.cell(row=pilots.max_row, column=5 + offset).fill = PatternFill(
                    "solid", fgColor=fills[cell.state]
                )
    provinces = workbook.create_sheet(_("省级报告报送情况"))
    provinces.append([_("省份"), _("区域"), *round_labels])
    for row in matrix.province_rows:
        provinces.append([row.label, row.region, *[c.label for c in row.cells]])
    rates = workbook.create_sheet(_("报送率"))
    rates.append([_("分组"), _("名称"), _("应报送"), _("已报送"), _("按时报送"), _("报送率（%）"), _("按时率（%）")])
    groups = [
        (_("省份"), matrix.by_province),
        (_("批次"), matrix.by_batch),
        (_("区域"), matrix.by_region),
        (_("全国试点"), [matrix.total]),
        (_("省级报告"), [matrix.province_total]),
    ]
    for group, items in groups:
        for rate in items:
            rates.append(
                [
                    str(group),
                    rate.label,
                    rate.expected,
                    rate.submitted,
                    rate.on_time,
                    rate.submitted_rate,
                    rate.on_time_rate,
                ]
            )
    for sheet in workbook.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
