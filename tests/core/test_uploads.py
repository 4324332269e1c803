"""The whole-file check of uploads (kesos.core.uploads): pictures decoded and written anew, PDFs parsed
for scripts and automatic actions, download names that carry the detected type."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kesos.core import uploads
from tests.files import HTML, PDF, SCRIPT_PDF, hand_pdf, jpeg_with_gps, png_bytes, reportlab_pdf


def check(name, content):
    return uploads.check_upload(SimpleUploadedFile(name, content))


def refusal(name, content) -> str:
    with pytest.raises(ValidationError) as caught:
        check(name, content)
    return " ".join(caught.value.messages)


def test_a_png_header_followed_by_html_is_refused():
    assert refusal("foto.png", b"\x89PNG\r\n\x1a\n" + HTML) == uploads.IMAGE_MESSAGE
    assert refusal("foto.png", png_bytes()[:30] + HTML) == uploads.IMAGE_MESSAGE
    assert refusal("foto.jpg", b"\xff\xd8\xff\xe0" + HTML) == uploads.IMAGE_MESSAGE


def test_a_real_png_with_html_appended_is_stored_as_a_clean_png_only():
    checked = check("foto.html", png_bytes() + HTML)
    data = checked.content.read()
    assert (checked.content_type, checked.original_name) == ("image/png", "foto.png")
    assert HTML not in data and checked.size == len(data)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == (1, 1) and image.getpixel((0, 0)) == (255, 255, 255)


def test_a_jpeg_loses_its_exif_gps_and_keeps_its_pixels():
    checked = check("IMG_0001.JPG", jpeg_with_gps(size=(64, 48)))
    image = Image.open(io.BytesIO(checked.content.read()))
    assert image.format == "JPEG" and image.size == (64, 48)
    assert not image.getexif() and "exif" not in image.info
    assert checked.original_name == "IMG_0001.jpg"


def test_a_photo_taken_sideways_is_turned_upright_before_its_exif_is_dropped():
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    Image.new("RGB", (40, 20), "red").save(buffer, "JPEG", exif=exif)
    image = Image.open(io.BytesIO(check("miring.jpg", buffer.getvalue()).content.read()))
    assert image.size == (20, 40) and not image.getexif()


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    buffer = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buffer, "PNG")  # 81 million pixels in a few kilobytes
    assert len(buffer.getvalue()) < 100_000
    assert refusal("bom.png", buffer.getvalue()) == uploads.PIXELS_MESSAGE


def test_clean_pdfs_are_accepted_and_kept_byte_for_byte():
    for pdf in (PDF, reportlab_pdf(), hand_pdf(catalog_extra=b"/OpenAction[3 0 R/Fit]")):
        checked = check("surat.pdf", pdf)
        assert checked.content_type == "application/pdf" and checked.content.read() == pdf


@pytest.mark.parametrize(
    "pdf",
    [
        SCRIPT_PDF,
        hand_pdf(catalog_extra=b"/OpenAction<</S/JavaScript/JS(app.alert(1))>>"),
        hand_pdf(catalog_extra=b"/OpenAction<</S/J#61vaScript/JS(app.alert(1))>>"),  # name written with a hex escape
        hand_pdf(catalog_extra=b"/OpenAction<</S/Launch/F(cmd.exe)>>"),
        hand_pdf(catalog_extra=b"/AA<</WC 4 0 R>>", objects=(b"<</S/URI/URI(http://x)>>",)),
        hand_pdf(catalog_extra=b"/Names<</JavaScript 4 0 R>>", objects=(b"<</Names[(a) 5 0 R]>>",
                                                                        b"<</S/JavaScript/JS(1)>>")),
        hand_pdf(catalog_extra=b"/Names<</EmbeddedFiles 4 0 R>>", objects=(b"<</Names[]>>",)),
        hand_pdf(objects=(b"<</Type/Annot/Subtype/Link/A<</S/SubmitForm/F(http://x)>>>>",)),
    ],
    ids=["openaction-js", "inline-js", "hex-escaped", "launch", "aa", "names-js", "embedded", "submitform"],
)  # fmt: skip
def test_a_pdf_with_a_script_or_an_automatic_action_is_refused(pdf):
    assert refusal("surat.pdf", pdf) == uploads.ACTIVE_PDF_MESSAGE


def test_a_file_that_only_starts_like_a_pdf_is_refused():
    assert refusal("surat.pdf", b"%PDF-1.4\n" + HTML) == uploads.PDF_MESSAGE
    assert refusal("surat.pdf", PDF[: len(PDF) // 2]) == uploads.PDF_MESSAGE


def test_other_types_stay_refused():
    assert refusal("laporan.docx", b"PK\x03\x04" + b"\x00" * 40) == uploads.TYPE_MESSAGE
    assert refusal("index.html", HTML) == uploads.TYPE_MESSAGE


@pytest.mark.parametrize(
    ("name", "extension", "safe"),
    [
        ("foto.html", "png", "foto.png"),
        ('../../Foto "rumah".HTML', "png", "Foto rumah.png"),
        ("C:\\Users\\x\\surat keterangan.pdf", "pdf", "surat keterangan.pdf"),
        ("tagihan\u202egpj.exe", "jpg", "tagihangpj.jpg"),  # right-to-left override removed
        ("laporan\r\nSet-Cookie: a=b.pdf", "pdf", "laporanSet-Cookie ab.pdf"),
        (".htaccess", "png", "htaccess.png"),
        ("", "pdf", "berkas.pdf"),
        ("Surat Dinas Sosial Kalimantan Selatan — 2025.pdf", "pdf", "Surat Dinas Sosial Kalimantan Selatan 2025.pdf"),
    ],
)
def test_the_download_name_carries_the_detected_extension_and_nothing_unsafe(name, extension, safe):
    assert uploads.safe_filename(name, extension) == safe
