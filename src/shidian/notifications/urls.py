from django.urls import path

from shidian.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("unread/", views.unread_badge, name="unread"),
    path("read-all/", views.read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("mail/", views.mail_queue, name="mail_queue"),
    path("mail/<int:mail_id>/retry/", views.mail_retry, name="mail_retry"),
    path("<int:notification_id>/", views.open_notification, name="open"),
    path("<int:notification_id>/read/", views.read, name="read"),
]
