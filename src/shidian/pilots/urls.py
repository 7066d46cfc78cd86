from django.urls import path

from shidian.pilots import views

app_name = "pilots"

urlpatterns = [
    path("registry/", views.dashboard, name="dashboard"),
    path("pilots/", views.pilot_list, name="list"),
    path("pilots/<int:pilot_id>/", views.pilot_detail, name="detail"),
    path("pilots/<int:pilot_id>/status/", views.pilot_change_status, name="change_status"),
    path("registry/completeness/", views.completeness, name="completeness"),
    path("registry/import/", views.registry_import, name="import"),
    path("registry/import/<int:import_id>/confirm/", views.registry_import_confirm, name="import_confirm"),
]
