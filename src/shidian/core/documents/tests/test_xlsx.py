"""The XLSX helpers: headers, widths, frozen header, number formats, and text that never becomes a formula."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from shidian.core.documents import xlsx

FORMULA_LIKE = ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "=cmd|' /C calc'!A0"]


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_text_starting_like_a_formula_is_written_as_text(text: str) -> None:
    book = xlsx.workbook()
    xlsx.add_sheet(book, "表", ["名称"], [[text]])
    cell = load_workbook(io.BytesIO(xlsx.to_bytes(book)))["表"]["A2"]
    assert cell.data_type == "s" and cell.value.strip() == text.strip()


def test_sheet_has_header_widths_freeze_and_formats() -> None:
    book = xlsx.workbook()
    columns = [xlsx.Column("日期", 12), xlsx.Column("数量", 8, "0"), xlsx.Column("说明", 30)]
    xlsx.add_sheet(book, "数据[1]", columns, [[dt.date(2019, 7, 8), 3, "第一行\v第二行\x01"]])
    sheet = load_workbook(io.BytesIO(xlsx.to_bytes(book))).worksheets[0]
    assert sheet.title == "数据_1_"
    assert [c.value for c in sheet[1]] == ["日期", "数量", "说明"] and sheet["A1"].font.b
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["C"].width == 30
    assert sheet["A2"].number_format == "yyyy-mm-dd" and sheet["B2"].number_format == "0"
    assert sheet["C2"].value == "第一行\n第二行"
