"""Record audit events. Every service that changes domain data calls ``record``."""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime as dt
import decimal
import ipaddress
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise

from shidian.core import clock
from shidian.core.actors import SystemActor
from shidian.core.audit_actions import AuditAction as AuditAction
from shidian.core.audit_hash import GENESIS, HASHED_FIELDS, event_hash
from shidian.core.models import AuditEvent

if TYPE_CHECKING:
    from shidian.core.actors import Actor

BUSINESS_DAY = "business_day"  # the detail key of an event recorded on a business date other than the real one

_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("shidian_audit_ip", default=None)
# The personal access token a request acts through (its label, e.g. "#12 省统计局推送"), None for a session.
_api_token: contextvars.ContextVar[str | None] = contextvars.ContextVar("shidian_audit_api_token", default=None)
# Refusals recorded inside a transaction that the refusal itself rolls back: kept here until it is over.
_pending: contextvars.ContextVar[tuple[dict[str, Any], ...]] = contextvars.ContextVar(
    "shidian_audit_pending_refusals", default=()
)


@contextlib.contextmanager
def request_context(*, ip: str | None) -> Iterator[None]:
    """Make the client address available to audit events recorded inside the block.

    Refusals that waited for their transaction to end (``record_refusal``) are recorded when the block ends.
    """
    token = _ip.set(ip)
    api_token = _api_token.set(None)  # a worker thread's previous request must not leak its token
    try:
        with refusals_recorded():
            yield
    finally:
        _api_token.reset(api_token)
        _ip.reset(token)


def act_through_token(label: str) -> None:
    """Mark the audit events of the rest of this request as done through the API token ``label``."""
    _api_token.set(label)


def _valid_ip(value: str | None) -> str | None:
    """``value`` if it is an IP address, else None (the column is an inet on PostgreSQL)."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client address as the WSGI server reports it, or as a trusted proxy forwards it.

    REMOTE_ADDR is the peer. Only when the peer is one of ``TRUSTED_PROXIES`` (the nginx in front of gunicorn,
    docs/operations.md) is X-Forwarded-For read, and then its last entry: the one that proxy wrote (it replaces
    the header). From anyone else the header is the client's own claim and is ignored.
    """
    remote = request.META.get("REMOTE_ADDR")
    if remote and remote in settings.TRUSTED_PROXIES:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return _valid_ip(forwarded.rsplit(",", 1)[-1])
    return _valid_ip(remote)


def plain(value: Any) -> Any:
    """``value`` in a form JSON can store: objects and lazy strings as text, dates in ISO 8601."""
    if isinstance(value, models.Model | Promise | uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of ``fields`` in a JSON-friendly form."""
    return {name: plain(getattr(obj, name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Changed fields as {field: [before, after]}."""
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


# Serialises appends so each event links to the one before (PostgreSQL; SQLite takes its write lock at BEGIN).
_CHAIN_LOCK = 0x5348_4944_4155_4449  # "SHIDAUDI"


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])


def record(
    *,
    action: AuditAction,
    actor: Actor = None,
    obj: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
    success: bool = True,
    detail: Mapping[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one audit event, linked to the previous one; the IP comes from the current request, if any."""
    if action not in AuditAction.values:
        raise ValueError(f"unregistered audit action {action!r}: add it to core/audit_actions.py")
    if isinstance(actor, SystemActor):
        username = username or actor.name
        actor = None
    person = actor if actor is not None and actor.is_authenticated else None
    organisation = getattr(person, "organisation", None)
    fields: dict[str, Any] = {
        "actor_id": person.pk if person is not None else None,
        "actor_username": (person.get_username() if person is not None else username)[:150],
        "organisation_name": str(organisation)[:200] if organisation else "",
        "ip": _ip.get(),
        "action": str(action),
        "object_type": obj._meta.label if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None and obj.pk is not None else "",
        "object_repr": str(obj)[:300] if obj is not None else "",
        "success": success,
        "changes": {k: plain(v) for k, v in (changes or {}).items()},
        "detail": {k: plain(v) for k, v in (detail or {}).items()},
    }
    if (api_token := _api_token.get()) is not None:
        fields["detail"]["api_token"] = api_token
    if (business_day := clock.today()) != timezone.localdate():
        # A demo or a journey back in time (clock.travel_to): the timestamp stays real, the business date is
        # kept beside it, so what is derived from the event (notifications) carries the day it happened on.
        fields["detail"][BUSINESS_DAY] = business_day.isoformat()
    with transaction.atomic():
        _lock_chain()
        previous = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        fields["occurred_at"] = timezone.now()
        prev_hash = previous or GENESIS
        event = AuditEvent(**fields, prev_hash=prev_hash, hash=event_hash(prev_hash=prev_hash, fields=fields))
        event.save(force_insert=True)
    _schedule_after_commit(fields["action"])
    return event


def business_day_of(event: AuditEvent) -> dt.date:
    """Return the business date ``event`` happened on: the one recorded beside it, else its local date."""
    recorded = event.detail.get(BUSINESS_DAY) if isinstance(event.detail, dict) else None
    if isinstance(recorded, str):
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(recorded)
    return timezone.localdate(event.occurred_at)


# Callbacks run once after the transaction that recorded a matching event commits: the notification centre
# enqueues its derivation here (core may not import it). Registered in an AppConfig.ready.
_after_commit: list[tuple[Callable[[str], bool], Callable[[], None]]] = []


def after_commit(callback: Callable[[], None], *, wants: Callable[[str], bool]) -> None:
    """Run ``callback`` once after each transaction that records an event whose action ``wants`` accepts."""
    if all(registered is not callback for _wants, registered in _after_commit):
        _after_commit.append((wants, callback))


def _schedule_after_commit(action: str) -> None:
    for wants, callback in _after_commit:
        if not wants(action):
            continue
        waiting = transaction.get_connection().run_on_commit
        if any(func is callback for _savepoints, func, _robust in waiting):
            continue  # already scheduled for this transaction
        transaction.on_commit(callback, robust=True)


@dataclasses.dataclass(frozen=True)
class ChainReport:
    """What ``verify_chain`` found: how many events it checked and the first problem, if any."""

    checked: int
    last_hash: str
    broken_at: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def _chain_rows(using: str, connection: BaseDatabaseWrapper | None) -> Iterator[dict[str, Any]]:
    columns = ("id", "prev_hash", "hash", *HASHED_FIELDS)
    rows = AuditEvent.objects.using(using).order_by("id").values_list(*columns)
    if connection is None:
        for values in rows.iterator(chunk_size=2000):
            yield dict(zip(columns, values, strict=True))
        return
    # A database outside the configured aliases (a restore target): the compiler still converts the values.
    compiler = rows.query.get_compiler(connection=connection)
    for values in compiler.results_iter(chunked_fetch=False):
        yield dict(zip(columns, values, strict=True))


def verify_chain(*, using: str = "default", connection: BaseDatabaseWrapper | None = None) -> ChainReport:
    """Walk the trail in order and report the first event whose link or content does not match."""
    expected = GENESIS
    checked = 0
    previous_id: int | None = None
    for row in _chain_rows(using, connection):
        if row["prev_hash"] != expected:
            where = f"#{previous_id}" if previous_id is not None else "the start of the trail"
            return ChainReport(
                checked=checked,
                last_hash=expected,
                broken_at=row["id"],
                problem=f"link broken: event #{row['id']} does not follow {where} (an event is missing or changed)",
            )
        if event_hash(prev_hash=row["prev_hash"], fields=row) != row["hash"]:
            return ChainReport(
                checked=checked,
                last_hash=expected,
                broken_at=row["id"],
                problem=f"content changed: event #{row['id']} no longer matches its hash",
            )
        expected = row["hash"]
        previous_id = row["id"]
        checked += 1
    return ChainReport(checked=checked, last_hash=expected)


def record_denied(*, actor: Actor, obj: models.Model, detail: Mapping[str, Any] | None = None) -> AuditEvent | None:
    """Record a refused attempt on an object that exists, at most ``AUDIT_DENIED_LIMIT`` per user per window.

    A crawler walking ids would otherwise flood the trail; the event that reaches the limit says so,
    and the rest of the window is counted but not recorded.
    """
    limit: int = getattr(settings, "AUDIT_DENIED_LIMIT", 30)
    window: int = getattr(settings, "AUDIT_DENIED_WINDOW_SECONDS", 600)
    who = getattr(actor, "pk", None) or _ip.get() or "anonymous"
    key = f"shidian:audit-denied:{who}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    if count > limit:
        return None
    extra = {"rate_limit_reached": True, "window_seconds": window} if count == limit else {}
    return record(
        action=AuditAction.ACCESS_DENIED, actor=actor, obj=obj, success=False, detail={**(detail or {}), **extra}
    )


def _outside_transactions(using: str = "default") -> bool:
    """No transaction of the application is open (a test case's own wrapping transaction does not count)."""
    return all(getattr(block, "_from_testcase", False) for block in connections[using].atomic_blocks)


def record_refusal(
    *,
    action: AuditAction,
    actor: Actor = None,
    obj: models.Model | None = None,
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent | None:
    """Record a refused action (success=False) so that the event survives the rollback of the refused work.

    Called where the refusal leaves its own atomic block. With no transaction left open it is recorded at
    once. Inside an outer transaction (a service that wraps the refused step) an event written now would be
    rolled back with that transaction, so it waits until the work is over: ``refusals_recorded`` records it
    at the end of every request (``RequestContextMiddleware``), and the next refusal made outside a
    transaction records it too. (``on_commit`` cannot serve: a callback registered inside the savepoint that
    the refusal rolls back is dropped with it.)
    """
    event = {"action": action, "actor": actor, "obj": obj, "detail": dict(detail or {})}
    _pending.set((*_pending.get(), event))
    if _outside_transactions():
        recorded = flush_refusals()
        return recorded[-1] if recorded else None
    return None


def flush_refusals(*, force: bool = False) -> list[AuditEvent]:
    """Record the refusals still waiting; ``force`` records them even inside a transaction (end of a request)."""
    waiting = _pending.get()
    if not waiting or not (force or _outside_transactions()):
        return []
    _pending.set(())
    return [record(**event, success=False) for event in waiting]


def discard_waiting_refusals() -> None:
    """Forget the refusals still waiting (between tests, whose transactions are all rolled back)."""
    _pending.set(())


@contextlib.contextmanager
def refusals_recorded() -> Iterator[None]:
    """Record, when the block ends, every refusal raised inside it (a request, a task, a command)."""
    try:
        yield
    finally:
        flush_refusals(force=True)
