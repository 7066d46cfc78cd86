"""Helpers the evaluation pages share."""

from __future__ import annotations

from shidian.core import scoping
from shidian.core.http import AuthedHttpRequest
from shidian.core.roles import Capability

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def require_view(request: AuthedHttpRequest) -> None:
    scoping.require(request.user, Capability.VIEW_EVALUATION)


def manages(request: AuthedHttpRequest) -> bool:
    return scoping.can(request.user, Capability.MANAGE_EVALUATION)
