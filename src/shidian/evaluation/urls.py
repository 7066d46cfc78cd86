from django.urls import path

from shidian.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.home, name="home"),
    path("schemes/<int:year>/", views.scheme, name="scheme"),
    path("schemes/<int:year>/rules/", views.scheme_rules, name="scheme_rules"),
    path("schemes/<int:year>/run/", views.start_run, name="start_run"),
    path("schemes/<int:year>/assign/", views.assign, name="assign"),
    path("assess/", views.assess, name="assess"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:run_id>/publish/", views.publish, name="publish"),
    path("runs/<int:run_id>/compare/<int:other_id>/", views.compare, name="compare"),
    path("runs/<int:run_id>/bulletin/", views.bulletin_save, name="bulletin_save"),
    path("runs/<int:run_id>/bulletin/download/", views.bulletin_download, name="bulletin"),
    path("results/<int:result_id>/", views.result_detail, name="result"),
    path("results/<int:result_id>/object/", views.object_to, name="object"),
    path("objections/<int:objection_id>/answer/", views.answer, name="answer"),
    path("objections/<int:objection_id>/evidence/", views.evidence, name="evidence"),
    path("assignments/<int:assignment_id>/", views.score, name="score"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<str:kind>/<int:proposal_id>/", views.decide, name="decide"),
    path("warnings/<int:warning_id>/rectification/", views.rectification, name="rectification"),
    path("pilots/<int:pilot_id>/", views.pilot_results, name="pilot"),
]
