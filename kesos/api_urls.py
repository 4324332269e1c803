"""Every /api/v1/ route, one include per app."""

from django.urls import include, path

urlpatterns = [
    path("wilayah/", include("kesos.wilayah.api.urls")),
    path("ppks/", include("ppks.api.urls")),
    path("lks/", include("lks.api.urls")),
    path("pilar/", include("pilar.api.urls")),
    path("laporan/", include("kesos.reports.api.urls")),
]
