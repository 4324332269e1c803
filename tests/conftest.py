"""Shared test set-up.

The test database gets the full 2025 region table once per session. Tests marked `postgres`,
`redis` or `browser` skip, saying why, when their service is missing; with
KESOS_REQUIRE_SERVICES=1 (CI) a missing service fails the run instead, so CI never skips them.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from kesos.celery import app as celery_app
from kesos.wilayah.models import Wilayah
from kesos.wilayah.services import wilayah_load
from tests.faults import own_postgres, own_redis  # noqa: F401 - fixtures for fault tests

# Playwright's sync API runs an event loop in the test thread; the ORM calls made beside it are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("KESOS_REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("KESOS_CHROMIUM", "/usr/bin/chromium")
# The broker the settings found in the environment; unit tests run tasks eagerly whatever it is.
BROKER_URL = settings.CELERY_BROKER_URL
celery_app.conf.task_always_eager = True


def _flush_past_the_audit_guard():
    """The audit tables refuse TRUNCATE (kesos.audit.append_only); pytest-django empties every table
    with TRUNCATE (Django's flush) after each transactional test. Only that flush may pass."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    from kesos.audit.append_only import BYPASS

    flush = DatabaseOperations.execute_sql_flush
    if getattr(flush, "kesos_audit_bypass", False):
        return

    def execute_sql_flush(self, sql_list):
        return flush(self, [f"SET LOCAL {BYPASS} = 'on'", *sql_list] if sql_list else sql_list)

    execute_sql_flush.kesos_audit_bypass = True
    DatabaseOperations.execute_sql_flush = execute_sql_flush


_flush_past_the_audit_guard()


def missing_service(marker: str) -> str | None:
    if marker == "postgres" and connection.vendor != "postgresql":
        return "butuh PostgreSQL: set DATABASE_URL=postgres://... (quick start uses SQLite)"
    if marker == "redis" and not BROKER_URL.startswith("redis"):
        return "butuh Redis dan worker Celery sungguhan: set REDIS_URL=redis://127.0.0.1:6379/0"
    if marker == "browser" and not shutil.which(CHROMIUM):
        return f"butuh Chromium di {CHROMIUM}: apt-get install chromium"
    return None


def pytest_runtest_setup(item):
    for marker in ("postgres", "redis", "browser"):
        if item.get_closest_marker(marker) and (reason := missing_service(marker)):
            if REQUIRE_SERVICES:
                pytest.fail(f"KESOS_REQUIRE_SERVICES=1 tetapi {reason}", pytrace=False)
            pytest.skip(reason)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        wilayah_load()


@pytest.fixture
def reference_rows(django_db_blocker):
    """For transactional tests: a flush empties the rows the data migrations seeded (PPKS categories,
    reference lists, LKS and pillar types); put them back."""
    with django_db_blocker.unblock():
        restore_reference_rows()


def restore_reference_rows() -> None:
    """Seed again what a flush emptied: the data migrations' reference rows."""
    from lks import reference_data as lks_reference
    from lks.models import LksType
    from pilar import reference_data as pilar_reference
    from pilar.models import PilarType
    from ppks import reference_data
    from ppks.models import PpksCategory, Referensi

    if not PpksCategory.objects.exists():
        reference_data.seed(PpksCategory, Referensi)
    if not LksType.objects.exists():
        lks_reference.seed(LksType)
    if not PilarType.objects.exists():
        pilar_reference.seed(PilarType)


@pytest.fixture
def wilayah_table(django_db_blocker):
    """For transactional tests: the flush after an earlier one may have emptied the region table."""
    with django_db_blocker.unblock():
        if not Wilayah.objects.filter(code="63").exists():
            wilayah_load()


# --- A real Celery worker ------------------------------------------------------------------------
def database_url_of_the_test_database() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_worker(queue: str, **env_overrides: str) -> subprocess.Popen:
    """Start `celery -A kesos worker` (prefork, one child) consuming `queue`, reading the test database."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_the_test_database(),
        "CELERY_BROKER_URL": BROKER_URL,
        "KESOS_REPORT_ROOT": settings.KESOS_REPORT_ROOT,
        **env_overrides,
    }
    command = [
        sys.executable, "-m", "celery", "-A", "kesos", "worker", "--pool=prefork", "--concurrency=1",
        "-Q", queue, "-l", "warning", "-n", f"{queue}@%h", "--without-mingle", "--without-gossip",
    ]  # fmt: skip
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop_worker(process: subprocess.Popen) -> str:
    """Stop a worker started by `start_worker` and return what it printed."""
    process.terminate()
    return process.communicate(timeout=30)[0].decode()


@pytest.fixture
def worker_process(transactional_db):
    """A real worker process reading the test database; yields the name of the queue it consumes."""
    queue = f"uji-{os.getpid()}"
    process = start_worker(queue)
    yield queue
    output = stop_worker(process)
    assert "Traceback" not in output, output


# --- Browser -------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "id-ID", "timezone_id": "Asia/Makassar"}


@pytest.fixture
def phone(browser):
    """A page at a mid-range Android phone's viewport, as a TKSK in the field would use."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="id-ID"
    )
    yield context.new_page()
    context.close()


@pytest.fixture(autouse=True)
def report_files(settings, tmp_path):
    """Generated reports go to a temporary directory, never into the checkout's media/."""
    settings.KESOS_REPORT_ROOT = str(tmp_path / "laporan")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2's deliberate slowness protects real accounts, not test ones."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Each test starts with no hits counted against the per-user rate limits (kesos.core.ratelimit)."""
    from django.core.cache import cache

    if hasattr(cache, "_cache") and hasattr(cache._cache, "get_client"):  # Redis: only our counters
        client = cache._cache.get_client(None, write=True)
        keys = list(client.scan_iter(match=cache.make_key("kesos:rl:*")))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()
