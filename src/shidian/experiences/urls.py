from django.urls import path

from shidian.experiences import views

app_name = "experiences"

urlpatterns = [
    path("", views.experience_list, name="home"),
    path("new/", views.create, name="create"),
    path("batches/", views.batches, name="batches"),
    path("<int:experience_id>/", views.detail, name="detail"),
    path("<int:experience_id>/edit/", views.edit, name="edit"),
    path("<int:experience_id>/submit/", views.submit, name="submit"),
    path("<int:experience_id>/recommend/", views.recommend, name="recommend"),
    path("<int:experience_id>/return/", views.return_, name="return"),
    path("<int:experience_id>/select/", views.select, name="select"),
    path("<int:experience_id>/decline/", views.decline, name="decline"),
    path("<int:experience_id>/publish/", views.publish, name="publish"),
    path("<int:experience_id>/files/", views.add_file, name="add_file"),
    path("<int:experience_id>/adopt/", views.adopt, name="adopt"),
    path("files/<int:experience_file_id>/", views.file, name="file"),
    path("files/<int:experience_file_id>/remove/", views.remove_file, name="remove_file"),
]
