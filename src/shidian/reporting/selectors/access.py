"""Who may read reports, and which pilots report."""

from __future__ import annotations

from shidian.accounts.models import User
from shidian.core import scoping
from shidian.core.roles import Capability
from shidian.pilots.models import PilotStatus

# A pilot reports while it is in the programme: active or warned (a warned pilot must improve and report).
REPORTING_STATUSES = frozenset({PilotStatus.ACTIVE, PilotStatus.WARNED})


def _require_reports(user: User) -> None:
    scoping.require(user, Capability.VIEW_REPORTS)
