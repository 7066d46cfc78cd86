from django.urls import path

from shidian.evaluation.views import decisions, experts, objections, runs, schemes

app_name = "evaluation"

urlpatterns = [
    path("", schemes.home, name="home"),
    path("schemes/<int:year>/", schemes.scheme, name="scheme"),
    path("schemes/<int:year>/rules/", schemes.scheme_rules, name="scheme_rules"),
    path("schemes/<int:year>/run/", schemes.start_run, name="start_run"),
    path("schemes/<int:year>/assign/", schemes.assign, name="assign"),
    path("assess/", schemes.assess, name="assess"),
    path("runs/<int:run_id>/", runs.run_detail, name="run"),
    path("runs/<int:run_id>/progress/", runs.run_progress, name="run_progress"),
    path("runs/<int:run_id>/publish/", runs.publish, name="publish"),
    path("runs/<int:run_id>/compare/<int:other_id>/", runs.compare, name="compare"),
    path("runs/<int:run_id>/bulletin/", runs.bulletin_save, name="bulletin_save"),
    path("runs/<int:run_id>/bulletin/issue/", runs.bulletin_issue, name="bulletin_issue"),
    path("runs/<int:run_id>/bulletin/download/", runs.bulletin_download, name="bulletin"),
    path("results/<int:result_id>/", runs.result_detail, name="result"),
    path("results/<int:result_id>/object/", objections.object_to, name="object"),
    path("objections/<int:objection_id>/answer/", objections.answer, name="answer"),
    path("objections/<int:objection_id>/evidence/", objections.evidence, name="evidence"),
    path("assignments/<int:assignment_id>/", experts.score, name="score"),
    path("decisions/", decisions.decisions, name="decisions"),
    path("decisions/<str:kind>/<int:proposal_id>/", decisions.decide, name="decide"),
    path("warnings/<int:warning_id>/rectification/", decisions.rectification, name="rectification"),
    path("pilots/<int:pilot_id>/", decisions.pilot_results, name="pilot"),
]
