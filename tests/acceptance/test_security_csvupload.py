"""Issue 13, items 7 and 10, end to end: what a planted formula or a tampered file does once it is in.

7. A name or address that starts like a spreadsheet formula, planted through the API or a service by a
   user who may write records, comes out of every CSV export as inert text (a leading `'`) and out of
   every XLSX as a text cell, never as a formula. Numbers stay numbers.
10. An upload is checked as a whole: a PNG header with a web page behind it is refused, a real PNG with a
   page appended is stored as the clean PNG only, a PDF that runs JavaScript on opening is refused, a
   phone photo loses its GPS position; a file uploaded as `foto.html` downloads as `foto.png`, image/png,
   as an attachment, with nosniff.
"""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from kesos.accounts.models import Role
from kesos.reports import services as report_services
from kesos.reports.recap import Params
from kesos.wilayah.models import Wilayah
from lks import services as lks_services
from lks.models import Lks, LksDocument, LksType
from ppks.models import Attachment, Person, PersonCategory, PpksCategory
from ppks.services import case_assign, case_open
from tests.factories import AssignmentFactory, OfficeFactory, UserFactory
from tests.files import HTML, SCRIPT_PDF, jpeg_with_gps, png_bytes, reportlab_pdf

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

PLANTED = ['=HYPERLINK("http://x","klik")', "+1+1", "@SUM(A1)", "-2+3"]
YEAR = datetime.date.today().year


def staff(username, role, region, lks=None):
    office = OfficeFactory(name=f"Dinas Sosial {region}", wilayah_id=region[:5])
    user = UserFactory(username=username, full_name=username.title(), office=office)
    AssignmentFactory(user=user, role=role, wilayah_id=region, lks=lks)
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def assert_inert_in_csv(rows, column: str):
    values = [row[rows[0].index(column)] for row in rows[1:]]
    for planted in PLANTED:
        assert "'" + planted in values, (planted, values)
        assert planted not in values, planted


# --- 7. Formula injection -----------------------------------------------------------------------------------
@pytest.fixture
def planted_persons():
    """A TKSK registers four persons through the API, each named like a formula."""
    tksk = staff("tksk.cempaka", Role.TKSK, "63.72.03")
    api = logged_in(tksk)
    for n, name in enumerate(PLANTED, start=1):
        created = api.post(
            reverse("ppks-api:person-list"),
            {"name": name, "sex": "L", "wilayah": "63.72.03.1001", "nik": f"637203010190{n:04d}",
             "confirm_not_duplicate": True},
            content_type="application/json",
        )  # fmt: skip
        assert created.status_code == 201, created.json()
    return Person.objects.filter(name__in=PLANTED)


def test_names_planted_like_formulas_leave_the_person_export_as_inert_text(planted_persons):
    operator = staff("operator.bjb", Role.OPERATOR_KABKOTA, "63.72")
    response = logged_in(operator).get(reverse("ppks:person_export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert_inert_in_csv(rows, "Nama")
    # Numeric cells are not text: the id column stays a plain number.
    assert all(row[0].isdigit() for row in rows[1:])


def test_an_lks_address_planted_by_its_operator_leaves_the_lks_export_as_inert_text():
    operator = staff("operator.bjm", Role.OPERATOR_KABKOTA, "63.71")
    for n, planted in enumerate(PLANTED, start=1):
        lks = lks_services.lks_create(
            actor=operator, name=f"LKSA Uji {n}", wilayah=Wilayah.objects.get(code="63.71.01.1001"),
            address="Jl. Mantuil", capacity=10, types=[LksType.objects.get(code="anak")],
        )  # fmt: skip
        lks_operator = staff(f"operator.lks{n}", Role.OPERATOR_LKS, "63.71", lks=lks)
        lks_services.lks_update(actor=lks_operator, lks=lks, version=lks.version, address=planted)
    assert set(Lks.objects.values_list("address", flat=True)) == set(PLANTED)
    response = logged_in(operator).get(reverse("lks:lks_export"))
    assert response.status_code == 200
    assert_inert_in_csv(csv_rows(response), "Alamat")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_names_planted_like_formulas_are_inert_in_the_by_name_report_files(
    planted_persons, fmt, django_capture_on_commit_callbacks
):
    category = PpksCategory.objects.get(code="PPKS-24")
    for person in planted_persons:
        PersonCategory.objects.create(
            person=person, category=category, source="datang", recorded_on=datetime.date(YEAR, 1, 5), verified=True
        )
    operator = staff("operator.bjb", Role.OPERATOR_KABKOTA, "63.72")
    with django_capture_on_commit_callbacks(execute=True):
        report = report_services.report_request(
            actor=operator, kind="nama_ppks", fmt=fmt, params=Params(region="63.72", year=YEAR)
        )
    response = logged_in(operator).get(reverse("reports:download", args=[report.pk]))
    assert response.status_code == 200, response
    if fmt == "csv":
        assert_inert_in_csv(csv_rows(response), "Nama")
        return
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value in PLANTED}
    assert set(cells) == set(PLANTED)  # the names as typed, each in a text cell
    assert all(cell.data_type == "s" for cell in cells.values())
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]


# --- 10. Uploads --------------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def case_work():
    operator = staff("operator.bjb", Role.OPERATOR_KABKOTA, "63.72")
    worker = staff("peksos.bjb", Role.PEKERJA_SOSIAL, "63.72")
    person = Person.objects.create(name="Jumberi", sex="L", wilayah_id="63.72.03.1001")
    case = case_open(actor=operator, person=person, categories=[PpksCategory.objects.get(code="PPKS-24")],
                     source="datang", summary="Uji")  # fmt: skip
    case_assign(actor=operator, case=case, worker=worker)
    return logged_in(worker), case


def send(client, case, name, content):
    return client.post(
        reverse("ppks-api:case-attachments", args=[case.pk]),
        {"file": SimpleUploadedFile(name, content, content_type="text/html")},
    )


def download(client, case, attachment_id):
    response = client.get(reverse("ppks:attachment", args=[case.pk, attachment_id]))
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def test_a_png_header_followed_by_a_web_page_is_refused(case_work):
    client, case = case_work
    refused = send(client, case, "foto.png", b"\x89PNG\r\n\x1a\n" + HTML)
    assert refused.status_code == 400
    assert "Berkas bukan gambar yang sah" in str(refused.json())
    assert not Attachment.objects.exists()


def test_a_pdf_that_runs_javascript_when_opened_is_refused(case_work):
    client, case = case_work
    refused = send(client, case, "surat.pdf", SCRIPT_PDF)
    assert refused.status_code == 400
    assert "PDF berisi skrip atau aksi otomatis dan ditolak." in str(refused.json())
    assert not Attachment.objects.exists()


def test_a_file_uploaded_as_foto_html_downloads_as_the_clean_png_it_is(case_work):
    client, case = case_work
    stored = send(client, case, "foto.html", png_bytes() + HTML)
    assert stored.status_code == 201, stored.json()
    assert stored.json()["original_name"] == "foto.png" and stored.json()["content_type"] == "image/png"
    response, body = download(client, case, stored.json()["id"])
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="foto.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"<script>" not in body and b"<html>" not in body
    assert Image.open(io.BytesIO(body)).format == "PNG"


def test_a_clean_pdf_is_kept_as_sent_and_a_phone_photo_loses_its_gps_position(case_work):
    client, case = case_work
    letter = reportlab_pdf()
    stored = send(client, case, "surat.pdf", letter)
    assert stored.status_code == 201, stored.json()
    response, body = download(client, case, stored.json()["id"])
    assert body == letter and response["Content-Type"] == "application/pdf"

    photo = jpeg_with_gps()
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(0x8825)  # the position is there before
    stored = send(client, case, "IMG_0001.jpg", photo)
    assert stored.status_code == 201, stored.json()
    response, body = download(client, case, stored.json()["id"])
    assert response["Content-Type"] == "image/jpeg"
    served = Image.open(io.BytesIO(body))
    assert served.size == (40, 30) and not served.getexif() and b"Telepon Uji" not in body


def test_the_lks_document_page_refuses_a_scripted_pdf_with_its_reason_and_keeps_what_was_typed():
    operator = staff("operator.bjm", Role.OPERATOR_KABKOTA, "63.71")
    lks = lks_services.lks_create(
        actor=operator, name="LKSA Al-Ikhlas", wilayah=Wilayah.objects.get(code="63.71.01.1001"),
        address="Jl. Mantuil", capacity=10, types=[LksType.objects.get(code="anak")],
    )  # fmt: skip
    client = logged_in(operator)
    page = client.post(
        reverse("lks:document_upload", args=[lks.pk]),
        {"kind": "laporan_tahunan", "year": "2025", "title": "Laporan kegiatan 2025",
         "upload": SimpleUploadedFile("laporan.pdf", SCRIPT_PDF, content_type="application/pdf")},
    )  # fmt: skip
    assert page.status_code == 200
    text = page.content.decode()
    assert "PDF berisi skrip atau aksi otomatis dan ditolak." in text and "Laporan kegiatan 2025" in text
    assert not LksDocument.objects.exists()
