from django.urls import path

from shidian.core import views

app_name = "core"

urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/export.xlsx", views.audit_export, name="audit_export"),
    path("audit/alerts/", views.audit_alerts, name="audit_alerts"),
]
