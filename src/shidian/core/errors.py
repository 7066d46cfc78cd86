"""Domain errors: raised by services, shown to users as they are (in Chinese)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A refused action; its message is user-facing and already translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Conflict(DomainError):
    """The action clashes with the object's current state (a refused move, a newer save by someone else)."""


class NotFound(Exception):
    """The object is missing or outside the user's reach; both get the same answer (shown as 404).

    Deliberately not a DomainError: views that show refusals as form errors must not show this one.
    """


@dataclass(frozen=True)
class RowError:
    """One problem in an uploaded file, located by sheet, row and column."""

    row: int | None
    column: str | None
    message: str
    sheet: str | None = None

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(_("工作表“%(sheet)s”") % {"sheet": self.sheet})
        if self.row is not None:
            where.append(_("第 %(row)d 行") % {"row": self.row})
        if self.column:
            where.append(_("“%(column)s”列") % {"column": self.column})
        prefix = _("，").join(where)
        return _("%(where)s：%(message)s") % {"where": prefix, "message": self.message} if prefix else self.message


@dataclass
class ImportRejected(Exception):
    """An import that found errors; nothing was written."""

    errors: list[RowError] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)
