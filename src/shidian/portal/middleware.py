"""Serve a cached portal page to the public before the rest of the middleware runs (issue 16)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from shidian.core.middleware import chosen_language
from shidian.portal import cache as portal_cache

# Not kept with a whole response: cookies are one reader's, the cache marker is set per answer.
NOT_KEPT = {"set-cookie", "x-portal-cache"}


@cache
def _prefix() -> str:
    return reverse("portal:home")


class PortalPageMiddleware:
    """A portal page for a reader without a session is answered from the page cache, or kept once rendered.

    Placed before the session, CSRF and authentication middleware: a reader without a session cookie is
    anonymous, and a portal page is the same for every anonymous reader of a language, so the whole response
    (headers set by the inner middleware included) is kept under the page's key and the generation
    (portal/cache.py) and returned as it was. The middleware outside this one (security headers, the
    Content-Security-Policy) still runs on every answer. Only the pages ``cached_page`` marks are kept.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method not in {"GET", "HEAD"}
            or not request.path_info.startswith(_prefix())
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return self.get_response(request)
        key = portal_cache.page_key(
            request, gen=portal_cache.generation(), language=chosen_language(request), whole=True
        )
        kept = portal_cache.kept(key)
        if kept is not None:
            content, headers = kept
            response = HttpResponse(content)
            for name, value in headers.items():
                response[name] = value
            response["X-Portal-Cache"] = "hit"
            return response
        setattr(request, portal_cache.EARLY, True)
        response = self.get_response(request)
        if getattr(request, portal_cache.KEEP, False) and response.status_code == 200 and not response.streaming:
            headers = {k: v for k, v in response.items() if k.lower() not in NOT_KEPT}
            portal_cache.keep(key, (response.content, headers))
        return response
