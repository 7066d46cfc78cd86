"""Spreadsheets the platform writes: Chinese headers, widths, a frozen header row, number formats, no formulas.

Every XLSX the platform writes goes through :func:`add_sheet` (or at least :func:`cell_value`), so that text a
user typed is never read by Excel as a formula: a cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return is written as a text string (CWE-1236, "CSV/formula injection").
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shidian.core.documents import text as clean_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
CN_DATE_FORMAT = 'yyyy"年"m"月"d"日"'  # a date cell shown as officials write it (2019年7月20日)
INTEGER_FORMAT = "0"
HEADER_FILL = "DDEBF7"


@dataclass(frozen=True)
class Column:
    """A column: its Chinese header, width in characters and number format (None: General)."""

    header: str
    width: float = 14
    number_format: str | None = None


def cell_value(value: Any) -> Any:
    """Return ``value`` as a cell holds it: numbers and dates as they are, text cleaned of what XML cannot hold."""
    if value is None or isinstance(value, bool | int | float | Decimal | dt.date):
        return value
    return clean_text.clean(value)


def write_cell(sheet: Any, row: int, column: int, value: Any, number_format: str | None = None) -> Any:
    """Write one cell: text starting like a formula is stored as a string cell, never as a formula."""
    cell = sheet.cell(row=row, column=column)
    safe = cell_value(value)
    cell.value = safe
    if isinstance(safe, str) and safe.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    if number_format:
        cell.number_format = number_format
    elif isinstance(safe, dt.date):
        cell.number_format = DATE_FORMAT
    return cell


def workbook() -> Any:
    """Return an empty workbook (no default sheet)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.worksheets[0])
    return book


def add_sheet(
    book: Any,
    title: str,
    columns: Sequence[Column | str],
    rows: Iterable[Sequence[Any]] = (),
    *,
    freeze: bool = True,
) -> Any:
    """Add a sheet with a bold, filled, frozen header row, column widths and number formats, then the rows."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(_sheet_title(title))
    specs = [c if isinstance(c, Column) else Column(c) for c in columns]
    bold, fill = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL)
    for index, spec in enumerate(specs, start=1):
        cell = write_cell(sheet, 1, index, spec.header)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = spec.width
    if freeze and specs:
        sheet.freeze_panes = "A2"
    append_rows(sheet, specs, rows)
    return sheet


def one_sheet(title: str, columns: Sequence[Column | str], rows: Iterable[Sequence[Any]]) -> bytes:
    """Return the XLSX bytes of a workbook holding one list (every row given, frozen header)."""
    book = workbook()
    add_sheet(book, title, columns, rows)
    return to_bytes(book)


def append_rows(sheet: Any, columns: Sequence[Column | str], rows: Iterable[Sequence[Any]]) -> None:
    """Append rows below what the sheet holds, each cell through :func:`write_cell`."""
    specs = [c if isinstance(c, Column) else Column(c) for c in columns]
    row_number = sheet.max_row
    if row_number == 1 and all(cell.value is None for cell in sheet[1]):
        row_number = 0  # a new sheet: start at row 1
    for values in rows:
        row_number += 1
        for index, value in enumerate(values, start=1):
            spec = specs[index - 1] if index <= len(specs) else None
            write_cell(sheet, row_number, index, value, spec.number_format if spec else None)


def add_notes(book: Any, title: str, lines: Iterable[str], *, width: float = 100) -> Any:
    """Add a sheet of explanatory lines in column A."""
    sheet = book.create_sheet(_sheet_title(title))
    sheet.column_dimensions["A"].width = width
    for row, line in enumerate(lines, start=1):
        write_cell(sheet, row, 1, line)
    return sheet


def to_bytes(book: Any) -> bytes:
    """Return the workbook as XLSX bytes."""
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    # Excel refuses []:*?/\ in sheet names and more than 31 characters.
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in clean_text.clean(title))
    return cleaned[:31] or "Sheet"
