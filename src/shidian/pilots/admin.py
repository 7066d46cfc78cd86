from django.contrib import admin

from shidian.core.admin import ReadOnlyAdmin, admin_site
from shidian.pilots.models import Batch, Programme


@admin.register(Programme, site=admin_site)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["name"]


@admin.register(Batch, site=admin_site)
class BatchAdmin(ReadOnlyAdmin):
    list_display = ["number", "notice_number", "notice_date", "declared_areas", "stage_results_by", "rollout_by"]
