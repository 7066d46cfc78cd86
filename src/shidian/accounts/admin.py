"""Accounts and organisations, for the security admin only; saves go through the account services."""

from __future__ import annotations

from typing import Any, cast

from axes.models import AccessAttempt
from django import forms
from django.contrib import admin
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shidian.accounts import services
from shidian.accounts.models import Organisation, User
from shidian.core import audit
from shidian.core.admin import CapabilityAdmin, admin_site
from shidian.core.errors import DomainError
from shidian.core.roles import Capability


@admin.register(Organisation, site=admin_site)
class OrganisationAdmin(CapabilityAdmin):
    capability = Capability.MANAGE_ACCOUNTS
    list_display = ["name", "kind", "province", "parent"]
    list_filter = ["kind", "province"]
    search_fields = ["name"]
    raw_id_fields = ["parent", "pilot"]
    list_select_related = ["province", "parent"]


class UserAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    initial_password = forms.CharField(
        label=_("初始密码"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("新建账号必填；用户首次登录须修改。修改已有账号时填写即为重置密码。"),
    )

    class Meta:
        model = User
        fields = services.USER_FIELDS

    def clean(self) -> dict[str, Any]:
        """Check what the services would refuse, so the admin shows a form error instead of failing."""
        data = super().clean() or {}
        role, organisation = data.get("role"), data.get("organisation")
        if role and organisation is not None:
            try:
                services.check_role_fits(role=role, organisation=organisation)
            except DomainError as exc:
                self.add_error("role", exc.message)
        password = data.get("initial_password", "")
        adding = self.instance.pk is None
        if adding and not password:
            self.add_error("initial_password", gettext("新建账号须设置初始密码。"))
        elif password:
            # The similarity check compares with the account as it will be, not as it was.
            candidate = User(
                username=data.get("username", ""), full_name=data.get("full_name", ""), email=data.get("email", "")
            )
            try:
                validate_password(password, candidate)
            except ValidationError as exc:
                self.add_error("initial_password", exc)
            else:
                if not adding and self.instance.check_password(password):
                    self.add_error("initial_password", gettext("新密码不能与当前密码相同。"))
        return data


@admin.register(User, site=admin_site)
class UserAdmin(CapabilityAdmin):
    capability = Capability.MANAGE_ACCOUNTS
    form = UserAdminForm
    list_display = ["username", "full_name", "role", "organisation", "is_active", "last_login", "is_demo"]
    list_filter = ["role", "is_active", "is_demo"]
    search_fields = ["username", "full_name"]
    raw_id_fields = ["organisation"]
    list_select_related = ["organisation"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accounts with history are deactivated, never deleted

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """A security admin's own role, organisation and status are another security admin's to change."""
        if obj is not None and obj.pk == request.user.pk:
            return sorted(services.PERMISSION_FIELDS)
        return super().get_readonly_fields(request, obj)

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        data = form.cleaned_data
        by = cast(User, request.user)
        if change:
            values = {k: data[k] for k in services.USER_FIELDS if k in data}
            updated = services.update_user(user=cast(User, obj), by=by, **values)
            if data.get("initial_password"):
                services.change_password(user=updated, new_password=data["initial_password"], by=by)
        else:
            created = services.create_user(
                username=data["username"],
                password=data["initial_password"],
                role=data["role"],
                organisation=data["organisation"],
                full_name=data.get("full_name", ""),
                phone=data.get("phone", ""),
                email=data.get("email", ""),
                is_active=data.get("is_active", True),
                by=by,
            )
            obj.pk = created.pk


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
