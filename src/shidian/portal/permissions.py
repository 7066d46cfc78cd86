"""Who writes news for the portal: the commission's officers (national items) and provincial officers (theirs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shidian.core import scoping
from shidian.core.roles import NEWS_WRITERS, Reach

if TYPE_CHECKING:
    from shidian.core.actors import Actor


def can_write_news(user: Actor) -> bool:
    """National and provincial officers publicise the programme (the notice, 六、宣传引导)."""
    scope = scoping.scope_for(user)
    return getattr(user, "role", "") in NEWS_WRITERS and scope.reach in {Reach.NATION, Reach.PROVINCE}
