"""Elements of the DOCX read back with python-docx: table alignment and repeated header, a broken title."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from shidian.core.documents import Heading, OfficialDocument, Paragraph, Table
from shidian.core.documents.docx import render_docx  # the writer itself: these tests read its XML


def test_a_table_aligns_its_columns_centres_its_header_and_repeats_it_on_every_page() -> None:
    table = Table(header=["排名", "名称", "得分"], rows=[["1", "宁波市", "94.62"]], align=["center", "left", "right"])
    docx = Document(io.BytesIO(render_docx(OfficialDocument(title="表", blocks=[table]))))
    [grid] = docx.tables
    header, row = grid.rows
    assert [cell.paragraphs[0].alignment for cell in header.cells] == [WD_ALIGN_PARAGRAPH.CENTER] * 3
    assert [cell.paragraphs[0].alignment for cell in row.cells] == [
        WD_ALIGN_PARAGRAPH.CENTER,
        WD_ALIGN_PARAGRAPH.LEFT,
        WD_ALIGN_PARAGRAPH.RIGHT,
    ]
    cell = row.cells[0].paragraphs[0]
    snap = cell._p.pPr.find(qn("w:snapToGrid"))
    assert snap is not None and snap.get(qn("w:val")) == "0"  # exact 16 pt lines, not the body's grid
    assert cell.paragraph_format.space_before.pt == 2 and cell.paragraph_format.space_after.pt == 2
    assert header._tr.trPr is None or header._tr.trPr.find(qn("w:tblHeader")) is None  # not asked for

    repeated = Table(header=["名称"], rows=[["宁波市"]], repeat_header=True)
    [grid] = Document(io.BytesIO(render_docx(OfficialDocument(title="表", blocks=[repeated])))).tables
    tr_pr = grid.rows[0]._tr.trPr
    assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None
    assert grid.rows[1]._tr.trPr is None or grid.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None


def test_a_table_without_alignment_stays_left_aligned() -> None:
    table = Table(header=["项目", "情况"], rows=[["人口", "1"]])
    [grid] = Document(io.BytesIO(render_docx(OfficialDocument(title="表", blocks=[table])))).tables
    assert {cell.paragraphs[0].alignment for row in grid.rows for cell in row.cells} == {WD_ALIGN_PARAGRAPH.LEFT}


def test_title_lines_break_the_title_where_the_composer_says() -> None:
    document = OfficialDocument(title="关于甲乙的通报", title_lines=["关于甲乙", "的通报"])
    docx = Document(io.BytesIO(render_docx(document)))
    title = next(p for p in docx.paragraphs if p.text.replace("\n", "") == "关于甲乙的通报")
    assert title.text == "关于甲乙\n的通报"
    plain = Document(io.BytesIO(render_docx(OfficialDocument(title="关于甲乙的通报"))))
    assert "关于甲乙的通报" in [p.text for p in plain.paragraphs]


def test_headings_and_the_closing_keep_with_what_follows() -> None:
    document = OfficialDocument(
        title="通报",
        blocks=[Heading(1, "总体情况"), Paragraph("第一段。"), Paragraph("最后一段。")],
        attachments=["附件甲"],
        signature="某委员会",
        date=dt.date(2019, 3, 15),
    )
    paragraphs = Document(io.BytesIO(render_docx(document))).paragraphs
    keep = {p.text: p.paragraph_format.keep_with_next for p in paragraphs if p.text}
    assert keep["一、总体情况"] and not keep["第一段。"]
    # The last paragraph, the 附件说明 and the 署名 go with the 成文日期: the signature never stands alone.
    assert keep["最后一段。"] and keep["附件：附件甲"] and keep["某委员会"]
    assert not keep["2019年3月15日"]
