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

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def shown(self) -> list[Item]:
        return self.items[:SHOWN]

    @property
    def hidden(self) -> int:
        return max(self.count - SHOWN, 0)


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
