from django.urls import path

from . import views
from .views import attachments as attachment_views
from .views import casework as casework_views
from .views import merge as merge_views
from .views import referrals as referral_views
from .views import work as work_views

app_name = "ppks"
urlpatterns = [
    path("orang/", views.person_list, name="person_list"),
    path("orang/baru/", views.person_create, name="person_create"),
    path("orang/ekspor/", views.person_export, name="person_export"),
    path("orang/<int:pk>/", views.person_detail, name="person"),
    path("orang/<int:pk>/ubah/", views.person_edit, name="person_edit"),
    path("orang/<int:pk>/cetak/", views.person_print, name="person_print"),
    path("orang/<int:pk>/kategori/", views.person_category_add, name="person_category_add"),
    path("orang/<int:pk>/gabung/", merge_views.person_merge, name="person_merge"),
    path("gabung/<int:merge_pk>/batal/", merge_views.person_merge_undo, name="person_merge_undo"),
    path("kategori/<int:pk>/verifikasi/", views.category_verify, name="category_verify"),
    path("kategori/<int:pk>/akhiri/", views.category_end, name="category_end"),
    path("orang/<int:pk>/kasus/baru/", views.person_case_open, name="person_case_open"),
    path("keluarga/<int:pk>/kasus/baru/", views.household_case_open, name="household_case_open"),
    path("kasus/", views.case_list, name="case_list"),
    path("kasus/<int:pk>/", views.case_detail, name="case"),
    path("kasus/<int:pk>/tahap/", views.case_transition, name="case_transition"),
    path("kasus/<int:pk>/tugaskan/", views.case_assign, name="case_assign"),
    path("kasus/<int:pk>/rujukan/", referral_views.referral_send, name="referral_send"),
    path("kasus/<int:pk>/rujukan/<int:referral_pk>/status/", referral_views.referral_update, name="referral_update"),
    path("rujukan/terlambat/", referral_views.referral_overdue, name="referral_overdue"),
    path("kasus/<int:pk>/lampiran/", attachment_views.attachment_add, name="attachment_add"),
    path("kasus/<int:pk>/lampiran/<int:attachment_pk>/", attachment_views.attachment_download, name="attachment"),
    path("pekerjaan-saya/", work_views.my_work, name="my_work"),
    path("kasus/<int:pk>/asesmen/", casework_views.assessment_add, name="assessment_add"),
    path("kasus/<int:pk>/rencana/", casework_views.plan_item_add, name="plan_item_add"),
    path("kasus/<int:pk>/rencana/<int:item_pk>/selesai/", casework_views.plan_item_done, name="plan_item_done"),
    path("kasus/<int:pk>/layanan/", casework_views.service_add, name="service_add"),
    path("kasus/<int:pk>/catatan/", casework_views.note_add, name="note_add"),
    path("keluarga/", views.household_list, name="household_list"),
    path("keluarga/baru/", views.household_create, name="household_create"),
    path("keluarga/<int:pk>/", views.household_detail, name="household"),
    path("keluarga/<int:pk>/anggota/baru/", views.household_member_new, name="household_member_new"),
    path("keluarga/<int:pk>/anggota/tambah/", views.household_member_add, name="household_member_add"),
    path("keluarga/<int:pk>/anggota/<int:member_pk>/keluar/", views.household_member_end, name="household_member_end"),
    path("keluarga/<int:pk>/kategori/", views.household_category_add, name="household_category_add"),
]
