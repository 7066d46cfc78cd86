"""Typed requests for views behind ``login_required``: ``request.user`` is a ``User``, not ``AnonymousUser``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from shidian.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    """A request whose user has logged in (the views that take it are all behind ``login_required``)."""

    user: User
    htmx: HtmxDetails  # set by django_htmx's middleware on every request
