"""The DOCX and PDF the platform serves: laid out once by LibreOffice, so that both end on an even page.

GB/T 9704-2012 puts the 版记 on the last page, an even one (the back of the sheet). Only a layout knows the
page count: the document is written once and laid out once; when it ends on an odd page, its last page
says which way the 版记 moves: one page on when it shares that page with the body, two when it stands
alone there (the body's last page, even, had no room left), which leaves a blank page before it. The DOCX
gets the same page breaks, so Word, WPS and LibreOffice readers see the pages the PDF shows.
"""

from __future__ import annotations

import io
import logging
import re

from shidian.core import formatting
from shidian.core.documents.docx import Composed, compose, has_record
from shidian.core.documents.elements import OfficialDocument
from shidian.core.documents.pdf import ConverterMissing, docx_to_pdf, page_count

logger = logging.getLogger(__name__)
_PAGE_NUMBER = re.compile(r"—\s*\d+\s*—")


def render_docx(document: OfficialDocument) -> bytes:
    """Return the document as DOCX; one with a 版记 ends on an even page (laid out once by LibreOffice).

    Without LibreOffice the DOCX is served as written (its 版记 after the body, wherever that ends).
    """
    composed = compose(document)
    if not has_record(document):
        return composed.save()
    try:
        _even(composed, document)
    except ConverterMissing:
        logger.warning("LibreOffice is missing: the DOCX is served without its even-page layout")
    return composed.save()


def render_pdf(document: OfficialDocument) -> bytes:
    """Return the document as PDF, laid out by LibreOffice from its DOCX; one with a 版记 ends on an even page."""
    composed = compose(document)
    if not has_record(document):
        return docx_to_pdf(composed.save())
    laid_out = _even(composed, document)
    return laid_out if laid_out is not None else docx_to_pdf(composed.save())


def _even(composed: Composed, document: OfficialDocument) -> bytes | None:
    """Lay the composed document out once and move its 版记 to an even page.

    Returns the layout when it already ended on an even page (nothing moved), else None (the caller lays the
    moved document out again if it needs the PDF).
    """
    laid_out = docx_to_pdf(composed.save())
    if page_count(laid_out) % 2 == 0:
        return laid_out
    composed.move_record(1 if _last_page_has_body(laid_out, document) else 2)
    return None


def _last_page_has_body(pdf: bytes, document: OfficialDocument) -> bool:
    """Whether the PDF's last page holds text besides the 版记 and the page number."""
    from pypdf import PdfReader

    text = re.sub(r"\s+", "", PdfReader(io.BytesIO(pdf)).pages[-1].extract_text() or "")
    text = _PAGE_NUMBER.sub("", text)
    record = []
    if document.copies_to:
        record.append("抄送：" + "，".join(document.copies_to) + "。")
    record.append(document.printed_by)
    when = formatting.date(document.printed_on)
    if when:
        record.append(f"{when}印发")
    for piece in record:
        text = text.replace(re.sub(r"\s+", "", piece), "")
    return bool(text)
