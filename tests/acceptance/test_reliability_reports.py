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

from tests.acceptance.test_recaps import YEAR
from tests.conftest import ROOT, database_url_of_the_test_database
from tests.faults import service_env, start_celery, wait_until

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
# --- (b) Redis stopped while a report is requested -------------------------------------------------------
