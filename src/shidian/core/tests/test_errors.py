"""The one place that maps domain errors to HTTP: not found → 404, a conflict → 409, another refusal → 400."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory

from shidian.core.errors import Conflict, DomainError, NotFound
from shidian.core.middleware import DomainErrorMiddleware
from shidian.core.transitions import MoveRefused


def _middleware() -> DomainErrorMiddleware:
    return DomainErrorMiddleware(lambda request: HttpResponse())


def _request() -> HttpRequest:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return request


def test_not_found_becomes_a_404() -> None:
    with pytest.raises(Http404):
        _middleware().process_exception(_request(), NotFound())


@pytest.mark.parametrize(
    ("error", "status"),
    [(Conflict("已被他人修改"), 409), (MoveRefused("状态不能变"), 409), (DomainError("请填写理由"), 400)],
)
@pytest.mark.django_db
def test_refusals_show_their_message_with_their_status(error: DomainError, status: int) -> None:
    response = _middleware().process_exception(_request(), error)
    assert response is not None and response.status_code == status
    assert error.message in response.content.decode()


def test_other_errors_are_left_to_django() -> None:
    assert _middleware().process_exception(_request(), ValueError("bug")) is None


def test_not_found_is_not_a_refusal_views_would_show_as_a_form_error() -> None:
    assert not issubclass(NotFound, DomainError)
