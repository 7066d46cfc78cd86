from django.urls import path

from shidian.experiences import views

app_name = "search"

urlpatterns = [
    path("", views.search_page, name="home"),
]
