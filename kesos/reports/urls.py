from django.urls import include, path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/unduh/", views.download, name="download"),
    path("spm/", include("kesos.reports.urls_spm")),
]
