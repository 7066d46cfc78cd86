from django.contrib import admin

from shidian.core.admin import CapabilityAdmin, admin_site
from shidian.core.roles import Capability
from shidian.evaluation.models import Expert


@admin.register(Expert, site=admin_site)
class ExpertAdmin(CapabilityAdmin):
    """Expert profiles go with the accounts: the security admin records the province of each expert's unit.

    Evaluation data itself (schemes, scores, runs, decisions) is business data and has no admin pages.
    """

    capability = Capability.MANAGE_ACCOUNTS
    list_display = ["user", "province", "affiliation"]
    list_filter = ["province"]
    search_fields = ["user__username", "user__full_name", "affiliation"]
    autocomplete_fields = ["user"]
