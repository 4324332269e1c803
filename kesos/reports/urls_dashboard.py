"""The dashboard (/dasbor/): counts and charts of the user's region, with drill-down by ?wilayah=."""

from django.urls import path

from . import views_dashboard

app_name = "dashboard"
urlpatterns = [
    path("", views_dashboard.index, name="index"),
]
