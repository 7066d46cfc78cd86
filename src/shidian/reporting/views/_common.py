"""What the reporting pages share: form errors, downloads, the document format asked for."""

from __future__ import annotations

from django.http import HttpResponse

from shidian.accounts.models import Organisation, OrganisationKind
from shidian.core import uploads
from shidian.core.http import AuthedHttpRequest
from shidian.reporting import documents

DOCX_TYPE = uploads.DOCX.content_type
XLSX_TYPE = uploads.XLSX.content_type


def _ministries() -> list[Organisation]:
    return list(Organisation.objects.filter(kind=OrganisationKind.MINISTRY).order_by("name"))


def _download(content: bytes, file_name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(file_name)}"
    return response


def _format(request: AuthedHttpRequest) -> str:
    """The document format asked for: pdf, or docx (also for anything else, as before)."""
    return "pdf" if request.GET.get("format") == "pdf" else "docx"


def _document_response(document: documents.OfficialDocument, fmt: str) -> HttpResponse:
    if fmt == "pdf":
        return _download(documents.render_pdf(document), f"{document.title}.pdf", "application/pdf")
    return _download(documents.render_docx(document), f"{document.title}.docx", DOCX_TYPE)
