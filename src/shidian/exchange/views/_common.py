"""What every exchange page checks first."""

from __future__ import annotations

from shidian.core.errors import NotFound
from shidian.core.http import AuthedHttpRequest
from shidian.exchange import permissions


def _require_view(request: AuthedHttpRequest) -> None:
    if not permissions.can_view_difficulties(request.user):
        raise NotFound
