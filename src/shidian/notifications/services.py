"""Derive notifications from the audit trail and the daily producers; read marks, preferences, the mail queue.

``derive`` and ``derive_periodic`` are idempotent and race-safe: one notification per (source, recipient) is
enforced by a unique constraint and inserted with ``ignore_conflicts``, and the cursor row is locked while
the trail is read. Derivation runs after commit (a task) and daily, never inside a model save or a signal.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from shidian.core import audit, clock, transitions
from shidian.core.actors import system
from shidian.core.errors import DomainError
from shidian.core.models import AuditEvent
from shidian.core.transitions import Effects
from shidian.notifications import registry
from shidian.notifications.models import (
    MAIL_FLOW,
    DeriveCursor,
    EmailPreference,
    MailStatus,
    Notification,
    OutgoingMail,
)
from shidian.notifications.registry import Kind, Notice

if TYPE_CHECKING:
    from shidian.accounts.models import User

logger = logging.getLogger(__name__)

EVENTS_CURSOR = "events"
MAILER = system("send_mail")  # the mail job moves a mail to sent or given up, nobody clicks for it
BATCH = 1000


def _rows(notice: Notice, *, source: str, event: AuditEvent | None) -> list[Notification]:
    day = audit.business_day_of(event) if event is not None else clock.today()  # the day it happened
    seen: set[int] = set()
    rows = []
    for user in notice.recipients:
        if user.pk is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user,
                kind=notice.kind,
                title=str(notice.title)[:300],
                body=str(notice.body),
                url=notice.url[:500],
                source=source[:200],
                event=event,
                day=day,
                read_at=notice.read_at.get(user.pk),
                is_demo=user.is_demo,
            )
        )
    return rows


def _store(rows: list[Notification]) -> int:
    """Insert the rows that are new; return how many were (a row already there is skipped, even in a race)."""
    if not rows:
        return 0
    sources = {r.source for r in rows}
    existing = set(Notification.objects.filter(source__in=sources).values_list("source", "recipient_id").iterator())
    fresh = [r for r in rows if (r.source, r.recipient_id) not in existing]
    Notification.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=500)
    return len(fresh)


def _notices_of(event: AuditEvent) -> list[tuple[str, Notice]]:
    result: list[tuple[str, Notice]] = []
    for rule in registry.rules_for(event.action):
        try:
            result.extend((f"event:{event.pk}:{notice.kind}", notice) for notice in rule(event))
        except Exception:  # a broken rule must not stop the inbox of everyone else
            logger.exception("notification rule %s failed on audit event #%s", rule.__qualname__, event.pk)
    return result


def _settle(events: list[AuditEvent]) -> int:
    """Mark read, for everyone, the notifications that asked for what these events did (registry.settles).

    Only the notifications of earlier events on the same object: a submission made after a return asks again.
    Runs after the batch is stored, so a request and its handling derived in one run are settled too.
    """
    settled = 0
    for event in events:
        asked_by = registry.settled_by(event.action)
        if not asked_by or not event.object_id:
            continue
        settled += Notification.objects.filter(
            read_at__isnull=True,
            event_id__lt=event.pk,
            event__action__in=asked_by,
            event__object_type=event.object_type,
            event__object_id=event.object_id,
        ).update(read_at=event.occurred_at)
    return settled


@transaction.atomic
def derive() -> int:
    """Turn the audit events recorded since the last run into notifications; return how many were created."""
    cursor, _created = DeriveCursor.objects.get_or_create(name=EVENTS_CURSOR)
    cursor = DeriveCursor.objects.select_for_update().get(pk=cursor.pk)
    last = AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0
    actions = registry.actions()
    created = 0
    start = cursor.last_event_id
    while start < last:
        events = list(
            AuditEvent.objects.filter(id__gt=start, id__lte=last, action__in=actions, success=True).order_by("id")[
                :BATCH
            ]
        )
        if not events:
            break
        rows = [
            row
            for event in events
            for source, notice in _notices_of(event)
            for row in _rows(notice, source=source, event=event)
        ]
        created += _store(rows)
        _settle(events)
        start = events[-1].pk
    cursor.last_event_id = last
    cursor.save(update_fields=["last_event_id", "updated_at"])
    if created:
        transaction.on_commit(_enqueue_mail, robust=True)
    return created


@transaction.atomic
def derive_periodic(*, today: dt.date) -> int:
    """Run the registered producers for the business day ``today``; return how many notifications were new."""
    rows: list[Notification] = []
    for producer in registry.producers():
        try:
            notices = list(producer(today))
        except Exception:
            logger.exception("notification producer %s failed", producer.__qualname__)
            continue
        for notice in notices:
            if not notice.key:
                raise ValueError(f"{producer.__qualname__}: a periodic notice needs a key")
            rows.extend(_rows(notice, source=f"periodic:{notice.key}", event=None))
    created = _store(rows)
    if created:
        transaction.on_commit(_enqueue_mail, robust=True)
    return created


# -- reading ----------------------------------------------------------------------------------------


def _tell_readers(notifications: list[Notification], *, by: User) -> None:
    """Let the app an event belongs to record the reading too (a notice's read receipt: registry.on_read)."""
    for notification in notifications:
        if notification.event is not None:
            for hook in registry.read_hooks_for(notification.event.action):
                hook(notification.event, by)


@transaction.atomic
def mark_read(*, notification: Notification, by: User) -> Notification:
    """Mark one of ``by``'s notifications as read (someone else's is refused)."""
    if notification.recipient_id != by.pk:
        raise DomainError(_("只能处理自己的通知。"))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        _tell_readers([notification], by=by)
    return notification


@transaction.atomic
def mark_all_read(*, by: User, kind: str = "") -> int:
    """Mark all of ``by``'s unread notifications (of one kind, if given) as read; return how many."""
    qs = Notification.objects.filter(recipient_id=by.pk, read_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    hooked = list(qs.filter(event__action__in=registry.read_actions()).select_related("event"))
    count = qs.update(read_at=timezone.now())
    _tell_readers(hooked, by=by)
    return count


def mark_read_about(*, user: User, action: str, object_id: str | int) -> int:
    """Mark ``user``'s unread notifications derived from ``action`` events on one object as read; return how many.

    The app's side of ``registry.on_read``: the user read the thing itself (opened the notice), so the inbox
    says so too. No hooks run from here.
    """
    return Notification.objects.filter(
        recipient_id=user.pk, read_at__isnull=True, event__action=action, event__object_id=str(object_id)
    ).update(read_at=timezone.now())


# -- e-mail preferences -----------------------------------------------------------------------------


def email_wanted(*, user: User) -> dict[str, bool]:
    """{kind: whether ``user`` wants e-mail for it}; kinds without a stored choice default to yes."""
    chosen = dict(EmailPreference.objects.filter(user_id=user.pk).values_list("kind", "email"))
    return {kind: chosen.get(kind, True) for kind in Kind.values}


@transaction.atomic
def set_email_preferences(*, user: User, wanted: Mapping[str, bool]) -> dict[str, bool]:
    """Store ``user``'s e-mail choice for every kind named in ``wanted`` (unknown kinds are refused).

    Only a choice that differs from the one in force is written: the form posted back unchanged writes nothing.
    """
    unknown = set(wanted) - set(Kind.values)
    if unknown:
        raise DomainError(_("未知的通知类型：%(kinds)s") % {"kinds": "、".join(sorted(unknown))})
    current = email_wanted(user=user)
    for kind, email in wanted.items():
        if current[kind] != bool(email):
            EmailPreference.objects.update_or_create(user_id=user.pk, kind=kind, defaults={"email": bool(email)})
    return email_wanted(user=user)


# -- e-mail -----------------------------------------------------------------------------------------


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFY_MAIL_MAX_ATTEMPTS", 5))


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next try after ``attempts`` failed ones: 5, 10, 20, 40 … minutes, at most a day."""
    base = int(getattr(settings, "NOTIFY_MAIL_BACKOFF_SECONDS", 300))
    return min(dt.timedelta(seconds=base * 2 ** max(attempts - 1, 0)), dt.timedelta(days=1))


def _mail_body(notification: Notification) -> str:
    lines = [notification.title]
    if notification.body:
        lines += ["", notification.body]
    if notification.url:
        base = str(getattr(settings, "SITE_URL", "")).rstrip("/")
        lines += ["", _("查看：%(url)s") % {"url": f"{base}{notification.url}"}]
    lines += ["", _("——国家新型城镇化综合试点平台（可在“通知中心 → 邮件设置”中关闭此类邮件）")]
    return "\n".join(lines)


@transaction.atomic
def queue_mail(*, now: dt.datetime | None = None) -> int:
    """Queue an e-mail for each new notification whose recipient has an address and wants this kind.

    Without e-mail configured (``SHIDIAN_EMAIL_ENABLED`` off) nothing is queued; the inbox holds everything.
    """
    now = now or timezone.now()
    pending = list(
        Notification.objects.select_for_update()
        .filter(mail_considered=False)
        .select_related("recipient")
        .order_by("id")[:BATCH]
    )
    if not pending:
        return 0
    queued: list[OutgoingMail] = []
    if settings.EMAIL_ENABLED:
        users = {n.recipient_id for n in pending}
        refused = set(
            EmailPreference.objects.filter(user_id__in=users, email=False).values_list("user_id", "kind").iterator()
        )
        queued = [
            OutgoingMail(
                notification=n,
                recipient=n.recipient,
                to=n.recipient.email,
                subject=_("【试点平台】%(title)s") % {"title": n.title},
                body=_mail_body(n),
                next_attempt_at=now,
            )
            for n in pending
            if n.recipient.email and (n.recipient_id, n.kind) not in refused and not n.is_demo
        ]
        OutgoingMail.objects.bulk_create(queued, ignore_conflicts=True)
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(mail_considered=True)
    return len(queued)


def _send_one(mail_id: int, now: dt.datetime) -> bool:
    with transaction.atomic():
        mail = (
            OutgoingMail.objects.select_for_update(skip_locked=True)
            .filter(pk=mail_id, status=MailStatus.PENDING)
            .first()
        )
        if mail is None:
            return False  # another worker has it, or it is done
        try:
            EmailMessage(subject=mail.subject, body=mail.body, to=[mail.to]).send()
        except Exception as error:  # SMTP refusals, timeouts, a server that is down: retried, then shown
            attempts = mail.attempts + 1
            last_error = f"{type(error).__name__}: {error}"[:500]
            logger.warning("mail #%s to %s failed (attempt %s): %s", mail.pk, mail.to, attempts, last_error)
            if attempts < max_attempts():  # still waiting: no move, the next attempt later
                mail.attempts, mail.last_error, mail.next_attempt_at = attempts, last_error, now + backoff(attempts)
                mail.save(update_fields=["attempts", "last_error", "next_attempt_at"])
                return False

            def given_up(locked: OutgoingMail) -> Effects:
                locked.attempts, locked.last_error = attempts, last_error
                return Effects(fields=["attempts", "last_error"], detail={"count": attempts, "message": last_error})

            transitions.move(mail, MailStatus.FAILED, flow=MAIL_FLOW, by=MAILER, apply=given_up)
            return False

        def sent(locked: OutgoingMail) -> Effects:
            locked.attempts, locked.sent_at, locked.last_error = locked.attempts + 1, timezone.now(), ""
            return Effects(fields=["attempts", "sent_at", "last_error"], detail={"count": locked.attempts})

        transitions.move(mail, MailStatus.SENT, flow=MAIL_FLOW, by=MAILER, apply=sent)
        return True


def send_due_mail(*, now: dt.datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Send the queued e-mails whose time has come; a failure is retried later, then marked failed."""
    now = now or timezone.now()
    ids = list(
        OutgoingMail.objects.filter(status=MailStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    sent = sum(_send_one(mail_id, now) for mail_id in ids)
    return {"sent": sent, "failed": len(ids) - sent}


def retry_mail(*, mail: OutgoingMail, by: User) -> OutgoingMail:
    """Give a failed e-mail a fresh set of attempts, due now (the system admin's button)."""

    def failed_only(locked: OutgoingMail) -> None:
        if locked.status != MailStatus.FAILED:
            raise DomainError(_("只有发送失败的邮件可以重新发送。"))

    def again(locked: OutgoingMail) -> Effects:
        locked.attempts, locked.next_attempt_at = 0, timezone.now()
        return Effects(fields=["attempts", "next_attempt_at"])

    locked = transitions.move(mail, MailStatus.PENDING, flow=MAIL_FLOW, by=by, guard=failed_only, apply=again)
    transaction.on_commit(_enqueue_mail, robust=True)
    return locked


def next_retry_at() -> dt.datetime | None:
    return (
        OutgoingMail.objects.filter(status=MailStatus.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )


def _enqueue_mail() -> None:
    from shidian.notifications import tasks

    tasks.send_notification_mail.enqueue()


def email_enabled() -> bool:
    return bool(settings.EMAIL_ENABLED)
