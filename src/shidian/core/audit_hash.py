"""The audit trail's hash chain: the one definition of an event's hash.

An event's hash is SHA-256 over the previous event's hash and a canonical JSON form of its own content,
so changing, removing or inserting an event breaks every link after it (``manage.py verify_audit``).
Never change this function: events already written would no longer verify.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

GENESIS = "0" * 64

# The columns an event's hash covers, in the order they are written out.
HASHED_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_username",
    "organisation_name",
    "ip",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "success",
    "changes",
    "detail",
)


def _canonical(value: Any) -> Any:
    """``value`` as the database gives it back: whole floats as integers (jsonb keeps no ``.0``)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def _moment(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(*, prev_hash: str, fields: Mapping[str, Any]) -> str:
    """The hash of one event given the previous event's hash and this event's ``HASHED_FIELDS``."""
    content = {name: _canonical(fields[name]) for name in HASHED_FIELDS}
    content["occurred_at"] = _moment(fields["occurred_at"])
    content["actor_id"] = None if fields["actor_id"] is None else int(fields["actor_id"])
    content["ip"] = fields["ip"] or None
    content["success"] = bool(fields["success"])
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()
