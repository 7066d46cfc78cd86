"""Reads of the notification centre, always for one user: the own inbox only, the mail queue for the system admin."""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from shidian.accounts.models import User
from shidian.core import scoping
from shidian.core.errors import NotFound
from shidian.core.roles import Capability
from shidian.notifications.models import MailStatus, Notification, OutgoingMail
from shidian.notifications.registry import Kind


def _own(user: User) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk)


def inbox_for(*, user: User, kind: str = "", unread_only: bool = False) -> QuerySet[Notification]:
    """``user``'s notifications, unread first, then by the day they happened, newest first; optionally of one kind
    or unread only."""
    qs = _own(user)
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return qs.order_by(unread.desc(), "-day", "-created_at", "-id")


def unread_count(*, user: User) -> int:
    return _own(user).filter(read_at__isnull=True).count()


def unread_by_kind(*, user: User) -> dict[str, int]:
    """{kind: unread notifications of that kind} (the filter's counts)."""
    counts: dict[str, int] = dict.fromkeys(Kind.values, 0)
    for kind in _own(user).filter(read_at__isnull=True).values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def get_notification_for(*, user: User, notification_id: int) -> Notification:
    """One of ``user``'s own notifications; someone else's is not found, like a missing one."""
    notification = _own(user).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound
    return notification


def can_see_mail_queue(user: User) -> bool:
    """The system admin runs the system, the mail relay included (not the business data in the mails' links)."""
    return scoping.can(user, Capability.MANAGE_REFERENCE)


def mail_queue(*, user: User, status: str = "") -> QuerySet[OutgoingMail]:
    """The outgoing e-mail, failed first, for the system admin."""
    if not can_see_mail_queue(user):
        raise NotFound
    qs = OutgoingMail.objects.all()
    if status in MailStatus.values:
        qs = qs.filter(status=status)
    failed_first = ExpressionWrapper(Q(status=MailStatus.FAILED), output_field=BooleanField())
    return qs.order_by(failed_first.desc(), "-created_at", "-id")


def get_mail_for(*, user: User, mail_id: int) -> OutgoingMail:
    mail = mail_queue(user=user).filter(pk=mail_id).first()
    if mail is None:
        raise NotFound
    return mail
