from django.urls import path

from . import views
from .views import registry as registry_views
from .views import residents as resident_views

app_name = "lks"
urlpatterns = [
    # Registry: list, profile, expiry watch, the Dinsos queue
    path("", views.lks_list, name="lks_list"),
    path("baru/", views.lks_create, name="lks_create"),
    path("ekspor/", views.lks_export, name="lks_export"),
    path("kedaluwarsa/", views.expiry_list, name="expiry_list"),
    path("antrean/", views.queue, name="queue"),
    path("<int:pk>/", views.lks_detail, name="lks"),
    path("<int:pk>/ubah/", views.lks_edit, name="lks_edit"),
    path("usulan/<int:pk>/putuskan/", views.change_request_decide, name="change_request_decide"),
    # Tanda Daftar / izin operasional workflow, accreditation
    path("<int:pk>/pendaftaran/baru/", registry_views.registration_apply, name="registration_apply"),
    path("<int:pk>/surat/baru/", registry_views.registration_record, name="registration_record"),
    path("pendaftaran/<int:pk>/", registry_views.registration_detail, name="registration"),
    path("pendaftaran/<int:pk>/periksa/", registry_views.registration_check, name="registration_check"),
    path("pendaftaran/<int:pk>/verifikasi/", registry_views.registration_visit, name="registration_visit"),
    path("pendaftaran/<int:pk>/terbitkan/", registry_views.registration_issue, name="registration_issue"),
    path("pendaftaran/<int:pk>/tolak/", registry_views.registration_reject, name="registration_reject"),
    path("<int:pk>/akreditasi/baru/", registry_views.accreditation_add, name="accreditation_add"),
    # Board, staff, assistance, documents
    path("<int:pk>/pengurus/baru/", registry_views.board_member_add, name="board_member_add"),
    path("<int:pk>/pengurus/<int:member_pk>/akhiri/", registry_views.board_member_end, name="board_member_end"),
    path("<int:pk>/sdm/baru/", registry_views.staff_add, name="staff_add"),
    path("<int:pk>/sdm/<int:staff_pk>/akhiri/", registry_views.staff_end, name="staff_end"),
    path("<int:pk>/bantuan/baru/", registry_views.assistance_add, name="assistance_add"),
    path("<int:pk>/dokumen/baru/", registry_views.document_upload, name="document_upload"),
    path("<int:pk>/dokumen/<int:document_pk>/", registry_views.document_download, name="document"),
    # Residents and clients
    path("<int:pk>/penghuni/", resident_views.resident_list, name="resident_list"),
    path("<int:pk>/penghuni/baru/", resident_views.placement_create, name="placement_create"),
    path("<int:pk>/penghuni/ekspor/", resident_views.resident_export, name="resident_export"),
    path("penghuni/<int:pk>/", resident_views.placement_detail, name="placement"),
    path("penghuni/<int:pk>/keluar/", resident_views.placement_exit, name="placement_exit"),
]
