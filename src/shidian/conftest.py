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


class _Demo:
    """The whole demo, loaded at most once per test process and kept while the modules that need it run.

    The modules that use ``demo_world`` run last (the root conftest orders them so, file by file, and
    pytest-xdist hands out files in that order), so each worker loads the demo once. If a test that uses the
    database without the demo comes after them anyway, the demo is rolled back first and loaded again when a
    demo module asks for it.
    """

    outer: transaction.Atomic | None = None
    in_module = False
    loads = 0  # how often this process loaded the demo (its own test reads it)

    @classmethod
    def load(cls) -> None:
        if cls.outer is not None:
            return
        outer = transaction.atomic()
        outer.__enter__()
        try:
            data.load_demo()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
        # The demo's after-commit work (task enqueues, cache drops) waits for a commit that never comes: the
        # outer transaction is rolled back. Left in the list, it would run inside the first test that
        # commits for real, or be taken for that test's own callbacks; drop it now.
        transaction.get_connection().run_on_commit.clear()
        cls.outer = outer
        cls.loads += 1

    @classmethod
    def unload(cls) -> None:
        if cls.outer is not None and not cls.in_module:
            transaction.set_rollback(True)
            cls.outer.__exit__(None, None, None)
            cls.outer = None


def uses_demo(item: pytest.Item) -> bool:
    return "demo_world" in getattr(item, "fixturenames", ())


def leave_demo_before(item: pytest.Item, blocker: Any) -> None:
    """Roll the demo back before a test that uses the database without it (called by the root conftest)."""
    names = getattr(item, "fixturenames", ())
    if _Demo.outer is None or uses_demo(item):
        return
    if item.get_closest_marker("django_db") or {"db", "transactional_db", "live_server"} & set(names):
        with blocker.unblock():
            _Demo.unload()


@pytest.fixture(scope="session")
def _demo_process(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Rolls the demo back at the end of the session, before the test database goes."""
    yield
    with django_db_blocker.unblock():
        _Demo.unload()


@pytest.fixture(scope="module")
def demo_world(_demo_process: None, django_db_blocker: Any) -> Iterator[None]:
    """The whole demo (plans, indicator values, reports) for a module's tests; what the module writes is undone.

    The demo itself is loaded once per test process (``_Demo``); each module runs in a savepoint inside it,
    rolled back after the module, and each test in its own savepoint inside that, so what one test writes is
    gone before the next. Loading the demo costs tens of seconds; per module it dominated the suite.
    """
    with django_db_blocker.unblock():
        _Demo.load()
        module = transaction.atomic()
        module.__enter__()
        _Demo.in_module = True
        try:
            yield
        finally:
            _Demo.in_module = False
            transaction.set_rollback(True)
            module.__exit__(None, None, None)


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
