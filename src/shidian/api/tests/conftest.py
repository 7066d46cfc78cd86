"""Fixtures for API tests: a token for a demo account and a client that sends it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone

from shidian.accounts.models import User
from shidian.api import services


class TokenClient(Client):
    """A test client that sends ``Authorization: Bearer <secret>`` on every request."""

    def __init__(self, secret: str, **kwargs: Any) -> None:
        super().__init__(headers={"Authorization": f"Bearer {secret}"}, **kwargs)
        self.secret = secret


@pytest.fixture
def token_client(db: None) -> Callable[..., TokenClient]:
    def make(username: str, *, access: str = "write") -> TokenClient:
        user = User.objects.get(username=username)
        _token, secret = services.create_token(
            user=user, name="省级系统", access=access, expires_on=timezone.localdate() + dt.timedelta(days=30)
        )
        return TokenClient(secret)

    return make


@pytest.fixture
def wsgi_keeps_the_test_connection() -> Iterator[None]:
    """Schemathesis calls the WSGI handler itself: keep it from closing the test's connection (Django's client does)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
