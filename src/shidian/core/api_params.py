"""Parameters the apps' API routers share, written once."""

from __future__ import annotations

from typing import Any

# ninja.Path is a generic alias for mypy (``Path[int]``); the plain function is the same at run time.
from ninja.params.functions import Path

ID_MAX = 2**31 - 1  # an integer column's largest value: a larger id would overflow the query


def id_path() -> Any:
    """A path parameter that is a row's id: 1 to ``ID_MAX`` (422 outside, not a database error)."""
    return Path(..., ge=1, le=ID_MAX)
