"""The data generation: a token that changes once any write to the business data commits (issue 16).

A page that is a function of the data, its reader and the business date only (the workbench) keeps what it
rendered under the generation it read, and renders anew once the generation has moved. No list of "what
changes this page" is kept anywhere, so none can be forgotten: every statement on every connection passes
``watch`` (installed when a connection opens), and every statement that is not a read counts:

- ``INSERT``, ``UPDATE``, ``DELETE``, ``MERGE``, DDL, ``COPY`` and anything else that is not ``SELECT``
  (or a transaction or savepoint statement) is a write, unless it only touches the tables in ``QUIET``:
  the sessions, the sign-in attempts, the audit trail and this token (they change on reads, and no cached
  page shows them);
- a write moves this process's own counter at once, so the process never serves what it kept before the
  write, even inside the writing transaction (and a rolled-back savepoint moves it too);
- once the write's transaction commits (at once in autocommit), a new random token is written to the one
  row of ``core.DataGeneration``: every other process and app server reads it on its next page.

``current()`` is one query of one row on the primary. A write made outside Django (psql, a restore) is not
seen: what is kept expires after ``KEPT_PAGES_SECONDS`` anyway (core/kept.py), and docs/operations.md has the app
servers restarted after a restore.
"""

from __future__ import annotations

import itertools
import re
import secrets
import threading
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

QUIET = frozenset({"django_session", "core_datageneration", "core_auditevent"})
QUIET_PREFIXES = ("axes_",)
_READS = ("SELECT", "SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "SET ", "SHOW", "EXPLAIN", "PRAGMA")
_TABLE = re.compile(r'^(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)

_local = itertools.count(1)
_local_value = 0
_local_lock = threading.Lock()


def local() -> int:
    """This process's counter: it moves on every write and rolled-back savepoint the process runs."""
    return _local_value


def _move_local() -> None:
    global _local_value
    with _local_lock:  # never back to a value another thread already stored
        _local_value = next(_local)


def forget() -> None:
    """Serve nothing this process kept before now (the tests: each one's database is rolled back under it)."""
    _move_local()


def is_write(sql: str) -> bool:
    """Whether a statement may change data that a kept page shows (see the module's list)."""
    head = sql.lstrip()[:12].upper()
    if head.startswith((*_READS, "ROLLBACK")):
        return False
    match = _TABLE.match(sql.lstrip())
    if match is not None:
        table = match.group(1).lower()
        return table not in QUIET and not table.startswith(QUIET_PREFIXES)
    return True


def _renew() -> None:
    """A new token in the shared row (after a commit). Before the row's table exists (a migration that
    writes, on an empty database) there is nothing to renew."""
    from shidian.core.models import DataGeneration

    try:  # one statement: in autocommit it fails alone (an atomic block here would commit mid-statement)
        DataGeneration.objects.using("default").bulk_create(
            [DataGeneration(pk=1, token=secrets.token_hex(16))],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["token"],
        )
    except DatabaseError as exc:
        if DataGeneration._meta.db_table not in str(exc):
            raise


def watch(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    """The execute wrapper on every connection: after a write, move the counter and renew the token on commit."""
    result = execute(sql, params, many, context)
    text = sql if isinstance(sql, str) else str(sql)
    if is_write(text):
        _move_local()
        connection = context["connection"]
        if connection.in_atomic_block:
            # Once per transaction: Django gives run_on_commit a new list whenever it drops callbacks (commit,
            # rollback, a savepoint rolled back), so "our renewal is in this very list" is one comparison.
            if getattr(connection, "_shidian_renewal_in", None) is not connection.run_on_commit:
                transaction.on_commit(_renew, using=connection.alias)
                connection._shidian_renewal_in = connection.run_on_commit
        else:  # autocommit (committed already), or a manual transaction (the token commits with the write)
            _renew()
    elif text.lstrip()[:8].upper() == "ROLLBACK":  # a savepoint rolled back: what was read since is gone
        _move_local()
    return result


def install(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """connection_created receiver (core/apps.py): put ``watch`` on the connection once."""
    if watch not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, watch)


def current() -> str:
    """The shared token and this process's counter: what a kept page is keyed by."""
    from shidian.core.models import DataGeneration

    token = DataGeneration.objects.using("default").filter(pk=1).values_list("token", flat=True).first()
    return f"{token or '-'}.{_local_value}"
