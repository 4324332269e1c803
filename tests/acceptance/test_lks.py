"""Issue 5, "Done when": each point as an end-to-end test.

1. A Dinsos operator registers a new LKS through the workflow, places two residents from PPKS
   cases, and the occupancy shows 2/capacity; a third placement over capacity is warned — in a
   real browser.
2. An LKS whose accreditation ends in 30 days appears on the expiry page, and its operator is
   notified by the beat job, run by a real Celery worker through Redis.
3. The authorization matrix covers every new route; an LKS operator cannot see another LKS.
"""

import datetime
import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from kesos.accounts.models import Notification, Role
from kesos.celery import app as celery_app
from kesos.wilayah.models import Wilayah
from lks import services
from lks.choices import APPLICATION_DOCUMENTS
from lks.models import Lks, LksType, Placement
from lks.tasks import notify_lks_expiry
from ppks.models import Case, Person
from tests import authz
from tests.acceptance.test_ppks import log_in
from tests.conftest import BROKER_URL
from tests.factories import AssignmentFactory, OfficeFactory, UserFactory

TODAY = timezone.localdate()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def dinsos_operator():
    office = OfficeFactory(name="Dinas Sosial Kota Banjarmasin", wilayah_id="63.71")
    user = UserFactory(username="operator.bjm", full_name="Muhammad Rizky Ramadhan", office=office)
    AssignmentFactory(user=user, role=Role.OPERATOR_KABKOTA, wilayah_id="63.71")
    return user


def an_lks(actor, name, desa):
    return services.lks_create(
        actor=actor, name=name, wilayah=Wilayah.objects.get(code=desa), address="Jl. Uji", capacity=20,
        types=[LksType.objects.get(code="anak")],
    )  # fmt: skip


def lks_operator_for(lks, username):
    user = UserFactory(username=username)
    AssignmentFactory(user=user, role=Role.OPERATOR_LKS, wilayah_id=lks.wilayah_id[:5], lks=lks)
    return user


# --- 1. Register an LKS through the workflow, place residents from cases, up to and past capacity ------------
def case_for(name, nik, desa, number, reporter):
    person = Person.objects.create(nik=nik, name=name, sex="L", wilayah_id=desa)
    return Case.objects.create(
        number=number, person=person, wilayah_id=desa, source="datang", reported_by=reporter,
        summary="Anak telantar, orang tua tidak diketahui", opened_at=timezone.now(),
    )  # fmt: skip


def place(page, case_number, day):
    page.get_by_role("link", name="Tempatkan penghuni").click()
    page.get_by_label("Nomor kasus").fill(case_number)
    page.get_by_label("Tanggal masuk").fill(day)
    page.get_by_label("Program/layanan").fill("Pengasuhan dalam panti")
    page.get_by_role("button", name="Simpan").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_operator_registers_an_lks_places_two_residents_from_cases_and_is_warned_at_the_third(
    page, live_server, wilayah_table, reference_rows
):
    operator = dinsos_operator()
    cases = [
        case_for("Rahmat", "6371010101150001", "63.71.01.1001", "KS-6371-0001", operator),
        case_for("Ahmad Fauzan", "6371010202140002", "63.71.01.1002", "KS-6371-0002", operator),
        case_for("Muhammad Ilham", "6371020303130003", "63.71.02.1001", "KS-6371-0003", operator),
    ]
    today = TODAY.strftime("%d/%m/%Y")

    # The profile.
    log_in(page, live_server, operator)
    page.get_by_role("link", name="LKS", exact=True).click()
    page.get_by_role("link", name="Tambah LKS").click()
    page.get_by_label("Nama LKS").fill("LKSA Panti Asuhan Nurul Hikmah")
    page.get_by_label("LKSA — Anak", exact=False).check()
    page.get_by_label("Kapasitas dalam panti").fill("2")
    page.get_by_label("Kabupaten/Kota").select_option(label="Kota Banjarmasin")
    page.get_by_label("Kecamatan").select_option(label="Banjarmasin Selatan")
    page.get_by_label("Desa/Kelurahan").select_option(label="Mantuil")
    page.get_by_label("Alamat", exact=True).fill("Jl. Mantuil Raya No. 12")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_test_id("nama-lks")).to_have_text("LKSA Panti Asuhan Nurul Hikmah")
    expect(page.get_by_test_id("status-tanda_daftar")).to_have_text("belum ada")

    # The Tanda Daftar: application with its files → document check → field visit → issued.
    page.get_by_test_id("ajukan-tanda-daftar").click()
    for _, label, required in APPLICATION_DOCUMENTS:
        if required:
            page.get_by_label(label).check()
    page.get_by_role("button", name="Ajukan").click()
    expect(page.get_by_test_id("status-permohonan")).to_have_text("Diajukan")
    page.get_by_test_id("form-periksa").get_by_role("button", name="Berkas lengkap").click()
    expect(page.get_by_test_id("status-permohonan")).to_have_text("Berkas lengkap")
    visit = page.get_by_test_id("form-verifikasi")
    visit.get_by_label("Tanggal kunjungan").fill(today)
    visit.get_by_label("Petugas verifikasi").fill("Muhammad Rizky Ramadhan, Dewi Lestari")
    visit.get_by_label("Temuan lapangan").fill("Bangunan layak, 2 pengasuh, kamar tidur terpisah putra/putri.")
    visit.get_by_role("button", name="Simpan hasil verifikasi").click()
    expect(page.get_by_test_id("status-permohonan")).to_have_text("Sudah diverifikasi lapangan")
    issue = page.get_by_test_id("form-terbit")
    issue.get_by_label("Nomor surat").fill("460/017/TD-LKS/Dinsos/2026")
    issue.get_by_label("Berlaku sampai").fill((TODAY + datetime.timedelta(days=3 * 365)).strftime("%d/%m/%Y"))
    issue.get_by_role("button", name="Terbitkan").click()
    expect(page.get_by_test_id("nama-lks")).to_have_text("LKSA Panti Asuhan Nurul Hikmah")
    expect(page.get_by_test_id("status-tanda_daftar")).to_contain_text("berlaku")
    expect(page.get_by_test_id("surat-berlaku")).to_contain_text("460/017/TD-LKS/Dinsos/2026")

    # Two residents from their cases: the occupancy shows 2/2.
    page.get_by_test_id("daftar-penghuni").click()
    place(page, "KS-6371-0001", today)
    expect(page.get_by_text("Penghuni saat ini 1/2")).to_be_visible()
    place(page, "KS-6371-0002", today)
    expect(page.get_by_test_id("hunian")).to_have_text("2/2")
    expect(page.get_by_test_id("penghuni")).to_have_count(2)
    expect(page.get_by_test_id("status-hunian")).to_have_text("Penuh")

    # The third is over capacity: warned, nothing saved, the input kept, a confirmation offered.
    place(page, "KS-6371-0003", today)
    expect(page.get_by_text("Melebihi kapasitas: LKSA Panti Asuhan Nurul Hikmah berkapasitas 2 orang")).to_be_visible()
    expect(page.get_by_label("Nomor kasus")).to_have_value("KS-6371-0003")
    expect(page.get_by_label("Tetap tempatkan melebihi kapasitas")).to_be_visible()
    lks = Lks.objects.get(name="LKSA Panti Asuhan Nurul Hikmah")
    assert Placement.objects.filter(lks=lks).count() == 2
    assert {p.case for p in Placement.objects.filter(lks=lks)} == set(cases[:2])
    assert lks.tanda_daftar.number == "460/017/TD-LKS/Dinsos/2026"


# --- 2. Expiry page and the beat job on a real worker ------------------------------------------------
def test_the_expiry_job_is_on_the_beat_schedule_every_morning():
    from lks.services.expiry import DAILY_RUN

    # Beat sends it every few minutes; the day's run happens once, from 06:00 (kesos/core/schedule.py).
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == notify_lks_expiry.name)
    assert entry["schedule"].minute == set(range(0, 60, 5))
    assert DAILY_RUN.every == "day" and DAILY_RUN.at == datetime.time(6, 0)
    assert notify_lks_expiry.name in celery_app.tasks


@pytest.mark.postgres
@pytest.mark.redis
def test_an_accreditation_ending_in_30_days_is_on_the_expiry_page_and_the_worker_tells_its_operator(
    worker_process, wilayah_table, reference_rows
):
    operator = dinsos_operator()
    lks = an_lks(operator, "LKSA Panti Asuhan Al-Ikhlas", "63.71.01.1001")
    later = an_lks(operator, "LKSA Budi Mulia", "63.71.02.1001")
    ends = TODAY + datetime.timedelta(days=30)
    services.accreditation_record(
        actor=operator, lks=lks, grade="B", certificate_number="123/BALKS/2024",
        accredited_on=datetime.date(2024, 1, 8), valid_until=ends,
    )  # fmt: skip
    services.accreditation_record(
        actor=operator, lks=later, grade="A", certificate_number="9/BALKS/2025", accredited_on=datetime.date(2025, 3, 1)
    )
    lks_operator = lks_operator_for(lks, "operator.alikhlas")

    # The expiry page lists the one ending within 90 days, with its days left.
    page = client_for(operator).get(reverse("lks:expiry_list")).content.decode()
    assert "LKSA Panti Asuhan Al-Ikhlas" in page and "123/BALKS/2024" in page
    assert "30 hari" in page
    assert "LKSA Budi Mulia" not in page

    # The beat job's task, sent through Redis to a real worker process.
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = BROKER_URL
    try:
        notify_lks_expiry.apply_async(queue=worker_process)
    finally:
        celery_app.conf.task_always_eager = True
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not Notification.objects.filter(user=lks_operator).exists():
        time.sleep(0.25)
    message = Notification.objects.filter(user=lks_operator).first()
    assert message is not None, "the worker did not run the expiry job within 60 s"
    assert message.title == "Akreditasi B LKSA Panti Asuhan Al-Ikhlas berakhir dalam 30 hari"
    assert Notification.objects.filter(user=operator).count() == 1
    assert not Notification.objects.filter(title__contains="Budi Mulia").exists()

    # The LKS operator sees it in the inbox, with the unread badge, and the link leads to their LKS.
    inbox = client_for(lks_operator)
    html = inbox.get(reverse("inbox:list")).content.decode()
    assert "Akreditasi B LKSA Panti Asuhan Al-Ikhlas berakhir dalam 30 hari" in html
    assert 'data-testid="notifikasi-belum-dibaca">1<' in html
    assert inbox.get(message.url).status_code == 200
    inbox.post(reverse("inbox:read"))
    assert 'data-testid="notifikasi-belum-dibaca"' not in inbox.get(reverse("inbox:list")).content.decode()


# --- 3. The matrix, and one LKS operator against another LKS ------------------------------------------------
LKS_ROUTES = sorted(name for name in authz.MATRIX if name.split(":")[0] in ("lks", "lks-api", "inbox"))


def test_the_matrix_covers_every_lks_route():
    assert authz.missing_entries() == set()
    project_lks_routes = {n for n in authz.all_route_names() if n.split(":")[0] in ("lks", "lks-api", "inbox")}
    assert project_lks_routes == set(LKS_ROUTES)
    assert len(LKS_ROUTES) > 30


@pytest.mark.django_db
def test_each_lks_route_gives_each_role_exactly_its_scope():
    world = authz.World()
    failures = [f for name in LKS_ROUTES for f in authz.check_route(Client, world, authz.MATRIX[name])]
    assert failures == []


@pytest.mark.django_db
def test_an_lks_operator_cannot_see_another_lks_on_pages_api_or_exports():
    operator = dinsos_operator()
    own = an_lks(operator, "LKSA Al-Ikhlas", "63.71.01.1001")
    other = an_lks(operator, "LKSA Budi Mulia", "63.71.02.1001")
    client = client_for(lks_operator_for(own, "operator.alikhlas"))

    for name in ("lks:lks", "lks:lks_edit", "lks:resident_list", "lks:resident_export", "lks-api:lks-detail",
                 "lks-api:lks-residents", "lks:registration_apply"):  # fmt: skip
        assert client.get(reverse(name, args=[other.pk])).status_code == 404, name
        assert client.get(reverse(name, args=[own.pk])).status_code == 200, name
    listing = client.get(reverse("lks:lks_list")).content.decode()
    assert "LKSA Al-Ikhlas" in listing and "LKSA Budi Mulia" not in listing
    api = client.get(reverse("lks-api:lks-list")).json()
    assert [row["name"] for row in api["results"]] == ["LKSA Al-Ikhlas"]
    # Nor can the operator change it through the API.
    patch = client.patch(
        reverse("lks-api:lks-detail", args=[other.pk]), {"phone": "1", "version": other.version},
        content_type="application/json",
    )  # fmt: skip
    assert patch.status_code == 404
    other.refresh_from_db()
    assert other.phone == ""
