"""Who acts when no person does: set-up commands, the demo loader and scheduled jobs.

Services always receive the acting user. Work nobody clicked for is done by a ``SystemActor``
named after its job; it passes every permission check (it is only ever built in code, never from a
request) and audit events name it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from shidian.accounts.models import User

    # Whoever may be asked about: a person, a visitor not logged in, the platform's own job, or nobody (None).
    type Actor = User | AnonymousUser | SystemActor | None


@dataclass(frozen=True)
class SystemActor:
    """The platform itself, acting as the job ``name`` (e.g. "load_demo", "open_reporting_rounds")."""

    name: str
    is_authenticated = False
    is_active = True
    pk = None

    def get_username(self) -> str:
        return self.name


def system(name: str) -> SystemActor:
    """The system actor of the job ``name``."""
    return SystemActor(name=name)
