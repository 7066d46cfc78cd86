from django.urls import path

from shidian.api import views
from shidian.api.main import api

app_name = "api_tokens"

urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke, name="revoke"),
]

api_urls = api.urls
