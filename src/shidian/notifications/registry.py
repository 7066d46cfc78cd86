"""What each app says its events mean to whom: the one contract between the apps and the notification centre.

Notifications are derived from audit events after commit, never inside model saves or signals. An app that
wants its events to reach people registers, in its ``AppConfig.ready``, a rule per audit action:

    from shidian.notifications.registry import Kind, Notice, on_event

    @on_event("exchange.difficulty.answer")
    def _answered(event: AuditEvent) -> Iterable[Notice]:
        item = Difficulty.objects.get(pk=event.object_id)
        yield Notice(kind=Kind.ANSWER, recipients=item.raisers(), title=..., url=item.get_absolute_url())

and, for a notification that asks someone to act (待推荐, 待遴选), the actions that settle it once anyone with the
right has acted on the same object:

    settles(AuditAction.EXPERIENCE_RECOMMENDED, asked_by=[AuditAction.EXPERIENCE_SUBMITTED])

and, for what becomes due with the business clock rather than with an event, a periodic producer:

    @periodically
    def _milestones_due(today: dt.date) -> Iterable[Notice]: ...  # each Notice carries a ``key``

The centre (``notifications.services``) reads new audit events past its cursor and the producers once a day,
and stores one notification per (source, recipient): running it twice creates nothing new. This module
imports nothing above core and accounts, so every app may use it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from shidian.core.audit_actions import AuditAction

if TYPE_CHECKING:
    from shidian.accounts.models import User
    from shidian.core.models import AuditEvent


class Kind(models.TextChoices):
    """The types of notification a user can choose e-mail for (one preference per kind)."""

    DUE = "due", _("即将到期")
    OVERDUE = "overdue", _("已逾期")
    RETURNED = "returned", _("退回修改")
    ANSWER = "answer", _("答复与办理")
    NOTICE = "notice", _("通知与指导")
    DECISION = "decision", _("决定与通报")
    ACCOUNT = "account", _("账号")
    REVIEW = "review", _("待审核")
    CO_HANDLING = "co_handling", _("协办事项")  # a difficulty routed to the department as co-handler (协办)


@dataclasses.dataclass(frozen=True)
class Notice:
    """One thing to tell some people. ``key`` names it for periodic producers (unique per recipient)."""

    kind: Kind
    recipients: Iterable[User]
    title: str
    url: str = ""
    body: str = ""
    key: str = ""
    # Recipients who have already read what this tells (user id -> when), e.g. a notice opened before the
    # centre derived its notification: theirs is stored as read.
    read_at: Mapping[int, dt.datetime] = dataclasses.field(default_factory=dict)


EventRule = Callable[["AuditEvent"], Iterable[Notice]]
Producer = Callable[[dt.date], Iterable[Notice]]
ReadHook = Callable[["AuditEvent", "User"], None]

_event_rules: dict[str, list[EventRule]] = {}
_producers: list[Producer] = []
_read_hooks: dict[str, list[ReadHook]] = {}
_settles: dict[str, set[str]] = {}


def on_event(action: str) -> Callable[[EventRule], EventRule]:
    """Register ``rule`` for the audit action ``action`` (a value of ``core.audit_actions.AuditAction``).

    An action that is not registered is refused at start-up: a misspelt one would never fire.
    """
    if action not in AuditAction.values:
        raise ValueError(f"unregistered audit action {action!r}: add it to core/audit_actions.py")

    def decorate(rule: EventRule) -> EventRule:
        rules = _event_rules.setdefault(str(action), [])
        if rule not in rules:
            rules.append(rule)
        return rule

    return decorate


def on_read(action: str) -> Callable[[ReadHook], ReadHook]:
    """Register ``hook``, called when a user marks a notification derived from an ``action`` event read.

    For apps that keep their own record of reading (a notice's read receipt): the inbox and the app then
    tell the same story whichever side the user reads on.
    """
    if action not in AuditAction.values:
        raise ValueError(f"unregistered audit action {action!r}: add it to core/audit_actions.py")

    def decorate(hook: ReadHook) -> ReadHook:
        hooks = _read_hooks.setdefault(str(action), [])
        if hook not in hooks:
            hooks.append(hook)
        return hook

    return decorate


def settles(action: str, *, asked_by: Iterable[str]) -> None:
    """Register that an ``action`` event settles the notifications of earlier ``asked_by`` events on its object.

    The centre marks them read for every recipient when it derives the ``action`` event: the item was handled
    (by the recipient or a colleague), so it no longer waits in anyone's inbox.
    """
    for name in (action, *asked_by):
        if name not in AuditAction.values:
            raise ValueError(f"unregistered audit action {name!r}: add it to core/audit_actions.py")
    _settles.setdefault(str(action), set()).update(str(name) for name in asked_by)


def settled_by(action: str) -> list[str]:
    """The actions whose notifications an ``action`` event settles (none: it settles nothing)."""
    return sorted(_settles.get(action, ()))


def read_hooks_for(action: str) -> list[ReadHook]:
    return list(_read_hooks.get(action, ()))


def read_actions() -> list[str]:
    return sorted(_read_hooks)


def periodically(producer: Producer) -> Producer:
    """Register a producer of notices that become due with the business clock (run once a day)."""
    if producer not in _producers:
        _producers.append(producer)
    return producer


def rules_for(action: str) -> list[EventRule]:
    return list(_event_rules.get(action, ()))


def actions() -> list[str]:
    """The actions the centre reads from the trail: those with rules and those that settle notifications."""
    return sorted(set(_event_rules) | set(_settles))


def producers() -> list[Producer]:
    return list(_producers)


def has_rules(action: str) -> bool:
    """Whether some app has a rule for ``action`` or settles by it (only those events make the centre run)."""
    return action in _event_rules or action in _settles
