"""The workbench's pieces: items, sections, the workbench, and how a deadline or a wait reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from shidian.core import formatting

# Tones: how an item reads at a glance (the same words and colours on every page, see docs/workbench.md).
LATE = "late"
SOON = "soon"
WAITING = "waiting"
DONE = "done"
INFO = "info"

DUE_SOON_DAYS = 30
SHOWN = 15  # items shown per section; the count and the linked list always hold them all


@dataclass
class Item:
    title: str
    url: str
    note: str = ""
    tone: str = INFO
    comment: str = ""
    testid: str = ""


@dataclass
class Section:
    key: str
    heading: str
    items: list[Item] = field(default_factory=list)
    link: str = ""
    link_label: str = ""
    empty: str = ""
    # How many items there are when ``items`` holds only the first SHOWN of them: a section whose list can be
    # long (a ministry's unread copies) counts in the database and builds only the items it shows (issue 16).
    total: int | None = None

    @property
    def count(self) -> int:
        return len(self.items) if self.total is None else self.total

    @property
    def shown(self) -> list[Item]:
        return self.items[:SHOWN]

    @property
    def hidden(self) -> int:
        return max(self.count - len(self.shown), 0)


@dataclass
class Workbench:
    today: dt.date
    sections: list[Section]
    intro: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)
    empty: str = ""

    @property
    def total(self) -> int:
        return sum(s.count for s in self.sections)


def due_note(due: dt.date, today: dt.date) -> tuple[str, str]:
    """("期限 2019年7月10日 · 还剩 2 天", tone) for a deadline seen from ``today``."""
    days = (due - today).days
    when = _("期限 %(date)s") % {"date": formatting.date(due)}
    if days < 0:
        return "%s · %s" % (when, _("逾期 %(days)d 天") % {"days": -days}), LATE  # noqa: UP031
    if days == 0:
        return "%s · %s" % (when, _("今天到期")), SOON  # noqa: UP031
    tone = SOON if days <= 7 else INFO
    return "%s · %s" % (when, _("还剩 %(days)d 天") % {"days": days}), tone  # noqa: UP031


def waiting_note(since: dt.date | None, today: dt.date) -> str:
    if since is None:
        return ""
    if since > today:  # recorded in real time after the business date (a demo or a test travelling back)
        return _("%(date)s 报送") % {"date": formatting.date(since)}
    days = (today - since).days
    return _("%(date)s 报送 · 已等待 %(days)d 天") % {"date": formatting.date(since), "days": days}


def waiting_item(
    title: str, url: str, *, since: dt.date | None, today: dt.date, testid: str, comment: str = ""
) -> Item:
    """An item waiting for the user's decision: since when it waits, in the waiting tone."""
    return Item(title, url, note=waiting_note(since, today), tone=WAITING, comment=comment, testid=testid)


def due_item(title: str, url: str, *, due: dt.date, today: dt.date, testid: str) -> Item:
    """An item with a deadline: how far off it is, in the tone that says so."""
    note, tone = due_note(due, today)
    return Item(title, url, note=note, tone=tone, testid=testid)


def returned_tone(tone: str) -> str:
    """Returned work reads late once its deadline has passed, and soon before."""
    return LATE if tone == LATE else SOON
