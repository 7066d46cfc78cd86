from django.urls import path

from shidian.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.monitoring, name="monitoring"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("pilots/<int:pilot_id>/", views.pilot, name="pilot"),
    path("pilots/<int:pilot_id>/entry/<str:period>/", views.entry, name="entry"),
    path("pilots/<int:pilot_id>/history/", views.history, name="history"),
    path("pilots/<int:pilot_id>/targets/", views.targets, name="targets"),
    path("pilots/<int:pilot_id>/review/<str:period>/", views.review, name="review"),
    path("review/", views.reviews, name="reviews"),
    path("compare/", views.compare, name="compare"),
    path("off-track/", views.off_track, name="off_track"),
    path("quality/", views.quality, name="quality"),
    path("quality/<int:issue_id>/", views.follow_up, name="follow_up"),
    path("import/", views.import_upload, name="import"),
    path("import/template/", views.import_template, name="template"),
    path("import/<int:job_id>/", views.import_job, name="import_job"),
    path("import/<int:job_id>/progress/", views.import_progress, name="import_progress"),
]
