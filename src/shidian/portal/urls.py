from django.urls import path

from shidian.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("pilots/", views.pilot_list, name="pilots"),
    path("pilots/<int:pilot_id>/", views.pilot_detail, name="pilot"),
    path("bulletins/", views.bulletin_list, name="bulletins"),
    path("bulletins/<int:bulletin_id>/download/", views.bulletin_download, name="bulletin_download"),
    path("news/", views.news_list, name="news"),
    path("news/<int:news_id>/", views.news_detail, name="news_item"),
    path("news/<int:news_id>/image/", views.news_image, name="news_image"),
    path("data/", views.data_dictionary, name="data"),
    path("data/pilots.csv", views.registry_csv, name="data_pilots_csv"),
    path("data/pilots.json", views.registry_json, name="data_pilots_json"),
    path("experiences/", views.experiences, name="experiences"),
    path("experiences/themes/<slug:theme>/", views.experience_theme, name="experience_theme"),
    path("experiences/batches/<int:promotion_batch_id>/", views.experience_batch, name="experience_batch"),
    path("experiences/<int:experience_id>/", views.experience_detail, name="experience"),
    path("experiences/photos/<int:file_id>/", views.experience_photo, name="experience_photo"),
    path("search/", views.search_page, name="search"),
    path("data/experiences.csv", views.experiences_csv, name="data_experiences_csv"),
    path("data/experiences.json", views.experiences_json, name="data_experiences_json"),
    path("language/", views.language, name="language"),
]
