"""The official-document engine: 公文 composed from GB/T 9704-2012 elements as DOCX, PDF from the same
content, and the XLSX helpers every spreadsheet export uses. See docs/documents.md.

``render_docx`` and ``render_pdf`` here are what the platform serves: laid out, ending on an even page.
The plain writer (no layout) is ``shidian.core.documents.docx.render_docx``.
"""

from shidian.core.documents.elements import Heading, Kind, OfficialDocument, Paragraph, Table, chinese_numeral
from shidian.core.documents.paging import render_docx, render_pdf
from shidian.core.documents.pdf import ConverterMissing, docx_to_pdf

__all__ = [
    "ConverterMissing",
    "Heading",
    "Kind",
    "OfficialDocument",
    "Paragraph",
    "Table",
    "chinese_numeral",
    "docx_to_pdf",
    "render_docx",
    "render_pdf",
]
