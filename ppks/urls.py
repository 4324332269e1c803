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
    path("orang/<int:pk>/kategori/", views.person_category_add, name="person_category_add"),
    path("kategori/<int:pk>/verifikasi/", views.category_verify, name="category_verify"),
    path("kategori/<int:pk>/akhiri/", views.category_end, name="category_end"),
    path("orang/<int:pk>/kasus/baru/", views.person_case_open, name="person_case_open"),
    path("keluarga/<int:pk>/kasus/baru/", views.household_case_open, name="household_case_open"),
    path("kasus/", views.case_list, name="case_list"),
    path("kasus/<int:pk>/", views.case_detail, name="case"),
    path("kasus/<int:pk>/tahap/", views.case_transition, name="case_transition"),
    path("kasus/<int:pk>/tugaskan/", views.case_assign, name="case_assign"),
    path("keluarga/", views.household_list, name="household_list"),
    path("keluarga/baru/", views.household_create, name="household_create"),
    path("keluarga/<int:pk>/", views.household_detail, name="household"),
    path("keluarga/<int:pk>/anggota/baru/", views.household_member_new, name="household_member_new"),
    path("keluarga/<int:pk>/anggota/tambah/", views.household_member_add, name="household_member_add"),
    path("keluarga/<int:pk>/anggota/<int:member_pk>/keluar/", views.household_member_end, name="household_member_end"),
    path("keluarga/<int:pk>/kategori/", views.household_category_add, name="household_category_add"),
]
