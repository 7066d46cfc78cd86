"""One cleaner for text typed or imported by users: control characters never reach the database.

PostgreSQL refuses NUL in text (a 500 on confirm), and other control characters (bell, escape, the
bidirectional overrides that make a name read backwards) have no place in a plan or a report. Multi-line
text keeps its line breaks and tabs; a single-line value turns them into a space.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.db.models import Model
from django.utils.translation import gettext as _

from shidian.core.errors import DomainError

# C0 and C1 controls and DEL, except tab, line feed and carriage return (handled below).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Zero-width and direction-changing format characters, the byte-order mark.
_INVISIBLE = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x85]")
_SINGLE_LINE_BREAKS = re.compile("[\t\n]+")


def clean(value: str, *, multiline: bool = False) -> str:
    """``value`` without control or invisible format characters; line breaks kept only if ``multiline``."""
    if value.isprintable():
        # Nothing to remove: every character matched below (controls, format characters, line and paragraph
        # separators, tab, line feed) is outside str.isprintable(). The common case of an import's cells.
        return value
    return _scrub(value, multiline=multiline)


def _scrub(value: str, *, multiline: bool) -> str:
    value = _LINE_BREAKS.sub("\n", value)
    value = _INVISIBLE.sub("", _CONTROLS.sub("", value))
    if not multiline:
        value = _SINGLE_LINE_BREAKS.sub(" ", value)
    return value


def has_controls(value: str) -> bool:
    """Whether ``clean`` would change ``value`` (beyond line breaks)."""
    return clean(value, multiline=True) != _LINE_BREAKS.sub("\n", value)


def check_lengths(model: type[Model], values: Mapping[str, object]) -> None:
    """Refuse (in Chinese, naming the field) any text longer than the model's field allows."""
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        field = model._meta.get_field(name)
        limit = getattr(field, "max_length", None)
        if limit is not None and len(value) > limit:
            raise DomainError(
                _("“%(field)s”最多 %(limit)d 个字符，现有 %(length)d 个。")
                % {"field": getattr(field, "verbose_name", name), "limit": limit, "length": len(value)}
            )
