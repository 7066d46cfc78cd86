from django.urls import path

from shidian.portal import manage_views

app_name = "news"

urlpatterns = [
    path("", manage_views.news_list, name="list"),
    path("new/", manage_views.news_new, name="new"),
    path("<int:news_id>/", manage_views.news_edit, name="edit"),
    path("<int:news_id>/publish/", manage_views.news_publish, name="publish"),
    path("<int:news_id>/withdraw/", manage_views.news_withdraw, name="withdraw"),
    path("<int:news_id>/image/", manage_views.news_image, name="image"),
]
