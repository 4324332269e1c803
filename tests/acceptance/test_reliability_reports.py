"""Issue 14, "Done when", the reports' part, on real processes: Celery workers started as in production
(`celery -A kesos worker -B`, the sweeper on beat every second here), a Redis of the test's own, and for
the database restarts a PostgreSQL cluster of the test's own (tests/faults.py); never the machine's.

(a) A report whose worker is killed, whose database restarts mid-run, or whose storage is read-only, ends
    `done` once or `failed` with a specific Indonesian reason within minutes, never `running` for good.
(b) With the test's own Redis stopped, a report requested meanwhile runs exactly once after Redis returns,
    the page having said it was waiting.

To hold a run mid-way without hooks in the code, another session locks the tables R1 reads: the worker
marks the request `running`, then waits on them.
"""

import contextlib
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kesos.reports import services
from kesos.reports.models import ReportRequest
from kesos.reports.recap import Params
from tests.acceptance.test_recaps import YEAR, admin_kalsel, people, tables_locked
from tests.conftest import ROOT, database_url_of_the_test_database
from tests.faults import service_env, start_celery, wait_until
from tests.reports.test_sweeper import broker, immutable, writable

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]
MINUTES = 120  # "within minutes": what each scenario may take at most here (seconds)
R1_TABLES = "ppks_person, ppks_personcategory, ppks_case"


def worker_env(redis, *, database_url=None, report_root=None, **overrides) -> dict[str, str]:
    """A worker's environment: the test's database and its own Redis; sweeps every second, short retries."""
    return service_env(
        DATABASE_URL=database_url or database_url_of_the_test_database(),
        REDIS_URL=redis.url(1),
        CELERY_BROKER_URL=redis.url(0),
        KESOS_REPORT_ROOT=str(report_root or settings.KESOS_REPORT_ROOT),
        KESOS_REPORT_QUEUE="celery",
        KESOS_REPORT_SWEEP_SECONDS="1",
        KESOS_REPORT_DB_RETRY_SECONDS="1",
        **overrides,
    )


def start_worker(env, tmp_path, name: str, *, beat: bool = True):
    """`celery worker` as `dev.py worker` runs it (embedded beat), two pool processes as in compose."""
    args = ["worker", "--pool=prefork", "--concurrency=2", "-Q", "celery", "-l", "info", "-n", f"{name}@%h",
            "--without-mingle", "--without-gossip"]  # fmt: skip
    if beat:
        args += ["-B", "-s", str(tmp_path / f"beat-{name}")]
    return start_celery(env, *args)


def files_of(root, pk) -> list[str]:
    return sorted(p.name for p in Path(root).glob(f"laporan-{pk}-*"))


# --- (a) killed worker ---------------------------------------------------------------------------------
def test_a_report_whose_worker_is_killed_mid_run_ends_done_once_through_the_sweeper(
    transactional_db, wilayah_table, reference_rows, own_redis, tmp_path
):
    """kill -9 of the whole worker (pool and beat) mid-run: the row says `running`, its message sits unacked in
    Redis for the visibility timeout (an hour). A worker started again runs the sweeper, which finds the run's
    advisory lock free, queues the request again and sends it: one complete file, `done`, second attempt."""
    people()
    admin = admin_kalsel()
    env = worker_env(own_redis)
    first = start_worker(env, tmp_path, "pertama")
    with broker(own_redis.url(0)), tables_locked():
        report = services.report_request(actor=admin, kind="r1", fmt="xlsx", params=Params(region="63", year=YEAR))
        wait_until(lambda: ReportRequest.objects.get(pk=report.pk).status == "running", timeout=60,
                   what="the worker starting the report")  # fmt: skip
        # While the run is alive (blocked, its lock held), the sweeps beside it leave it alone.
        wait_until(lambda: first.output.count("sweep_reports") >= 4, timeout=30, what="sweeps beside the run")
        live = ReportRequest.objects.get(pk=report.pk)
        assert live.status == "running" and live.attempts == 1 and live.dispatches == 1
        first.kill()
    # The killed worker's database session ends once its waiting query gets the tables (released above).
    killed_at = time.monotonic()
    report.refresh_from_db()
    assert report.status == "running" and not files_of(settings.KESOS_REPORT_ROOT, report.pk)

    second = start_worker(env, tmp_path, "kedua")
    try:
        wait_until(lambda: ReportRequest.objects.get(pk=report.pk).finished, timeout=MINUTES,
                   what="the report ending after the worker was killed")  # fmt: skip
    finally:
        output = second.stop()
    took = time.monotonic() - killed_at
    report.refresh_from_db()
    assert report.status == "done" and report.attempts == 2 and report.dispatches == 2, (report.error, output[-3000:])
    assert files_of(settings.KESOS_REPORT_ROOT, report.pk) == [report.file]  # one file, no leftover part
    assert "Traceback" not in output, output[-3000:]
    print(f"killed worker: done {took:.1f} s after the kill")


# --- (a) database restarted mid-run ---------------------------------------------------------------------
def request_r1(database_url: str, redis) -> int:
    """An Admin Provinsi requests R1 in a process of its own that reads the private cluster (as the web would)."""
    code = f"""
import datetime
from django.contrib.auth import get_user_model
from kesos.accounts.models import Assignment, Role
from kesos.reports import services
from kesos.reports.recap import Params
user = get_user_model().objects.create(username="admin.uji", full_name="Admin Uji")
Assignment.objects.create(user=user, role=Role.ADMIN_PROVINSI, wilayah_id="63", starts_on=datetime.date(2020, 1, 1))
report = services.report_request(actor=user, kind="r1", fmt="xlsx", params=Params(region="63", year={YEAR}))
print(report.pk)
"""
    env = worker_env(redis, database_url=database_url)
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return int(done.stdout.strip().splitlines()[-1])


def row(database_url: str, pk: int) -> dict:
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        cursor = conn.execute(
            "SELECT status, attempts, dispatches, file, error FROM reports_reportrequest WHERE id = %s", [pk]
        )
        return dict(zip(["status", "attempts", "dispatches", "file", "error"], cursor.fetchone(), strict=True))


@contextlib.contextmanager
def locked_on(database_url: str):
    """Another session of the private cluster holds R1's tables (it dies with the server's restart)."""
    conn = psycopg.connect(database_url)
    conn.execute(f"LOCK TABLE {R1_TABLES} IN ACCESS EXCLUSIVE MODE")
    try:
        yield
    finally:
        with contextlib.suppress(psycopg.Error):
            conn.close()


def test_a_report_whose_database_restarts_mid_run_is_retried_and_ends_done_once(own_postgres, own_redis, tmp_path):
    """PostgreSQL restarted (fast shutdown) while the report runs: the run's connection is cut, the task
    retries with backoff (no sweeper here: the retry alone) and the next run makes the file once."""
    database = own_postgres.fresh_database()
    root = tmp_path / "laporan"
    env = worker_env(own_redis, database_url=database, report_root=root)
    worker = start_worker(env, tmp_path, "db", beat=False)
    try:
        with locked_on(database):
            pk = request_r1(database, own_redis)
            wait_until(lambda: row(database, pk)["status"] == "running", timeout=60, what="the report running")
            started = time.monotonic()
            own_postgres.restart()
        wait_until(lambda: row(database, pk)["status"] in ("done", "failed"), timeout=MINUTES,
                   what="the report ending after the restart")  # fmt: skip
        took = time.monotonic() - started
    finally:
        output = worker.stop()
    result = row(database, pk)
    assert result["status"] == "done" and result["attempts"] == 2 and result["dispatches"] == 1, result
    assert files_of(root, pk) == [result["file"]]
    assert f"Laporan {pk}: basis data tidak tersedia" in output  # the retry, logged once per try
    print(f"database restart: done {took:.1f} s after the restart began")


def test_a_report_whose_database_stays_down_past_its_retries_is_ended_by_the_sweeper_when_it_returns(
    own_postgres, own_redis, tmp_path
):
    """PostgreSQL stopped mid-run for longer than the task's retries: the task gives up but cannot even write
    that, so the row still says `running`. When the database returns, the sweeper (on beat) finds the run's
    lock free and runs it again: `done`, once."""
    database = own_postgres.fresh_database()
    root = tmp_path / "laporan"
    env = worker_env(own_redis, database_url=database, report_root=root, KESOS_REPORT_DB_RETRIES="1")
    worker = start_worker(env, tmp_path, "dbmati")
    try:
        with locked_on(database):
            pk = request_r1(database, own_redis)
            wait_until(lambda: row(database, pk)["status"] == "running", timeout=60, what="the report running")
            own_postgres.stop()
        wait_until(lambda: "masih tidak tersedia" in worker.output, timeout=60, what="the task giving up")
        own_postgres.start()
        back = time.monotonic()
        wait_until(lambda: row(database, pk)["status"] in ("done", "failed"), timeout=MINUTES,
                   what="the sweeper ending the report")  # fmt: skip
        took = time.monotonic() - back
    finally:
        if not (own_postgres.data / "postmaster.pid").exists():  # the session's cluster stays up for the others
            own_postgres.start()
        output = worker.stop()
    result = row(database, pk)
    assert result["status"] == "done" and result["attempts"] == 2, (result, output[-3000:])
    assert files_of(root, pk) == [result["file"]]
    print(f"database down past the retries: done {took:.1f} s after it returned")


# --- (a) read-only storage -------------------------------------------------------------------------------
def test_a_report_whose_storage_is_read_only_fails_with_that_reason_at_once(
    transactional_db, wilayah_table, reference_rows, own_redis, tmp_path
):
    """The report directory refuses new files (`chattr +i` as root, where permission bits do not stop
    writes; chmod 555 otherwise): the request fails at once with "penyimpanan tidak dapat ditulis"."""
    people()
    admin = admin_kalsel()
    root = tmp_path / "laporan-ro"
    root.mkdir()
    immutable(root)
    try:
        with contextlib.suppress(OSError):
            (root / "coba").write_text("x")
        assert not (root / "coba").exists(), "the directory still takes files: the test would prove nothing"
        worker = start_worker(worker_env(own_redis, report_root=root), tmp_path, "ro", beat=False)
        try:
            with broker(own_redis.url(0)):
                report = services.report_request(actor=admin, kind="r1", fmt="xlsx",
                                                 params=Params(region="63", year=YEAR))  # fmt: skip
            wait_until(lambda: ReportRequest.objects.get(pk=report.pk).finished, timeout=MINUTES,
                       what="the report ending")  # fmt: skip
        finally:
            output = worker.stop()
    finally:
        writable(root)
    report.refresh_from_db()
    assert report.status == "failed" and report.error == services.STORAGE_READ_ONLY, (report.error, output[-2000:])
    assert "penyimpanan tidak dapat ditulis" in report.error and report.attempts == 1
    assert list(root.iterdir()) == [] and "Traceback" not in output


# --- (b) Redis stopped while a report is requested -------------------------------------------------------
def test_a_report_requested_while_redis_is_stopped_is_said_to_wait_and_runs_exactly_once_after_redis_returns(
    transactional_db, wilayah_table, reference_rows, own_redis, tmp_path
):
    """The page answers at once (no 500), says the report is saved and waits for the queue; once Redis is
    back, a worker with beat starts, its sweeper sends the request, and it runs once: one row, one run, one
    send, one file."""
    people()
    admin = admin_kalsel()
    client = Client()
    client.force_login(admin)
    own_redis.stop()
    with broker(own_redis.url(0)):
        asked = time.monotonic()
        response = client.post(reverse("reports:index"), {"kind": "r1", "format": "xlsx", "region": "63",
                                                          "year": YEAR}, follow=True)  # fmt: skip
        took = time.monotonic() - asked
    page = response.content.decode()
    assert response.status_code == 200 and took < 5, took
    assert "sudah disimpan, tetapi layanan antrean sedang tidak dapat dihubungi" in page
    assert 'data-alasan="antrean' in page and "Layanan antrean tidak dapat dihubungi" in page
    report = ReportRequest.objects.get()
    assert report.status == "queued" and report.dispatches == 0 and report.dispatch_error

    own_redis.start()
    worker = start_worker(worker_env(own_redis), tmp_path, "kembali")
    try:
        wait_until(lambda: ReportRequest.objects.get(pk=report.pk).finished, timeout=MINUTES,
                   what="the report made after Redis returned")  # fmt: skip
        time.sleep(3)  # a few more sweeps: nothing is sent or run again
    finally:
        output = worker.stop()
    report.refresh_from_db()
    assert report.status == "done" and report.attempts == 1 and report.dispatches == 1, (report.error, output[-3000:])
    assert not report.dispatch_error and ReportRequest.objects.count() == 1
    assert files_of(settings.KESOS_REPORT_ROOT, report.pk) == [report.file]
    assert output.count("generate_report[") == 2, output[-3000:]  # received and succeeded: one run
    page = client.get(reverse("reports:index")).content.decode()
    assert "Selesai" in page and "keterangan-tunggu" not in page
    assert "Traceback" not in output
