"""Keep who and where a request comes from, so audit events can name them."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control

from shidian.core.audit import client_ip, request_context
from shidian.core.errors import Conflict, DomainError, NotFound


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_context(ip=client_ip(request)):
            return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Pages for a signed-in user are never kept by the browser or a proxy (shared office machines)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


def chosen_language(request: HttpRequest) -> str:
    """The language the user chose with the switch (the language cookie), else Simplified Chinese."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class ChineseFirstLocaleMiddleware:
    """Simplified Chinese unless the user chose another language with the switch (the language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; officials' machines vary,
    and the programme's working language is Chinese, so only an explicit choice changes it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class DomainErrorMiddleware:
    """The one place that turns domain errors into HTTP: not found → 404, a refusal → 409 with its message.

    Views that show a refusal as a form error catch DomainError themselves; what reaches here was not
    caught, so the user sees the refusal on a page of its own instead of a server error.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            raise Http404 from exception
        if isinstance(exception, DomainError):
            status = 409 if isinstance(exception, Conflict) else 400
            body = render_to_string("core/refused.html", {"message": exception.message}, request=request)
            return HttpResponse(body, status=status)
        return None
