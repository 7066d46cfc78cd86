from django.urls import path

from shidian.reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.home, name="home"),
    path("matrix/", views.matrix, name="matrix"),
    path("inbox.xlsx", views.inbox_xlsx, name="inbox_xlsx"),
    path("rounds/<int:round_id>/dues/", views.round_dues, name="round_dues"),
    path("reports/open/", views.open_pilot_report, name="open_report"),
    path("reports/<int:report_id>/", views.report_detail, name="report"),
    path("reports/<int:report_id>/autosave/", views.report_autosave, name="report_autosave"),
    path("reports/<int:report_id>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:report_id>/submit/confirm/", views.report_submit_confirm, name="report_submit_confirm"),
    path("reports/<int:report_id>/review/confirm/", views.report_review_confirm, name="report_review_confirm"),
    path("reports/<int:report_id>/return/", views.report_return, name="report_return"),
    path("reports/<int:report_id>/accept/", views.report_accept, name="report_accept"),
    path("reports/<int:report_id>/tags/", views.report_tags, name="report_tags"),
    path("reports/<int:report_id>/attachments/", views.report_attachments, name="report_attachments"),
    path("reports/<int:report_id>/compare/", views.report_compare, name="report_compare"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("versions/<int:version_id>/download/", views.version_download, name="version_download"),
    path("province-reports/open/", views.open_province_report, name="open_province_report"),
    path("province-reports/<int:province_report_id>/", views.province_report_detail, name="province_report"),
    path("province-reports/<int:province_report_id>/save/", views.province_report_save, name="province_report_save"),
    path(
        "province-reports/<int:province_report_id>/submit/",
        views.province_report_submit,
        name="province_report_submit",
    ),
    path(
        "province-reports/<int:province_report_id>/review/", views.province_report_review, name="province_report_review"
    ),
    path(
        "province-versions/<int:province_version_id>/download/",
        views.province_version_download,
        name="province_version_download",
    ),
    path("copies/<int:copy_id>/", views.copy_detail, name="copy"),
]
