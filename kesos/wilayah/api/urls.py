from django.urls import path

from . import views

app_name = "wilayah-api"
urlpatterns = [
    path("", views.WilayahChildrenView.as_view(), name="children"),
    path("<str:code>/", views.WilayahDetailView.as_view(), name="detail"),
]
