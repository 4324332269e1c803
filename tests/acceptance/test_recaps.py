"""Issue 7, "Done when": each point as an end-to-end test, on PostgreSQL with a real Celery worker.

1. A Dinsos admin requests R1 for the province as XLSX and PDF in the browser, watches the progress
   bar move without reloading, downloads both; the numbers match the data.
2. Killing the worker during a report and starting it again still ends with one complete file and
   status done.
3. A kab/kota operator's request is limited to their kab/kota; the authorization matrix covers the
   new routes.
"""

import datetime
import hashlib
import io
import os
import signal
import time
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import psycopg
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from kesos.accounts.models import Role
from kesos.audit.models import AuditEvent
from kesos.celery import app as celery_app
from kesos.reports import services
from kesos.reports.models import ReportRequest
from kesos.reports.recap import Params
from ppks.models import Person, PersonCategory, PpksCategory
from tests import authz
from tests.acceptance.test_ppks import log_in
from tests.conftest import BROKER_URL, database_url_of_the_test_database, start_worker, stop_worker
from tests.core.test_pdf import pdf_pages
from tests.factories import AssignmentFactory, OfficeFactory, UserFactory

YEAR = timezone.localdate().year
# The hand count: (desa, categories) per person; R1 counts verified holdings. Banjarmasin: 3 AT + 1 LUT = 4;
# Banjarbaru: 2 LUT + 1 PD (one person holds both) = 3; the province: 7. Not counted: the Palangka Raya
# person (Kalteng) and the holding still waiting for verification ("?").
PEOPLE = [
    ("63.71.01.1001", ["AT"]),
    ("63.71.01.1002", ["AT"]),
    ("63.71.02.1001", ["AT"]),
    ("63.71.02.1001", ["LUT"]),
    ("63.72.03.1001", ["LUT", "PD"]),
    ("63.72.02.1003", ["LUT", "?ABT"]),
    ("62.71.01.1001", ["AT", "LUT"]),
]
EXPECTED = {"Kota Banjarmasin": {"AT": 3, "LUT": 1, "Jumlah": 4}, "Kota Banjarbaru": {"LUT": 2, "PD": 1, "Jumlah": 3}}


def people():
    categories = {c.abbreviation: c for c in PpksCategory.objects.all()}
    for n, (desa, abbreviations) in enumerate(PEOPLE, start=1):
        person = Person.objects.create(nik=f"{desa[:2]}{desa[3:5]}01010190{n:04d}", name=f"Warga {n}", sex="P",
                                       wilayah_id=desa)  # fmt: skip
        for abbreviation in abbreviations:
            PersonCategory.objects.create(
                person=person, category=categories[abbreviation.lstrip("?")], source="datang",
                recorded_on=datetime.date(YEAR, 1, 5), verified=not abbreviation.startswith("?"),
            )  # fmt: skip


def admin_kalsel():
    office = OfficeFactory(name="Dinas Sosial Provinsi Kalimantan Selatan", wilayah_id="63",
                           head_name="Dra. Siti Rahmah, M.Si", head_nip="196805121993032004")  # fmt: skip
    user = UserFactory(username="admin.kalsel", full_name="Ahmad Fauzi", office=office)
    AssignmentFactory(user=user, role=Role.ADMIN_PROVINSI, wilayah_id="63")
    return user


@contextmanager
def reports_to(queue):
    """Report tasks go through Redis to the test's worker queue (unit tests otherwise run them eagerly)."""
    saved = celery_app.conf.task_always_eager, celery_app.conf.broker_url, settings.KESOS_REPORT_QUEUE
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = False, BROKER_URL
    settings.KESOS_REPORT_QUEUE = queue
    try:
        yield
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.broker_url, settings.KESOS_REPORT_QUEUE = saved


@contextmanager
def tables_locked():
    """Another session holds the PPKS tables, so a recap that reads them waits (and can be watched)."""
    with psycopg.connect(database_url_of_the_test_database()) as other:
        other.execute("LOCK TABLE ppks_person, ppks_personcategory, ppks_case IN ACCESS EXCLUSIVE MODE")
        yield
        other.rollback()


def wait_for(predicate, seconds=90, what="the condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"{what} not reached within {seconds} s")


def r1_rows(sheet) -> dict[str, dict]:
    """R1's rows by kab/kota name: {column label: value}, read from the worksheet as Excel shows it."""
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if row[0] == "No")
    header = rows[header_at]
    table = {}
    for row in rows[header_at + 1 :]:
        name = next((cell for cell in row[1:3] if isinstance(cell, str) and not cell[:1].isdigit()), None)
        if name:
            table[name] = dict(zip(header, row, strict=False))
    return table


# --- 1. Request R1 as XLSX and PDF, watch the progress, download both ------------------------------------
@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.browser
def test_an_admin_requests_r1_as_xlsx_and_pdf_watches_the_progress_and_downloads_both(
    page, live_server, worker_process, wilayah_table, reference_rows
):
    people()
    admin = admin_kalsel()
    log_in(page, live_server, admin)
    page.get_by_test_id("menu-laporan").click()

    with reports_to(worker_process), tables_locked():
        for fmt in ("Excel (XLSX)", "PDF"):
            form = page.get_by_test_id("form-laporan")
            form.get_by_label("Jenis laporan").select_option(label="R1 PPKS per jenis per kabupaten/kota")
            form.get_by_label("Format").select_option(label=fmt)
            form.get_by_label("Wilayah").select_option(label="Kalimantan Selatan")
            form.get_by_label("Tahun").fill(str(YEAR))
            form.get_by_role("button", name="Buat laporan").click()
            expect(page.get_by_role("alert").filter(has_text="sedang disiapkan")).to_be_visible()
        rows = page.get_by_test_id("permintaan-laporan")
        expect(rows).to_have_count(2)
        # The worker has started and waits on the data: the rows show a progress bar, not a download.
        for n in range(2):
            expect(rows.nth(n).locator("progress")).to_be_visible()
            expect(rows.nth(n).get_by_test_id("unduh-laporan")).to_have_count(0)
        wait_for(lambda: ReportRequest.objects.filter(status="running").exists(), what="a running report")
    # The data is free again: both rows turn to "Selesai" with a download, without reloading the page.
    for n in range(2):
        expect(rows.nth(n).get_by_test_id("status-laporan")).to_contain_text("Selesai", timeout=90_000)
    assert page.get_by_test_id("form-laporan").is_visible()  # the same page, never reloaded

    pdf_row, xlsx_row = rows.nth(0), rows.nth(1)  # newest first
    with page.expect_download() as download:
        xlsx_row.get_by_test_id("unduh-laporan").click()
    assert download.value.suggested_filename.endswith("-r1-63.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert sheet["A1"].value.startswith("REKAPITULASI") and "PROVINSI KALIMANTAN SELATAN" in sheet["A1"].value
    assert sheet["A2"].value == "Sumber: Dinas Sosial Kab/Kota, diolah"
    table = r1_rows(sheet)
    kabkota = [name for name in table if name != "Jumlah"]
    assert (
        len(kabkota) == 13
        and kabkota[0] == "Kabupaten Tanah Laut"
        and kabkota[-2:] == ["Kota Banjarmasin", "Kota Banjarbaru"]
    )
    for name, counts in EXPECTED.items():
        row = table[name]
        for column, value in counts.items():
            assert row[column] == value, (name, column)
        assert sum(v for k, v in row.items() if isinstance(v, int) and k not in ("No", "Jumlah")) == counts["Jumlah"]
    assert table["Jumlah"]["Jumlah"] == 7 and table["Jumlah"]["AT"] == 3 and table["Jumlah"]["LUT"] == 3
    assert table["Kabupaten Tanah Laut"]["Jumlah"] == 0
    # ... and the totals equal the direct count of the records (Kalteng's person left out).
    direct = PersonCategory.objects.filter(person__wilayah__code__startswith="63.", verified=True).count()
    assert table["Jumlah"]["Jumlah"] == direct and table["Jumlah"]["ABT"] == 0

    with page.expect_download() as download:
        pdf_row.get_by_test_id("unduh-laporan").click()
    assert download.value.suggested_filename.endswith("-r1-63.pdf")
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF") and b"/MediaBox [ 0 0 841.8898 595.2756 ]" in data  # A4 landscape
    text = "\n".join(pdf_pages(data))
    for expected in ["DINAS SOSIAL PROVINSI KALIMANTAN SELATAN", "PROVINSI KALIMANTAN SELATAN", "Kota Banjarbaru",
                     "Halaman 1 dari", "Dra. Siti Rahmah, M.Si", "NIP. 196805121993032004"]:  # fmt: skip
        assert expected in text, expected

    # Each download is in the audit trail, by whom and of what.
    assert AuditEvent.objects.filter(action="report.download", actor=admin).count() == 2


# --- 2. Kill the worker mid-report, start it again: one complete file, done ---------------------------------
@pytest.mark.postgres
@pytest.mark.redis
def test_a_worker_killed_mid_report_and_started_again_ends_with_one_complete_file(
    transactional_db, wilayah_table, reference_rows
):
    people()
    admin = admin_kalsel()
    queue = f"uji-bunuh-{os.getpid()}"
    # A task taken by a dead worker is handed out again after 3 s (production: an hour).
    worker = start_worker(queue, CELERY_VISIBILITY_TIMEOUT="3")
    try:
        with reports_to(queue), tables_locked():
            report = services.report_request(actor=admin, kind="r1", fmt="xlsx", params=Params(region="63", year=YEAR))
            wait_for(lambda: ReportRequest.objects.filter(pk=report.pk, status="running").exists(),
                     what="the worker starting the report")  # fmt: skip
            os.killpg(worker.pid, signal.SIGKILL)  # the worker and its pool process, mid-report
            worker.wait(timeout=10)
        report.refresh_from_db()
        assert report.status == "running" and report.attempts == 1 and not report.file
        assert not list(Path(settings.KESOS_REPORT_ROOT).glob(f"laporan-{report.pk}-*.xlsx"))

        with reports_to(queue):
            worker = start_worker(queue, CELERY_VISIBILITY_TIMEOUT="3")
            wait_for(lambda: ReportRequest.objects.filter(pk=report.pk, status="done").exists(), seconds=120,
                     what="the restarted worker finishing the report")  # fmt: skip
    finally:
        output = stop_worker(worker) if worker.poll() is None else ""
    assert "Traceback" not in output, output

    report.refresh_from_db()
    assert report.status == "done" and report.progress == 100 and report.attempts >= 2
    files = sorted(p.name for p in Path(settings.KESOS_REPORT_ROOT).iterdir())
    assert files == [report.file], files  # one file, no leftover part
    data = (Path(settings.KESOS_REPORT_ROOT) / report.file).read_bytes()
    assert hashlib.sha256(data).hexdigest() == report.checksum and len(data) == report.size
    table = r1_rows(openpyxl.load_workbook(io.BytesIO(data)).active)
    assert table["Jumlah"]["Jumlah"] == 7 and table["Kota Banjarmasin"]["AT"] == 3


# --- 3. A kab/kota operator's recap is their kab/kota's; the matrix covers the new routes -------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_kabkota_operator_can_only_request_and_gets_only_their_kabkota(wilayah_table, reference_rows):
    people()
    office = OfficeFactory(name="Dinas Sosial Kota Banjarmasin", wilayah_id="63.71")
    operator = UserFactory(username="operator.bjm", full_name="Muhammad Rizky", office=office)
    AssignmentFactory(user=operator, role=Role.OPERATOR_KABKOTA, wilayah_id="63.71")
    client = Client()
    client.force_login(operator)

    # The form offers their kab/kota only.
    page = client.get(reverse("reports:index")).content.decode()
    assert '<option value="63.71"' in page and '<option value="63"' not in page and '"63.72"' not in page
    # A forged request for the province or the neighbouring kab/kota is refused, and nothing is queued.
    for region in ("63", "63.72"):
        response = client.post(reverse("reports:index"), {"kind": "r1", "format": "xlsx", "region": region,
                                                          "year": YEAR})  # fmt: skip
        assert (
            response.status_code == 200 and "bukan salah satu dari pilihan yang tersedia" in response.content.decode()
        )
    with pytest.raises(Exception, match="di luar cakupan"):
        services.report_request(actor=operator, kind="r1", fmt="xlsx", params=Params(region="63", year=YEAR))
    assert not ReportRequest.objects.exists()

    # Their own request (run in-process here) holds Banjarmasin's kecamatan only.
    response = client.post(reverse("reports:index"), {"kind": "r1", "format": "xlsx", "region": "63.71",
                                                      "year": YEAR})  # fmt: skip
    assert response.status_code == 302
    report = ReportRequest.objects.get()
    assert report.status == "done" and report.region_id == "63.71"
    download = client.get(reverse("reports:download", args=[report.pk]))
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert "KOTA BANJARMASIN" in sheet["A1"].value.upper()
    table = r1_rows(sheet)
    assert table["Jumlah"]["Jumlah"] == 4 and table["Jumlah"]["AT"] == 3
    kecamatan = {name: row for name, row in table.items() if name != "Jumlah"}
    assert len(kecamatan) == 5 and all(row["Kode Wilayah"].startswith("63.71.") for row in kecamatan.values())
    # Another operator cannot open or download it (404: not theirs).
    other = UserFactory(username="operator.bjb")
    AssignmentFactory(user=other, role=Role.OPERATOR_KABKOTA, wilayah_id="63.72")
    intruder = Client()
    intruder.force_login(other)
    assert intruder.get(reverse("reports:download", args=[report.pk])).status_code == 404
    assert intruder.get(reverse("reports:status", args=[report.pk])).status_code == 404


def test_the_matrix_covers_every_report_and_dashboard_route():
    names = [name for name in authz.missing_entries() if name.startswith(("reports:", "dashboard:"))]
    assert names == []
    assert {"reports:index", "reports:status", "reports:download"} <= set(authz.MATRIX)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(n for n in authz.MATRIX if n.startswith(("reports:", "dashboard:"))))
def test_each_report_route_gives_each_role_exactly_its_scope(name):
    assert authz.check_route(Client, authz.World(), authz.MATRIX[name]) == []
