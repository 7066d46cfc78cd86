"""Compose an :class:`OfficialDocument` as DOCX in the GB/T 9704-2012 layout.

Word, WPS and LibreOffice lay it out alike: 22 lines of 28 characters on A4. The section has a line grid
(exact 28.95 pt pitch) and every 3号 run is condensed by 0.25 pt; a character grid is not used, because
LibreOffice snaps each 16 pt character into whole grid cells, and a 156 mm / 28 cell is 15.8 pt, so every
character took two cells (14 a line).
"""

from __future__ import annotations

import io
from typing import Any

from shidian.core import formatting
from shidian.core.documents import layout as L
from shidian.core.documents import text as clean_text
from shidian.core.documents.elements import Heading, Kind, OfficialDocument, Paragraph, Table, heading_label

# The children of w:rPr that come after w:spacing (the schema fixes their order; Word refuses others).
_AFTER_SPACING = (
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)


# The children of w:pPr that come after w:snapToGrid.
_AFTER_SNAP_TO_GRID = (
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _fonts(r_pr: Any, east_asia: str) -> None:
    from docx.oxml.ns import qn

    fonts = r_pr.get_or_add_rFonts()
    fonts.set(qn("w:ascii"), L.FONT_LATIN)
    fonts.set(qn("w:hAnsi"), L.FONT_LATIN)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), L.FONT_LATIN)


def _condense(r_pr: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for old in r_pr.findall(qn("w:spacing")):
        r_pr.remove(old)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(L.CONDENSE_TWENTIETHS))
    r_pr.insert_element_before(spacing, *_AFTER_SPACING)


def _run(paragraph: Any, text: str, font: str, size: float, *, color: str | None = None, bold: bool = False) -> Any:
    from docx.shared import Pt, RGBColor

    run = paragraph.add_run(clean_text.clean(text).replace("\n", " "))
    run.font.size = Pt(size)
    run.font.bold = bold
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    r_pr = run._element.get_or_add_rPr()
    _fonts(r_pr, font)
    if size == L.BODY_PT:
        _condense(r_pr)
    return run


def _spacing(paragraph: Any, *, exact: bool = True) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt, Twips

    fmt = paragraph.paragraph_format
    if exact:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Twips(L.LINE_PITCH_TWIPS)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.widow_control = False  # a widow rule would leave pages short of 22 lines


def _border(paragraph: Any, side: str, *, size_eighths: int, color: str = "000000", space_pt: int = 1) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p_pr = paragraph._p.get_or_add_pPr()
    borders = p_pr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        p_pr.insert_element_before(
            borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc", "w:rPr"
        )
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size_eighths))
    line.set(qn("w:space"), str(space_pt))
    line.set(qn("w:color"), color)
    borders.append(line)


def _alignments() -> dict[str, Any]:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    return {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}


class _Writer:
    """One DOCX being written: paragraphs in the document's fonts and the grid's line pitch."""

    def __init__(self) -> None:
        from docx import Document

        self.docx: Any = Document()
        self._page_setup()
        self._styles()

    def _page_setup(self) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Mm

        section = self.docx.sections[0]
        section.page_width, section.page_height = Mm(L.PAGE_WIDTH), Mm(L.PAGE_HEIGHT)
        section.top_margin, section.bottom_margin = Mm(L.MARGIN_TOP), Mm(L.MARGIN_BOTTOM)
        section.left_margin, section.right_margin = Mm(L.MARGIN_LEFT), Mm(L.MARGIN_RIGHT)
        section.footer_distance = Mm(L.FOOTER_DISTANCE)
        sect_pr = section._sectPr
        for old in sect_pr.findall(qn("w:docGrid")):
            sect_pr.remove(old)
        grid = OxmlElement("w:docGrid")
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(L.LINE_PITCH_TWIPS))
        sect_pr.append(grid)
        self.docx.settings.odd_and_even_pages_header_footer = True
        _page_number(section.footer, odd=True)
        _page_number(section.even_page_footer, odd=False)

    def _styles(self) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        normal = self.docx.styles["Normal"]
        normal.font.size = Pt(L.BODY_PT)
        r_pr = normal.element.get_or_add_rPr()
        _fonts(r_pr, L.FONT_BODY)
        _condense(r_pr)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        r_pr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
        # The template's default space after paragraphs and 1.15 line spacing would break the 22 lines.
        _spacing(normal)

    def paragraph(
        self,
        text: str = "",
        font: str = L.FONT_BODY,
        size: float = L.BODY_PT,
        *,
        align: str = "justify",
        indent_chars: float = 0,
        left_chars: float = 0,
        right_chars: float = 0,
        color: str | None = None,
        exact: bool = True,
    ) -> Any:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        paragraph = self.docx.add_paragraph()
        _spacing(paragraph, exact=exact)
        paragraph.alignment = {
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
        }[align]
        fmt = paragraph.paragraph_format
        if indent_chars:
            fmt.first_line_indent = Pt(indent_chars * size)
        if left_chars:
            fmt.left_indent = Pt(left_chars * size)
        if right_chars:
            fmt.right_indent = Pt(right_chars * size)
        if text:
            _run(paragraph, text, font, size, color=color)
        return paragraph

    def table(self, table: Table) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_LINE_SPACING
        from docx.shared import Pt

        grid = self.docx.add_table(rows=1, cols=len(table.header))
        grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        grid.autofit = False
        widths = table.widths or [1.0] * len(table.header)
        aligns = table.align or ["left"] * len(table.header)
        total = sum(widths)
        for column, width in zip(grid.columns, widths, strict=False):
            column.width = Pt(L.TEXT_WIDTH_PT * width / total)  # w:gridCol, which LibreOffice reads
        for row_index, values in enumerate([table.header, *table.rows]):
            row = grid.rows[0] if row_index == 0 else grid.add_row()
            if row_index == 0 and table.repeat_header:
                _repeat_as_header(row)
            cells = row.cells
            for index, (cell, value) in enumerate(zip(cells, values, strict=False)):
                cell.width = Pt(L.TEXT_WIDTH_PT * widths[index] / total)
                paragraph = cell.paragraphs[0]
                _spacing(paragraph, exact=False)
                paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
                paragraph.paragraph_format.line_spacing = Pt(L.TABLE_LINE_PT)
                paragraph.paragraph_format.space_before = Pt(L.TABLE_CELL_PAD_PT)
                paragraph.paragraph_format.space_after = Pt(L.TABLE_CELL_PAD_PT)
                _off_grid(paragraph)
                align = aligns[index] if index < len(aligns) else "left"
                if row_index == 0 and table.align is not None:
                    align = "center"  # a table with aligned columns centres its header
                paragraph.alignment = _alignments()[align]
                _run(
                    paragraph,
                    str(value),
                    L.FONT_HEADING_1 if row_index == 0 else L.FONT_BODY,
                    L.TABLE_PT,
                )

    def save(self) -> bytes:
        out = io.BytesIO()
        self.docx.save(out)
        return out.getvalue()


def _off_grid(paragraph: Any) -> None:
    """Let a table cell keep its exact 16 pt lines: LibreOffice would snap each to a 28.95 pt body line."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p_pr = paragraph._p.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    p_pr.insert_element_before(snap, *_AFTER_SNAP_TO_GRID)


def _repeat_as_header(row: Any) -> None:
    """Mark a table row as the header row Word and LibreOffice repeat on every page (w:tblHeader)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _page_number(footer: Any, *, odd: bool) -> None:
    """— 1 — in 4号 宋体, odd pages at the right and even pages at the left, one character in."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph = footer.paragraphs[0]
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.paragraph_format.line_spacing = Pt(L.FOOTER_LINE_PT)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    if odd:
        paragraph.paragraph_format.right_indent = Pt(L.SMALL_PT)
    else:
        paragraph.paragraph_format.left_indent = Pt(L.SMALL_PT)
    _run(paragraph, "— ", L.FONT_PAGE_NUMBER, L.SMALL_PT)
    field_run = _run(paragraph, "", L.FONT_PAGE_NUMBER, L.SMALL_PT)
    parts = [("w:fldChar", "begin"), ("w:instrText", " PAGE "), ("w:fldChar", "separate"), ("w:t", "1")]
    parts.append(("w:fldChar", "end"))
    for tag, value in parts:
        element = OxmlElement(tag)
        if tag == "w:fldChar":
            element.set(qn("w:fldCharType"), value)
        else:
            element.set(qn("xml:space"), "preserve")
            element.text = value
        field_run._element.append(element)
    _run(paragraph, " —", L.FONT_PAGE_NUMBER, L.SMALL_PT)


def _mark_size(mark: str) -> float:
    """The red header's size: large, but the mark fits one line of the block."""
    return float(min(36, int(L.TEXT_WIDTH_PT * 0.95 / max(len(mark), 1))))


def render_docx(document: OfficialDocument) -> bytes:
    """Return the document as DOCX bytes in the GB/T 9704-2012 layout."""
    w = _Writer()
    official = document.kind is not Kind.ATTACHMENT
    if document.is_demo:
        w.paragraph("【演示数据】", L.FONT_HEADING_1, align="left")
    if official and document.issuer_mark:
        w.paragraph()
        mark = w.paragraph(align="center", exact=False)
        _run(mark, document.issuer_mark, L.FONT_TITLE, _mark_size(document.issuer_mark), color=L.RED)
        w.paragraph()
        number_line = _number_line(w, document)
        _border(number_line, "bottom", size_eighths=12, color=L.RED, space_pt=11)
        w.paragraph()
    w.paragraph()
    title = w.paragraph(align="center", exact=False)
    lines = document.title_lines or [document.title]
    for index, line in enumerate(lines):
        run = _run(title, line, L.FONT_TITLE, L.TITLE_PT)
        if index < len(lines) - 1:
            run.add_break()
    if document.subtitle:
        w.paragraph(document.subtitle, L.FONT_HEADING_2, align="center")
    w.paragraph()
    if document.recipients:
        w.paragraph("、".join(document.recipients) + "：", align="left")
    counters = [0, 0, 0, 0, 0]
    last_body: Any = None
    for block in document.blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 4)
            counters[level] += 1
            for deeper in range(level + 1, 5):
                counters[deeper] = 0
            label = heading_label(level, counters[level])
            last_body = w.paragraph(label + block.text, L.HEADING_FONTS[level], indent_chars=2)
            last_body.paragraph_format.keep_with_next = True  # never a heading alone at a page's foot
        elif isinstance(block, Paragraph):
            for text in clean_text.paragraphs(block.text):
                last_body = w.paragraph(text, indent_chars=2)
        elif isinstance(block, Table):
            w.table(block)
            last_body = None
    # The 附件说明, 署名 and 成文日期 close the body: they keep with its last paragraph, so a page never holds
    # the signature alone (GB/T 9704 7.3.5: the signature follows the body).
    closing: list[Any] = [last_body] if last_body is not None else []
    if document.attachments:
        closing.append(w.paragraph())
        for index, name in enumerate(document.attachments, start=1):
            numbered = f"{index}. {name}" if len(document.attachments) > 1 else name
            if index == 1:
                closing.append(w.paragraph(f"附件：{numbered}", indent_chars=2, align="left"))
            else:
                closing.append(w.paragraph(numbered, left_chars=5, align="left"))
    if document.signature or document.date:
        closing.append(w.paragraph())
        closing.append(w.paragraph())
        date_text = formatting.date(document.date)
        offset = max(0.0, (len(date_text) - len(document.signature)) / 2)
        if document.signature:
            closing.append(w.paragraph(document.signature, align="right", right_chars=4 + offset))
        if date_text:
            closing.append(w.paragraph(date_text, align="right", right_chars=4))
        for paragraph in closing[:-1]:
            paragraph.paragraph_format.keep_with_next = True
    if official and (document.copies_to or document.printed_by):
        _record(w, document)
    return w.save()


def _number_line(w: _Writer, document: OfficialDocument) -> Any:
    """发文字号 (centred), or for a 上行文 at the left with 签发人 at the right on the same line."""
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Pt

    if document.kind is Kind.UPWARD and document.signer:
        line = w.paragraph(align="left", left_chars=1)
        line.paragraph_format.tab_stops.add_tab_stop(Pt(L.TEXT_WIDTH_PT - 2 * L.BODY_PT), WD_TAB_ALIGNMENT.RIGHT)
        _run(line, document.number + "\t", L.FONT_BODY, L.BODY_PT)
        _run(line, "签发人：", L.FONT_BODY, L.BODY_PT)
        _run(line, document.signer, L.FONT_HEADING_2, L.BODY_PT)
        return line
    return w.paragraph(document.number, align="center")


def _record(w: _Writer, document: OfficialDocument) -> None:
    """版记: 抄送机关, then 印发机关 and 印发日期, between a thick first and last line and a thin one between."""
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Pt

    w.paragraph()
    w.paragraph()
    lines = []
    if document.copies_to:
        copies = "抄送：" + "，".join(document.copies_to) + "。"
        lines.append(w.paragraph(copies, L.FONT_BODY, L.SMALL_PT, align="left", left_chars=1, right_chars=1))
    printed = w.paragraph(size=L.SMALL_PT, align="left", left_chars=1, right_chars=1)
    printed.paragraph_format.tab_stops.add_tab_stop(Pt(L.TEXT_WIDTH_PT - 2 * L.SMALL_PT), WD_TAB_ALIGNMENT.RIGHT)
    when = formatting.date(document.printed_on)
    _run(printed, document.printed_by + "\t" + (f"{when}印发" if when else ""), L.FONT_BODY, L.SMALL_PT)
    lines.append(printed)
    _border(lines[0], "top", size_eighths=8)
    for line in lines[:-1]:
        _border(line, "bottom", size_eighths=4)
    _border(lines[-1], "bottom", size_eighths=8)
