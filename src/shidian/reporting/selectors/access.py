"""Who may read reports, and which pilots report."""

from __future__ import annotations

from typing import Any

from shidian.core import scoping
from shidian.core.roles import Capability
from shidian.pilots.models import PilotStatus

# A pilot reports while it is in the programme: active or warned (a warned pilot must improve and report).
REPORTING_STATUSES = frozenset({PilotStatus.ACTIVE, PilotStatus.WARNED})


def _require_reports(user: Any) -> None:
    scoping.require(user, Capability.VIEW_REPORTS)
