from django.urls import path

from shidian.exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.home, name="home"),
    path("raise/", views.raise_difficulty, name="raise"),
    path("statistics/", views.statistics, name="statistics"),
    path("routing/", views.routing, name="routing"),
    path("routing/<slug:category>/", views.edit_routing, name="edit_routing"),
    path("<int:difficulty_id>/", views.difficulty, name="difficulty"),
    path("<int:difficulty_id>/accept/", views.accept, name="accept"),
    path("<int:difficulty_id>/answer/", views.answer, name="answer"),
    path("<int:difficulty_id>/opinion/", views.opinion, name="opinion"),
    path("<int:difficulty_id>/close/", views.close, name="close"),
    path("<int:difficulty_id>/reopen/", views.reopen, name="reopen"),
    path("<int:difficulty_id>/files/<int:file_id>/", views.difficulty_file, name="difficulty_file"),
    path("notices/", views.notices, name="notices"),
    path("notices/new/", views.new_notice, name="new_notice"),
    path("notices/<int:notice_id>/", views.notice, name="notice"),
    path("notices/<int:notice_id>/files/<int:file_id>/", views.notice_file, name="notice_file"),
    path("notices/<int:notice_id>/document.docx", views.notice_document, {"fmt": "docx"}, name="notice_docx"),
    path("notices/<int:notice_id>/document.pdf", views.notice_document, {"fmt": "pdf"}, name="notice_pdf"),
]
