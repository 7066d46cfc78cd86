"""Accounts and organisations, for the security admin only; saves go through the account services."""

from __future__ import annotations

from typing import Any, cast

from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Exists, Model, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shidian.accounts import services
from shidian.accounts.models import AccountChange, AccountChangeStatus, Organisation, User
from shidian.core import audit
from shidian.core.admin import CapabilityAdmin, admin_site
from shidian.core.errors import DomainError
from shidian.core.forms import ModelForm as CleanModelForm
from shidian.core.roles import ADMIN_DUTIES, Capability, Role


@admin.register(Organisation, site=admin_site)
class OrganisationAdmin(CapabilityAdmin):
    capability = Capability.MANAGE_ACCOUNTS
    list_display = ["name", "kind", "province", "parent"]
    list_filter = ["kind", "province"]
    search_fields = ["name"]
    raw_id_fields = ["parent", "pilot"]
    list_select_related = ["province", "parent"]


class UserAdminForm(CleanModelForm):
    issue_code = forms.BooleanField(
        label=_("重新生成一次性密码"),
        required=False,
        help_text=_("勾选后保存，页面将显示一次新的一次性密码（72 小时内有效，首次登录须修改）。"),
    )

    class Meta:
        model = User
        fields = services.USER_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = self.fields.get("role")
        if isinstance(role, forms.ChoiceField) and not (self.instance.pk and self.instance.role in ADMIN_DUTIES):
            # The three admin duties are granted on the server only (manage.py create_admin).
            role.choices = [c for c in Role.choices if c[0] not in ADMIN_DUTIES]

    def clean(self) -> dict[str, Any]:
        """Check what the services would refuse, so the admin shows a form error instead of failing."""
        data = super().clean() or {}
        role, organisation = data.get("role"), data.get("organisation")
        if role and organisation is not None:
            try:
                services.check_role_fits(role=role, organisation=organisation)
            except DomainError as exc:
                self.add_error("role", exc.message)
        return data


@admin.register(User, site=admin_site)
class UserAdmin(CapabilityAdmin):
    capability = Capability.MANAGE_ACCOUNTS
    form = UserAdminForm
    list_display = [
        "username",
        "full_name",
        "role",
        "organisation",
        "is_active",
        "awaiting_approval",
        "last_login",
        "is_demo",
    ]
    list_filter = ["role", "is_active", "is_demo"]
    search_fields = ["username", "full_name"]
    raw_id_fields = ["organisation"]
    list_select_related = ["organisation"]

    def get_queryset(self, request: HttpRequest) -> Any:
        pending = AccountChange.objects.filter(user=OuterRef("pk"), status=AccountChangeStatus.PENDING)
        return super().get_queryset(request).annotate(has_pending_change=Exists(pending))

    @admin.display(description=_("待审批变更"), boolean=True)
    def awaiting_approval(self, obj: Any) -> bool:
        return bool(getattr(obj, "has_pending_change", False))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accounts with history are deactivated, never deleted

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """A new account always gets a one-time code; an existing one on request."""
        fields = [*services.USER_FIELDS]
        return fields if obj is None else [*fields, "issue_code"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """Own permissions are another's to change; an admin duty's are the server's (create_admin)."""
        if obj is not None and (obj.pk == request.user.pk or obj.role in ADMIN_DUTIES):
            return ["username", *sorted(services.PERMISSION_FIELDS)]
        return super().get_readonly_fields(request, obj)

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        data = form.cleaned_data
        by = cast(User, request.user)
        try:
            if change:
                values = {k: data[k] for k in services.USER_FIELDS if k in data}
                updated = services.update_user(user=cast(User, obj), by=by, **values)
                if data.get("issue_code"):
                    request._shidian_one_time_code = services.issue_one_time_code(user=updated, by=by)  # type: ignore[attr-defined]
                if updated.account_changes.filter(status="pending").exists():
                    messages.warning(request, gettext("角色、单位或启用的变更已提交，须经业务管理员审批后生效。"))
            else:
                proposed = services.request_account(
                    username=data["username"],
                    role=data["role"],
                    organisation=data["organisation"],
                    full_name=data.get("full_name", ""),
                    phone=data.get("phone", ""),
                    email=data.get("email", ""),
                    by=by,
                )
                obj.pk = proposed.user.pk
                request._shidian_one_time_code = proposed.one_time_code  # type: ignore[attr-defined]
        except DomainError as exc:
            # Refusals the form could not foresee (a pending change already waits, say).
            messages.error(request, exc.message)
            request._shidian_refused = True  # type: ignore[attr-defined]

    def _code_page(self, request: HttpRequest, obj: Any) -> HttpResponse | None:
        code = getattr(request, "_shidian_one_time_code", None)
        if code is None:
            return None
        response = render(
            request,
            "accounts/one_time_code.html",
            {
                "account": obj,
                "code": code,
                "hours": settings.ONE_TIME_CODE_HOURS,
                **self.admin_site.each_context(request),
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue: str | None = None) -> HttpResponse:
        if getattr(request, "_shidian_refused", False):
            return redirect("admin:accounts_user_changelist")
        return self._code_page(request, obj) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: Any) -> HttpResponse:
        if getattr(request, "_shidian_refused", False):
            return redirect("admin:accounts_user_change", obj.pk)
        return self._code_page(request, obj) or super().response_change(request, obj)


@admin.register(AccessAttempt, site=admin_site)
class AccessAttemptAdmin(CapabilityAdmin):
    """Failed-login records, read-only; deleting one unlocks the account."""

    capability = Capability.MANAGE_ACCOUNTS
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time"]
    readonly_fields = ("username", "ip_address", "user_agent", "failures_since_start", "attempt_time")
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        account = User.objects.filter(username=obj.username).first()
        audit.record(
            action=audit.AuditAction.USER_UNLOCKED,
            actor=request.user,
            obj=account,
            detail={"username": obj.username, "failures": obj.failures_since_start},
        )
        obj.delete()
