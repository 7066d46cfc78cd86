"""What the database itself does to keep the audit trail append-only.

SQLite: triggers (migration 0004) refuse UPDATE and DELETE unless ``shidian_audit_guard()`` returns 0;
this module registers that function on every connection. A client that lacks it (the sqlite3 shell)
gets "no such function" instead, so the refusal does not depend on Django. Only the test settings
(``AUDIT_ALLOW_TEST_FLUSH``) let Django's ``flush`` command empty the table between browser tests.

PostgreSQL: the application connects as a role that does not own the tables (``SHIDIAN_DATABASE_APP_ROLE``,
docs/operations.md). After every ``migrate``, run as the owner, the app role gets SELECT, INSERT,
UPDATE and DELETE on every table but only SELECT and INSERT on the audit trail; as a non-owner it
cannot TRUNCATE, ALTER or disable the trigger either.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

GUARD_FUNCTION = "shidian_audit_guard"
AUDIT_TABLE = "core_auditevent"

_flushing = False


def _guard() -> int:
    """1 = refuse the change. Only a test run's flush gets 0."""
    return 0 if _flushing and getattr(settings, "AUDIT_ALLOW_TEST_FLUSH", False) else 1


def register_sqlite_guard(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Give each new SQLite connection the function the audit triggers ask."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(GUARD_FUNCTION, 0, _guard)


@contextlib.contextmanager
def flush_allowed_in_tests() -> Iterator[None]:
    """Within this block the test settings let the audit trail be emptied (Django's flush, a test's restore)."""
    global _flushing
    _flushing = True
    try:
        yield
    finally:
        _flushing = False


def allow_test_flush() -> None:
    """Let Django's ``flush`` (run between transactional tests) empty the trail; test settings only."""
    from django.core.management.commands import flush

    original: Callable[..., Any] = flush.Command.handle
    if getattr(original, "_shidian_wrapped", False):
        return

    @functools.wraps(original)
    def handle(self: Any, *args: Any, **options: Any) -> Any:
        with flush_allowed_in_tests():
            return original(self, *args, **options)

    handle._shidian_wrapped = True  # type: ignore[attr-defined]
    flush.Command.handle = handle  # type: ignore[method-assign]


def grant_app_role(*, using: str = "default") -> None:
    """Give the application's role what it needs and no more (PostgreSQL; runs as the owner)."""
    role = getattr(settings, "DATABASE_APP_ROLE", "")
    connection = connections[using]
    if not role or connection.vendor != "postgresql":
        return
    name = connection.ops.quote_name(role)
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {name}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}")
        cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {name}")
        cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {AUDIT_TABLE} FROM {name}")


def after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate receiver (sent once for the core app): re-apply the app role's grants."""
    grant_app_role(using=using)
