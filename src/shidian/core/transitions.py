"""The one way a status changes: lock the row, check the move map, save the changed fields, audit the move.

Every app declares its statuses as a ``Flow`` (the status field, its move map and the audit action prefix)
and moves a row only through ``move``. ``FLOWS`` lists every flow declared, so one test walks every map.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from shidian.core import audit
from shidian.core.errors import Conflict

if TYPE_CHECKING:
    from shidian.core.actors import Actor


class MoveRefused(Conflict):
    """The move map does not allow this change of status."""

    def __init__(self, message: str, *, current: str = "", to: str = "") -> None:
        super().__init__(message)
        self.current = current
        self.to = to


@dataclass(frozen=True)
class Effects:
    """What a move changes besides the status: further fields to save, and the audit event's changes and detail."""

    fields: Iterable[str] = ()
    changes: Mapping[str, Any] | None = None
    detail: Mapping[str, Any] | None = None
    action: audit.AuditAction | None = None
    # The form was saved unchanged: write and record nothing (only when the status stays too).
    unchanged: bool = False
    # A move that records a refusal of the work itself (an import rejected for its errors) audits success=False.
    success: bool = True


@dataclass(frozen=True, eq=False)
class Flow[M: models.Model]:
    """One status field of one model and the moves allowed between its values."""

    model: type[M]
    statuses: type[models.TextChoices]
    moves: Mapping[str, frozenset[str]]
    action_prefix: str
    status_field: str = "status"
    # ``%(from)s``/``%(to)s`` are the status labels; the default names no object.
    refusal: str | Promise = ""
    # Fields saved with every move (``updated_at`` with auto_now is only written when named).
    touch: tuple[str, ...] = field(default=())
    # Where every move of the flow is one kind of event (a follow-up, a progress update): its one audit action.
    action: audit.AuditAction | None = None
    # Moves recorded under an action named otherwise than ``<prefix>.<to>`` (an older name kept in the trail).
    actions: Mapping[str, audit.AuditAction] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # The map names every status and nothing else, so a new status cannot be forgotten.
        missing = set(self.statuses.values) - set(self.moves)
        unknown = {to for targets in self.moves.values() for to in targets} - set(self.statuses.values)
        if missing or unknown:
            raise ValueError(f"{self.action_prefix}: move map misses {missing or ''} names unknown {unknown or ''}")
        FLOWS.append(self)

    def action_for(self, to: str) -> audit.AuditAction:
        """The registered audit action of a move to ``to``: its own, the flow's one action, else ``<prefix>.<to>``.

        A name the registry lacks raises ValueError, so an unregistered move is never recorded.
        """
        return self.actions.get(to) or self.action or audit.AuditAction(f"{self.action_prefix}.{to}")

    def allows(self, current: str, to: str) -> bool:
        return to in self.moves.get(current, frozenset())

    def label(self, value: str) -> str:
        return str(self.statuses(value).label) if value in self.statuses.values else value

    def refuse(self, current: str, to: str) -> MoveRefused:
        template = str(self.refusal) if self.refusal else _("状态不能从“%(from)s”变为“%(to)s”。")
        return MoveRefused(template % {"from": self.label(current), "to": self.label(to)}, current=current, to=to)


FLOWS: list[Flow[Any]] = []


def move[M: models.Model](
    obj: M,
    to: str,
    *,
    flow: Flow[M],
    by: Actor,
    guard: Callable[[M], None] | None = None,
    apply: Callable[[M], Effects | None] | None = None,
    queryset: models.QuerySet[M] | None = None,
) -> M:
    """Move ``obj`` to status ``to`` as ``flow`` allows and return the locked, saved row.

    ``guard`` runs on the locked row before the map is consulted (permission and state checks);
    ``apply`` runs after it, still seeing the old status, may set further fields (and create related
    rows) and raise a DomainError, which leaves nothing written. The audit action is ``<prefix>.<to>``
    unless ``apply`` names another.

    A move the map refuses is audited (``core.move.refused``) after its transaction is rolled back, so the
    event stays while nothing of the refused move does (``audit.record_refusal``).
    """
    try:
        return _move(obj, to, flow=flow, by=by, guard=guard, apply=apply, queryset=queryset)
    except MoveRefused as refused:
        audit.record_refusal(
            action=audit.AuditAction.MOVE_REFUSED,
            actor=by,
            obj=obj,
            detail={
                "flow": flow.action_prefix,
                "from": refused.current,
                "to": refused.to or to,
                "message": refused.message,
            },
        )
        raise


@transaction.atomic
def _move[M: models.Model](
    obj: M,
    to: str,
    *,
    flow: Flow[M],
    by: Actor,
    guard: Callable[[M], None] | None,
    apply: Callable[[M], Effects | None] | None,
    queryset: models.QuerySet[M] | None,
) -> M:
    rows = queryset if queryset is not None else flow.model._default_manager.all()
    locked = rows.select_for_update().get(pk=obj.pk)
    if guard is not None:
        guard(locked)
    current = getattr(locked, flow.status_field)
    if not flow.allows(current, to):
        raise flow.refuse(current, to)
    effects = (apply(locked) if apply is not None else None) or Effects()
    if effects.unchanged and current == to:
        return locked
    setattr(locked, flow.status_field, to)
    fields = list(dict.fromkeys([flow.status_field, *effects.fields, *flow.touch]))
    locked.save(update_fields=fields)
    audit.record(
        action=effects.action or flow.action_for(to),
        actor=by,
        obj=locked,
        changes={**({flow.status_field: [current, to]} if current != to else {}), **(effects.changes or {})},
        detail=effects.detail,
        success=effects.success,
    )
    return locked
