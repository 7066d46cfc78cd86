"""Personal access tokens: a provincial system signs in to the API as the user who created the token."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TokenAccess(models.TextChoices):
    READ = "read", _("只读")
    WRITE = "write", _("读写")


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        """Tokens neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A personal access token; only the SHA-256 of its secret is kept, the secret is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=60)
    prefix = models.CharField(_("令牌前缀"), max_length=12, help_text=_("令牌的开头几位，便于辨认。"))
    secret_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    access = models.CharField(_("权限"), max_length=5, choices=TokenAccess.choices, default=TokenAccess.READ)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("created_at")), name="api_token_expiry"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.name}"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def can_write(self) -> bool:
        return self.access == TokenAccess.WRITE


class RateWindow(models.Model):
    """How many calls a token made in one minute (the per-token rate limit), counted by one atomic upsert."""

    token = models.ForeignKey(ApiToken, verbose_name=_("接口令牌"), on_delete=models.CASCADE, related_name="+")
    minute = models.BigIntegerField(_("分钟"), help_text=_("Unix 时间除以 60。"))
    count = models.PositiveIntegerField(_("调用次数"))

    class Meta:
        verbose_name = _("接口调用计数")
        verbose_name_plural = _("接口调用计数")
        constraints = [models.UniqueConstraint(fields=["token", "minute"], name="api_rate_window_token_minute")]
        indexes = [models.Index(fields=["minute"], name="api_rate_window_minute")]

    def __str__(self) -> str:
        return f"{self.token_id}@{self.minute}: {self.count}"
