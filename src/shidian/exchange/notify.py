"""What the exchange's audit events mean to whom (the notification centre reads these rules, see
``notifications.registry``): a routed item reaches its lead department (to answer) and its co-handling
departments (to give their opinion), an answer the raiser, an overdue item the commission, a notice its pilots."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from shidian.accounts.models import Organisation, OrganisationKind, User
from shidian.core.roles import Role
from shidian.exchange.models import Difficulty, Notice
from shidian.notifications.registry import Kind, on_event, on_read
from shidian.notifications.registry import Notice as Note

if TYPE_CHECKING:
    from shidian.core.models import AuditEvent

HANDLER_ROLES = (Role.MINISTRY_REVIEWER, Role.NATIONAL_OFFICER, Role.NATIONAL_ADMIN)


def department_users(organisation: Organisation) -> QuerySet[User]:
    """The people who handle difficulties for ``organisation`` (the commission: its divisions too)."""
    units = Q(organisation=organisation)
    if organisation.kind == OrganisationKind.NATIONAL_COMMISSION:
        units |= Q(organisation__parent=organisation, organisation__kind=OrganisationKind.NATIONAL_DIVISION)
    return User.objects.filter(units, is_active=True, role__in=HANDLER_ROLES).order_by("pk")


def raiser_side(item: Difficulty) -> QuerySet[User]:
    """The raising pilot's officers, or the provincial officer who raised it for the pilot."""
    if item.raised_by.role == Role.PROVINCIAL_OFFICER:
        return User.objects.filter(pk=item.raised_by_id, is_active=True)
    return User.objects.filter(organisation__pilot=item.pilot_id, role=Role.PILOT_OFFICER, is_active=True).order_by(
        "pk"
    )


def national_officers() -> QuerySet[User]:
    return User.objects.filter(role__in=(Role.NATIONAL_OFFICER, Role.NATIONAL_ADMIN), is_active=True).order_by("pk")


def _difficulty(event: AuditEvent) -> Difficulty | None:
    return Difficulty.objects.select_related("pilot", "lead", "raised_by").filter(pk=event.object_id).first()


def _url(item: Difficulty) -> str:
    return reverse("exchange:difficulty", kwargs={"difficulty_id": item.pk})


@on_event("exchange.difficulty.raised")
def routed(event: AuditEvent) -> Iterable[Note]:
    item = _difficulty(event)
    if item is None:
        return
    title = _("新分办的问题：%(pilot)s · %(title)s") % {"pilot": item.pilot.name, "title": item.title}
    yield Note(kind=Kind.REVIEW, recipients=department_users(item.lead), title=title, url=_url(item))
    lead_side = set(department_users(item.lead).values_list("pk", flat=True))
    co_side = [
        user
        for unit in item.co_handlers.order_by("pk")
        for user in department_users(unit)
        if user.pk not in lead_side  # the commission's officers may sit on both sides: told once, as the lead
    ]
    if co_side:
        co_title = _("请协办：%(pilot)s · %(title)s（牵头部门：%(lead)s）") % {
            "pilot": item.pilot.name,
            "title": item.title,
            "lead": item.lead.name,
        }
        yield Note(kind=Kind.CO_HANDLING, recipients=co_side, title=co_title, url=_url(item))


@on_event("exchange.difficulty.accepted")
def accepted(event: AuditEvent) -> Iterable[Note]:
    item = _difficulty(event)
    if item is None:
        return
    title = _("%(lead)s已受理：%(title)s") % {"lead": item.lead.name, "title": item.title}
    yield Note(kind=Kind.ANSWER, recipients=raiser_side(item), title=title, url=_url(item))


@on_event("exchange.difficulty.answered")
def answered(event: AuditEvent) -> Iterable[Note]:
    item = _difficulty(event)
    if item is None:
        return
    title = _("%(lead)s已答复：%(title)s，请办结并评价") % {"lead": item.lead.name, "title": item.title}
    yield Note(kind=Kind.ANSWER, recipients=raiser_side(item), title=title, url=_url(item))


@on_event("exchange.difficulty.escalated")
def escalated(event: AuditEvent) -> Iterable[Note]:
    item = _difficulty(event)
    if item is None:
        return
    title = _("逾期未答复，已提请督办：%(pilot)s · %(title)s（%(lead)s）") % {
        "pilot": item.pilot.name,
        "title": item.title,
        "lead": item.lead.name,
    }
    people = list(national_officers()) + [u for u in department_users(item.lead) if u.role == Role.MINISTRY_REVIEWER]
    yield Note(kind=Kind.OVERDUE, recipients=people, title=title, url=_url(item))


@on_event("exchange.difficulty.closed")
def closed(event: AuditEvent) -> Iterable[Note]:
    item = _difficulty(event)
    if item is None:
        return
    title = _("已办结（满意度 %(rating)s 分）：%(title)s") % {"rating": item.rating, "title": item.title}
    yield Note(kind=Kind.ANSWER, recipients=department_users(item.lead), title=title, url=_url(item))


@on_event("exchange.difficulty.reopened")
def reopened(event: AuditEvent) -> Iterable[Note]:
    item = _difficulty(event)
    if item is None:
        return
    title = _("要求重新办理：%(pilot)s · %(title)s") % {"pilot": item.pilot.name, "title": item.title}
    yield Note(kind=Kind.REVIEW, recipients=department_users(item.lead), title=title, url=_url(item))


@on_event("exchange.notice.sent")
def notice_received(event: AuditEvent) -> Iterable[Note]:
    notice = Notice.objects.select_related("sender_organisation").filter(pk=event.object_id).first()
    if notice is None:
        return
    people = User.objects.filter(
        organisation__pilot__notice_receipts__notice=notice, role=Role.PILOT_OFFICER, is_active=True
    ).order_by("pk")
    title = _("%(sender)s通知：%(title)s") % {"sender": notice.sender_organisation.name, "title": notice.title}
    # Opened before this notification was derived: the reader's copy starts read, as its receipt says.
    already = notice.receipts.filter(read_by__isnull=False).values_list("read_by_id", "read_at")
    yield Note(
        kind=Kind.NOTICE,
        recipients=people,
        title=title,
        url=reverse("exchange:notice", kwargs={"notice_id": notice.pk}),
        read_at={reader: when for reader, when in already if reader is not None and when is not None},
    )


@on_read("exchange.notice.sent")
def notice_read(event: AuditEvent, user: User) -> None:
    """The notice's notification was read in the inbox: the pilot's read receipt records it (one service)."""
    from shidian.exchange.services.notices import open_notice

    notice = Notice.objects.filter(pk=event.object_id).first()
    if notice is not None:
        open_notice(notice=notice, by=user)
