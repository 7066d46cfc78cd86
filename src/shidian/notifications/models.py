"""The notification centre: one inbox per user, e-mail preferences per kind, and the outgoing mail queue.

Notifications are derived from audit events (and from the daily producers) by ``services.derive``; nothing
here is written from a model's ``save`` or a signal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shidian.core import clock
from shidian.core.transitions import Flow
from shidian.notifications.registry import Kind


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing one user was told: from an audit event (``event:<id>:<kind>``) or a producer (``periodic:<key>``)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    source = models.CharField(
        _("来源"), max_length=200, help_text=_("审计事件或定期提醒的标识，同一来源对同一人只通知一次。")
    )
    event = models.ForeignKey(
        "core.AuditEvent",
        verbose_name=_("审计事件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    day = models.DateField(_("业务日期"), default=clock.today)
    created_at = models.DateTimeField(_("通知时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    mail_considered = models.BooleanField(_("已处理邮件"), default=False)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "recipient"], name="notifications_notification_once"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notifications_inbox_idx"),
            models.Index(fields=["mail_considered"], name="notifications_mail_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailPreference(models.Model):
    """Whether a user wants e-mail for one kind of notification (no row: the default, e-mail on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="email_preferences"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    email = models.BooleanField(_("发送邮件"), default=True)

    class Meta:
        verbose_name = _("邮件偏好")
        verbose_name_plural = _("邮件偏好")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notifications_emailpreference_once")]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.email}"


class MailStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class OutgoingMail(models.Model):
    """One e-mail to send: retried with backoff until sent or out of attempts, then shown as failed."""

    notification = models.OneToOneField(
        Notification,
        verbose_name=_("通知"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mail",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to = models.EmailField(_("收件地址"))
    subject = models.CharField(_("主题"), max_length=300)
    body = models.TextField(_("正文"))
    status = models.CharField(_("状态"), max_length=8, choices=MailStatus.choices, default=MailStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("外发邮件")
        verbose_name_plural = _("外发邮件")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notifications_mail_due_idx")]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class DeriveCursor(models.Model):
    """How far the centre has read the audit trail (the id of the last event it looked at)."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    last_event_id = models.BigIntegerField(_("最后处理的审计事件"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("审计事件读取位置")
        verbose_name_plural = _("审计事件读取位置")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_event_id}"


# An e-mail waits (待发送) until sent, or until its attempts run out (发送失败); an admin may queue a failed one
# again. A failed attempt with attempts left keeps it waiting (no move).
MAIL_FLOW = Flow(
    model=OutgoingMail,
    statuses=MailStatus,
    moves={
        MailStatus.PENDING: frozenset({MailStatus.SENT, MailStatus.FAILED}),
        MailStatus.FAILED: frozenset({MailStatus.PENDING}),
        MailStatus.SENT: frozenset(),
    },
    action_prefix="notifications.mail",
    refusal=_("这封邮件不能从“%(from)s”变为“%(to)s”。"),
)
