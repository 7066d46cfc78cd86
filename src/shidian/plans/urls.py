from django.urls import path

from shidian.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.home, name="home"),
    path("my-tasks/", views.my_tasks, name="my_tasks"),
    path("province/", views.province, name="province"),
    path("national/", views.national, name="national"),
    path("pilot/<int:pilot_id>/", views.plan, name="plan"),
    path("pilot/<int:pilot_id>/start/", views.start_plan, name="start"),
    path("pilot/<int:pilot_id>/new-version/", views.new_version, name="new_version"),
    path("pilot/<int:pilot_id>/group/", views.leading_group, name="leading_group"),
    path("pilot/<int:pilot_id>/template.xlsx", views.template_xlsx, name="template"),
    path("pilot/<int:pilot_id>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("pilot/<int:pilot_id>/export.docx", views.export_docx, name="export_docx"),
    path("pilot/<int:pilot_id>/export.pdf", views.export_pdf, name="export_pdf"),
    path("pilot/<int:pilot_id>/import/", views.import_plan, name="import"),
    path("version/<int:plan_version_id>/texts/", views.version_texts, name="texts"),
    path("version/<int:plan_version_id>/goals/", views.add_goal, name="add_goal"),
    path("version/<int:plan_version_id>/tasks/", views.add_task, name="add_task"),
    path("version/<int:plan_version_id>/submit/", views.submit, name="submit"),
    path("version/<int:plan_version_id>/submit/confirm/", views.submit_confirm, name="submit_confirm"),
    path("version/<int:plan_version_id>/review/confirm/", views.review_confirm, name="review_confirm"),
    path("version/<int:plan_version_id>/reopen/", views.reopen, name="reopen"),
    path("version/<int:plan_version_id>/review/", views.review, name="review"),
    path("version/<int:plan_version_id>/diff/", views.diff, name="diff"),
    path("task/<int:task_id>/milestones/", views.add_milestone, name="add_milestone"),
    path("task/<int:task_id>/edit/", views.edit_task, name="edit_task"),
    path("task/<int:task_id>/delete/", views.delete_task, name="delete_task"),
    path("milestone/<int:milestone_id>/", views.milestone, name="milestone"),
    path("milestone/<int:milestone_id>/evidence/", views.evidence, name="evidence"),
    path("milestone/<int:milestone_id>/evidence/<int:evidence_id>/", views.evidence_file, name="evidence_file"),
    path("milestone/<int:milestone_id>/dependencies/", views.milestone_dependencies, name="milestone_dependencies"),
    path("milestone/<int:milestone_id>/delete/", views.milestone_delete, name="milestone_delete"),
    path("member/<int:member_id>/end/", views.end_member, name="end_member"),
    path("department/<int:department_id>/annual/<int:year>/", views.annual_plan, name="annual_plan"),
    path("annual-goal/<int:goal_id>/delete/", views.delete_annual_goal, name="delete_annual_goal"),
]
