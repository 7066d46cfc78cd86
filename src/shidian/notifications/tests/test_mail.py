"""E-mail through real SMTP: a local aiosmtpd server receives what the queue sends, or refuses it."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from django.utils import timezone

from shidian.accounts.models import User
from shidian.core.audit_actions import AuditAction
from shidian.core.models import AuditEvent
from shidian.notifications import services, tasks
from shidian.notifications.models import MailStatus, OutgoingMail
from shidian.notifications.registry import Kind
from shidian.notifications.tests.helpers import notify

pytestmark = pytest.mark.django_db


class Inbox:
    """An SMTP handler that keeps what it receives, or refuses every recipient."""

    def __init__(self) -> None:
        self.received: list[Any] = []
        self.refuse = False

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.refuse:
            return "550 5.7.1 relaying refused"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(envelope)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def smtp(smtp_server: tuple[Inbox, int], settings: Any) -> Iterator[Inbox]:
    inbox, port = smtp_server
    inbox.received.clear()
    inbox.refuse = False
    settings.EMAIL_ENABLED = True
    settings.DEFAULT_FROM_EMAIL = "shidian@example.gov.cn"
    settings.SITE_URL = "https://shidian.example.gov.cn"
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    services.queue_mail()  # what the set-up left is not this test's mail
    OutgoingMail.objects.all().delete()
    yield inbox


def _pilot_with_address(user: Callable[[str], User]) -> User:
    User.objects.filter(username="demo-pilot").update(email="liuzhou-office@example.cn")
    return user("demo-pilot")


def test_a_notification_reaches_the_smtp_server_in_chinese(smtp: Inbox, user: Callable[[str], User]) -> None:
    pilot = _pilot_with_address(user)
    notify(pilot, 1, kind=Kind.RETURNED)
    result = tasks.send_notification_mail.enqueue().return_value
    assert result == {"sent": 1, "failed": 0}
    assert len(smtp.received) == 1
    envelope = smtp.received[0]
    assert envelope.mail_from == "shidian@example.gov.cn"
    assert envelope.rcpt_tos == ["liuzhou-office@example.cn"]
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"] == "【试点平台】测试通知0"
    body = message.get_content()
    assert "测试通知0" in body and "https://shidian.example.gov.cn/plans/" in body
    mail = OutgoingMail.objects.get()
    assert mail.status == MailStatus.SENT and mail.sent_at is not None and mail.attempts == 1
    assert tasks.send_notification_mail.enqueue().return_value == {"sent": 0, "failed": 0}  # sent once
    assert len(smtp.received) == 1


def test_a_refused_mail_is_retried_with_backoff_then_shown_as_failed(
    smtp: Inbox, user: Callable[[str], User], settings: Any, client_as: Callable[[str], Any]
) -> None:
    settings.NOTIFY_MAIL_MAX_ATTEMPTS = 3
    pilot = _pilot_with_address(user)
    notify(pilot, 1)
    smtp.refuse = True
    services.queue_mail()
    now = timezone.now()
    assert services.send_due_mail(now=now) == {"sent": 0, "failed": 1}
    mail = OutgoingMail.objects.get()
    assert mail.status == MailStatus.PENDING and mail.attempts == 1
    assert "SMTPRecipientsRefused" in mail.last_error and "relaying refused" in mail.last_error
    assert mail.next_attempt_at == now + dt.timedelta(minutes=5)
    assert services.send_due_mail(now=now + dt.timedelta(minutes=4)) == {"sent": 0, "failed": 0}  # not yet
    services.send_due_mail(now=now + dt.timedelta(minutes=5))
    mail.refresh_from_db()
    assert mail.attempts == 2 and mail.next_attempt_at == now + dt.timedelta(minutes=15)  # then 10 minutes
    services.send_due_mail(now=now + dt.timedelta(minutes=15))
    mail.refresh_from_db()
    assert mail.status == MailStatus.FAILED and mail.attempts == 3
    assert _mail_events(mail) == [AuditAction.MAIL_FAILED]  # the give-up is on the audit trail, the retries not
    assert services.send_due_mail(now=now + dt.timedelta(days=2)) == {"sent": 0, "failed": 0}  # given up
    assert smtp.received == []
    # Visible to the system admin, who may send it again once the relay is fixed.
    page = client_as("demo-sysadmin").get(reverse("notifications:mail_queue"))
    html = page.content.decode()
    assert page.status_code == 200 and "liuzhou-office@example.cn" in html and "发送失败" in html
    assert "relaying refused" in html
    smtp.refuse = False
    client_as("demo-sysadmin").post(reverse("notifications:mail_retry", kwargs={"mail_id": mail.pk}))
    mail.refresh_from_db()
    assert mail.status == MailStatus.PENDING and mail.attempts == 0
    services.send_due_mail()
    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT and len(smtp.received) == 1
    assert _mail_events(mail) == [AuditAction.MAIL_FAILED, AuditAction.MAIL_REQUEUED, AuditAction.MAIL_SENT]
    requeued = AuditEvent.objects.filter(action=AuditAction.MAIL_REQUEUED, object_id=str(mail.pk))
    assert list(requeued.values_list("actor__username", flat=True)) == ["demo-sysadmin"]


def _mail_events(mail: OutgoingMail) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=OutgoingMail._meta.label, object_id=str(mail.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_a_server_that_is_down_counts_as_a_failed_attempt(
    smtp: Inbox, user: Callable[[str], User], settings: Any
) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": _free_port(), "timeout": 2},
        }
    }
    notify(_pilot_with_address(user), 1)
    services.queue_mail()
    assert services.send_due_mail() == {"sent": 0, "failed": 1}
    mail = OutgoingMail.objects.get()
    assert mail.status == MailStatus.PENDING and "ConnectionRefused" in mail.last_error


def test_the_mail_queue_is_the_system_admins_alone(client_as: Callable[[str], Any]) -> None:
    for username in ("demo-national", "demo-pilot", "demo-auditor", "demo-secadmin"):
        assert client_as(username).get(reverse("notifications:mail_queue")).status_code == 404
