"""Issue 4, "Done when": each point as an end-to-end test.

1. A worker registers a family of four, opens a case for one member, takes it from report to
   closure with an assessment, a plan, two services and a referral, and the timeline shows all
   of it — in a real browser.
2. Entering an existing NIK is stopped; a near-duplicate name is flagged; a merge can be undone
   with nothing lost.
3. The authorization matrix covers every new route (tests/acceptance/test_access.py checks that
   every route has an entry; tests/test_authorization_matrix.py checks each entry).
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from kesos.accounts.models import Role
from ppks.models import Case, Person
from tests import authz
from tests.factories import PASSWORD, AssignmentFactory, OfficeFactory, UserFactory

KK = "6371010101200001"
FAMILY = [
    # NIK, name, sex, birth date, relation
    ("6371011403800001", "Abdul Gani", "Laki-laki", "14/03/1980", "Kepala Keluarga"),
    ("6371015505820002", "Siti Aisyah", "Perempuan", "15/05/1982", "Istri"),
    ("6371010207120003", "Muhammad Rizki", "Laki-laki", "02/07/2012", "Anak"),
    ("6371014909150004", "Nur Aini", "Perempuan", "09/09/2015", "Anak"),
]


def log_in(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{reverse('login')}")
    page.get_by_label("Nama pengguna").fill(user.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_test_id("nama-pengguna")).to_have_text(user.get_full_name())


def move_case(page, stage, note=""):
    form = page.locator("form[action$='/tahap/']")
    form.get_by_label("Pindah ke tahap").select_option(label=stage)
    if note:
        form.get_by_label("Catatan").fill(note)
    form.get_by_role("button", name="Pindahkan").click()
    expect(page.get_by_test_id("tahap-kasus")).to_have_text(stage)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_family_of_four_goes_from_registration_to_a_closed_case_and_the_timeline_shows_it(
    page, live_server, wilayah_table, reference_rows
):
    office = OfficeFactory(name="Dinas Sosial Kota Banjarmasin", wilayah_id="63.71")
    worker = UserFactory(username="peksos.bjm", full_name="Dewi Lestari", office=office)
    AssignmentFactory(user=worker, role=Role.PEKERJA_SOSIAL, wilayah_id="63.71")
    supervisor = UserFactory(username="operator.bjm", full_name="Muhammad Rizky Ramadhan", office=office)
    AssignmentFactory(user=supervisor, role=Role.OPERATOR_KABKOTA, wilayah_id="63.71")
    today = datetime.date.today().strftime("%d/%m/%Y")

    # The worker registers the family: the household, then its four members.
    log_in(page, live_server, worker)
    page.get_by_role("link", name="Keluarga", exact=True).click()
    page.get_by_role("link", name="Daftarkan keluarga").click()
    page.get_by_label("No. KK").fill(KK)
    page.get_by_label("Kabupaten/Kota").select_option(label="Kota Banjarmasin")
    page.get_by_label("Kecamatan").select_option(label="Banjarmasin Selatan")
    page.get_by_label("Desa/Kelurahan").select_option(label="Mantuil")
    page.get_by_label("Alamat").fill("Jl. Mantuil Raya Gg. Damai")
    page.get_by_role("button", name="Simpan").click()
    for nik, name, sex, born, relation in FAMILY:
        page.get_by_role("link", name="Tambah anggota baru").click()
        page.locator("#id_nik").fill(nik)
        page.get_by_label("Nama lengkap").fill(name)
        page.get_by_label("Jenis kelamin").select_option(label=sex)
        page.get_by_label("Tanggal lahir").fill(born)
        page.get_by_label("Hubungan dalam keluarga").select_option(label=relation)
        page.get_by_role("button", name="Simpan").click()
        expect(page.get_by_test_id("anggota-keluarga")).to_contain_text(name)
    expect(page.get_by_test_id("nama-keluarga")).to_have_text("Keluarga Abdul Gani")
    expect(page.get_by_test_id("anggota-keluarga").locator("tbody tr")).to_have_count(4)

    # A case for the eldest child, reported by the worker.
    page.get_by_role("link", name="Muhammad Rizki").click()
    page.get_by_role("link", name="Buka kasus").click()
    page.get_by_label("Jenis PPKS").select_option(label="AT — Anak Telantar")
    page.get_by_label("Sumber laporan").select_option(label="Datang langsung")
    page.get_by_label("Ringkasan masalah").fill("Putus sekolah, bekerja di pasar.")
    page.get_by_role("button", name="Buka kasus").click()
    expect(page.get_by_test_id("tahap-kasus")).to_have_text("Dilaporkan")
    case_url = page.url

    # The supervisor verifies it and assigns the worker.
    log_in(page, live_server, supervisor)
    page.goto(case_url)
    move_case(page, "Diverifikasi", "Memenuhi kriteria anak telantar")
    page.locator("form[action$='/tugaskan/']").get_by_label("Pekerja sosial").select_option(label="Dewi Lestari")
    page.get_by_role("button", name="Tugaskan").click()
    expect(page.get_by_text("Kasus ditugaskan kepada Dewi Lestari")).to_be_visible()

    # The worker: assessment, plan, two services, a referral, and on to termination.
    log_in(page, live_server, worker)
    page.goto(case_url)
    move_case(page, "Asesmen")
    page.get_by_text("Tambah asesmen").click()
    assessment = page.locator("form[action$='/asesmen/']")
    assessment.get_by_label("Tanggal asesmen").fill(today)
    assessment.get_by_label("Temuan").fill("Anak tidak sekolah sejak kelas 5; orang tua tidak berpenghasilan tetap.")
    assessment.get_by_role("button", name="Simpan asesmen").click()
    expect(page.get_by_test_id("asesmen")).to_contain_text("Anak tidak sekolah")
    move_case(page, "Rencana intervensi")
    page.get_by_text("Tambah rencana").click()
    plan = page.locator("form[action$='/rencana/']")
    plan.get_by_label("Tujuan").fill("Kembali bersekolah")
    plan.get_by_label("Layanan yang direncanakan").fill("Pendampingan dan bantuan perlengkapan sekolah")
    plan.get_by_label("Penanggung jawab").select_option(label="Dewi Lestari")
    plan.get_by_label("Target tanggal").fill("30/06/2027")
    plan.get_by_role("button", name="Simpan rencana").click()
    expect(page.get_by_test_id("rencana")).to_contain_text("Kembali bersekolah")
    move_case(page, "Intervensi")
    for description, form, programme, value in [
        ("Perlengkapan sekolah", "Perlindungan sosial", "Bantuan sosial daerah (APBD)", "750000"),
        ("Terapi psikososial", "Rehabilitasi sosial", "ATENSI", "250000"),
    ]:
        page.get_by_text("Catat layanan").click()
        service = page.locator("form[action$='/layanan/']")
        service.get_by_label("Tanggal").fill(today)
        service.get_by_label("Bentuk penyelenggaraan kesos").select_option(label=form)
        service.get_by_label("Program").select_option(label=programme)
        service.get_by_label("Uraian layanan").fill(description)
        service.get_by_label("Pemberi layanan").fill("Dinas Sosial Kota Banjarmasin")
        service.get_by_label("Nilai uang").fill(value)
        service.get_by_role("button", name="Simpan layanan").click()
        expect(page.get_by_test_id("layanan")).to_contain_text(description)
    page.locator("summary", has_text="Kirim rujukan").click()
    referral = page.locator("form[action$='/rujukan/']")
    referral.get_by_label("Dirujuk ke").select_option(label="Sekolah")
    referral.get_by_label("Nama lembaga").fill("SDN Mantuil 2")
    referral.get_by_label("Alasan rujukan").fill("Pendaftaran kembali sebagai siswa kelas 5")
    referral.get_by_role("button", name="Kirim rujukan").click()
    expect(page.get_by_test_id("tahap-kasus")).to_have_text("Dirujuk")
    move_case(page, "Intervensi", "Diterima kembali di SDN Mantuil 2")
    move_case(page, "Resosialisasi")
    move_case(page, "Terminasi", "Tujuan tercapai: anak bersekolah")

    # The supervisor closes it.
    log_in(page, live_server, supervisor)
    page.goto(case_url)
    move_case(page, "Ditutup", "Ditutup setelah terminasi")

    # The child's timeline tells the whole story, with who did each step.
    page.get_by_role("link", name="Muhammad Rizki").first.click()
    timeline = page.get_by_test_id("linimasa")
    for text in [
        "Data orang dicatat", "Masuk keluarga", "Kasus dibuka", "Tahap: Diverifikasi", "Tahap: Asesmen",
        "Anak tidak sekolah", "Kembali bersekolah", "Perlengkapan sekolah", "Terapi psikososial",
        "rujukan ke SDN Mantuil 2", "Tahap: Terminasi", "Tahap: Ditutup",
    ]:  # fmt: skip
        expect(timeline).to_contain_text(text)
    expect(timeline).to_contain_text("Dewi Lestari")
    expect(timeline).to_contain_text("Muhammad Rizky Ramadhan")
    case = Case.objects.get()
    assert (case.assessments.count(), case.plan_items.count(), case.services.count(), case.referrals.count()) == (
        1, 1, 2, 1,
    )  # fmt: skip


# --- 2. Duplicates and merges -------------------------------------------------------------------------
@pytest.mark.django_db
def test_an_existing_nik_is_stopped_and_a_near_duplicate_name_is_flagged():
    operator = UserFactory(username="operator.bjm")
    AssignmentFactory(user=operator, role=Role.OPERATOR_KABKOTA, wilayah_id="63.71")
    browser = Client()
    browser.force_login(operator)
    first = {"nik": "6371011403800001", "name": "Abdul Gani", "sex": "L", "birth_date": "14/03/1980",
             "wilayah": "63.71.01.1001"}  # fmt: skip
    assert browser.post(reverse("ppks:person_create"), first).status_code == 302
    again = browser.post(reverse("ppks:person_create"), {**first, "name": "Abd. Gani"}).content.decode()
    assert "NIK ini sudah terdaftar: Abdul Gani" in again
    near = {"name": "H. Abdoel Ghani", "sex": "L", "birth_date": "14/03/1980", "wilayah": "63.71.01.1002"}
    flagged = browser.post(reverse("ppks:person_create"), near).content.decode()
    assert "Mungkin sudah terdaftar" in flagged
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_a_merge_can_be_undone_with_nothing_lost():
    from ppks.models import Case, HouseholdMember, PersonCategory, PersonMerge, PpksCategory
    from ppks.services import case_open, category_add

    operator = UserFactory(username="operator.bjm")
    AssignmentFactory(user=operator, role=Role.OPERATOR_KABKOTA, wilayah_id="63.71")
    kept = Person.objects.create(nik="6371011403800001", name="Abdul Gani", name_key="abdul gani", sex="L",
                                 birth_date=datetime.date(1980, 3, 14), wilayah_id="63.71.01.1001")  # fmt: skip
    dup = Person.objects.create(name="H. Abdoel Ghani", name_key="abdul gani", sex="L", wilayah_id="63.71.01.1002",
                                address="Kolong jembatan Antasan", phone="081234567890")  # fmt: skip
    case = case_open(actor=operator, person=dup, categories=[PpksCategory.objects.get(code="PPKS-11")],
                     source="hotline", summary="Tidur di kolong jembatan")  # fmt: skip
    category_add(actor=operator, person=dup, category=PpksCategory.objects.get(code="PPKS-11"), source="hotline")

    def snapshot():
        skip = {"updated_at", "version"}
        tables = (Person, Case, PersonCategory, HouseholdMember)
        return {
            m.__name__: {o.pk: {f.attname: getattr(o, f.attname) for f in m._meta.concrete_fields
                                if f.attname not in skip} for o in m.objects.all()}
            for m in tables
        }  # fmt: skip

    before = snapshot()
    browser = Client()
    browser.force_login(operator)
    form = {"langkah": "gabung", "lain": dup.pk, "kept_version": kept.version, "merged_version": dup.version,
            "reason": "Orang yang sama: tercatat dari hotline sebelum NIK diketahui"}  # fmt: skip
    for name in ("nik", "name", "aliases", "birth_place", "birth_date", "wilayah", "address", "phone", "religion",
                 "occupation"):  # fmt: skip
        form[f"pilih_{name}"] = "merged" if name in ("address", "phone") else "kept"
    assert browser.post(reverse("ppks:person_merge", args=[kept.pk]), form).status_code == 302
    kept.refresh_from_db()
    assert (kept.address, kept.phone) == ("Kolong jembatan Antasan", "081234567890")
    assert Case.objects.get(pk=case.pk).person_id == kept.pk
    assert browser.get(reverse("ppks:person", args=[dup.pk])).status_code == 404

    merge = PersonMerge.objects.get()
    assert browser.post(reverse("ppks:person_merge_undo", args=[merge.pk])).status_code == 302
    assert snapshot() == before
    assert browser.get(reverse("ppks:person", args=[dup.pk])).status_code == 200


def test_the_matrix_covers_every_ppks_route():
    ppks_routes = {name for name in authz.all_route_names() if name.startswith(("ppks:", "ppks-api:"))}
    assert ppks_routes and ppks_routes <= set(authz.MATRIX)
