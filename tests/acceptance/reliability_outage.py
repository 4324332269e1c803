"""Issue 14, "Done when": Redis and PostgreSQL outages seen by a user of a real gunicorn.

Two of the issue's points, each one test (gathered later into tests/acceptance/test_reliability.py):
- with the test's own Redis stopped, a logged-in user browses every main page without an error, and
  with Redis frozen, requests answer within a few seconds;
- a database held under a lock, or a frozen server, makes a page answer 503 within its timeout, and
  as JSON on the API.

gunicorn runs with the project's gunicorn.conf.py against a private PostgreSQL cluster holding the
demo data and a private redis-server (tests/faults.py), never the machine's shared services. Short
time bounds come through the environment, as an operator would set them.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from contextlib import contextmanager

import psycopg
import pytest
import requests

from tests.faults import ROOT, service_env, start_gunicorn

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

DEMO_PASSWORD = "Kesos#Demo2026"  # noqa: S105 - the demo accounts' published password
ERROR_PAGES = ("Terjadi kesalahan", "Layanan sedang terganggu", "Server Error", "Traceback")


@pytest.fixture(scope="module")
def demo_database(own_postgres) -> str:
    """A database of the private cluster, migrated, with the region table and the demo data."""
    url = own_postgres.fresh_database()
    env = service_env(DATABASE_URL=url)
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    subprocess.run([sys.executable, "manage.py", "load_demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    return url


def gunicorn_env(database_url: str, tmp_path, **overrides: str) -> dict[str, str]:
    env = service_env(
        DATABASE_URL=database_url,
        DEBUG="0",
        KESOS_REPORT_ROOT=str(tmp_path / "laporan"),
        MEDIA_ROOT=str(tmp_path / "media"),
        LOG_LEVEL="INFO",
        KESOS_OUTAGE_QUIET_SECONDS="2",
        **overrides,
    )
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        if name not in overrides:
            env.pop(name, None)
    return env


@contextmanager
def gunicorn(env):
    service, base = start_gunicorn(env)
    try:
        yield service, base
    finally:
        service.stop()


class User:
    """A browser's worth of HTTP: a session cookie, the CSRF token, timings."""

    def __init__(self, base: str, username: str):
        self.base = base
        self.http = requests.Session()
        form = self.http.get(f"{base}/masuk/", timeout=15)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        data = {"csrfmiddlewaretoken": token, "username": username, "password": DEMO_PASSWORD}
        home = self.http.post(f"{base}/masuk/", data=data, headers={"Referer": f"{base}/masuk/"}, timeout=15)
        assert home.status_code == 200 and not home.url.endswith("/masuk/"), f"{username} did not log in"

    def request(self, method: str, path: str, **kwargs) -> tuple[requests.Response, float]:
        headers = {"X-CSRFToken": self.http.cookies.get("csrftoken", ""), "Referer": self.base + "/"}
        start = time.monotonic()
        response = self.http.request(method, self.base + path, headers=headers, timeout=60, **kwargs)
        return response, time.monotonic() - start

    def get(self, path: str) -> tuple[requests.Response, float]:
        return self.request("GET", path)

    def first_link(self, list_path: str, pattern: str) -> str:
        response, _ = self.get(list_path)
        found = re.search(pattern, response.text)
        assert found, f"no link {pattern} on {list_path}"
        return found.group(0).strip('"')


def probe(base: str) -> tuple[requests.Response, float]:
    """/healthz as a container probe asks it: no session."""
    start = time.monotonic()
    response = requests.get(f"{base}/healthz", timeout=60)
    return response, time.monotonic() - start


def assert_page_ok(response: requests.Response, seconds: float, path: str, limit: float) -> None:
    assert response.status_code == 200, f"{path}: {response.status_code}"
    assert not any(marker in response.text for marker in ERROR_PAGES), f"{path} shows an error page"
    assert seconds < limit, f"{path} took {seconds:.1f} s"


def log_lines(output: str, text: str) -> list[str]:
    return [line for line in output.splitlines() if text in line]


# --- Redis stopped, then frozen --------------------------------------------------------------------
# --- PostgreSQL under a lock, then frozen ----------------------------------------------------------
@contextmanager
def rows_locked(database_url: str, sql: str, *params):
    """Another session holds row locks (`SELECT … FOR UPDATE`) until the block ends."""
    with psycopg.connect(database_url, connect_timeout=10) as other:
        locked = other.execute(sql, params).fetchall()
        assert locked, "nothing to lock"
        try:
            yield
        finally:
            other.rollback()
