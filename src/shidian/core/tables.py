"""Read uploaded tables (CSV or XLSX) safely: type by content, size and zip-bomb limits first."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from shidian.core import text, uploads
from shidian.core.errors import DomainError


@dataclass(frozen=True)
class Table:
    """Rows of an uploaded sheet: header names and data rows numbered as the user sees them."""

    sheet: str | None
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]


@dataclass(frozen=True)
class StreamedTable:
    """A CSV upload read row by row each time ``rows`` is iterated: never the whole text or row list in memory.

    The same header and row numbering as ``read_table`` gives; the bytes are decoded as they are read.
    """

    header: list[str]
    content: bytes
    encoding: str
    sheet: None = None

    @property
    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        reader = csv.reader(io.TextIOWrapper(io.BytesIO(self.content), encoding=self.encoding, newline=""))
        header = self.header
        try:
            next(reader, None)
            for number, raw in enumerate(reader, start=2):
                cells = [text.clean(c).strip() for c in raw]  # control characters never reach a service
                if not any(cells):
                    continue
                yield number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}
        except csv.Error as exc:
            raise DomainError(_("CSV 格式错误：%(error)s") % {"error": exc}) from exc

    def count(self) -> int:
        """How many rows ``rows`` yields, without building them (a row counts once one cell is not blank)."""
        reader = csv.reader(io.TextIOWrapper(io.BytesIO(self.content), encoding=self.encoding, newline=""))
        try:
            next(reader, None)
            return sum(1 for raw in reader if any(text.clean(c).strip() for c in raw))
        except csv.Error as exc:
            raise DomainError(_("CSV 格式错误：%(error)s") % {"error": exc}) from exc


def open_table(content: bytes, *, max_bytes: int, xlsx_max_bytes: int) -> Table | StreamedTable:
    """A CSV streamed (up to ``max_bytes``), an XLSX read whole (up to ``xlsx_max_bytes``): checks as read_table."""
    kind = uploads.check(content, allowed=uploads.TABLES, max_bytes=max_bytes)
    if kind is uploads.XLSX:
        uploads.check(content, allowed=uploads.TABLES, max_bytes=xlsx_max_bytes)
        return _read_xlsx(content)
    encoding = _encoding(content)
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(content), encoding=encoding, newline=""))
    try:
        first = next(reader, None)
    except csv.Error as exc:
        raise DomainError(_("CSV 格式错误：%(error)s") % {"error": exc}) from exc
    header = _header([first] if first is not None else [])
    return StreamedTable(header=header, content=content, encoding=encoding)


def _encoding(content: bytes) -> str:
    """The encoding ``_decode`` would pick, found by decoding in pieces and keeping none of the text."""
    view = memoryview(content)
    step = 1 << 20
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(view), step):
                decoder.decode(view[start : start + step])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise DomainError(_("CSV 文件编码无法识别，请使用 UTF-8 或 GB18030。"))


def sniff_kind(content: bytes) -> str:
    """'xlsx' or 'csv' by content, never by file name; anything else (or a zip bomb) is refused."""
    kind = uploads.sniff(content)
    if kind not in uploads.TABLES:
        raise uploads.type_refused(uploads.TABLES)
    return kind.name


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(_("CSV 文件编码无法识别，请使用 UTF-8 或 GB18030。"))


def read_table(content: bytes, *, max_bytes: int) -> Table:
    """Parse the first sheet of an XLSX or a CSV into a header and numbered rows of strings."""
    kind = uploads.check(content, allowed=uploads.TABLES, max_bytes=max_bytes)
    if kind is uploads.XLSX:
        return _read_xlsx(content)
    return _read_csv(_decode(content))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return text.clean(str(value)).strip()


def _read_csv(text: str) -> Table:
    try:
        raw_rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise DomainError(_("CSV 格式错误：%(error)s") % {"error": exc}) from exc
    return _table(None, raw_rows)


def _read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            raw_rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            title = sheet.title
        finally:
            workbook.close()
    except Exception as exc:  # openpyxl and its XML parser raise many kinds for a broken file
        raise DomainError(_("文件损坏，无法作为 XLSX 读取。")) from exc
    return _table(title, raw_rows)


def _header(raw_rows: list[list[str]]) -> list[str]:
    if not raw_rows:
        raise DomainError(_("文件没有表头。"))
    header = [text.clean(h).strip() for h in raw_rows[0]]  # the cleaner also drops a byte-order mark
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        raise DomainError(_("表头中的列重复：%(columns)s。") % {"columns": "、".join(repeated)})
    return header


def _table(sheet: str | None, raw_rows: list[list[str]]) -> Table:
    header = _header(raw_rows)
    rows: list[tuple[int, dict[str, str]]] = []
    for number, raw in enumerate(raw_rows[1:], start=2):
        cells = [text.clean(c).strip() for c in raw]  # control characters never reach a service
        if not any(cells):
            continue
        rows.append((number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}))
    return Table(sheet=sheet, header=header, rows=rows)
