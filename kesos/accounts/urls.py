"""User management pages for the Admin Dinsos Provinsi (under /pengguna/)."""

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("baru/", views.user_create, name="user_create"),
    path("<int:pk>/", views.user_detail, name="user"),
    path("<int:pk>/ubah/", views.user_edit, name="user_edit"),
    path("<int:pk>/nonaktifkan/", views.user_deactivate, name="user_deactivate"),
    path("<int:pk>/aktifkan/", views.user_activate, name="user_activate"),
    path("<int:pk>/sandi/", views.user_password, name="user_password"),
    path("<int:pk>/atur-ulang-2fa/", views.user_reset_2fa, name="user_reset_2fa"),
    path("<int:pk>/penugasan/baru/", views.assignment_add, name="assignment_add"),
    path("<int:pk>/penugasan/<int:assignment_pk>/akhiri/", views.assignment_end, name="assignment_end"),
]
