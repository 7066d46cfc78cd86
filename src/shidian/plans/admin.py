from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from shidian.core.admin import CapabilityAdmin, admin_site
from shidian.plans.models import FocusArea


@admin.register(FocusArea, site=admin_site)
class FocusAreaAdmin(CapabilityAdmin):
    """Focus areas are reference data the system admin may extend (no business data here)."""

    list_display = ["code_shown", "name", "group", "position", "is_active"]
    list_filter = ["group", "is_active"]
    search_fields = ["code", "name"]

    @admin.display(description=_("代码"), ordering="code")
    def code_shown(self, obj: FocusArea) -> str:
        """The code as code (it is an identifier, not text to translate)."""
        return format_html("<code>{}</code>", obj.code)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # tasks refer to focus areas: deactivate instead
