"""SPM target pages, included by kesos/reports/urls.py under /laporan/spm/ in the `reports` namespace."""

from django.urls import path

from . import views_spm

urlpatterns: list = [
    path("", views_spm.spm_list, name="spm_list"),
    path("baru/", views_spm.spm_create, name="spm_create"),
    path("<str:code>/<int:year>/", views_spm.spm_edit, name="spm_edit"),
]
