"""Accounts and organisations, for the security admin only; saves go through the account services."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from shidian.accounts import services
from shidian.accounts.models import Organisation, User
from shidian.core import audit
from shidian.core.admin import CapabilityAdmin, admin_site
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
        label=_("初始密码"), required=False, widget=forms.PasswordInput,
        help_text=_("新建账号必填；用户首次登录须修改。修改已有账号时填写即为重置密码。"),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "role", "organisation", "is_active", "phone", "email"]


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

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            services.update_user(user=obj, by=request.user,  # type: ignore[arg-type]
                                 **{k: data[k] for k in UserAdminForm.Meta.fields if k in data})
            if data.get("initial_password"):
                services.change_password(user=obj, new_password=data["initial_password"], by=request.user)  # type: ignore[arg-type]
        else:
            created = services.create_user(username=data["username"], password=data["initial_password"],
                                           role=data["role"], organisation=data["organisation"],
                                           full_name=data["full_name"], by=request.user)  # type: ignore[arg-type]
            obj.pk = created.pk


@admin.register(AccessAttempt, site=admin_site)
class AccessAttemptAdmin(CapabilityAdmin):
    """Failed-login records; deleting one unlocks the account."""

    capability = Capability.MANAGE_ACCOUNTS
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time"]
    readonly_fields = ["username", "ip_address", "user_agent", "failures_since_start", "attempt_time"]
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.record(action="accounts.user.unlocked", actor=request.user, detail={"username": obj.username})
        obj.delete()
