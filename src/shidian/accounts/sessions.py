"""Sessions in the database that remember when they expire, so a request need not rewrite them every time.

The idle timeout (等保: sign out after SESSION_IDLE_MINUTES without a request) used to be kept by
SESSION_SAVE_EVERY_REQUEST: an UPDATE of the session row on every request, also on the many pages that
change nothing, and contention on that one row when a browser loads several in parallel (issue 16).
``SessionRenewalMiddleware`` renews the expiry instead once it has run down by SESSION_RENEW_SECONDS: the
timeout is then between SESSION_IDLE_MINUTES minus that slack and SESSION_IDLE_MINUTES, never longer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import db
from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class SessionStore(db.SessionStore):
    """Django's database sessions, plus the expiry date of the row that was loaded."""

    loaded_expiry: dt.datetime | None = None

    def _get_session_from_db(self) -> Any:
        session = super()._get_session_from_db()  # type: ignore[misc]
        self.loaded_expiry = session.expire_date if session is not None else None
        return session


class SessionRenewalMiddleware:
    """Renew a signed-in session's expiry when it has run down by SESSION_RENEW_SECONDS (after the view)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        expiry = getattr(session, "loaded_expiry", None)
        if session is not None and expiry is not None and not session.modified:
            left = (expiry - timezone.now()).total_seconds()
            if left < settings.SESSION_COOKIE_AGE - settings.SESSION_RENEW_SECONDS:
                session.modified = True  # SessionMiddleware saves it: a new expiry, SESSION_COOKIE_AGE from now
        return response
