"""Case work through the case page: assessments, plan, services, notes; and the person's timeline."""

import datetime

import pytest
from django.urls import reverse

from kesos.accounts.models import Role
from ppks.models import Person, PpksCategory, Referensi
from ppks.services import case_assign, case_open, case_transition
from ppks.workflow import Stage
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    operator = UserFactory(username="operator.bjb", full_name="Ahmad Fauzi")
    AssignmentFactory(user=operator, role=Role.OPERATOR_KABKOTA, wilayah_id="63.72")
    worker = UserFactory(username="peksos.bjb", full_name="Dewi Lestari")
    AssignmentFactory(user=worker, role=Role.PEKERJA_SOSIAL, wilayah_id="63.72")
    person = Person.objects.create(nik="6372031412650002", name="Jumberi", sex="L", wilayah_id="63.72.03.1001",
                                   created_by=operator)  # fmt: skip
    case = case_open(actor=operator, person=person, categories=[PpksCategory.objects.get(code="PPKS-24")],
                     source="datang", summary="Tidak punya penghasilan")  # fmt: skip
    case_assign(actor=operator, case=case, worker=worker)
    case = case_transition(actor=operator, case=case, to_stage=Stage.DIVERIFIKASI)
    return {"operator": operator, "worker": worker, "person": person, "case": case}


def ref(kind, code):
    return Referensi.objects.get(kind=kind, code=code).pk


def test_the_worker_records_assessment_plan_services_and_notes_and_the_timeline_shows_them(client, setting):
    case, worker = setting["case"], setting["worker"]
    client.force_login(worker)
    today = datetime.date.today().strftime("%d/%m/%Y")
    posts = [
        ("ppks:assessment_add", {"assessed_on": today, "scope": "individu", "findings": "Lansia tinggal sendiri",
                                 "needs": "Makan harian"}),
        ("ppks:plan_item_add", {"goal": "Kebutuhan makan terpenuhi", "service": "Sembako bulanan",
                                "responsible": worker.pk, "target_date": "31/12/2026"}),
        ("ppks:service_add", {"delivered_on": today, "form": "jaminan", "programme": ref("program", "sembako"),
                              "description": "Paket sembako", "provider": "Dinsos Banjarbaru",
                              "in_kind": "Beras 10 kg"}),
        ("ppks:service_add", {"delivered_on": today, "form": "rehabilitasi", "programme": ref("program", "atensi"),
                              "atensi_component": ref("atensi", "terapi"), "description": "Terapi psikososial",
                              "provider": "Peksos", "amount": "250000"}),
        ("ppks:note_add", {"text": "Kunjungan rumah, kondisi membaik"}),
    ]  # fmt: skip
    for name, data in posts:
        response = client.post(reverse(name, args=[case.pk]), data)
        assert response.status_code == 302, (name, response.content.decode()[:3000])
    page = client.get(reverse("ppks:case", args=[case.pk])).content.decode()
    for text in ("Lansia tinggal sendiri", "Kebutuhan makan terpenuhi", "Paket sembako", "Terapi psikososial",
                 "Rp250.000", "Kunjungan rumah"):  # fmt: skip
        assert text in page, text
    timeline = client.get(reverse("ppks:person", args=[setting["person"].pk])).content.decode()
    for text in ("Kasus dibuka", "Tahap: Diverifikasi", "Asesmen individu", "Kebutuhan makan terpenuhi",
                 "Paket sembako", "Kunjungan rumah", "Data orang dicatat"):  # fmt: skip
        assert text in timeline, text
    assert "Dewi Lestari" in timeline and "Ahmad Fauzi" in timeline


def test_a_rejected_service_keeps_what_the_worker_typed(client, setting):
    client.force_login(setting["worker"])
    response = client.post(reverse("ppks:service_add", args=[setting["case"].pk]), {
        "delivered_on": "01/01/2030", "form": "jaminan", "programme": ref("program", "pkh"),
        "description": "Bantuan PKH triwulan", "provider": "Pendamping PKH",
    })  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tanggal tidak boleh di masa depan." in page and 'value="Bantuan PKH triwulan"' in page


def test_case_work_is_for_the_assigned_worker_and_supervisors_only(client, setting):
    colleague = UserFactory()
    AssignmentFactory(user=colleague, role=Role.PEKERJA_SOSIAL, wilayah_id="63.72")
    client.force_login(colleague)
    response = client.post(reverse("ppks:note_add", args=[setting["case"].pk]), {"text": "Bukan kasus saya"})
    assert response.status_code == 403
    assert not setting["case"].notes.exists()


def test_a_closed_case_takes_no_more_services(client, setting):
    case = case_transition(
        actor=setting["operator"], case=setting["case"], to_stage=Stage.PINDAH, note="Pindah ke Kalteng"
    )
    client.force_login(setting["worker"])
    response = client.post(
        reverse("ppks:assessment_add", args=[case.pk]),
        {"assessed_on": "01/01/2026", "scope": "individu", "findings": "x"},
    )
    assert response.status_code == 400 and "tidak dapat diubah lagi" in response.content.decode()


def test_the_api_records_case_work_for_the_worker_and_refuses_a_colleague(client, setting):
    case, worker = setting["case"], setting["worker"]
    client.force_login(worker)
    base = f"/api/v1/ppks/kasus/{case.pk}/"
    today = datetime.date.today().isoformat()
    created = client.post(base + "layanan/", {
        "delivered_on": today, "form": "jaminan", "programme": "pkh", "description": "PKH tahap 3",
        "provider": "Pendamping PKH", "amount": 750000,
    }, content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.json()
    assert client.get(base + "layanan/").json()[0]["description"] == "PKH tahap 3"
    no_value = client.post(base + "layanan/", {
        "delivered_on": today, "form": "jaminan", "programme": "pkh", "description": "x", "provider": "y",
    }, content_type="application/json")  # fmt: skip
    assert no_value.status_code == 400 and "amount" in no_value.json()
    colleague = UserFactory()
    AssignmentFactory(user=colleague, role=Role.PEKERJA_SOSIAL, wilayah_id="63.72")
    client.force_login(colleague)
    assert client.post(base + "catatan/", {"text": "x"}, content_type="application/json").status_code == 403


def test_the_api_sends_a_referral_and_takes_an_attachment_checked_by_its_content(client, setting, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = case_transition(actor=setting["operator"], case=setting["case"], to_stage=Stage.ASESMEN)
    client.force_login(setting["worker"])
    base = f"/api/v1/ppks/kasus/{case.pk}/"
    sent = client.post(
        base + "rujukan/",
        {"target_kind": "puskesmas", "target_name": "Puskesmas Cempaka", "reason": "Pemeriksaan kesehatan"},
        content_type="application/json",
    )
    assert sent.status_code == 201 and sent.json()["status"] == "dikirim"
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("surat.pdf", b"bukan pdf sama sekali", content_type="application/pdf")
    refused = client.post(base + "lampiran/", {"file": fake})
    assert refused.status_code == 400
    from tests.files import PDF

    pdf = SimpleUploadedFile("surat.pdf", PDF)
    stored = client.post(base + "lampiran/", {"file": pdf, "description": "Surat rujukan"})
    assert stored.status_code == 201, stored.json()
    assert client.get(stored.json()["download"]).status_code == 200


def test_the_data_subject_report_holds_the_persons_cases_and_their_work(client, setting):
    import io
    import zipfile

    from ppks.services.casework import note_add

    note_add(actor=setting["worker"], case=setting["case"], text="Kunjungan rumah pertama")
    admin = UserFactory()
    AssignmentFactory(user=admin, role=Role.ADMIN_PROVINSI, wilayah_id="63")
    client.force_login(admin)
    report = client.post(reverse("audit:subject_report"), {"nik": setting["person"].nik})
    with zipfile.ZipFile(io.BytesIO(report.content)) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/")]
    assert setting["case"].number in strings and "Kunjungan rumah pertama" in strings
    assert "FM: Tidak punya penghasilan" in strings
    assert len(sheets) >= 5
