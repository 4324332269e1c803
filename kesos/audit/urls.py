from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("perubahan/", views.change_list, name="change_list"),
    path("subjek/", views.subject_report, name="subject_report"),
]
