"""Platform-wide models: the append-only audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events are append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit events are append-only")

    def bulk_update(self, objs: Iterable[AuditEvent], fields: Iterable[str], batch_size: int | None = None) -> NoReturn:
        # Refused before Django opens its transaction, so the caller's transaction stays usable.
        raise AppendOnlyError("audit events are append-only")

    update.alters_data = True  # type: ignore[attr-defined]
    delete.alters_data = True  # type: ignore[attr-defined]
    bulk_update.alters_data = True  # type: ignore[attr-defined]

    def bulk_create(self, objs: Iterable[AuditEvent], *args: Any, **kwargs: Any) -> NoReturn:
        # Events are chained one by one in audit.record; a bulk insert would leave them out of the chain.
        raise AppendOnlyError("audit events are written through shidian.core.audit.record")

    bulk_create.alters_data = True  # type: ignore[attr-defined]

    def search(
        self,
        *,
        text: str = "",
        action: str = "",
        username: str = "",
        organisation: str = "",
        obj: str = "",
        success: bool | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> AuditEventQuerySet:
        """Filter by free text, action prefix, user, organisation, object, outcome and dates (both inclusive)."""
        qs = self
        if action:
            qs = qs.filter(action__startswith=action)
        if username:
            qs = qs.filter(actor_username=username)
        if organisation:
            qs = qs.filter(organisation_name__icontains=organisation)
        if obj:
            object_filter = models.Q(object_repr__icontains=obj) | models.Q(object_type__iexact=obj)
            if ":" in obj:  # "plans.PlanVersion:12" names one object
                kind, _sep, pk = obj.partition(":")
                object_filter |= models.Q(object_type__iexact=kind.strip(), object_id=pk.strip())
            qs = qs.filter(object_filter)
        if success is not None:
            qs = qs.filter(success=success)
        if since is not None:
            qs = qs.filter(occurred_at__date__gte=since)
        if until is not None:
            qs = qs.filter(occurred_at__date__lte=until)
        if text:
            qs = qs.filter(
                models.Q(action__icontains=text)
                | models.Q(object_repr__icontains=text)
                | models.Q(actor_username__icontains=text)
                | models.Q(organisation_name__icontains=text)
                | models.Q(ip__icontains=text)
            )
        return qs


class AuditEvent(models.Model):
    """One thing that happened: who, when, from where, what, to which object, and what changed."""

    # Set by audit.record before hashing (not auto_now_add, which would overwrite the hashed value).
    occurred_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # accounts with history are deactivated, never deleted
        related_name="+",
    )
    actor_username = models.CharField(_("用户名"), max_length=150, blank=True)
    organisation_name = models.CharField(_("单位"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=100, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=300, blank=True)
    success = models.BooleanField(_("成功"), default=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    # The hash chain (core/audit_hash.py): the previous event's hash and this event's own.
    prev_hash = models.CharField(_("前一事件哈希"), max_length=64, blank=True)
    hash = models.CharField(_("事件哈希"), max_length=64, blank=True)

    objects: ClassVar[AuditEventQuerySet] = AuditEventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-occurred_at", "-id"]
        base_manager_name = "objects"  # related lookups must not bypass the append-only queryset
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Refuse a loaded event and also a new instance given an existing id (save() would UPDATE that row).
        pk: Any = self.pk
        if pk is not None or not self._state.adding:
            raise AppendOnlyError("audit events are append-only")
        if not self.hash:
            raise AppendOnlyError("audit events are written through shidian.core.audit.record")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events are append-only")

    @property
    def action_label(self) -> str:
        """The Chinese name of the action (the registry's label)."""
        from shidian.core.audit_actions import label

        return label(self.action)
