"""Background work of the notification centre (django.tasks; the worker is ``manage.py db_worker``).

``derive_notifications`` is enqueued after every transaction that records an event some app has a rule for
(``core.audit.after_commit``); ``daily_notifications`` runs once a day (``manage.py notify_daily``); both
then send the queued e-mail, and a send that failed is tried again later.
"""

from __future__ import annotations

from django.tasks import task

from shidian.core import clock
from shidian.notifications import services


def _send_and_schedule_retry() -> dict[str, int]:
    services.queue_mail()
    result = services.send_due_mail()
    retry_at = services.next_retry_at()
    if retry_at is not None and send_notification_mail.get_backend().supports_defer:
        send_notification_mail.using(run_after=retry_at).enqueue()
    return result


@task()
def derive_notifications() -> dict[str, int]:
    """Turn the audit events recorded since the last run into notifications, then send their e-mail."""
    created = services.derive()
    return {"created": created, **_send_and_schedule_retry()}


@task()
def daily_notifications() -> dict[str, int]:
    """Notify what becomes due today (business clock), catch up on events, send e-mail."""
    periodic = services.derive_periodic(today=clock.today())
    created = services.derive()
    return {"periodic": periodic, "created": created, **_send_and_schedule_retry()}


@task()
def send_notification_mail() -> dict[str, int]:
    """Send the e-mails whose time has come (first tries and retries)."""
    return _send_and_schedule_retry()


def enqueue_derive() -> None:
    """After commit: derive in the worker (the one callback ``core.audit.after_commit`` runs)."""
    derive_notifications.enqueue()
