"""Shared fixtures: the real reference data and the demo accounts, loaded once per test database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client

from shidian.accounts import demo
from shidian.accounts.models import User
from shidian.bootstrap import data
from shidian.core import audit, db

DEMO_PASSWORD = demo.DEMO_PASSWORD


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Load provinces, divisions, batches, units, the registry and the demo accounts once, and keep their rows."""
    with django_db_blocker.unblock():
        data.load_reference()
        demo.load_demo_accounts()
        db.analyze()
        _Session.take()
    yield


class _Session:
    """The rows ``django_db_setup`` left in every table, to put back after a flush in a fraction of a second.

    A browser test (and any transactional test) ends with Django's flush, which empties every table; loading the
    reference data and the demo accounts again through their loaders took 5-7 s each time (issue 16: the test
    run's budget). The rows come back exactly as they were, ids included, with the sequences moved past them:
    COPY in PostgreSQL's binary format there, the rows as SQLite returned them elsewhere.
    """

    tables: ClassVar[dict[str, tuple[list[str], Any]]] = {}

    @classmethod
    def take(cls) -> None:
        cls.tables = {}
        with connection.cursor() as cursor:
            for table in connection.introspection.django_table_names(only_existing=True):
                name = connection.ops.quote_name(table)
                if connection.vendor == "postgresql":
                    copy_out = f"COPY (SELECT * FROM {name}) TO STDOUT (FORMAT binary)"  # noqa: S608  (introspected names)
                    with cursor.cursor.copy(copy_out) as copy:
                        rows: Any = b"".join(bytes(chunk) for chunk in copy)
                    columns: list[str] = []
                    if len(rows) <= 21:  # the binary format's header and trailer: no row
                        continue
                else:
                    cursor.execute(f"SELECT * FROM {name}")  # noqa: S608  (table names from the introspection)
                    rows = cursor.fetchall()
                    columns = [connection.ops.quote_name(column[0]) for column in cursor.description]
                    if not rows:
                        continue
                cls.tables[table] = (columns, rows)

    @classmethod
    def restore(cls) -> None:
        """Make the session's tables hold their rows again (after a flush, or before one on an unflushed database)."""
        from django.core.cache import caches
        from django.core.management.color import no_style

        from shidian.core import database

        tables = list(cls.tables)
        models = [model for model in apps.get_models(include_auto_created=True) if model._meta.db_table in tables]
        with transaction.atomic(), database.flush_allowed_in_tests(), connection.cursor() as cursor:
            # PostgreSQL refuses to TRUNCATE a table another one refers to without CASCADE; SQLite's DELETEs need no
            # cascade (only these tables hold rows) and finding one reads the whole schema (2 s).
            cascade = connection.vendor == "postgresql"
            for sql in connection.ops.sql_flush(no_style(), tables, allow_cascade=cascade):
                cursor.execute(sql)
            for table, (columns, rows) in cls.tables.items():
                name = connection.ops.quote_name(table)
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {name} FROM STDIN (FORMAT binary)") as copy:
                        copy.write(rows)
                else:
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})", rows)  # noqa: S608
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
        for cache in caches.all():
            cache.clear()


def restore_session_data() -> None:
    """The reference data and the demo accounts as the test session loaded them (after a flushing test).

    The browser tests (tests/e2e, outside this folder, without the fixture above) load them here the first time.
    """
    if _Session.tables:
        _Session.restore()
    else:
        data.load_reference()
        demo.load_demo_accounts()
        _Session.take()
    db.analyze()


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
