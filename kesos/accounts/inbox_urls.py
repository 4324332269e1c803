"""The user's own inbox (under /notifikasi/)."""

from django.urls import path

from . import views

app_name = "inbox"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("baca/", views.notifications_read, name="read"),
]
