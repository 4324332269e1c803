"""TKSK field work through its pages: the monthly report filled on a phone, submitted and accepted by
the kab/kota operator, the R7 recap of who submitted, and the field case report with the PPKS
duplicate check."""

import datetime
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kesos.accounts.models import Role
from kesos.wilayah.models import Wilayah
from pilar import services
from pilar.choices import ReportStatus
from pilar.models import MonthlyReport, PilarType
from ppks.models import Case, Person, PpksCategory
from tests.factories import AssignmentFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
BANJARBARU = "Dinas Sosial Kota Banjarbaru"
CEMPAKA, LANDASAN_ULIN = "63.72.03", "63.72.02"


def png_bytes() -> bytes:
    """A real 1×1 white PNG."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


def d(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def W(code):
    return Wilayah.objects.get(code=code)


def category(code):
    return PpksCategory.objects.get(code=code)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def operator():
    user = UserFactory(username="operator.bjb", office=OfficeFactory(name=BANJARBARU, wilayah_id="63.72"))
    AssignmentFactory(user=user, role=Role.OPERATOR_KABKOTA, wilayah_id="63.72")
    return user


def make_tksk(operator, kecamatan, username, name):
    """A TKSK account on a kecamatan, with the roster record (and posting) linked to it."""
    user = UserFactory(username=username, full_name=name, office=OfficeFactory(name=BANJARBARU, wilayah_id="63.72"))
    AssignmentFactory(user=user, role=Role.TKSK, wilayah_id=kecamatan)
    member = services.member_create(
        actor=operator, type=PilarType.objects.get(code="tksk"), wilayah=W(kecamatan), name=name,
        starts_on=datetime.date(2023, 1, 2), user=user,
    )  # fmt: skip
    return user, member


@pytest.fixture
def tksk(operator):
    return make_tksk(operator, CEMPAKA, "tksk.cempaka", "Akhmad Syarifudin")


def open_report(client, user) -> MonthlyReport:
    client.force_login(user)
    response = client.get(reverse("pilar:report_current"))
    report = MonthlyReport.objects.get(member__user=user, month=TODAY.replace(day=1))
    assert response.status_code == 302 and response.url == reverse("pilar:report", args=[report.pk])
    return report


def fill_and_submit(client, report):
    client.post(
        reverse("pilar:activity_add", args=[report.pk]),
        {"kegiatan-day": d(TODAY), "kegiatan-desa": f"{CEMPAKA}.1001", "kegiatan-kind": "identifikasi",
         "kegiatan-description": "Pendataan lansia telantar di RT 05", "kegiatan-people_reached": "3"},
    )  # fmt: skip
    client.post(
        reverse("pilar:finding_set", args=[report.pk]),
        {"temuan-desa": f"{CEMPAKA}.1001", "temuan-category": category("PPKS-08").pk, "temuan-count": "2"},
    )
    return client.post(reverse("pilar:report_submit", args=[report.pk]))


# --- The TKSK's month ----------------------------------------------------------------------------------
def test_a_tksk_fills_the_months_report_on_the_phone_and_sends_it(client, tksk):
    user, member = tksk
    report = open_report(client, user)
    page = client.get(reverse("pilar:report", args=[report.pk])).content.decode()
    assert 'data-testid="status-laporan">Draf' in page
    assert 'accept="image/*"' in page and 'capture="environment"' in page
    assert "kesos/geolocation.js" in page and "data-geo-button hidden" in page  # shown by the script only
    assert "Kelurahan Palam" in page or "Palam" in page  # the desa of Cempaka to choose from
    assert "Landasan Ulin" not in page

    response = client.post(
        reverse("pilar:activity_add", args=[report.pk]),
        {"kegiatan-day": d(TODAY), "kegiatan-desa": f"{CEMPAKA}.1001", "kegiatan-kind": "identifikasi",
         "kegiatan-description": "Pendataan lansia telantar di RT 05", "kegiatan-people_reached": "3"},
        follow=True,
    )  # fmt: skip
    page = response.content.decode()
    assert "Kegiatan dicatat." in page and "Pendataan lansia telantar di RT 05" in page
    assert 'data-testid="jumlah-kegiatan">1<' in page

    response = client.post(
        reverse("pilar:finding_set", args=[report.pk]),
        {"temuan-desa": f"{CEMPAKA}.1001", "temuan-category": category("PPKS-08").pk, "temuan-count": "2"},
        follow=True,
    )
    assert response.content.decode().count('data-testid="temuan"') == 1
    assert report.findings.get().count == 2

    upload = SimpleUploadedFile("kegiatan.png", png_bytes(), content_type="image/png")
    response = client.post(
        reverse("pilar:photo_add", args=[report.pk]),
        {"foto-upload": upload, "foto-caption": "Kunjungan rumah", "foto-latitude": "-3.457200",
         "foto-longitude": "114.810300"},
        follow=True,
    )  # fmt: skip
    page = response.content.decode()
    assert "Foto tersimpan dengan lokasi." in page and 'data-testid="lokasi-foto">-3.457200, 114.810300' in page
    photo = report.photos.get()
    full = client.get(reverse("pilar:photo", args=[report.pk, photo.pk]))
    assert full.status_code == 200 and full["Content-Type"] == "image/png"
    assert full["X-Content-Type-Options"] == "nosniff" and "no-store" in full["Cache-Control"]
    small = client.get(reverse("pilar:photo", args=[report.pk, photo.pk]) + "?kecil=1")
    assert small.status_code == 200 and small["Content-Type"] in ("image/jpeg", "image/png")

    response = client.post(
        reverse("pilar:report", args=[report.pk]),
        {"catatan-psks_found": "Karang Taruna Palam aktif", "catatan-obstacles": "Sinyal lemah",
         "catatan-recommendations": "Bantuan alat bantu lansia", "catatan-version": report.version},
        follow=True,
    )  # fmt: skip
    assert "Catatan laporan tersimpan." in response.content.decode()

    response = client.post(reverse("pilar:report_submit", args=[report.pk]), follow=True)
    page = response.content.decode()
    assert "Laporan terkirim ke Dinas Sosial" in page and 'data-testid="status-laporan">Dikirim' in page
    assert 'data-testid="form-kegiatan"' not in page  # no more editing
    report.refresh_from_db()
    assert report.status == ReportStatus.DIKIRIM and report.obstacles == "Sinyal lemah"

    late = client.post(
        reverse("pilar:activity_add", args=[report.pk]),
        {"kegiatan-day": d(TODAY), "kegiatan-desa": f"{CEMPAKA}.1001", "kegiatan-kind": "koordinasi",
         "kegiatan-description": "Terlambat"},
    )  # fmt: skip
    assert late.status_code == 200 and "sudah dikirim" in late.content.decode()
    assert report.activities.count() == 1


def test_a_report_is_not_sent_empty_and_a_wrong_desa_keeps_the_input(client, tksk):
    user, _ = tksk
    report = open_report(client, user)
    response = client.post(reverse("pilar:report_submit", args=[report.pk]))
    assert response.status_code == 200
    assert "Catat sedikitnya satu kegiatan" in response.content.decode()
    response = client.post(
        reverse("pilar:activity_add", args=[report.pk]),
        {"kegiatan-day": d(TODAY), "kegiatan-desa": f"{LANDASAN_ULIN}.1003", "kegiatan-kind": "rujukan",
         "kegiatan-description": "Rujukan ke puskesmas"},
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200 and "Rujukan ke puskesmas" in page and "is-invalid" in page
    assert report.activities.count() == 0


def test_a_tksk_without_a_roster_record_is_told_whom_to_ask(client):
    user = UserFactory(username="tksk.baru")
    AssignmentFactory(user=user, role=Role.TKSK, wilayah_id=CEMPAKA)
    client.force_login(user)
    response = client.get(reverse("pilar:report_current"), follow=True)
    assert "belum terhubung dengan data TKSK" in response.content.decode()
    assert MonthlyReport.objects.count() == 0


def test_a_tksk_cannot_open_another_tksks_report(client, operator, tksk):
    user, _ = tksk
    report = open_report(client, user)
    other, _ = make_tksk(operator, LANDASAN_ULIN, "tksk.landasan", "Rusdi Hamdani")
    client.force_login(other)
    assert client.get(reverse("pilar:report", args=[report.pk])).status_code == 404
    assert client.post(reverse("pilar:report_submit", args=[report.pk])).status_code == 404
    assert client.get(reverse("pilar:report_list")).content.decode().count('data-testid="baris-laporan"') == 0


def test_the_operator_accepts_a_submitted_report_or_returns_it_with_a_note(client, operator, tksk):
    user, member = tksk
    report = open_report(client, user)
    fill_and_submit(client, report)

    client.force_login(operator)
    page = client.get(reverse("pilar:report_list")).content.decode()
    assert page.count('data-testid="baris-laporan"') == 1 and "Akhmad Syarifudin" in page
    page = client.get(reverse("pilar:report", args=[report.pk])).content.decode()
    assert 'data-testid="form-penerimaan"' in page and 'data-testid="form-kegiatan"' not in page
    # The operator cannot write into the TKSK's report.
    assert client.post(reverse("pilar:report_submit", args=[report.pk])).status_code == 403

    response = client.post(reverse("pilar:report_acknowledge", args=[report.pk]), {"accept": "0", "note": ""})
    assert response.status_code == 200 and "Tuliskan apa yang perlu diperbaiki" in response.content.decode()
    response = client.post(
        reverse("pilar:report_acknowledge", args=[report.pk]), {"accept": "0", "note": "Lengkapi foto kegiatan"},
        follow=True,
    )  # fmt: skip
    assert "dikembalikan untuk diperbaiki" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAF

    client.force_login(user)
    page = client.get(reverse("pilar:report", args=[report.pk])).content.decode()
    assert "Lengkapi foto kegiatan" in page and 'data-testid="kirim-laporan"' in page
    client.post(reverse("pilar:report_submit", args=[report.pk]))

    client.force_login(operator)
    response = client.post(reverse("pilar:report_acknowledge", args=[report.pk]), {"accept": "1"}, follow=True)
    assert "Laporan Akhmad Syarifudin diterima." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DITERIMA and report.acknowledged_by == operator


def test_r7_shows_y_for_a_tksk_who_sent_the_report_and_t_for_one_who_did_not(client, operator, tksk):
    user, _ = tksk
    fill_and_submit(client, open_report(client, user))
    make_tksk(operator, LANDASAN_ULIN, "tksk.landasan", "Rusdi Hamdani")

    client.force_login(operator)
    page = client.get(reverse("pilar:submissions")).content.decode()
    assert 'data-testid="jumlah-terkirim">1<' in page and 'data-testid="jumlah-tksk">2<' in page
    rows = page.split('data-testid="baris-r7"')[1:]
    by_name = {("Akhmad" if "Akhmad Syarifudin" in row else "Rusdi"): row for row in rows}
    assert '<span class="badge text-bg-success">Y</span>' in by_name["Akhmad"]
    assert '<span class="badge text-bg-secondary">T</span>' in by_name["Rusdi"]
    assert "Belum ada laporan" in by_name["Rusdi"] and "Cempaka" in by_name["Akhmad"]
    # Another month: nobody has sent anything.
    previous = (TODAY.replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    page = client.get(reverse("pilar:submissions"), {"bulan": previous}).content.decode()
    assert 'data-testid="jumlah-terkirim">0<' in page


def test_a_tksk_may_not_see_r7_and_a_pekerja_sosial_has_no_report_pages(client, tksk):
    user, _ = tksk
    client.force_login(user)
    assert client.get(reverse("pilar:submissions")).status_code == 403
    peksos = UserFactory(username="peksos.bjb")
    AssignmentFactory(user=peksos, role=Role.PEKERJA_SOSIAL, wilayah_id="63.72")
    client.force_login(peksos)
    assert client.get(reverse("pilar:report_list")).status_code == 403
    assert client.get(reverse("pilar:field_case")).status_code == 403


@pytest.mark.parametrize("count", [1, 4])
def test_the_report_lists_do_not_query_more_as_rows_grow(client, operator, tksk, count, django_assert_max_num_queries):
    _, first = tksk
    members = [first] + [
        make_tksk(operator, code, f"tksk.{code}", f"TKSK {code}")[1]
        for code in ("63.72.04", "63.72.05", "63.72.06")[: count - 1]
    ]
    month = TODAY.replace(day=1)
    for m in members:
        MonthlyReport.objects.create(member=m, month=month, wilayah=m.wilayah, status=ReportStatus.DIKIRIM)
    client.force_login(operator)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("pilar:report_list")).content.decode()
    assert page.count('data-testid="baris-laporan"') == count
    with django_assert_max_num_queries(10):
        page = client.get(reverse("pilar:submissions")).content.decode()
    assert page.count('data-testid="baris-r7"') == count


# --- The field case report ------------------------------------------------------------------------------
CASE = {
    "nik": "", "name": "Mbah Sarinah", "sex": "P", "birth_date": "01/07/1946", "desa": f"{CEMPAKA}.1001",
    "address": "Jl. Palam RT 05", "phone": "", "summary": "Lansia tinggal sendiri, tidak ada yang merawat.",
    "sensitive_notes": "",
}  # fmt: skip


def test_a_field_case_creates_a_person_and_a_case_the_operator_sees_as_dilaporkan(client, operator, tksk):
    user, _ = tksk
    client.force_login(user)
    page = client.get(reverse("pilar:field_case")).content.decode()
    assert f'value="{CEMPAKA}.1001"' in page and f'value="{LANDASAN_ULIN}.1003"' not in page

    response = client.post(reverse("pilar:field_case"), {**CASE, "category": category("PPKS-08").pk}, follow=True)
    page = response.content.decode()
    case = Case.objects.get()
    assert case.stage == "dilaporkan" and case.source == "tksk" and case.person.created_by == user
    assert f'data-testid="nomor-kasus">{case.number}<' in page
    assert 'data-testid="tahap-kasus">Dilaporkan<' in page and "menunggu verifikasi Dinas Sosial" in page
    assert 'data-testid="lapor-lagi"' in page

    client.force_login(operator)
    assert case.number in client.get(reverse("ppks:case_list")).content.decode()


def test_a_near_duplicate_name_is_stopped_with_the_choice_kept_and_the_input_kept(client, operator, tksk):
    user, _ = tksk
    client.force_login(user)
    data = {**CASE, "category": category("PPKS-08").pk}
    client.post(reverse("pilar:field_case"), data)
    first = Person.objects.get()

    response = client.post(reverse("pilar:field_case"), {**data, "summary": "Dilaporkan tetangga lagi"})
    page = response.content.decode()
    assert response.status_code == 200 and "Mungkin sudah terdaftar" in page
    assert 'type="checkbox" name="confirm_not_duplicate"' in page and "Bukan duplikat" in page
    assert 'value="Mbah Sarinah"' in page and "Dilaporkan tetangga lagi" in page  # input kept
    assert f'name="existing" value="{first.pk}"' in page
    assert Person.objects.count() == 1 and Case.objects.count() == 1

    # "It is this person": only a case is opened, for the existing record.
    client.post(reverse("pilar:field_case"), {**data, "summary": "Dilaporkan tetangga lagi", "existing": first.pk})
    assert Person.objects.count() == 1 and Case.objects.filter(person=first).count() == 2

    # "Not a duplicate": a second person.
    client.post(reverse("pilar:field_case"), {**data, "confirm_not_duplicate": "on"})
    assert Person.objects.count() == 2 and Case.objects.count() == 3


def test_an_exact_nik_leads_to_the_existing_record(client, operator, tksk):
    user, _ = tksk
    client.force_login(user)
    data = {**CASE, "nik": "6372034107460001", "category": category("PPKS-08").pk}
    client.post(reverse("pilar:field_case"), data)
    first = Person.objects.get()
    response = client.post(reverse("pilar:field_case"), data)
    page = response.content.decode()
    assert "NIK ini sudah terdaftar" in page and f'name="existing" value="{first.pk}"' in page
    assert reverse("ppks:person", args=[first.pk]) in page
    assert Person.objects.count() == 1
