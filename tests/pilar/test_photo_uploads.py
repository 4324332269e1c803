"""TKSK report photos: checked as whole pictures, stored without their GPS metadata, served as the
picture type that was detected whatever the phone called the file."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from kesos.accounts.models import Role
from pilar.models import ReportPhoto
from tests.factories import AssignmentFactory, OfficeFactory, UserFactory
from tests.files import HTML, PDF, jpeg_with_gps, png_bytes
from tests.pilar import test_fieldwork_pages as fieldwork

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def report(client):
    """The current month's report of a TKSK of Cempaka, who is logged in."""
    office = OfficeFactory(name=fieldwork.BANJARBARU, wilayah_id="63.72")
    operator = UserFactory(username="operator.bjb", office=office)
    AssignmentFactory(user=operator, role=Role.OPERATOR_KABKOTA, wilayah_id="63.72")
    user, _ = fieldwork.make_tksk(operator, fieldwork.CEMPAKA, "tksk.cempaka", "Akhmad Syarifudin")
    return fieldwork.open_report(client, user)


def add_photo(client, report, name, content):
    return client.post(
        reverse("pilar:photo_add", args=[report.pk]),
        {"foto-upload": SimpleUploadedFile(name, content, content_type="image/png"), "foto-caption": "Kunjungan"},
        follow=True,
    )


def test_a_photo_named_html_is_stored_and_served_as_the_png_it_is(client, report):
    add_photo(client, report, "foto.html", png_bytes() + HTML)
    photo = report.photos.get()
    assert photo.original_name == "foto.png" and photo.stored_name.endswith(".png")
    url = reverse("pilar:photo", args=[report.pk, photo.pk])
    shown = client.get(url)
    body = b"".join(shown.streaming_content)
    assert shown["Content-Type"] == "image/png" and shown["X-Content-Type-Options"] == "nosniff"
    assert shown["Content-Disposition"] == 'inline; filename="foto.png"'  # a picture may show in the browser
    assert HTML not in body and Image.open(io.BytesIO(body)).format == "PNG"
    saved = client.get(url + "?unduh=1")
    assert saved["Content-Disposition"] == 'attachment; filename="foto.png"'


def test_a_phone_photo_is_kept_without_its_gps_position(client, report):
    add_photo(client, report, "IMG_2001.jpg", jpeg_with_gps())
    photo = report.photos.get()
    stored = Image.open(photo.file.path)
    assert stored.format == "JPEG" and not stored.getexif()
    assert photo.size == photo.file.size


def test_a_picture_header_with_a_web_page_behind_it_is_refused_with_a_reason(client, report):
    page = add_photo(client, report, "foto.png", b"\x89PNG\r\n\x1a\n" + HTML).content.decode()
    assert "Berkas bukan gambar yang sah" in page
    assert "Unggah foto (JPG atau PNG)." in add_photo(client, report, "foto.pdf", PDF).content.decode()
    assert not ReportPhoto.objects.exists()
