"""Issue 13, item 6: case-work text is read by the assigned worker, their supervisors, and the case's
reporter for what they reported; other by-name roles of the region see that the case exists and its
stage, and none of its text — on the case page, the person's timeline, the API and the downloads.
"""

import datetime
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kesos.accounts.models import Role
from ppks.models import CaseNote, Person, PpksCategory, Referensi
from ppks.services import case_assign, case_open, case_transition
from ppks.services.attachments import attachment_add
from ppks.services.casework import assessment_add, note_add, service_record
from ppks.services.referrals import referral_send
from ppks.workflow import Stage
from tests.factories import AssignmentFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

SUMMARY = "Dipasung keluarga di belakang rumah sejak dua tahun"
# The case work, each text as a by-name colleague must not read it.
FINDINGS = "Diagnosis skizofrenia paranoid dari RSJ Sambang Lihum"
NOTE = "Keluarga menolak kunjungan, ayah mengancam petugas"
REASON = "Rujukan psikiatri: gangguan jiwa berat, perlu rawat inap"
SERVICE = "Obat antipsikotik bulanan"
ATTACHMENT = "surat-rsj-jumberi.png"
STAGE_NOTE = "Asesmen awal: riwayat percobaan bunuh diri"
TEXTS = (FINDINGS, NOTE, REASON, SERVICE, ATTACHMENT, STAGE_NOTE)
HIDDEN = "Catatan kerja kasus hanya terlihat oleh pekerja yang ditugaskan dan penyelianya."
SUB_RESOURCES = ("assessments", "plan", "services", "notes", "referrals", "attachments")


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


def staff(role, region, username):
    user = UserFactory(username=username, full_name=username.replace(".", " ").title())
    AssignmentFactory(user=user, role=role, wilayah_id=region)
    return user


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world():
    """A case in Cempaka (Banjarbaru) reported by a TKSK, worked by a Pekerja Sosial, with every kind of case work."""
    people = {
        "operator": staff(Role.OPERATOR_KABKOTA, "63.72", "operator.bjb"),
        "worker": staff(Role.PEKERJA_SOSIAL, "63.72", "peksos.bjb"),
        "colleague": staff(Role.PEKERJA_SOSIAL, "63.72", "peksos.lain"),
        "reporter": staff(Role.TKSK, "63.72.03", "tksk.pelapor"),
        "tksk": staff(Role.TKSK, "63.72.03", "tksk.lain"),
    }
    person = Person.objects.create(name="Jumberi", sex="L", wilayah_id="63.72.03.1001", created_by=people["reporter"])
    category = PpksCategory.objects.get(code="PPKS-24")
    case = case_open(actor=people["reporter"], person=person, categories=[category], source="tksk", summary=SUMMARY)
    operator, worker = people["operator"], people["worker"]
    case = case_assign(actor=operator, case=case, worker=worker)
    case = case_transition(actor=operator, case=case, to_stage=Stage.DIVERIFIKASI)
    case = case_transition(actor=worker, case=case, to_stage=Stage.ASESMEN, note=STAGE_NOTE)
    today = datetime.date.today()
    assessment_add(actor=worker, case=case, assessed_on=today, findings=FINDINGS)
    note_add(actor=worker, case=case, text=NOTE)
    referral_send(actor=worker, case=case, target_kind="puskesmas", target_name="RSJ Sambang Lihum", reason=REASON)
    programme = Referensi.objects.get(kind="program", code="atensi")
    service_record(actor=worker, case=case, delivered_on=today, form="rehabilitasi", programme=programme,
                   description=SERVICE, provider="Puskesmas Cempaka", in_kind="Obat satu bulan")  # fmt: skip
    attachment = attachment_add(
        actor=worker, case=case, upload=SimpleUploadedFile(ATTACHMENT, png_bytes()), description="Surat RSJ"
    )
    return {**people, "person": person, "case": case, "attachment": attachment}


def case_page(client, world) -> str:
    response = client.get(reverse("ppks:case", args=[world["case"].pk]))
    assert response.status_code == 200
    return response.content.decode()


def person_page(client, world) -> str:
    response = client.get(reverse("ppks:person", args=[world["person"].pk]))
    assert response.status_code == 200
    return response.content.decode()


def api_texts(client, world) -> tuple[dict, str]:
    """The case record and the text of every case-work sub-resource the client could read."""
    case = world["case"]
    detail = client.get(reverse("ppks-api:case-detail", args=[case.pk]))
    assert detail.status_code == 200
    texts = ""
    for name in SUB_RESOURCES:
        response = client.get(reverse(f"ppks-api:case-{name}", args=[case.pk]))
        texts += response.content.decode()
    return detail.json(), texts


def download(client, world):
    return client.get(reverse("ppks:attachment", args=[world["case"].pk, world["attachment"].pk]))


@pytest.mark.parametrize("who", ["tksk", "colleague"])
def test_an_unassigned_tksk_or_social_worker_sees_the_case_and_its_stage_but_none_of_its_work(world, who):
    client = as_user(world[who])

    page = case_page(client, world)
    assert world["case"].number in page and "Asesmen</span>" in page  # the case and its stage badge
    assert HIDDEN in page
    for text in (SUMMARY, *TEXTS):
        assert text not in page, text

    timeline = person_page(client, world)
    assert world["case"].number in timeline and "Tahap: Asesmen" in timeline
    for text in (SUMMARY, *TEXTS):
        assert text not in timeline, text

    record, texts = api_texts(client, world)
    assert record["stage"] == Stage.ASESMEN and record["summary"] is None
    listed = client.get(reverse("ppks-api:case-list")).json()["results"]
    assert [(row["number"], row["stage"], row["summary"]) for row in listed] == [
        (world["case"].number, Stage.ASESMEN, None)
    ]
    for name in SUB_RESOURCES:
        response = client.get(reverse(f"ppks-api:case-{name}", args=[world["case"].pk]))
        assert response.status_code == 403, name
        assert response.json()["detail"] == HIDDEN
    for text in TEXTS:
        assert text not in texts, text

    assert download(client, world).status_code == 403


@pytest.mark.parametrize("who", ["worker", "operator"])
def test_the_assigned_worker_and_the_supervisor_see_all_of_the_case_work(world, who):
    client = as_user(world[who])

    page = case_page(client, world)
    assert HIDDEN not in page
    for text in (SUMMARY, *TEXTS):
        assert text in page, text

    timeline = person_page(client, world)
    for text in (FINDINGS, NOTE, SERVICE, STAGE_NOTE, "rujukan ke RSJ Sambang Lihum"):
        assert text in timeline, text

    record, texts = api_texts(client, world)
    assert record["summary"] == SUMMARY
    for text in (FINDINGS, NOTE, REASON, SERVICE, ATTACHMENT):
        assert text in texts, text

    response = download(client, world)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_the_tksk_who_reported_the_case_sees_what_they_reported_and_not_the_workers_notes(world):
    client = as_user(world["reporter"])

    page = case_page(client, world)
    assert SUMMARY in page and HIDDEN in page
    for text in TEXTS:
        assert text not in page, text

    record, texts = api_texts(client, world)
    assert record["summary"] == SUMMARY
    for name in SUB_RESOURCES:
        assert client.get(reverse(f"ppks-api:case-{name}", args=[world["case"].pk])).json() == [], name
    assert download(client, world).status_code == 404  # not one of their uploads


def test_a_note_the_reporter_wrote_is_readable_to_them_and_not_to_another_tksk(world):
    # E.g. written while the reporter worked the case, before it was reassigned.
    case = world["case"]
    own = CaseNote.objects.create(case=case, author=world["reporter"], at=case.opened_at, text="Laporan tambahan TKSK")
    reporter = as_user(world["reporter"])
    assert own.text in case_page(reporter, world)
    notes = reporter.get(reverse("ppks-api:case-notes", args=[case.pk])).json()
    assert [n["text"] for n in notes] == [own.text]
    assert own.text not in case_page(as_user(world["tksk"]), world)


def test_those_who_may_not_read_the_case_work_may_not_write_it_and_the_worker_still_can(world):
    case = world["case"]
    for who in ("tksk", "colleague", "reporter"):
        client = as_user(world[who])
        assert client.post(reverse("ppks:note_add", args=[case.pk]), {"text": "Titipan"}).status_code == 403, who
        # An empty form too: refused before the page (with its case work) is shown again.
        assert client.post(reverse("ppks:note_add", args=[case.pk]), {}).status_code == 403, who
        api = client.post(reverse("ppks-api:case-notes", args=[case.pk]), {"text": "Titipan"},
                          content_type="application/json")  # fmt: skip
        assert api.status_code == 403, who
    assert not CaseNote.objects.filter(text="Titipan").exists()

    worker = as_user(world["worker"])
    assert worker.post(reverse("ppks:note_add", args=[case.pk]), {"text": "Kunjungan kedua"}).status_code == 302
    api = worker.post(reverse("ppks-api:case-notes", args=[case.pk]), {"text": "Kunjungan ketiga"},
                      content_type="application/json")  # fmt: skip
    assert api.status_code == 201
    assert "Kunjungan kedua" in case_page(worker, world) and "Kunjungan ketiga" in case_page(worker, world)
