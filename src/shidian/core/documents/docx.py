"""Compose an :class:`OfficialDocument` as DOCX in the GB/T 9704-2012 layout.

Word, WPS and LibreOffice lay it out alike: 22 lines of 28 characters on A4. The section has a line grid
(exact 28.95 pt pitch) and every 3号 run is condensed by 0.25 pt; a character grid is not used, because
LibreOffice snaps each 16 pt character into whole grid cells, and a 156 mm / 28 cell is 15.8 pt, so every
character took two cells (14 a line).
"""

from __future__ import annotations

import copy
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
        self._table_style: str | None = None
        self._row_prototypes: dict[tuple[object, ...], tuple[Any, Any]] = {}
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
        if self._table_style is None:  # looked up by name once: python-docx searches every style each time
            self._table_style = self.docx.styles["Table Grid"].style_id
        grid._tbl.tblStyle_val = self._table_style
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        grid.autofit = False
        widths = table.widths or [1.0] * len(table.header)
        aligns = table.align or ["left"] * len(table.header)
        total = sum(widths)
        for column, width in zip(grid.columns, widths, strict=False):
            column.width = Pt(L.TEXT_WIDTH_PT * width / total)  # w:gridCol, which LibreOffice reads
        # A table shaped like an earlier one copies that one's header and first body row; in any table the
        # rows after the first body row are copies of it, each with its own text.
        shape = (tuple(widths), tuple(aligns), table.align is None, table.repeat_header)
        header, prototype = self._row_prototypes.get(shape, (None, None))
        if header is not None and prototype is not None:
            for row in grid._tbl.tr_lst:
                grid._tbl.remove(row)
            grid._tbl.append(_row_like(header, table.header))
        for row_index, values in enumerate([table.header, *table.rows]):
            if prototype is not None:
                if row_index:
                    grid._tbl.append(_row_like(prototype, values))
                continue
            row = grid.rows[0] if row_index == 0 else grid.add_row()
            _keep_whole(row)
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
                paragraph.paragraph_format.keep_with_next = row_index == 0  # the header row with the first row
                _off_grid(paragraph)
                _no_auto_space(paragraph)  # no extra space between CJK and digits: 2017年12月31日 fits its cell
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
            if row_index == 1:
                prototype = row._tr
                self._row_prototypes[shape] = (grid._tbl.tr_lst[0], prototype)

    def save(self) -> bytes:
        out = io.BytesIO()
        self.docx.save(out)
        return out.getvalue()


def _row_like(prototype: Any, values: list[str]) -> Any:
    """A copy of the table row ``prototype`` holding ``values``: the same cells, paragraphs and runs.

    Writing each cell through python-docx costs most of a long table's time; a copy costs a fraction.
    """
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    row = copy.deepcopy(prototype)
    for index, cell in enumerate(row.iterchildren(qn("w:tc"))):
        run = cell.find(f"{qn('w:p')}/{qn('w:r')}")
        for old in run.findall(qn("w:t")) + run.findall(qn("w:tab")) + run.findall(qn("w:br")):
            run.remove(old)
        text = clean_text.clean(str(values[index]) if index < len(values) else "").replace("\n", " ")
        for position, piece in enumerate(text.split("\t")):
            if position:
                run.append(OxmlElement("w:tab"))
            if piece:
                element = OxmlElement("w:t")
                element.set(qn("xml:space"), "preserve")
                element.text = piece
                run.append(element)
    return row


def _off_grid(paragraph: Any) -> None:
    """Let a paragraph keep its own line height: LibreOffice would snap each line to a 28.95 pt body line."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p_pr = paragraph._p.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    p_pr.insert_element_before(snap, *_AFTER_SNAP_TO_GRID)


def _no_auto_space(paragraph: Any) -> None:
    """No automatic space between CJK and Latin text or digits in the paragraph."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p_pr = paragraph._p.get_or_add_pPr()
    for tag, successors in (("w:autoSpaceDE", _FRAME_SUCCESSORS[12:]), ("w:autoSpaceDN", _FRAME_SUCCESSORS[13:])):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "0")
        p_pr.insert_element_before(element, *successors)


def _keep_whole(row: Any) -> None:
    """A table row never breaks across pages (w:cantSplit)."""
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


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


def has_record(document: OfficialDocument) -> bool:
    """Whether the document carries a 版记 (抄送, 印发机关)."""
    return document.kind is not Kind.ATTACHMENT and bool(document.copies_to or document.printed_by)


def render_docx(document: OfficialDocument, *, record_page_breaks: int = 0) -> bytes:
    """Return the document as DOCX bytes in the GB/T 9704-2012 layout, as written (not yet laid out).

    ``record_page_breaks`` move the 版记 on by as many pages (see :meth:`Composed.move_record`). The DOCX
    and PDF the platform serves are laid out first, so that they end on an even page
    (:mod:`shidian.core.documents.paging`).
    """
    composed = compose(document)
    composed.move_record(record_page_breaks)
    return composed.save()


class Composed:
    """A document written as DOCX, whose 版记 may still be moved on to a later page before it is saved."""

    def __init__(self, writer: _Writer, record_start: Any) -> None:
        self._writer = writer
        self._record_start = record_start  # the 版记's first rule, or None

    def save(self) -> bytes:
        return self._writer.save()

    def move_record(self, page_breaks: int) -> None:
        """Move the 版记 on by ``page_breaks`` pages (0, 1 or 2), once.

        One break puts it on the page after the body's. Two leave a blank page between: the blank page and
        the 版记's page then form a last section without page numbers (GB/T 9704-2012 7.5: 公文的版记页前有
        空白页的，空白页和版记页均可不编排页码), so the blank page shows nothing at all.
        """
        if not page_breaks or self._record_start is None:
            return
        if page_breaks >= 2:
            _end_section_before(self._writer, self._record_start)
        self._record_start.addprevious(_page_break_paragraph(self._writer))


def _page_break_paragraph(w: _Writer) -> Any:
    """An empty body paragraph that ends its page (detached: the caller places it)."""
    from docx.enum.text import WD_BREAK

    paragraph = w.paragraph()
    paragraph.add_run().add_break(WD_BREAK.PAGE)
    element = paragraph._p
    element.getparent().remove(element)
    return element


def _end_section_before(w: _Writer, element: Any) -> None:
    """End the numbered section at the paragraph before ``element``; what follows has empty footers."""
    from docx.oxml.ns import qn

    body = w.docx.element.body
    last = element.getprevious()
    if last is None or last.tag != qn("w:p"):
        last = _thin(w, 1)._p  # a section ends in a paragraph (the body here ends in a table)
        last.getparent().remove(last)
        element.addprevious(last)
    sentinel = body.get_or_add_sectPr()
    last.set_sectPr(sentinel.clone())  # the body's section keeps its page numbers
    for reference in sentinel.xpath("w:headerReference|w:footerReference"):
        sentinel.remove(reference)
    section = w.docx.sections[-1]
    section.footer.is_linked_to_previous = False
    section.even_page_footer.is_linked_to_previous = False


def compose(document: OfficialDocument) -> Composed:
    """Write the document as DOCX in the GB/T 9704-2012 layout (see :func:`render_docx`)."""
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
    record_start = _record(w, document) if has_record(document) else None
    return Composed(w, record_start)


def _width_in_characters(text: str) -> float:
    """The width of ``text`` in 3号 characters: a CJK character is one, a Latin letter or digit half."""
    return sum(0.5 if ord(char) < 0x2E80 else 1.0 for char in text)


def _number_line(w: _Writer, document: OfficialDocument) -> Any:
    """发文字号 (centred), or for a 上行文 at the left with 签发人 at the right on the same line.

    When both do not fit one line (a long name), 签发人 goes on the line below, at the right. Returns the
    last line, under which the red separator is drawn.
    """
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Pt

    if document.kind is Kind.UPWARD and document.signer:
        signer = "签发人：" + document.signer
        together = _width_in_characters(document.number) + _width_in_characters(signer) + 2
        if together > L.CHARS_PER_LINE - 2:
            w.paragraph(document.number, align="left", left_chars=1)
            line = w.paragraph(align="right", right_chars=1)
            _run(line, "签发人：", L.FONT_BODY, L.BODY_PT)
            _run(line, document.signer, L.FONT_HEADING_2, L.BODY_PT)
            return line
        line = w.paragraph(align="left", left_chars=1)
        line.paragraph_format.tab_stops.add_tab_stop(Pt(L.TEXT_WIDTH_PT - 2 * L.BODY_PT), WD_TAB_ALIGNMENT.RIGHT)
        _run(line, document.number + "\t", L.FONT_BODY, L.BODY_PT)
        _run(line, "签发人：", L.FONT_BODY, L.BODY_PT)
        _run(line, document.signer, L.FONT_HEADING_2, L.BODY_PT)
        return line
    return w.paragraph(document.number, align="center")


_FRAME_SUCCESSORS = (
    "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
    "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def _pin_to_foot(paragraph: Any) -> None:
    """Put the paragraph in a frame at the foot of the text block; consecutive ones share the frame.

    Word, WPS and LibreOffice place such a frame at the bottom of the page its anchor (the paragraph after
    it) falls on; text that would run under it moves on to the next page with the anchor.
    """
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p_pr = paragraph._p.get_or_add_pPr()
    frame = OxmlElement("w:framePr")
    frame.set(qn("w:w"), str(round(L.TEXT_WIDTH * L.TWIPS_PER_MM)))
    frame.set(qn("w:wrap"), "notBeside")
    frame.set(qn("w:hAnchor"), "margin")
    frame.set(qn("w:vAnchor"), "margin")
    frame.set(qn("w:xAlign"), "center")
    frame.set(qn("w:yAlign"), "bottom")
    p_pr.insert_element_before(frame, *_FRAME_SUCCESSORS)


def _thin(w: _Writer, height_pt: float, *, fill: str | None = None) -> Any:
    """An empty paragraph ``height_pt`` high, off the line grid; shaded ``fill``, it is a horizontal rule.

    The 版记's rules are such paragraphs: paragraph borders would do in Word, but LibreOffice does not
    frame a paragraph that has borders.
    """
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph = w.paragraph(exact=False)
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(height_pt)
    p_pr = paragraph._p.get_or_add_pPr()
    if fill:
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), fill)
        p_pr.insert_element_before(shading, *_FRAME_SUCCESSORS[5:])
    _off_grid(paragraph)
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), str(max(2, round(height_pt * 2))))
    mark = OxmlElement("w:rPr")
    mark.append(size)
    p_pr.append(mark)  # the paragraph mark's size, or the empty line would be as tall as the font
    return paragraph


def _record(w: _Writer, document: OfficialDocument) -> Any:
    """版记 at the foot of the last page (GB/T 9704 7.4): 抄送机关, then 印发机关 and 印发日期, between a thick
    first and last rule (0.35 mm) with a thin one (0.25 mm) between. Returns its first element."""
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Pt

    lines = [_thin(w, L.RULE_THICK_PT, fill="000000")]
    if document.copies_to:
        copies = "抄送：" + "，".join(document.copies_to) + "。"
        # Left and right one character in; a second line aligns with the first name after the colon.
        copied = w.paragraph(copies, L.FONT_BODY, L.SMALL_PT, align="left", left_chars=4, right_chars=1)
        copied.paragraph_format.first_line_indent = Pt(-3 * L.SMALL_PT)
        lines.append(copied)
        lines.append(_thin(w, L.RULE_THIN_PT, fill="000000"))
    printed = w.paragraph(size=L.SMALL_PT, align="left", left_chars=1, right_chars=1)
    printed.paragraph_format.tab_stops.add_tab_stop(Pt(L.TEXT_WIDTH_PT - 2 * L.SMALL_PT), WD_TAB_ALIGNMENT.RIGHT)
    when = formatting.date(document.printed_on)
    _run(printed, document.printed_by + "\t" + (f"{when}印发" if when else ""), L.FONT_BODY, L.SMALL_PT)
    lines.append(printed)
    lines.append(_thin(w, L.RULE_THICK_PT, fill="000000"))
    for line in lines:
        _pin_to_foot(line)
    # The frame's anchor (LibreOffice leaves a frame that ends the document in the text), one point high so
    # that the 版记 shares the page with a body that ends three lines above the foot.
    _thin(w, 1)
    return lines[0]._p
