"""Platform-wide models: the one write-once guard and the append-only audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shidian.core.scoping import ScopePath


class WriteOnceError(Exception):
    """Raised when code tries to change or remove a row that is written once."""


class AppendOnlyError(WriteOnceError):
    """Raised when code tries to change or remove an audit event."""


class WriteOnceQuerySet[M: models.Model](models.QuerySet[M]):
    """Rows are inserted, never updated or deleted in bulk (nor upserted)."""

    def _refuse(self) -> NoReturn:
        model: Any = self.model
        raise model.write_once_error(model.write_once_message)

    def update(self, **kwargs: Any) -> NoReturn:
        self._refuse()

    def delete(self) -> NoReturn:
        self._refuse()

    def bulk_update(self, objs: Iterable[M], fields: Iterable[str], batch_size: int | None = None) -> NoReturn:
        # Refused before Django opens its transaction, so the caller's transaction stays usable.
        self._refuse()

    def bulk_create(
        self,
        objs: Iterable[M],
        batch_size: int | None = None,
        ignore_conflicts: bool = False,
        update_conflicts: bool = False,
        update_fields: Collection[str] | None = None,
        unique_fields: Collection[str] | None = None,
    ) -> list[M]:
        """Insert only: an upsert (``update_conflicts``) would overwrite existing rows."""
        if update_conflicts:
            self._refuse()
        return super().bulk_create(objs, batch_size=batch_size, ignore_conflicts=ignore_conflicts)


class WriteOnceModel(models.Model):
    """A row written once: saving a loaded row (or a new one given an existing id) or deleting one is refused.

    The one write-once guard: the audit trail and submitted report versions use it (PostgreSQL adds triggers).
    Each concrete model sets ``objects = WriteOnceQuerySet.as_manager()`` (or a subclass's manager); a test
    checks that every one does.
    """

    write_once_error: ClassVar[type[WriteOnceError]] = WriteOnceError
    write_once_message: ClassVar[str] = "this row is written once"

    class Meta:
        abstract = True
        base_manager_name = "objects"  # related lookups must not bypass the write-once queryset

    def save(self, *args: Any, **kwargs: Any) -> None:
        pk: Any = self.pk
        if pk is not None or not self._state.adding:
            raise self.write_once_error(self.write_once_message)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise self.write_once_error(self.write_once_message)


class AuditEventQuerySet(WriteOnceQuerySet["AuditEvent"]):
    def bulk_create(self, objs: Iterable[AuditEvent], *args: Any, **kwargs: Any) -> NoReturn:
        # Events are chained one by one in audit.record; a bulk insert would leave them out of the chain.
        raise AppendOnlyError("audit events are written through shidian.core.audit.record")

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


class AuditEvent(WriteOnceModel):
    """One thing that happened: who, when, from where, what, to which object, and what changed."""

    write_once_error = AppendOnlyError
    write_once_message = "audit events are append-only"

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

    class Meta(WriteOnceModel.Meta):
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # WriteOnceModel refuses a loaded event; an event must also come through audit.record (the chain).
        if not self.hash and self._state.adding and self.pk is None:
            raise AppendOnlyError("audit events are written through shidian.core.audit.record")
        super().save(*args, **kwargs)

    @property
    def action_label(self) -> str:
        """The Chinese name of the action (the registry's label)."""
        from shidian.core.audit_actions import label

        return label(self.action)


class DocumentNumberPrefix(models.Model):
    """The 发文字号 prefix an organisation uses, e.g. 桂发改规划 (桂发改规划〔2019〕15号)."""

    organisation = models.OneToOneField(
        "accounts.Organisation", verbose_name=_("发文机关"), on_delete=models.CASCADE, related_name="+"
    )
    prefix = models.CharField(_("发文机关代字"), max_length=40)

    class Meta:
        verbose_name = _("发文字号代字")
        verbose_name_plural = _("发文字号代字")

    def __str__(self) -> str:
        return self.prefix


class DocumentNumberSequence(models.Model):
    """One organisation's document numbers of one year: the last serial issued (never reused)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("发文机关"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    last_serial = models.PositiveIntegerField(_("已用到的序号"), default=0)

    class Meta:
        verbose_name = _("发文字号序列")
        verbose_name_plural = _("发文字号序列")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="core_documentnumbersequence_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last_serial}"


class DocumentNumber(models.Model):
    """A 发文字号 issued to one document (``subject``, e.g. reporting.provincereportversion:12), for good."""

    sequence = models.ForeignKey(
        DocumentNumberSequence, verbose_name=_("序列"), on_delete=models.PROTECT, related_name="numbers"
    )
    serial = models.PositiveIntegerField(_("序号"))
    text = models.CharField(_("发文字号"), max_length=80)
    subject = models.CharField(_("公文"), max_length=120, unique=True)
    issued_at = models.DateTimeField(_("编号时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("发文字号")
        verbose_name_plural = _("发文字号")
        constraints = [
            models.UniqueConstraint(fields=["sequence", "serial"], name="core_documentnumber_serial_unique"),
        ]

    def __str__(self) -> str:
        return self.text


class SearchEntry(models.Model):
    """One searchable thing (an experience, a report's text, a bulletin), pre-segmented (core/search.py).

    Apps above core fill it through ``core.search.index_entry`` when something is published; the full-text
    index beside it (PostgreSQL: a tsvector column with a GIN index; SQLite: an FTS5 table) is kept by that
    module too. Province and pilot are plain ids (core sits below the registry) for scoping.
    """

    scope_path: ClassVar[ScopePath] = ScopePath(province="province_id", pilot="pilot_id")

    kind = models.CharField(_("类别"), max_length=30)
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    title = models.CharField(_("标题"), max_length=300)
    text = models.TextField(_("正文"), blank=True)
    title_tokens = models.TextField(_("标题分词"), blank=True)
    body_tokens = models.TextField(_("正文分词"), blank=True)
    url = models.CharField(_("链接"), max_length=300)
    is_published = models.BooleanField(_("已公开"), default=False)
    # Unpublished entries are shown only to users with this capability (and within their scope).
    capability = models.CharField(_("所需权限"), max_length=60, blank=True)
    province_id = models.PositiveIntegerField(_("省级单位编号"), null=True, blank=True, db_index=True)
    pilot_id = models.PositiveIntegerField(_("试点地区编号"), null=True, blank=True, db_index=True)
    dated = models.DateField(_("日期"), null=True, blank=True)
    updated_at = models.DateTimeField(_("索引时间"), auto_now=True)

    class Meta:
        verbose_name = _("检索条目")
        verbose_name_plural = _("检索条目")
        ordering = ["kind", "object_id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="core_searchentry_one_per_object"),
        ]

    def __str__(self) -> str:
        return self.title


class DataGeneration(models.Model):
    """One row: a token that changes once any write to the business data commits (core/generation.py).

    What a page keeps in a cache under the token it read is rendered anew once the token has moved, in every
    process and on every app server that reads this row.
    """

    token = models.CharField(_("数据版本"), max_length=32)

    class Meta:
        verbose_name = _("数据版本")
        verbose_name_plural = _("数据版本")

    def __str__(self) -> str:
        return self.token
