from django.urls import path

from shidian.contacts import views

app_name = "contacts"

urlpatterns = [
    path("", views.contact_list, name="home"),
    path("export.xlsx", views.export_list, name="export"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/new/", views.open_round, name="open_round"),
    path("rounds/<int:contact_round_id>/", views.round_detail, name="round"),
    path("rounds/<int:contact_round_id>/province/<int:province_id>/", views.submission, name="submission"),
    path("rounds/<int:contact_round_id>/province/<int:province_id>/template.xlsx", views.template, name="template"),
    path("rounds/<int:contact_round_id>/province/<int:province_id>/upload/", views.upload, name="upload"),
    path("rounds/<int:contact_round_id>/province/<int:province_id>/submit/", views.submit, name="submit"),
    path(
        "rounds/<int:contact_round_id>/province/<int:province_id>/pilot/<int:pilot_id>/",
        views.edit_pilot,
        name="edit_pilot",
    ),
]
