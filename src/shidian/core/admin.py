"""The admin site for the separated admin duties: each model admin names the capability it needs."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ClassVar, TypeVar, cast

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models, router
from django.db.models import Model
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from shidian.core import audit, formatting, scoping
from shidian.core.forms import ModelForm as CleanModelForm
from shidian.core.models import DocumentNumber, DocumentNumberPrefix
from shidian.core.roles import Capability

V = TypeVar("V", bound=Callable[..., HttpResponseBase])


class ShidianAdminSite(admin.AdminSite):
    site_header = _("试点平台系统管理")
    site_title = _("试点平台系统管理")
    index_title = _("参考数据与账号")

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """One login page for everybody, with lockout and audit."""
        return redirect_to_login(request.get_full_path(), reverse("accounts:login"))

    def password_change(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:  # type: ignore[override]
        """One password-change page for everybody: policy, audit and expiry bookkeeping live there."""
        return redirect("accounts:password_change")

    def admin_view(self, view: V, cacheable: bool = False) -> V:
        """Answer "not found" to signed-in users lacking the duty a page needs, as everywhere else."""
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.user.is_authenticated and not self.has_permission(request):
                raise Http404
            try:
                return inner(request, *args, **kwargs)
            except PermissionDenied as exc:
                raise Http404 from exc

        return cast(V, guarded)

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_authenticated) and (
            scoping.can(user, Capability.MANAGE_REFERENCE) or scoping.can(user, Capability.MANAGE_ACCOUNTS)
        )


admin_site = ShidianAdminSite(name="admin")


def formatted_column(model: type[Model], name: str, *, period: bool = False) -> Callable[[Model], str | None] | None:
    """A list column showing field ``name`` through core.formatting, or None when the stored form reads well.

    Periods (declared by the admin) read 2016年上半年, decimals 12.5 (not 12.500000), dates 2019年7月10日 and
    moments 2019年7月10日 14:05 in local time. The column keeps the field's label and sorts by the field.
    """
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None  # a method or an admin callable: it formats itself
    show: Callable[[Any], str]
    if period:
        show = formatting.period
    elif isinstance(field, models.DecimalField):
        show = formatting.decimal
    elif isinstance(field, models.DateTimeField):
        show = formatting.datetime
    elif isinstance(field, models.DateField):
        show = formatting.date
    else:
        return None

    def column(obj: Model) -> str | None:
        value = getattr(obj, name)
        return None if value is None else show(value)  # None: the admin's empty-value mark

    column.__name__ = name
    return admin.display(description=capfirst(str(getattr(field, "verbose_name", name))), ordering=name)(column)


class FormattedListMixin:
    """List columns through core.formatting (see ``formatted_column``); ``period_fields`` names period codes."""

    period_fields: ClassVar[tuple[str, ...]] = ()

    def get_list_display(self, request: HttpRequest) -> Any:
        shown = super().get_list_display(request)  # type: ignore[misc]
        admin_: Any = self  # a ModelAdmin: its model and list_editable
        columns: list[Any] = []
        for item in shown:
            column = None
            if isinstance(item, str) and item not in admin_.list_editable:
                column = formatted_column(admin_.model, item, period=item in self.period_fields)
            columns.append(column or item)
        return columns

    def get_list_display_links(self, request: HttpRequest, list_display: Any) -> Any:
        """Links named by field stay on their (now formatted) column."""
        links = super().get_list_display_links(request, list_display)  # type: ignore[misc]
        if not links:
            return links
        names = {getattr(item, "__name__", item): item for item in list_display}
        return [names.get(link, link) for link in links]

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> Any:
        """Each editable cell is named for screen readers by its column (it has no visible label)."""
        base = super().get_changelist_form(request, **kwargs)  # type: ignore[misc]

        class Labelled(base):  # type: ignore[valid-type,misc]
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, **kw)
                for field in self.fields.values():
                    field.widget.attrs.setdefault("aria-label", str(field.label))

        return Labelled


class CapabilityAdmin(FormattedListMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """A model admin open only to holders of ``capability``; every save and delete is audited."""

    capability: str = Capability.MANAGE_REFERENCE
    form = CleanModelForm

    def _allowed(self, request: HttpRequest) -> bool:
        return scoping.can(request.user, self.capability)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm[Any], change: bool) -> None:
        before = {}
        if change and obj.pk is not None:
            old = type(obj)._default_manager.get(pk=obj.pk)
            before = audit.snapshot(old, form.changed_data)
        super().save_model(request, obj, form, change)
        audit.record(
            action=audit.AuditAction.ADMIN_CHANGED if change else audit.AuditAction.ADMIN_CREATED,
            actor=request.user,
            obj=obj,
            changes=audit.diff(before, audit.snapshot(obj, form.changed_data)),
        )

    def dependants(self, objs: Any) -> list[str]:
        """What deleting ``objs`` would take with it or is blocked by: every row outside ``objs`` themselves."""
        objs = list(objs)
        if not objs:
            return []
        collector = NestedObjects(using=router.db_for_write(type(objs[0])))
        collector.collect(objs)
        own = {(type(o), o.pk) for o in objs}
        found: list[str] = []
        for model, instances in collector.data.items():
            for instance in instances:
                if (model, instance.pk) not in own and not model._meta.auto_created:
                    found.append(f"{capfirst(str(model._meta.verbose_name))}: {instance}")
        for queryset in collector.fast_deletes:
            if queryset.model._meta.auto_created:
                continue  # many-to-many link rows go with the object itself
            found.extend(f"{capfirst(str(queryset.model._meta.verbose_name))}: {o}" for o in queryset[:50])
        found.extend(f"{capfirst(str(o._meta.verbose_name))}: {o}" for o in collector.protected)
        return found

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        """Reference data that business data hangs on is deactivated, never deleted.

        Whatever a deletion would cascade into counts as protected, so the admin refuses it and lists it;
        a refused attempt is audited with that list.
        """
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        dependants = self.dependants(objs)
        if dependants:
            protected = sorted({*map(str, protected), *dependants})
            if request.method == "POST":
                for obj in objs:
                    audit.record(
                        action=audit.AuditAction.ADMIN_DELETE_REFUSED,
                        actor=request.user,
                        obj=obj,
                        success=False,
                        detail={"would_touch": dependants[:200], "count": len(dependants)},
                    )
        return deleted, model_count, perms_needed, protected

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        dependants = self.dependants([obj])
        if dependants:
            raise PermissionDenied  # the delete page already refuses; this guards any other caller
        audit.record(
            action=audit.AuditAction.ADMIN_DELETED,
            actor=request.user,
            obj=obj,
            changes=audit.diff(audit.snapshot(obj, [f.name for f in obj._meta.concrete_fields]), {}),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyAdmin(CapabilityAdmin):
    """Programme data shown to the system admin for reference; the national commission changes it elsewhere."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DocumentNumberPrefix, site=admin_site)
class DocumentNumberPrefixAdmin(CapabilityAdmin):
    """发文机关代字 per organisation (桂发改规划): the system admin keeps them with the reference data."""

    list_display = ["organisation", "prefix"]
    search_fields = ["organisation__name", "prefix"]
    autocomplete_fields = ["organisation"]


@admin.register(DocumentNumber, site=admin_site)
class DocumentNumberAdmin(ReadOnlyAdmin):
    """Issued 发文字号, for reference: they are assigned at issue and never changed or reused."""

    list_display = ["text", "subject", "issued_at"]
    search_fields = ["text", "subject"]
