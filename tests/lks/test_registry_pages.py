"""The LKS registry through its pages: profile, Tanda Daftar workflow, verified changes, list filters,
expiry watch, export, board, documents."""

import csv
import datetime
import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kesos.accounts.models import Role
from kesos.audit import actions
from kesos.audit.models import AuditEvent
from kesos.wilayah.models import Wilayah
from lks import services
from lks.choices import REQUIRED_DOCUMENTS, ChangeStatus, DocumentKind, RegistrationStatus
from lks.models import ChangeRequest, Lks, LksDocument, LksType, Registration
from tests.factories import AssignmentFactory, OfficeFactory, UserFactory
from tests.files import hand_pdf

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
PDF = hand_pdf()  # a whole PDF: a header alone no longer passes


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


def T(code):
    return LksType.objects.get(code=code)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def dinsos_operator(region="63.71", office="Dinas Sosial Kota Banjarmasin", username="operator.bjm"):
    user = UserFactory(username=username, office=OfficeFactory(name=office, wilayah_id=region))
    AssignmentFactory(user=user, role=Role.OPERATOR_KABKOTA, wilayah_id=region)
    return user


def lks_operator_of(lks, username="operator.lks"):
    office = OfficeFactory(name="Dinas Sosial Kota Banjarmasin", wilayah_id="63.71")
    user = UserFactory(username=username, office=office)
    AssignmentFactory(user=user, role=Role.OPERATOR_LKS, wilayah_id=lks.wilayah_id[:5], lks=lks)
    return user


@pytest.fixture
def operator(client):
    user = dinsos_operator()
    client.force_login(user)
    return user


def make_lks(actor, name="LKSA Al-Ikhlas", code="63.71.01.1001", types=("anak",), **extra):
    return services.lks_create(
        actor=actor, name=name, wilayah=W(code), address="Jl. Mantuil", capacity=extra.pop("capacity", 20),
        types=[T(t) for t in types], **extra,
    )  # fmt: skip


PROFILE = {
    "name": "LKSA Panti Asuhan Al-Ikhlas",
    "types": ["anak", "disabilitas"],
    "lingkup": "kabkota",
    "service_mode": "panti",
    "capacity": "25",
    "status": "aktif",
    "wilayah": "63.71.01.1001",
    "address": "Jl. Mantuil Raya No. 5",
    "legal_status": "berbadan_hukum",
    "legal_form": "yayasan",
    "deed_number": "12",
    "deed_date": "05/02/2015",
    "sk_kemenkumham": "AHU-0001234.AH.01.04.Tahun 2015",
    "npwp": "01.234.567.8-731.000",
}


def types_by_code(data):
    """The form posts LKS types by primary key."""
    return {**data, "types": [T(c).pk for c in data["types"]]}


def test_an_operator_takes_a_new_lks_through_the_tanda_daftar_workflow(client, operator):
    # 1. The profile.
    response = client.post(reverse("lks:lks_create"), types_by_code(PROFILE), follow=True)
    lks = Lks.objects.get(name=PROFILE["name"])
    assert response.redirect_chain[-1][0] == reverse("lks:lks", args=[lks.pk])
    page = response.content.decode()
    assert "ajukan permohonan Tanda Daftar" in page
    assert {t.code for t in lks.types.all()} == {"anak", "disabilitas"} and lks.created_by == operator
    assert 'data-testid="status-tanda_daftar">belum ada' in page

    # 2. The application, with a scanned letter.
    scan = SimpleUploadedFile("permohonan.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("lks:registration_apply", args=[lks.pk]),
        {"kind": "tanda_daftar", "documents": REQUIRED_DOCUMENTS[:4], "note": "Berkas asli diantar.", "files": [scan]},
    )
    registration = Registration.objects.get(lks=lks)
    assert response.url == reverse("lks:registration", args=[registration.pk])
    assert registration.documents == sorted(REQUIRED_DOCUMENTS[:4]) and registration.applied_by == operator
    assert LksDocument.objects.get(registration=registration).kind == DocumentKind.BERKAS_PENDAFTARAN
    page = client.get(response.url).content.decode()
    assert "permohonan.pdf" in page and 'data-testid="form-periksa"' in page

    # 3. The check: with required files missing it is refused, and what the officer ticked stays ticked.
    check = reverse("lks:registration_check", args=[registration.pk])
    response = client.post(check, {"documents": REQUIRED_DOCUMENTS[:4], "note": "Kurang NPWP"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Berkas belum lengkap: Surat keterangan domisili" in page
    assert page.count("checked") >= 4 and "Kurang NPWP" in page
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.DIAJUKAN
    response = client.post(check, {"documents": REQUIRED_DOCUMENTS, "note": "Lengkap"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.BERKAS_LENGKAP

    # 4. The field visit, with a photo.
    photo = SimpleUploadedFile("kunjungan.png", png_bytes(), content_type="image/png")
    response = client.post(
        reverse("lks:registration_visit", args=[registration.pk]),
        {"visit_on": d(TODAY), "officers": "Rahmah, Syahrani", "findings": "Asrama layak, 25 tempat tidur.",
         "photos": [photo]},
    )  # fmt: skip
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.DIVERIFIKASI
    assert registration.files.filter(kind=DocumentKind.FOTO_VERIFIKASI).count() == 1
    page = client.get(reverse("lks:registration", args=[registration.pk])).content.decode()
    assert 'value="Dinas Sosial Kota Banjarmasin"' in page  # the issuer defaults to the officer's office

    # 5. Issue: the LKS page shows the Tanda Daftar in force.
    valid_until = TODAY.replace(year=TODAY.year + 5)
    response = client.post(
        reverse("lks:registration_issue", args=[registration.pk]),
        {"number": "460/123/TD-LKS/2026", "issuer": "Dinas Sosial Kota Banjarmasin", "issued_on": d(TODAY),
         "valid_until": d(valid_until)},
        follow=True,
    )  # fmt: skip
    assert response.redirect_chain[-1][0] == reverse("lks:lks", args=[lks.pk])
    page = response.content.decode()
    assert 'data-testid="status-tanda_daftar">berlaku<' in page
    assert "460/123/TD-LKS/2026" in page and f"berlaku s.d. {valid_until:%d-%m-%Y}" in page
    assert "Ajukan perpanjangan Tanda Daftar" in page


def test_a_step_with_an_error_comes_back_with_the_input_and_a_rejection_needs_a_reason(client, operator):
    lks = make_lks(operator)
    registration = services.registration_apply(actor=operator, lks=lks, documents=REQUIRED_DOCUMENTS)
    services.registration_check(actor=operator, registration=registration, documents=REQUIRED_DOCUMENTS)
    future = TODAY + datetime.timedelta(days=3)
    response = client.post(
        reverse("lks:registration_visit", args=[registration.pk]),
        {"visit_on": d(future), "officers": "Rahmah", "findings": "Belum dikunjungi"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Tanggal kunjungan tidak boleh di masa depan." in page
    assert "Belum dikunjungi" in page
    response = client.post(reverse("lks:registration_reject", args=[registration.pk]), {"reason": ""})
    assert response.status_code == 200 and "wajib" in response.content.decode().lower()
    response = client.post(reverse("lks:registration_reject", args=[registration.pk]), {"reason": "Alamat fiktif."})
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.DITOLAK
    page = client.get(reverse("lks:registration", args=[registration.pk])).content.decode()
    assert "Alamat fiktif." in page and 'data-testid="form-terbit"' not in page


def test_an_lks_operators_legal_change_takes_effect_only_after_a_supervisor_approves_it(client, operator):
    lks = make_lks(operator, phone="0511-111")
    lks_operator = lks_operator_of(lks)
    client.force_login(lks_operator)
    edit = reverse("lks:lks_edit", args=[lks.pk])
    page = client.get(edit).content.decode()
    assert 'name="status"' not in page and "menunggu verifikasi Dinas Sosial" in page
    form = {
        "name": lks.name, "types": [T("anak").pk], "lingkup": "kabkota", "service_mode": "panti", "capacity": "20",
        "wilayah": "63.71.01.1001", "address": "Jl. Mantuil", "phone": "0511-222", "legal_status": "tidak",
        "npwp": "01.234.567.8-731.000", "version": lks.version,
    }  # fmt: skip
    response = client.post(edit, form, follow=True)
    page = response.content.decode()
    assert "Perubahan data identitas/hukum/rekening menunggu verifikasi Dinas Sosial" in page
    lks.refresh_from_db()
    assert lks.phone == "0511-222" and lks.npwp == ""  # the contact is saved, the NPWP waits
    request = ChangeRequest.objects.get(lks=lks)
    assert request.changes["npwp"]["new"] == "01.234.567.8-731.000"
    assert 'action="' + reverse("lks:change_request_decide", args=[request.pk]) not in page  # not theirs to decide

    client.force_login(operator)
    page = client.get(reverse("lks:lks", args=[lks.pk])).content.decode()
    assert 'data-testid="usulan-menunggu"' in page and "01.234.567.8-731.000" in page
    queue = client.get(reverse("lks:queue")).content.decode()
    assert lks.name in queue and 'data-testid="jumlah-usulan">1<' in queue
    response = client.post(reverse("lks:change_request_decide", args=[request.pk]), {"approve": "1"})
    assert response.url == reverse("lks:lks", args=[lks.pk]) + "#usulan"
    lks.refresh_from_db()
    request.refresh_from_db()
    assert lks.npwp == "01.234.567.8-731.000" and request.status == ChangeStatus.DISETUJUI


def test_a_supervisor_rejects_a_change_only_with_a_reason(client, operator):
    lks = make_lks(operator)
    request = ChangeRequest.objects.create(
        lks=lks, changes={"npwp": {"old": "", "new": "99"}}, requested_by=operator, requested_at=lks.created_at
    )
    url = reverse("lks:change_request_decide", args=[request.pk])
    page = client.post(url, {"approve": "0"}, follow=True).content.decode()
    assert "Tuliskan alasan penolakan." in page
    client.post(url, {"approve": "0", "reason": "NPWP tidak cocok dengan akta."})
    request.refresh_from_db()
    lks.refresh_from_db()
    assert request.status == ChangeStatus.DITOLAK and lks.npwp == ""


def test_a_stale_edit_is_refused_and_the_input_kept(client, operator):
    lks = make_lks(operator)
    form = {**types_by_code({**PROFILE, "types": ["anak"]}), "name": lks.name, "version": lks.version}
    form.update(legal_status="tidak", legal_form="", deed_number="", sk_kemenkumham="", deed_date="")
    client.post(reverse("lks:lks_edit", args=[lks.pk]), {**form, "address": "Alamat A"})
    response = client.post(reverse("lks:lks_edit", args=[lks.pk]), {**form, "address": "Alamat B"})
    page = response.content.decode()
    assert response.status_code == 200 and "telah diubah oleh pengguna lain" in page and 'value="Alamat B"' in page
    lks.refresh_from_db()
    assert lks.address == "Alamat A"


def test_the_registry_is_scoped_an_lks_operator_sees_only_their_own_lks(client, operator):
    own = make_lks(operator, name="LKSA Milik Sendiri")
    other = make_lks(operator, name="LKS Lain Banjarmasin")
    bjb = make_lks(dinsos_operator("63.72", "Dinas Sosial Kota Banjarbaru", "operator.bjb"), name="LKS Banjarbaru",
                   code="63.72.03.1001")  # fmt: skip
    assert client.get(reverse("lks:lks", args=[bjb.pk])).status_code == 404
    client.force_login(lks_operator_of(own))
    page = client.get(reverse("lks:lks_list")).content.decode()
    assert "LKSA Milik Sendiri" in page and "LKS Lain Banjarmasin" not in page
    assert client.get(reverse("lks:lks", args=[other.pk])).status_code == 404
    assert client.get(reverse("lks:lks_create")).status_code == 403
    assert client.get(reverse("lks:queue")).status_code == 403


def rows_of(page: str) -> set[str]:
    """Names of the LKS listed on a list page."""
    import re

    return set(re.findall(r'<td><a href="/lks/\d+/">([^<]+)</a></td>', page))


def test_the_list_filters_by_registration_state_grade_and_type(client, operator):
    berlaku = make_lks(operator, name="LKSA Berlaku")
    kedaluwarsa = make_lks(operator, name="LKS-LU Kedaluwarsa", types=("lansia",))
    belum = make_lks(operator, name="LKS-PD Belum", types=("disabilitas",))
    services.registration_record(
        actor=operator, lks=berlaku, kind="tanda_daftar", number="TD-1", issuer="Dinsos", issued_on=TODAY,
        valid_until=TODAY.replace(year=TODAY.year + 5),
    )  # fmt: skip
    services.registration_record(
        actor=operator, lks=kedaluwarsa, kind="tanda_daftar", number="TD-2", issuer="Dinsos",
        issued_on=datetime.date(2018, 1, 2), valid_until=datetime.date(2023, 1, 2),
    )  # fmt: skip
    services.accreditation_record(
        actor=operator, lks=berlaku, grade="A", certificate_number="BALKS-1", accredited_on=TODAY
    )
    url = reverse("lks:lks_list")
    assert rows_of(client.get(url).content.decode()) == {"LKSA Berlaku", "LKS-LU Kedaluwarsa", "LKS-PD Belum"}
    assert rows_of(client.get(url, {"registration": "berlaku"}).content.decode()) == {berlaku.name}
    assert rows_of(client.get(url, {"registration": "kedaluwarsa"}).content.decode()) == {kedaluwarsa.name}
    assert rows_of(client.get(url, {"registration": "belum"}).content.decode()) == {belum.name}
    assert rows_of(client.get(url, {"grade": "A"}).content.decode()) == {berlaku.name}
    assert rows_of(client.get(url, {"grade": "belum"}).content.decode()) == {kedaluwarsa.name, belum.name}
    page = client.get(url, {"type": "lansia"}).content.decode()
    assert rows_of(page) == {kedaluwarsa.name} and 'data-testid="jumlah-lks">1<' in page
    assert rows_of(client.get(url, {"q": "belum"}).content.decode()) == {belum.name}
    page = client.get(url).content.decode()
    assert f"s.d. {TODAY.replace(year=TODAY.year + 5):%d-%m-%Y}" in page and ">kedaluwarsa<" in page


@pytest.mark.parametrize("rows", [3, 30])
def test_the_lks_list_makes_the_same_number_of_queries_whatever_its_length(
    client, operator, rows, django_assert_max_num_queries
):
    anak, lansia = T("anak"), T("lansia")
    created = Lks.objects.bulk_create(
        Lks(name=f"LKS {i:02d}", wilayah_id="63.71.01.1001", address="Jl. Uji", capacity=10) for i in range(rows)
    )
    for lks in created:
        lks.types.set([anak, lansia])
    with django_assert_max_num_queries(10):
        page = client.get(reverse("lks:lks_list")).content.decode()
    assert page.count('data-testid="baris-lks"') == min(rows, 25) and "LKS-LU" in page


def test_the_expiry_page_shows_an_accreditation_ending_in_30_days(client, operator):
    ending = make_lks(operator, name="LKSA Segera Berakhir")
    make_lks(operator, name="LKSA Aman")
    services.accreditation_record(
        actor=operator, lks=ending, grade="B", certificate_number="BALKS-30", accredited_on=TODAY.replace(
            year=TODAY.year - 3) + datetime.timedelta(days=30), valid_until=TODAY + datetime.timedelta(days=30),
    )  # fmt: skip
    response = client.get(reverse("lks:expiry_list"))
    page = response.content.decode()
    assert "LKSA Segera Berakhir" in page and "LKSA Aman" not in page
    assert "Akreditasi B" in page and "BALKS-30" in page
    assert 'data-testid="sisa-hari"><span class="badge text-bg-warning">30 hari lagi</span>' in page
    detail = client.get(reverse("lks:lks", args=[ending.pk])).content.decode()
    assert 'data-testid="status-akreditasi">berakhir dalam 30 hari<' in detail


def test_the_export_is_the_filtered_registry_as_csv_and_is_audited(client, operator):
    lks = make_lks(operator, name="LKSA Ekspor", capacity=12)
    make_lks(operator, name="LKS-LU Lain", types=("lansia",))
    make_lks(dinsos_operator("63.72", "Dinas Sosial Kota Banjarbaru", "operator.bjb"), name="LKS Banjarbaru",
             code="63.72.03.1001")  # fmt: skip
    response = client.get(reverse("lks:lks_export"), {"type": "anak"})
    body = b"".join(response.streaming_content)
    assert response["Content-Type"].startswith("text/csv") and body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["ID", "Nama LKS", "Jenis layanan"]
    assert [r[1] for r in rows[1:]] == ["LKSA Ekspor"]
    assert rows[1][0] == str(lks.pk) and rows[1][5] == "Kota Banjarmasin" and rows[1][-3:] == ["12", "0", "Aktif"]
    event = AuditEvent.objects.get(action=actions.EXPORT)
    assert event.object_repr == "Daftar LKS (1 baris)" and event.wilayah_code == "63.71"
    client.force_login(lks_operator_of(lks))
    assert client.get(reverse("lks:lks_export")).status_code == 403


def test_board_nik_is_masked_for_the_lks_operator_and_full_for_the_supervisor(client, operator):
    lks = make_lks(operator)
    response = client.post(
        reverse("lks:board_member_add", args=[lks.pk]),
        {"role": "ketua", "name": "H. Abdul Hadi", "nik": "6371011403580001", "term_start": "01/01/2024"},
    )
    assert response.url == reverse("lks:lks", args=[lks.pk]) + "#pengurus"
    assert "6371011403580001" in client.get(reverse("lks:lks", args=[lks.pk])).content.decode()
    client.force_login(lks_operator_of(lks))
    page = client.get(reverse("lks:lks", args=[lks.pk])).content.decode()
    assert "H. Abdul Hadi" in page and "************0001" in page and "6371011403580001" not in page
    member = lks.board.get()
    client.post(reverse("lks:board_member_end", args=[lks.pk, member.pk]))
    member.refresh_from_db()
    assert member.term_end == TODAY


def test_an_lks_operator_uploads_an_annual_report_and_it_downloads_with_safe_headers(client, operator):
    lks = make_lks(operator)
    client.force_login(lks_operator_of(lks))
    url = reverse("lks:document_upload", args=[lks.pk])
    report = SimpleUploadedFile("laporan-2025.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {"kind": "laporan_tahunan", "title": "", "upload": report})
    assert response.status_code == 200 and "Isi tahun laporan kegiatan." in response.content.decode()
    report.seek(0)
    client.post(url, {"kind": "laporan_tahunan", "year": "2025", "title": "Laporan kegiatan 2025", "upload": report})
    document = LksDocument.objects.get(lks=lks)
    page = client.get(reverse("lks:lks", args=[lks.pk])).content.decode()
    download = reverse("lks:document", args=[lks.pk, document.pk])
    assert "Laporan kegiatan 2025" in page and download in page
    response = client.get(download)
    assert b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert 'attachment; filename="laporan-2025.pdf"' in response["Content-Disposition"]
    other = make_lks(operator, name="LKS Lain")
    assert client.get(reverse("lks:document", args=[other.pk, document.pk])).status_code == 404


def test_staff_assistance_and_accreditation_are_recorded_from_their_forms(client, operator):
    lks = make_lks(operator)
    client.post(reverse("lks:staff_add", args=[lks.pk]), {"kind": "peksos", "name": "Siti Aminah",
                                                          "certification": "Sertifikat Peksos 2023"})  # fmt: skip
    response = client.post(reverse("lks:assistance_add", args=[lks.pk]), {"year": "2025", "programme": "ATENSI",
                                                                          "source": "atensi"})  # fmt: skip
    assert response.status_code == 200 and "Isi jumlah uang atau uraian bantuan barang." in response.content.decode()
    client.post(reverse("lks:assistance_add", args=[lks.pk]), {"year": "2025", "programme": "ATENSI",
                                                               "source": "atensi", "amount": "15000000"})  # fmt: skip
    client.post(reverse("lks:accreditation_add", args=[lks.pk]), {"grade": "B", "certificate_number": "BALKS-9",
                                                                  "accredited_on": d(TODAY)})  # fmt: skip
    lks.refresh_from_db()
    assert lks.accreditation.valid_until == TODAY.replace(year=TODAY.year + 3)  # B: three years
    page = client.get(reverse("lks:lks", args=[lks.pk])).content.decode()
    assert "Siti Aminah" in page and "ATENSI" in page and 'data-testid="status-akreditasi">berlaku<' in page
    staff = lks.staff.get()
    client.post(reverse("lks:staff_end", args=[lks.pk, staff.pk]))
    staff.refresh_from_db()
    assert staff.ended_on == TODAY


def test_an_already_issued_izin_operasional_is_recorded_without_the_workflow(client, operator):
    lks = make_lks(operator)
    url = reverse("lks:registration_record", args=[lks.pk])
    assert 'value="Dinas Sosial Kota Banjarmasin"' in client.get(url).content.decode()
    client.post(url, {"kind": "izin_operasional", "number": "503/77/DPMPTSP", "issuer": "DPMPTSP Kota Banjarmasin",
                      "issued_on": "02/01/2024", "valid_until": d(TODAY + datetime.timedelta(days=60))})  # fmt: skip
    lks.refresh_from_db()
    assert lks.izin_operasional.number == "503/77/DPMPTSP"
    page = client.get(reverse("lks:lks", args=[lks.pk])).content.decode()
    assert 'data-testid="status-izin_operasional">berakhir dalam 60 hari<' in page


@pytest.mark.postgres
def test_the_lks_page_shows_the_change_history_of_the_record(client, operator):
    lks = make_lks(operator)
    client.post(
        reverse("lks:lks_edit", args=[lks.pk]),
        {**types_by_code({**PROFILE, "types": ["anak"]}), "name": lks.name, "legal_status": "tidak", "legal_form": "",
         "deed_number": "", "sk_kemenkumham": "", "deed_date": "", "npwp": "", "phone": "0511-999",
         "version": lks.version},
    )  # fmt: skip
    page = client.get(reverse("lks:lks", args=[lks.pk])).content.decode()
    assert 'data-testid="riwayat-perubahan"' in page and "Telepon: — → 0511-999" in page
