"""Send users whose password is temporary or too old to the change-password page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

EXEMPT_URL_NAMES = {"accounts:password_change", "accounts:logout", "set_language"}


def password_must_change(user: object) -> bool:
    """True when the password was set by an admin or is older than the configured maximum age."""
    changed = getattr(user, "password_changed_at", None)
    if changed is None:
        return True
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    return max_age > 0 and timezone.now() - changed > dt.timedelta(days=max_age)


class PasswordExpiryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and password_must_change(user):
            exempt = {reverse(name) for name in EXEMPT_URL_NAMES}
            if request.path not in exempt and not request.path.startswith(settings.STATIC_URL):
                return redirect("accounts:password_change")
        return self.get_response(request)
