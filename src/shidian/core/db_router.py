"""Monitoring and analytics reads on a PostgreSQL streaming replica, a writer's next requests on the primary.

Configured by ``SHIDIAN_REPLICA_DATABASE_URL`` (a hot standby of the primary: ``pg_basebackup -R``,
docs/scaling.md). Without it there is one database and nothing here changes anything.

- ``ReplicaRouter`` sends a read to the ``replica`` alias only inside ``replica_reads()`` and only while no
  transaction is open on the primary (a read inside a transaction must see that transaction's writes).
  Every write, every migration and every other read stays on ``default``.
- ``ReplicaMiddleware`` opens ``replica_reads()`` around the views named in ``REPLICA_READ_VIEWS`` (the
  monitoring and analytics pages: many rows read, nothing written) for GET and HEAD, unless the browser is
  pinned to the primary.
- Read-your-writes: a request that wrote to the primary (any write its view ran, as ``core.generation``
  counts them: the session save and the audit trail do not count) sets a cookie that pins the browser to the primary for
  ``REPLICA_PIN_SECONDS``, longer than the replica's lag, so the writer's next pages show what they wrote.
  The cookie carries only a time: forging it can only make one's own reads go to the primary, or show
  oneself data a few seconds old.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

from shidian.core import generation

REPLICA = "replica"
PIN_COOKIE = "shidian_primary_until"

_reading_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("shidian_replica_reads", default=False)


def replica_enabled() -> bool:
    """A replica is configured and the routing is on (the test settings switch it off but for its tests)."""
    return REPLICA in settings.DATABASES and bool(getattr(settings, "REPLICA_READS", False))


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside this block may go to the replica (when one is configured)."""
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if _reading_replica.get() and replica_enabled() and not connections["default"].in_atomic_block:
            return REPLICA
        return "default"

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica is a copy of the same database

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return db != REPLICA


def pinned(request: HttpRequest) -> bool:
    try:
        return float(request.COOKIES.get(PIN_COOKIE, "0")) > time.time()
    except ValueError:
        return False


class ReplicaMiddleware:
    """Route the analytics views' reads to the replica; pin a writer to the primary for a while."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.views = frozenset(getattr(settings, "REPLICA_READ_VIEWS", ()))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_enabled():
            return self.get_response(request)
        wrote = False

        def watch(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal wrote
            if generation.is_write(sql):
                wrote = True
            return execute(sql, params, many, context)

        try:
            with connections["default"].execute_wrapper(watch):
                response = self.get_response(request)
        finally:
            token = getattr(request, "_shidian_replica_token", None)
            if token is not None:
                _reading_replica.reset(token)
        if wrote:
            seconds = int(getattr(settings, "REPLICA_PIN_SECONDS", 15))
            response.set_cookie(
                PIN_COOKIE,
                f"{time.time() + seconds:.3f}",
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        """Open the replica reads for an analytics view; __call__ closes them once the response is made."""
        match = request.resolver_match
        if (
            replica_enabled()
            and request.method in {"GET", "HEAD"}
            and match is not None
            and match.view_name in self.views
            and not pinned(request)
        ):
            request._shidian_replica_token = _reading_replica.set(True)  # type: ignore[attr-defined]
        return None
