"""What the plan pages share: form errors, attempts that may be refused, redirects, downloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from shidian.accounts.models import User
from shidian.core import uploads
from shidian.core.errors import DomainError
from shidian.core.http import AuthedHttpRequest

XLSX = uploads.XLSX.content_type
DOCX = uploads.DOCX.content_type


def _attempt(request: AuthedHttpRequest, action: Callable[[], object], success: str) -> bool:
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def _to_plan(pilot_id: int, version_id: int | None = None) -> HttpResponse:
    response = redirect("plans:plan", pilot_id=pilot_id)
    if version_id is not None:
        response["Location"] += f"?version={version_id}"
    return response


def _pilot_users(pilot_id: int) -> Any:
    return User.objects.filter(organisation__pilot_id=pilot_id, is_active=True).order_by("username")


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"plan.{name.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{_quote(name)}"
    )
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
