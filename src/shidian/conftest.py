"""Shared fixtures: the real reference data and the demo accounts, loaded once per test database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from shidian.accounts import demo
from shidian.accounts.models import User
from shidian.bootstrap import data
from shidian.core import audit, db

DEMO_PASSWORD = demo.DEMO_PASSWORD


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Load provinces, divisions, batches, units, the registry and the demo accounts once."""
    with django_db_blocker.unblock():
        data.load_reference()
        demo.load_demo_accounts()
        db.analyze()
    yield


@pytest.fixture(scope="module")
def demo_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The whole demo (plans, indicator values, reports), loaded once for a module's tests, rolled back after.

    Each test still runs in its own savepoint inside this module-wide transaction, so what one test writes is
    gone before the next. Loading the demo costs tens of seconds; per test it would dominate the suite.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            data.load_demo()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _no_refusal_left_waiting() -> Iterator[None]:
    """A refusal still waiting for its transaction (audit.record_refusal) does not leak into the next test."""
    yield
    audit.discard_waiting_refusals()


@pytest.fixture(autouse=True)
def _no_outside_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests may talk to this machine only."""
    import socket

    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in {"localhost", "::1"} or host.startswith("/")
        ):
            raise OSError(f"network access outside localhost blocked in tests: {host}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def user(db: None) -> Callable[[str], User]:
    def get(username: str) -> User:
        return User.objects.select_related("organisation").get(username=username)

    return get


@pytest.fixture
def client_as(db: None) -> Callable[[str], Client]:
    """A test client logged in as a demo account."""

    def login(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return login
