from django.urls import path

from shidian.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("changes/", views.account_changes, name="changes"),
    path("changes/<int:change_id>/approve/", views.approve_change, name="change_approve"),
    path("changes/<int:change_id>/reject/", views.reject_change, name="change_reject"),
]
