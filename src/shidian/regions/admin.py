from django.contrib import admin
from django.http import HttpRequest

from shidian.core.admin import CapabilityAdmin, admin_site
from shidian.regions.models import Division, MapBoundary, Province


@admin.register(Province, site=admin_site)
class ProvinceAdmin(CapabilityAdmin):
    list_display = ["code", "name", "region", "grid_row", "grid_col"]
    list_filter = ["region"]


@admin.register(Division, site=admin_site)
class DivisionAdmin(CapabilityAdmin):
    list_display = ["code", "name", "kind", "level", "province", "valid_from", "valid_until", "successor"]
    list_filter = ["level", "province"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent", "successor"]
    list_select_related = ["province", "successor"]


@admin.register(MapBoundary, site=admin_site)
class MapBoundaryAdmin(CapabilityAdmin):
    list_display = ["review_number", "uploaded_at", "uploaded_by", "is_active"]
    readonly_fields = ["review_number", "geojson", "uploaded_at", "uploaded_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # uploads go through the map page, which validates the file
