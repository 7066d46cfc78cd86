"""Record audit events. Every service that changes domain data calls ``record``."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import decimal
import ipaddress
import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.functional import Promise

from shidian.core.actors import SystemActor
from shidian.core.models import AuditEvent

_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("shidian_audit_ip", default=None)


@contextlib.contextmanager
def request_context(*, ip: str | None) -> Iterator[None]:
    """Make the client address available to audit events recorded inside the block."""
    token = _ip.set(ip)
    try:
        yield
    finally:
        _ip.reset(token)


def _valid_ip(value: str | None) -> str | None:
    """``value`` if it is an IP address, else None (the column is an inet on PostgreSQL)."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client address as the WSGI server reports it.

    Behind a proxy, waitress's ``--trusted-proxy`` options put the client's address into REMOTE_ADDR
    (docs/operations.md); reading X-Forwarded-For here would let a client write its own address.
    """
    return _valid_ip(request.META.get("REMOTE_ADDR"))


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


def record(
    *,
    action: str,
    actor: Any = None,
    obj: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
    success: bool = True,
    detail: Mapping[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one audit event; the IP comes from the current request, if any. A system actor is named."""
    if isinstance(actor, SystemActor):
        actor, username = None, username or actor.name
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    organisation = getattr(actor, "organisation", None) if authenticated else None
    return AuditEvent.objects.create(
        actor=actor if authenticated else None,
        actor_username=(actor.get_username() if authenticated else username)[:150],
        organisation_name=str(organisation)[:200] if organisation else "",
        ip=_ip.get(),
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        success=success,
        changes={k: plain(v) for k, v in (changes or {}).items()},
        detail={k: plain(v) for k, v in (detail or {}).items()},
    )
