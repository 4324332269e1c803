from django.urls import path

from . import views
from .views import events as event_views
from .views import fieldwork as fieldwork_views

app_name = "pilar"
urlpatterns = [
    # Roster and coverage
    path("", views.member_list, name="member_list"),
    path("baru/", views.member_create, name="member_create"),
    path("ekspor/", views.member_export, name="member_export"),
    path("cakupan/", views.coverage, name="coverage"),
    path("<int:pk>/", views.member_detail, name="member"),
    path("<int:pk>/ubah/", views.member_edit, name="member_edit"),
    path("<int:pk>/pindah/", views.posting_move, name="posting_move"),
    path("<int:pk>/akhiri/", views.posting_end, name="posting_end"),
    path("<int:pk>/pelatihan/baru/", views.training_add, name="training_add"),
    path("<int:pk>/penghargaan/baru/", views.award_add, name="award_add"),
    path("<int:pk>/tali-asih/baru/", views.allowance_add, name="allowance_add"),
    # Events, attendance, recap, selection
    path("kegiatan/", event_views.event_list, name="event_list"),
    path("kegiatan/baru/", event_views.event_create, name="event_create"),
    path("kegiatan/<int:pk>/", event_views.event_detail, name="event"),
    path("kegiatan/<int:pk>/ubah/", event_views.event_edit, name="event_edit"),
    path("kegiatan/<int:pk>/peserta/baru/", event_views.participant_add, name="participant_add"),
    path(
        "kegiatan/<int:pk>/peserta/<int:participant_pk>/hapus/",
        event_views.participant_remove,
        name="participant_remove",
    ),
    path("kegiatan/<int:pk>/hadir/", event_views.attendance, name="attendance"),
    path("kegiatan/<int:pk>/daftar-hadir.pdf", event_views.attendance_pdf, name="attendance_pdf"),
    path("kegiatan/<int:pk>/rekap/", event_views.event_recap, name="event_recap"),
    path("kegiatan/<int:pk>/seleksi/", event_views.selection_detail, name="selection"),
    path("kegiatan/<int:pk>/seleksi/kriteria/", event_views.criterion_add, name="criterion_add"),
    path("kegiatan/<int:pk>/seleksi/calon/", event_views.nomination_add, name="nomination_add"),
    path("kegiatan/<int:pk>/seleksi/tutup/", event_views.selection_close, name="selection_close"),
    path("calon/<int:pk>/nilai/", event_views.nomination_score, name="nomination_score"),
    # TKSK field work
    path("laporan/", fieldwork_views.report_list, name="report_list"),
    path("laporan/bulan-ini/", fieldwork_views.report_current, name="report_current"),
    path("laporan/rekap/", fieldwork_views.submissions, name="submissions"),
    path("laporan/<int:pk>/", fieldwork_views.report_detail, name="report"),
    path("laporan/<int:pk>/kegiatan/", fieldwork_views.activity_add, name="activity_add"),
    path("laporan/<int:pk>/temuan/", fieldwork_views.finding_set, name="finding_set"),
    path("laporan/<int:pk>/foto/", fieldwork_views.photo_add, name="photo_add"),
    path("laporan/<int:pk>/foto/<int:photo_pk>/", fieldwork_views.photo_download, name="photo"),
    path("laporan/<int:pk>/kirim/", fieldwork_views.report_submit, name="report_submit"),
    path("laporan/<int:pk>/terima/", fieldwork_views.report_acknowledge, name="report_acknowledge"),
    path("kasus-lapangan/", fieldwork_views.field_case, name="field_case"),
]
