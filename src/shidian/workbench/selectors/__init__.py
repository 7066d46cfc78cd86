"""What each user must do now and soon, gathered from every app's selectors (never from their models).

Every section lists everything it counts (its count is the length of its list) and links to the page where
the work is done. Items are ordered oldest and most urgent first. "Today" is the business clock.

One module per role's sections; callers import the package (``from shidian.workbench import selectors``)
and use the names re-exported here.
"""

from shidian.workbench.selectors.entry import ADMIN_INTRO, workbench_for
from shidian.workbench.selectors.items import (
    DONE,
    DUE_SOON_DAYS,
    INFO,
    LATE,
    SHOWN,
    SOON,
    WAITING,
    Item,
    Section,
    Workbench,
    due_note,
    waiting_note,
)

__all__ = [
    "ADMIN_INTRO",
    "DONE",
    "DUE_SOON_DAYS",
    "INFO",
    "LATE",
    "SHOWN",
    "SOON",
    "WAITING",
    "Item",
    "Section",
    "Workbench",
    "due_note",
    "waiting_note",
    "workbench_for",
]
