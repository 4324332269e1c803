from django.urls import path

from . import views

app_name = "ppks"
urlpatterns = [
    path("orang/", views.person_list, name="person_list"),
    path("orang/baru/", views.person_create, name="person_create"),
    path("orang/ekspor/", views.person_export, name="person_export"),
    path("orang/<int:pk>/", views.person_detail, name="person"),
    path("orang/<int:pk>/ubah/", views.person_edit, name="person_edit"),
    path("orang/<int:pk>/cetak/", views.person_print, name="person_print"),
]
