"""Report requests: who may ask for what over which region, producing the file once, downloads, expiry,
and the monthly schedule. The recap builders have their own tests; here a small builder stands in
through the catalogue, so the pipeline is tested on its own."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kesos.accounts.models import Role
from kesos.audit.models import AuditEvent
from kesos.reports import kinds, services
from kesos.reports.kinds import Kind
from kesos.reports.models import ReportRequest
from kesos.reports.recap import Column, Params, Recap
from kesos.reports.tasks import expire_reports, schedule_monthly_recaps
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db
CALLS = []


def small_recap(params, *, user):
    """Stands in for a builder: two kab/kota rows and a total."""
    CALLS.append(params.region)
    return Recap(
        title="REKAP UJI", region="PROVINSI KALIMANTAN SELATAN", period=f"TAHUN {params.year}", as_of="Keadaan s.d. x",
        columns=[Column("No", "int"), Column("Kabupaten/Kota"), Column("Jumlah", "int")],
        rows=[[1, "Tanah Laut", 2], [2, "Kota Banjarmasin", 3]], totals=[["", "Jumlah", 5]],
    )  # fmt: skip


def refusing_recap(params, *, user):
    raise ValidationError({"event": "Kegiatan tidak ditemukan di wilayah ini."})


@pytest.fixture(autouse=True)
def catalogue(monkeypatch):
    CALLS.clear()
    here = "tests.reports.test_requests"
    monkeypatch.setitem(kinds.KINDS, "uji", Kind("uji", "Rekap uji", f"{here}.small_recap", kinds.AGGREGATE_ROLES))
    monkeypatch.setitem(
        kinds.KINDS, "uji_nama", Kind("uji_nama", "Daftar uji", f"{here}.small_recap", kinds.SUPERVISOR_ROLES,
                                      by_name=True, formats=("xlsx", "csv"))
    )  # fmt: skip
    monkeypatch.setitem(kinds.KINDS, "uji_tolak", Kind("uji_tolak", "Tolak", f"{here}.refusing_recap",
                                                       kinds.AGGREGATE_ROLES))  # fmt: skip


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """Request a report and run what the request queued on commit (the task, in-process here)."""

    def request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.report_request(**kwargs)

    return request


def user_with(role, region, username=None):
    user = UserFactory(username=username or f"{role}-{region}")
    AssignmentFactory(user=user, role=role, wilayah_id=region)
    return user


def test_a_request_is_queued_made_at_once_in_process_and_audited(wilayah_table, ask):
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    report = ask(actor=admin, kind="uji", fmt="csv", params=Params(region="63", year=2025))
    report.refresh_from_db()
    assert report.status == "done" and report.progress == 100 and report.rows == 2 and report.attempts == 1
    assert report.file == f"laporan-{report.pk}-uji-63.csv" and len(report.checksum) == 64
    assert report.expires_at > timezone.now() + datetime.timedelta(hours=71)
    assert AuditEvent.objects.filter(action="report.request", actor=admin, wilayah_code="63").count() == 1


def test_running_a_finished_request_again_changes_nothing(wilayah_table, ask):
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    report = ask(actor=admin, kind="uji", fmt="xlsx", params=Params(region="63", year=2025))
    report.refresh_from_db()
    services.report_generate(pk=report.pk)  # a redelivered task
    again = ReportRequest.objects.get(pk=report.pk)
    assert CALLS == ["63"] and again.attempts == 1 and again.checksum == report.checksum


@pytest.mark.parametrize(
    ("role", "region", "kind", "fmt", "params", "error"),
    [
        (Role.OPERATOR_KABKOTA, "63.71", "uji", "xlsx", Params(region="63", year=2025), "Wilayah di luar cakupan"),
        (Role.OPERATOR_KABKOTA, "63.71", "uji", "xlsx", Params(region="63.72", year=2025), "Wilayah di luar cakupan"),
        (Role.ADMIN_PROVINSI, "63", "uji", "xlsx", Params(region="62", year=2025), "Wilayah di luar cakupan"),
        (Role.ADMIN_PROVINSI, "63", "uji_nama", "pdf", Params(region="63", year=2025), "tidak tersedia dalam format"),
        (Role.ADMIN_PROVINSI, "63", "r7", "xlsx", Params(region="63", year=2025), "Wajib diisi"),
        (Role.ADMIN_PROVINSI, "63", "r6", "xlsx", Params(region="63", year=2025, event=999999), "Kegiatan tidak"),
    ],
)
def test_a_request_outside_the_scope_or_incomplete_is_refused_with_a_reason(
    wilayah_table, role, region, kind, fmt, params, error
):
    user = user_with(role, region)
    with pytest.raises(ValidationError, match=error):
        services.report_request(actor=user, kind=kind, fmt=fmt, params=params)
    assert not ReportRequest.objects.exists()


def test_the_pimpinan_may_ask_for_aggregates_but_not_for_names(wilayah_table, ask):
    pimpinan = user_with(Role.PIMPINAN, "63")
    ask(actor=pimpinan, kind="uji", fmt="xlsx", params=Params(region="63", year=2025))
    with pytest.raises(PermissionDenied):
        services.report_request(actor=pimpinan, kind="uji_nama", fmt="xlsx", params=Params(region="63", year=2025))
    tksk = user_with(Role.TKSK, "63.72.03")
    with pytest.raises(PermissionDenied):
        services.report_request(actor=tksk, kind="uji", fmt="xlsx", params=Params(region="63.72", year=2025))


def test_a_builder_that_refuses_leaves_the_request_failed_with_its_message(wilayah_table, ask):
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    report = ask(actor=admin, kind="uji_tolak", fmt="xlsx", params=Params(region="63", year=2025))
    report.refresh_from_db()
    assert report.status == "failed" and report.error == "Kegiatan tidak ditemukan di wilayah ini." and not report.file


def test_a_by_name_download_is_recorded_as_a_personal_data_export(wilayah_table, ask):
    operator = user_with(Role.OPERATOR_KABKOTA, "63.71")
    report = ask(actor=operator, kind="uji_nama", fmt="csv", params=Params(region="63.71", year=2025))
    client = Client()
    client.force_login(operator)
    response = client.get(reverse("reports:download", args=[report.pk]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).decode("utf-8").startswith("\ufeffNo,Kabupaten/Kota,Jumlah")
    export = AuditEvent.objects.get(action="data.export", actor=operator)
    assert export.wilayah_code == "63.71" and export.object_repr == "Daftar uji (2 baris)"


def test_files_past_their_time_are_deleted_by_the_hourly_job_and_no_longer_served(wilayah_table, settings, ask):
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    old = ask(actor=admin, kind="uji", fmt="csv", params=Params(region="63", year=2024))
    fresh = ask(actor=admin, kind="uji", fmt="csv", params=Params(region="63", year=2025))
    ReportRequest.objects.filter(pk=old.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    old.refresh_from_db()
    path = services.report_root() / old.file

    assert expire_reports.apply().get() == 1
    old.refresh_from_db()
    assert old.status == "expired" and not old.file and not path.exists()
    assert (services.report_root() / ReportRequest.objects.get(pk=fresh.pk).file).exists()
    client = Client()
    client.force_login(admin)
    assert client.get(reverse("reports:download", args=[old.pk])).status_code == 404
    page = client.get(reverse("reports:index")).content.decode()
    assert "Kedaluwarsa" in page and "berkas sudah dihapus" in page
    assert "reports-expire" in settings.CELERY_BEAT_SCHEDULE


def test_the_monthly_schedule_queues_the_provinces_recaps_once_and_admins_see_them(
    wilayah_table, settings, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(kinds, "MONTHLY", (("uji", "xlsx"),))
    monkeypatch.setattr(services, "MONTHLY", (("uji", "xlsx"),))
    settings.KESOS_PROVINCE_CODE = "63"
    first_of_march = timezone.make_aware(datetime.datetime(2026, 3, 1, 1, 0))
    with django_capture_on_commit_callbacks(execute=True):
        made = services.monthly_recaps_schedule(now=first_of_march)
        assert schedule_monthly_recaps.apply().get() == 1  # the task: last month's, from now
    assert services.monthly_recaps_schedule(now=first_of_march + datetime.timedelta(days=3)) == []
    report = ReportRequest.objects.get(pk=made[0].pk)
    assert report.scheduled and report.requested_by is None and report.status == "done"
    assert report.params == {"region": "63", "year": 2026, "month": 2}
    admin, operator = user_with(Role.ADMIN_PROVINSI, "63"), user_with(Role.OPERATOR_KABKOTA, "63.71")
    for user, sees in ((admin, True), (operator, False)):
        client = Client()
        client.force_login(user)
        assert (f'id="laporan-{report.pk}"' in client.get(reverse("reports:index")).content.decode()) is sees
    assert settings.CELERY_BEAT_SCHEDULE["reports-monthly"]["task"] == "kesos.reports.tasks.schedule_monthly_recaps"


def test_the_reports_page_keeps_a_rejected_request_as_typed(wilayah_table):
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    client = Client()
    client.force_login(admin)
    response = client.post(reverse("reports:index"), {"kind": "r7", "format": "xlsx", "region": "63.71", "year": 2025})
    page = response.content.decode()
    assert response.status_code == 200 and "Wajib diisi untuk laporan ini." in page
    assert '<option value="63.71" selected>' in page and 'value="2025"' in page
    assert not ReportRequest.objects.exists()


def test_the_reports_page_makes_the_same_number_of_queries_for_3_or_30_requests(wilayah_table):
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    client = Client()
    client.force_login(admin)
    counts = []
    for total in (3, 30):
        ReportRequest.objects.all().delete()
        for _ in range(total):
            ReportRequest.objects.create(kind="uji", format="xlsx", params={"region": "63", "year": 2025},
                                         region_id="63", requested_by=admin)  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("reports:index")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_api_queues_a_request_reports_its_status_and_refuses_another_region(wilayah_table):
    operator = user_with(Role.OPERATOR_KABKOTA, "63.71")
    client = Client()
    client.force_login(operator)
    url = reverse("reports-api:report-list")
    refused = client.post(url, {"kind": "uji", "format": "csv", "region": "63", "year": 2025},
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 400 and refused.json() == {"region": ["Wilayah di luar cakupan Anda."]}
    response = client.post(url, {"kind": "uji", "format": "csv", "region": "63.71", "year": 2025},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 202 and response.json()["status"] == "queued"
    report = ReportRequest.objects.get()
    services.report_generate(pk=report.pk)  # what the worker does
    detail = client.get(reverse("reports-api:report-detail", args=[report.pk])).json()
    assert detail["status"] == "done" and detail["progress"] == 100 and detail["rows"] == 2
    download = client.get(detail["download_url"])
    assert download.status_code == 200 and b"Kota Banjarmasin" in b"".join(download.streaming_content)


def test_a_pdf_is_signed_by_the_head_of_the_office_of_its_region_at_the_office_seat(wilayah_table, ask):
    from tests.core.test_pdf import pdf_pages
    from tests.factories import OfficeFactory

    OfficeFactory(name="Dinas Sosial Provinsi Kalimantan Selatan", wilayah_id="63", city="Banjarbaru",
                  address="Jl. Dharma Praja I, Banjarbaru", head_name="Dra. Siti Rahmah",
                  head_nip="196805121993032004")  # fmt: skip
    OfficeFactory(name="Dinas Sosial Kota Banjarmasin", wilayah_id="63.71")  # no seat recorded
    operator = user_with(Role.OPERATOR_KABKOTA, "63.71")
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    report = ask(actor=admin, kind="uji", fmt="pdf", params=Params(region="63", year=2025))
    text = "\n".join(pdf_pages((services.report_root() / ReportRequest.objects.get(pk=report.pk).file).read_bytes()))
    assert "DINAS SOSIAL PROVINSI KALIMANTAN SELATAN" in text and "Jl. Dharma Praja I, Banjarbaru" in text
    assert "Banjarbaru, " in text and "Kepala Dinas Sosial Provinsi Kalimantan Selatan" in text
    assert "Dra. Siti Rahmah" in text and "NIP. 196805121993032004" in text

    kota = ask(actor=operator, kind="uji", fmt="pdf", params=Params(region="63.71", year=2025))
    text = "\n".join(pdf_pages((services.report_root() / ReportRequest.objects.get(pk=kota.pk).file).read_bytes()))
    assert "DINAS SOSIAL KOTA BANJARMASIN" in text
    assert "Banjarmasin, " in text  # the region's name as a place, without "Kota"
