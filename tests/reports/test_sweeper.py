"""Report requests that always end: a publish that fails is recorded and sent later, the sweeper re-sends
what waits with nothing running and ends dead runs, every error of a run ends it with a reason in
Indonesian, and the page and the API say why a request waits.

A small builder stands in for the recaps through the catalogue (as in test_requests.py). The broker that
"is down" is a real address nobody listens on; "it returns" is the in-process (eager) mode of the tests.
"""

import datetime
import errno
import os
import re
import subprocess
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from kombu import pools

from kesos.accounts.models import Role
from kesos.celery import app as celery_app
from kesos.core.models import Heartbeat
from kesos.reports import kinds, services
from kesos.reports.kinds import Kind
from kesos.reports.models import ReportRequest
from kesos.reports.recap import Params
from kesos.reports.tasks import sweep_reports
from tests.conftest import database_url_of_the_test_database
from tests.faults import wait_until
from tests.reports.test_requests import catalogue, small_recap, user_with  # noqa: F401 - the stand-in builders

pytestmark = pytest.mark.django_db
NOBODY = "redis://127.0.0.1:1/0"  # a broker address that refuses connections, as a stopped Redis does
FLAKY = {"left": 0, "wrapped": False}


def flaky_recap(params, *, user):
    """The database goes away under the first `FLAKY["left"]` runs (as when PostgreSQL restarts)."""
    if FLAKY["left"]:
        FLAKY["left"] -= 1
        error = OperationalError("terminating connection due to administrator command")
        if FLAKY["wrapped"]:  # as a library that catches it and raises its own
            raise RuntimeError("gagal membaca data") from error
        raise error
    return small_recap(params, user=user)


@pytest.fixture(autouse=True)
def flaky_kind(monkeypatch):
    here = "tests.reports.test_sweeper"
    monkeypatch.setitem(
        kinds.KINDS, "uji_db", Kind("uji_db", "Rekap uji DB", f"{here}.flaky_recap", kinds.AGGREGATE_ROLES)
    )


@contextmanager
def broker(url: str):
    """Tasks go to the broker at `url` (not run in-process); the app's connection pools are rebuilt for it."""

    def reset():
        pools.reset()  # kombu's process-wide pools, keyed by broker
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    saved = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = False, url
    reset()
    try:
        yield
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved
        reset()


def admin_client():
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    client = Client()
    client.force_login(admin)
    return admin, client


def queued(admin, *, kind="uji", minutes_ago=0, **fields) -> ReportRequest:
    report = ReportRequest.objects.create(kind=kind, format="csv", params={"region": "63", "year": 2025},
                                          region_id="63", requested_by=admin)  # fmt: skip
    ReportRequest.objects.filter(pk=report.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago), **fields
    )
    report.refresh_from_db()
    return report


# --- 1. A publish that fails ----------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sent_as", ["browser form", "without key"])
def test_a_report_requested_while_the_broker_is_down_is_saved_the_page_says_so_and_the_sweeper_sends_it_later(
    sent_as, wilayah_table
):
    """The page answers normally (no 500), says in Indonesian that the report is saved and waits for the queue;
    the row stays `queued` with the reason. A sweep while the broker is still down sends nothing and keeps
    it; the first sweep after it returns sends it once and it is made. A browser sends the form's hidden
    idempotency key, which holds the request's transaction open past the view: the message still tells."""
    admin, client = admin_client()
    data = {"kind": "uji", "format": "csv", "region": "63", "year": 2025}
    if sent_as == "browser form":
        form = client.get(reverse("reports:index")).content.decode()
        data["idempotency_key"] = re.search(r'name="idempotency_key" value="([^"]+)"', form).group(1)
    with broker(NOBODY):  # a transactional test: the request's publish runs after its commit, as in production
        response = client.post(reverse("reports:index"), data, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "sudah disimpan, tetapi layanan antrean sedang tidak dapat dihubungi" in page
    assert "akan dibuat otomatis begitu layanan antrean pulih" in page
    report = ReportRequest.objects.get()
    assert report.status == "queued" and report.dispatched_at is None and report.dispatches == 0
    assert report.dispatch_error == services.QUEUE_DOWN
    assert 'data-alasan="antrean' in page and "Layanan antrean tidak dapat dihubungi" in page

    with broker(NOBODY):
        swept = services.reports_sweep()
    assert swept.unsent == [report.pk] and not swept.sent
    assert ReportRequest.objects.get().status == "queued"

    swept = services.reports_sweep()  # the broker is back (here: the tasks run in-process)
    assert swept.sent == [report.pk]
    report.refresh_from_db()
    assert report.status == "done" and report.attempts == 1 and report.dispatches == 1 and not report.dispatch_error
    assert ReportRequest.objects.count() == 1
    assert services.reports_sweep().changed is False  # nothing left to do


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_202_with_the_wait_when_the_broker_is_down(wilayah_table):
    admin, client = admin_client()
    with broker(NOBODY):
        order = {"kind": "uji", "format": "csv", "region": "63", "year": 2025}
        response = client.post(reverse("reports-api:report-list"), order, content_type="application/json")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["dispatches"] == 0 and body["dispatched_at"] is None
    assert [r["code"] for r in body["waiting"]["reasons"]][:1] == ["antrean"]
    assert "tidak dapat dihubungi" in body["waiting"]["reasons"][0]["message"]


# --- 2. The sweeper ---------------------------------------------------------------------------------------
def test_a_queued_request_never_sent_waits_a_grace_then_is_sent_and_one_sent_long_ago_is_sent_again(
    wilayah_table, settings
):
    """A request whose publish never happened (a web process killed after the commit) is sent after 30 s;
    one handed to the broker more than KESOS_REPORT_RESEND_SECONDS ago and never started (the broker lost
    it) is sent again. Both are then made once."""
    settings.KESOS_REPORT_RESEND_SECONDS = 600
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    fresh = queued(admin)  # its own publish may be on its way
    unsent = queued(admin, minutes_ago=1)
    lost = queued(admin, minutes_ago=20, dispatched_at=timezone.now() - datetime.timedelta(minutes=11), dispatches=1)
    waiting = queued(admin, minutes_ago=5, dispatched_at=timezone.now() - datetime.timedelta(minutes=5), dispatches=1)
    with broker(NOBODY):  # nothing is run here: see what is sent
        swept = services.reports_sweep()
    assert swept.unsent == [lost.pk, unsent.pk]  # the oldest first; the broker refused both

    swept = services.reports_sweep()
    assert swept.sent == [unsent.pk] and swept.resent == [lost.pk]
    states = dict(ReportRequest.objects.values_list("pk", "status"))
    assert states == {fresh.pk: "queued", unsent.pk: "done", lost.pk: "done", waiting.pk: "queued"}
    assert ReportRequest.objects.get(pk=lost.pk).dispatches == 2


def test_a_run_that_died_is_run_again_and_one_that_died_too_often_fails_with_a_reason(wilayah_table, settings):
    """`running` with no live run (PostgreSQL: its advisory lock is free; elsewhere: no progress for
    KESOS_REPORT_STALLED_SECONDS) goes back to the queue and is made; after KESOS_REPORT_MAX_ATTEMPTS dead
    runs it fails with the reason instead."""
    settings.KESOS_REPORT_MAX_ATTEMPTS = 3
    settings.KESOS_REPORT_STALLED_SECONDS = 600
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    long_ago = timezone.now() - datetime.timedelta(minutes=15)
    died = queued(admin, minutes_ago=20, status="running", progress=58, attempts=1, dispatches=1,
                  dispatched_at=long_ago, started_at=long_ago)  # fmt: skip
    too_often = queued(admin, minutes_ago=60, status="running", progress=50, attempts=3, dispatches=3,
                       dispatched_at=long_ago, started_at=long_ago)  # fmt: skip
    ReportRequest.objects.filter(pk__in=[died.pk, too_often.pk]).update(updated_at=long_ago)

    swept = services.reports_sweep()
    assert swept.restarted == [died.pk] and swept.failed == [too_often.pk]
    died.refresh_from_db()
    too_often.refresh_from_db()
    assert died.status == "done" and died.attempts == 2 and died.dispatches == 2
    assert too_often.status == "failed" and "terhenti 3 kali sebelum selesai" in too_often.error
    assert not too_often.file


def test_a_request_redelivered_after_its_last_allowed_attempt_died_fails_instead_of_running_again(
    wilayah_table, settings
):
    """A worker's redelivery (reject_on_worker_lost) does not loop for ever on a report that kills it."""
    settings.KESOS_REPORT_MAX_ATTEMPTS = 2
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    report = queued(admin, status="running", attempts=2)
    services.report_generate(pk=report.pk)
    report.refresh_from_db()
    assert report.status == "failed" and "terhenti 2 kali" in report.error and report.attempts == 2


def test_a_request_waiting_longer_than_the_give_up_time_fails_with_a_reason(wilayah_table, settings):
    settings.KESOS_REPORT_GIVE_UP_HOURS = 24
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    old = queued(admin, minutes_ago=25 * 60, dispatch_error=services.QUEUE_DOWN)
    with broker(NOBODY):
        swept = services.reports_sweep()
    old.refresh_from_db()
    assert swept.failed == [old.pk] and old.status == "failed" and "24 jam menunggu di antrean" in old.error


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_sweeper_leaves_a_run_whose_lock_is_held_however_old_its_progress(wilayah_table):
    """A live run holds its request's advisory lock in its database session: the sweeper sees that and
    leaves it, even with no progress for an hour (a long recap); once the session is gone, it re-sends it."""
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    report = queued(admin, minutes_ago=61, status="running", attempts=1, dispatches=1, dispatched_at=hour_ago)
    ReportRequest.objects.filter(pk=report.pk).update(updated_at=hour_ago)
    with psycopg.connect(database_url_of_the_test_database(), autocommit=True) as run:
        run.execute("SELECT pg_advisory_lock(%s, %s)", [services.LOCK_SPACE, report.pk])
        swept = services.reports_sweep()
        assert not swept.changed and ReportRequest.objects.get(pk=report.pk).status == "running"
    # The session ended (a killed worker's connection): once the server has let the lock go, it is re-sent.
    swept = wait_until(lambda: services.reports_sweep().restarted, timeout=10, what="the lock let go")
    assert swept == [report.pk] and ReportRequest.objects.get(pk=report.pk).status == "done"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_only_one_sweep_runs_at_a_time(wilayah_table):
    with psycopg.connect(database_url_of_the_test_database(), autocommit=True) as other_sweep:
        other_sweep.execute("SELECT pg_advisory_lock(%s, %s)", [services.LOCK_SPACE, services.SWEEP_LOCK])
        assert services.reports_sweep().skipped
        other_sweep.execute("SELECT pg_advisory_unlock(%s, %s)", [services.LOCK_SPACE, services.SWEEP_LOCK])
        assert not services.reports_sweep().skipped


def test_the_sweeper_runs_on_beat_every_minute_and_as_a_command(wilayah_table, settings, capsys):
    entry = settings.CELERY_BEAT_SCHEDULE["reports-sweep"]
    assert entry["task"] == "kesos.reports.tasks.sweep_reports" and entry["schedule"] == 60.0
    assert entry["options"]["expires"] == 60.0  # sweeps queued during an outage do not pile up
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    report = queued(admin, minutes_ago=2)
    call_command("sweep_reports")
    assert "dikirim 1" in capsys.readouterr().out
    assert ReportRequest.objects.get(pk=report.pk).status == "done"
    assert sweep_reports.apply().get().startswith("dikirim 0")


# --- 3. Every error of a run ends it ------------------------------------------------------------------------
def immutable(path: Path):
    """Make `path` refuse new files: `chattr +i` as root (root ignores permission bits), else chmod 555."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(path)], check=True)
    else:
        path.chmod(0o555)


def writable(path: Path):
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        path.chmod(0o755)


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    def request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.report_request(**kwargs)

    return request


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])  # each writer opens its file its own way
def test_a_read_only_report_directory_fails_the_request_with_the_reason_and_leaves_no_file(
    wilayah_table, settings, tmp_path, ask, fmt
):
    root = tmp_path / "laporan-ro"
    root.mkdir()
    (root / "laporan-999-uji-63.csv.deadbeef.part").write_text("x")  # a killed run's leftover it cannot delete
    settings.KESOS_REPORT_ROOT = str(root)
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    immutable(root)
    try:
        report = ask(actor=admin, kind="uji", fmt=fmt, params=Params(region="63", year=2025))
    finally:
        writable(root)
    report.refresh_from_db()
    assert report.status == "failed" and report.progress == 100
    assert report.error == services.STORAGE_READ_ONLY and "penyimpanan tidak dapat ditulis" in report.error
    assert sorted(p.name for p in root.iterdir()) == ["laporan-999-uji-63.csv.deadbeef.part"]


def test_a_report_directory_that_cannot_be_created_fails_the_request_with_the_reason(
    wilayah_table, settings, tmp_path, ask
):
    """Before, `mkdir` ran outside the error handling and the request stayed `running` for good."""
    (tmp_path / "berkas").write_text("not a folder")
    settings.KESOS_REPORT_ROOT = str(tmp_path / "berkas" / "laporan")  # its parent is a file: ENOTDIR
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    report = ask(actor=admin, kind="uji", fmt="csv", params=Params(region="63", year=2025))
    report.refresh_from_db()
    assert report.status == "failed" and report.error == services.STORAGE_MISSING


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (errno.ENOSPC, "penyimpanan penuh"),
        (errno.EDQUOT, "penyimpanan penuh"),
        (errno.EACCES, "penyimpanan tidak dapat ditulis"),
        (errno.EROFS, "penyimpanan tidak dapat ditulis"),
        (errno.EPERM, "penyimpanan tidak dapat ditulis"),
        (errno.ENOENT, "folder penyimpanan laporan tidak ada"),
        (errno.EIO, "galat penyimpanan (EIO)"),
    ],
)
def test_each_storage_error_has_its_own_reason(code, expected):
    message, expected_error = services._reason(OSError(code, os.strerror(code)))
    assert expected in message and expected_error


def test_a_run_over_its_time_limit_fails_with_that_reason(settings):
    from celery.exceptions import SoftTimeLimitExceeded

    settings.KESOS_REPORT_TIME_LIMIT = 1800
    message, _ = services._reason(SoftTimeLimitExceeded())
    assert "waktu pembuatan habis (lebih dari 30 menit)" in message


@pytest.mark.parametrize("wrapped", [False, True])
def test_a_database_error_is_retried_and_the_report_made_once_the_database_is_back(
    wilayah_table, settings, ask, monkeypatch, wrapped
):
    settings.KESOS_REPORT_DB_RETRIES = 3
    FLAKY["left"] = 2
    monkeypatch.setitem(FLAKY, "wrapped", wrapped)
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    report = ask(actor=admin, kind="uji_db", fmt="csv", params=Params(region="63", year=2025))
    report.refresh_from_db()
    assert report.status == "done" and report.attempts == 3 and not report.error and report.rows == 2


def test_a_database_away_through_every_retry_fails_the_request_with_that_reason(wilayah_table, settings, ask):
    settings.KESOS_REPORT_DB_RETRIES = 2
    FLAKY["left"] = 99
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    report = ask(actor=admin, kind="uji_db", fmt="csv", params=Params(region="63", year=2025))
    FLAKY["left"] = 0
    report.refresh_from_db()
    assert report.status == "failed" and "basis data tidak tersedia (sudah dicoba 3 kali)" in report.error
    assert not list(Path(settings.KESOS_REPORT_ROOT).glob("*"))


def test_database_retries_wait_longer_each_time_up_to_five_minutes(settings):
    from kesos.reports.tasks import database_wait

    settings.KESOS_REPORT_DB_RETRY_SECONDS = 10
    assert [database_wait(tries) for tries in range(7)] == [10, 20, 40, 80, 160, 300, 300]


# --- 4. The page and the API say why a request waits ------------------------------------------------------
def test_the_page_and_the_api_say_a_request_waits_unusually_long_because_no_worker_answers(wilayah_table, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # a deployment with a broker: a worker should answer
    settings.KESOS_REPORT_SLOW_SECONDS = 120
    settings.KESOS_WORKER_STALE_SECONDS = 180
    admin, client = admin_client()
    Heartbeat.objects.create(name="worker", seen_at=timezone.now() - datetime.timedelta(minutes=10))
    report = queued(admin, minutes_ago=10, dispatched_at=timezone.now(), dispatches=1)
    fresh = queued(admin, dispatched_at=timezone.now(), dispatches=1)
    Heartbeat.objects.update(seen_at=timezone.now())  # a worker answers: the fresh request says nothing
    row = client.get(reverse("reports:status", args=[fresh.pk])).content.decode()
    assert "keterangan-tunggu" not in row
    Heartbeat.objects.update(seen_at=timezone.now() - datetime.timedelta(minutes=10))

    page = client.get(reverse("reports:index")).content.decode()
    assert "Menunggu lebih lama dari biasanya" in page
    assert "Tidak ada pekerja latar belakang yang menjawab (sejak" in page
    row = client.get(reverse("reports:status", args=[report.pk])).content.decode()
    assert 'data-alasan="pekerja"' in row and "Menunggu lebih lama dari biasanya" in row
    detail = client.get(reverse("reports-api:report-detail", args=[report.pk])).json()
    assert detail["waiting"]["long"] is True and [r["code"] for r in detail["waiting"]["reasons"]] == ["pekerja"]
    listed = client.get(reverse("reports-api:report-list")).json()["results"]
    assert {r["id"]: r["waiting"]["reasons"][0]["code"] for r in listed} == {report.pk: "pekerja", fresh.pk: "pekerja"}


def test_the_page_says_a_request_is_run_again_after_its_run_stopped_and_how_often_it_was_sent(wilayah_table, settings):
    settings.KESOS_REPORT_MAX_ATTEMPTS = 3
    settings.CELERY_TASK_ALWAYS_EAGER = False
    admin, client = admin_client()
    Heartbeat.objects.create(name="worker", seen_at=timezone.now())  # a worker answers
    report = queued(admin, minutes_ago=30, attempts=1, dispatches=2, dispatched_at=timezone.now())
    row = client.get(reverse("reports:status", args=[report.pk])).content.decode()
    assert 'data-alasan="terhenti dikirim_ulang"' in row
    assert "Pembuatan sebelumnya terhenti sebelum selesai; akan dijalankan lagi (percobaan ke-2 dari 3)." in row
    assert "Dikirim ulang ke antrean 1 kali." in row
    done = queued(admin, status="done")
    assert client.get(reverse("reports-api:report-detail", args=[done.pk])).json()["waiting"] is None
