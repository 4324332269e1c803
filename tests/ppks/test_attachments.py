"""Case attachments: checked by their content and size, stored under a random name outside the web
root, and served only through the case's permission checks, with an audit row per download."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kesos.accounts.models import Role
from kesos.audit import actions
from kesos.audit.models import AuditEvent
from ppks.models import Attachment, Person, PpksCategory
from ppks.services import case_assign, case_open
from ppks.services.attachments import attachment_add
from tests.factories import AssignmentFactory, UserFactory
from tests.files import PDF, png_bytes

pytestmark = pytest.mark.django_db


def staff(role, region, username):
    user = UserFactory(username=username, full_name=username.title())
    AssignmentFactory(user=user, role=role, wilayah_id=region)
    return user


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def people():
    return {
        "operator": staff(Role.OPERATOR_KABKOTA, "63.72", "operator.bjb"),
        "peksos": staff(Role.PEKERJA_SOSIAL, "63.72", "peksos.bjb"),
        "colleague": staff(Role.PEKERJA_SOSIAL, "63.72", "peksos.lain"),
        "pimpinan": staff(Role.PIMPINAN, "63", "pimpinan"),
        "far_operator": staff(Role.OPERATOR_KABKOTA, "63.71", "operator.bjm"),
    }


@pytest.fixture
def case(people):
    person = Person.objects.create(name="Jumberi", sex="L", wilayah_id="63.72.03.1001")
    fm = PpksCategory.objects.get(code="PPKS-24")
    case = case_open(actor=people["operator"], person=person, categories=[fm], source="datang", summary="Uji")
    return case_assign(actor=people["operator"], case=case, worker=people["peksos"])


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_real_png_and_pdf_are_stored_under_random_names_outside_the_web_root(people, case, media, settings):
    png = attachment_add(actor=people["peksos"], case=case, upload=upload("rumah warga.png", png_bytes()))
    # The browser said text/plain; the content says PDF, and the content wins.
    pdf = attachment_add(
        actor=people["peksos"], case=case, upload=upload("surat.pdf", PDF, "text/plain"), description="Surat desa"
    )
    assert (png.content_type, pdf.content_type) == ("image/png", "application/pdf")
    assert png.original_name == "rumah warga.png" and pdf.description == "Surat desa"
    for attachment, ext in ((png, "png"), (pdf, "pdf")):
        path = Path(attachment.file.path)
        assert path.name == attachment.stored_name and path.suffix == f".{ext}" and len(path.stem) == 32
        assert "surat" not in path.name and "rumah" not in path.name
        assert path.is_relative_to(media) and not path.is_relative_to(Path(settings.STATIC_ROOT))
        assert not any(path.is_relative_to(Path(d)) for d in settings.STATICFILES_DIRS)
    assert png.stored_name != pdf.stored_name
    assert Path(pdf.file.path).read_bytes() == PDF
    events = AuditEvent.objects.filter(action=actions.CREATE, object_id=str(case.pk), detail__has_key="attachment")
    assert sorted(e.detail["attachment"] for e in events) == sorted([png.pk, pdf.pk])


def test_a_text_file_named_jpg_is_refused_by_its_signature(people, case, media):
    fake = upload("foto.jpg", b"<script>alert(1)</script>", "image/jpeg")
    with pytest.raises(ValidationError, match="Jenis berkas tidak diizinkan: hanya JPG, PNG atau PDF."):
        attachment_add(actor=people["peksos"], case=case, upload=fake)
    assert not Attachment.objects.exists() and not any(media.rglob("*.*"))


def test_a_png_named_pdf_is_stored_as_the_png_it_is(people, case):
    attachment = attachment_add(actor=people["peksos"], case=case, upload=upload("surat.pdf", png_bytes()))
    assert attachment.content_type == "image/png" and attachment.stored_name.endswith(".png")


def test_an_oversized_file_is_refused(people, case, settings, media):
    assert settings.KESOS_ATTACHMENT_MAX_MB == 10  # the documented default
    settings.KESOS_ATTACHMENT_MAX_MB = 1
    big = upload("besar.png", png_bytes() + b"\x00" * (1024 * 1024))
    with pytest.raises(ValidationError, match="Berkas terlalu besar: maksimal 1 MB."):
        attachment_add(actor=people["peksos"], case=case, upload=big)
    assert not Attachment.objects.exists() and not any(media.rglob("*.*"))


def test_only_the_assigned_worker_and_supervisors_upload(people, case, client):
    with pytest.raises(PermissionDenied):
        attachment_add(actor=people["colleague"], case=case, upload=upload("a.png", png_bytes()))
    url = reverse("ppks:attachment_add", args=[case.pk])
    for who, status in [("colleague", 403), ("pimpinan", 403), ("far_operator", 404)]:
        client.force_login(people[who])
        assert client.post(url, {"upload": upload("a.png", png_bytes())}).status_code == status, who
    assert not Attachment.objects.exists()


def test_the_upload_page_reports_a_refused_file(people, case, client):
    client.force_login(people["peksos"])
    url = reverse("ppks:attachment_add", args=[case.pk])
    response = client.post(url, {"upload": upload("foto.jpg", b"bukan gambar"), "description": "x"})
    assert "hanya JPG, PNG atau PDF" in client.get(response.url).content.decode()
    client.post(url, {"upload": upload("rumah.png", png_bytes()), "description": "Foto rumah"})
    page = client.get(reverse("ppks:case", args=[case.pk])).content.decode()
    assert "rumah.png" in page and "Foto rumah" in page


def test_the_download_is_for_those_who_may_see_the_case_files_and_is_audited(people, case, client):
    attachment = attachment_add(actor=people["peksos"], case=case, upload=upload("surat keterangan.pdf", PDF))
    url = reverse("ppks:attachment", args=[case.pk, attachment.pk])

    client.force_login(people["peksos"])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;") and "surat" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.filter(action=actions.VIEW, actor=people["peksos"]).latest("id")
    assert event.detail == {"attachment": attachment.pk} and event.object_id == str(case.pk)

    client.force_login(people["operator"])
    assert client.get(url).status_code == 200
    for who, status in [("far_operator", 404), ("pimpinan", 403), ("colleague", 403)]:
        client.force_login(people[who])
        assert client.get(url).status_code == status, who
    assert AuditEvent.objects.filter(action=actions.VIEW, detail__attachment=attachment.pk).count() == 2
    # An attachment id through another case's URL: not found.
    other = case_open(
        actor=people["operator"], person=case.person, categories=case.categories.all(), source="datang", summary="Lain"
    )
    client.force_login(people["operator"])
    assert client.get(reverse("ppks:attachment", args=[other.pk, attachment.pk])).status_code == 404


def test_the_stored_file_is_not_reachable_by_url(people, case, client):
    attachment = attachment_add(actor=people["peksos"], case=case, upload=upload("a.png", png_bytes()))
    client.force_login(people["peksos"])
    for url in (f"/media/{attachment.file.name}", f"/{attachment.file.name}", f"/static/{attachment.file.name}"):
        assert client.get(url).status_code == 404, url
