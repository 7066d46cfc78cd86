"""The DOCX's own structure where the layout depends on it: signer line, tables, headings, 版记 frame."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from shidian.core.documents import Heading, Kind, OfficialDocument, Paragraph, Table
from shidian.core.documents.docx import render_docx  # the writer itself: these tests read its XML


def _document(**changes: object) -> Any:
    document = OfficialDocument(
        title="标题",
        kind=Kind.UPWARD,
        issuer_mark="广西壮族自治区发展和改革委员会",
        number="桂发改规划〔2019〕3号",
        signer="张三",
        blocks=[
            Heading(1, "总体情况"),
            Paragraph("正文。"),
            Table(header=["项目", "情况"], rows=[["a", "b"]], repeat_header=True),
        ],
        copies_to=["公安部"],
        printed_by="广西壮族自治区发展和改革委员会办公室",
    )
    for name, value in changes.items():
        setattr(document, name, value)
    return Document(io.BytesIO(render_docx(document)))


def test_a_short_signer_shares_the_number_line_a_long_one_goes_below_it() -> None:
    texts = [p.text for p in _document().paragraphs]
    assert "桂发改规划〔2019〕3号\t签发人：张三" in texts
    paragraphs = _document(signer="广西壮族自治区发展改革委工作人员").paragraphs
    at = next(i for i, p in enumerate(paragraphs) if p.text == "桂发改规划〔2019〕3号")
    signer = paragraphs[at + 1]
    assert signer.text == "签发人：广西壮族自治区发展改革委工作人员"
    assert signer.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert 'w:color="FF0000"' in signer._p.xml  # the red separator is under the last line of the header


def test_table_rows_do_not_split_the_header_repeats_and_cells_are_off_the_line_grid() -> None:
    table = _document().tables[0]
    header, row = table.rows
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in (header, row))
    cell = row.cells[0].paragraphs[0]
    assert cell._p.pPr.find(qn("w:snapToGrid")).get(qn("w:val")) == "0"
    assert header.cells[0].paragraphs[0].paragraph_format.keep_with_next


def test_headings_keep_with_the_next_paragraph_and_the_record_is_a_frame_at_the_foot() -> None:
    paragraphs = _document().paragraphs
    heading = next(p for p in paragraphs if p.text == "一、总体情况")
    assert heading.paragraph_format.keep_with_next
    record = [p for p in paragraphs if p._p.pPr is not None and p._p.pPr.find(qn("w:framePr")) is not None]
    assert [p.text for p in record if p.text][:1] == ["抄送：公安部。"]
    frame = record[0]._p.pPr.find(qn("w:framePr"))
    assert (frame.get(qn("w:vAnchor")), frame.get(qn("w:yAlign"))) == ("margin", "bottom")
    assert paragraphs[-1]._p.pPr.find(qn("w:framePr")) is None  # the frame's anchor follows it
