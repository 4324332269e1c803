from django.urls import path

from . import views

app_name = "wilayah"
urlpatterns = [
    path("", views.wilayah_browse, name="browse"),
    path("<str:code>/", views.wilayah_browse, name="detail"),
]
