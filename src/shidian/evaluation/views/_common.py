"""Helpers the evaluation pages share."""

from __future__ import annotations

from typing import Any

from django.contrib import messages

from shidian.core import scoping
from shidian.core.http import AuthedHttpRequest
from shidian.core.roles import Capability

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def require_view(request: AuthedHttpRequest) -> None:
    scoping.require(request.user, Capability.VIEW_EVALUATION)


def form_errors(request: AuthedHttpRequest, form: Any) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else name
        messages.error(request, "%s：%s" % (label or "", "；".join(str(e) for e in errors)))  # noqa: UP031


def manages(request: AuthedHttpRequest) -> bool:
    return scoping.can(request.user, Capability.MANAGE_EVALUATION)
