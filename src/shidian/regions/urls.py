from django.urls import path

from shidian.regions import views

app_name = "regions"

urlpatterns = [
    path("map/upload/", views.map_upload, name="map_upload"),
    path("map/provinces.geojson", views.map_geojson, name="map_geojson"),
]
