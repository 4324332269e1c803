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
def test_with_redis_stopped_every_main_page_works_and_with_redis_frozen_requests_answer_within_seconds(
    own_redis, demo_database, tmp_path
):
    """Issue 14, Done when 1 (pages): with the test's own Redis stopped, a logged-in user browses every
    main page without an error (operator, provincial admin, auditor, leadership, LKS operator, on pages
    and the API, an LKS operator's change that waits for verification included); with Redis frozen,
    requests answer within a few seconds. The outage is logged once when it starts and once when it
    ends, without a traceback."""
    env = gunicorn_env(
        demo_database, tmp_path, REDIS_URL=own_redis.url(3), CELERY_BROKER_URL=own_redis.url(4), KESOS_CACHE_TIMEOUT="1"
    )
    with gunicorn(env) as (service, base):
        own_redis.stop()

        operator = User(base, "operator.banjarmasin")
        person = operator.first_link("/ppks/orang/", r'"/ppks/orang/\d+/"')
        lks = operator.first_link("/lks/", r'"/lks/\d+/"')
        pages = {
            operator: [
                "/", "/ppks/orang/", person, "/ppks/keluarga/", "/ppks/kasus/",
                "/ppks/pekerjaan-saya/", "/lks/", lks, f"{lks}penghuni/", "/lks/kedaluwarsa/", "/lks/antrean/",
                "/laporan/", "/notifikasi/", "/api/v1/ppks/orang/", "/api/v1/lks/lks/",
            ],
        }  # fmt: skip
        admin = User(base, "admin.kalsel")
        member = admin.first_link("/pilar/", r'"/pilar/\d+/"')
        pages[admin] = ["/", "/pilar/", member, "/pilar/cakupan/", "/pilar/kegiatan/", "/pilar/laporan/",
                        "/pengguna/", "/dasbor/", "/laporan/spm/", "/notifikasi/"]  # fmt: skip
        pages[User(base, "auditor.kalsel")] = ["/", "/audit/", "/audit/perubahan/"]
        pages[User(base, "pimpinan.kalsel")] = ["/", "/dasbor/", "/laporan/"]
        for user, paths in pages.items():
            for path in paths:
                assert_page_ok(*user.get(path), path, limit=3)

        # An exact NIK search (counted against the rate limit) still answers.
        search, _ = operator.request("POST", "/api/v1/ppks/orang/cari/", json={"q": "6371010101900001"})
        assert search.status_code == 200

        # An LKS operator's change that needs the Dinsos's verification: saved, answered, announced.
        lks_operator = User(base, "operator.lks")
        own = lks_operator.get("/api/v1/lks/lks/")[0].json()["results"][0]
        detail = f"/api/v1/lks/lks/{own['id']}/"
        version = lks_operator.get(detail)[0].json()["version"]
        change, _ = lks_operator.request("PATCH", detail, json={"name": "Yayasan Al-Ikhlas Baru", "version": version})
        assert change.status_code == 202, change.text
        inbox, _ = operator.get("/notifikasi/")
        assert "Al-Ikhlas" in inbox.text and "menunggu verifikasi" in inbox.text

        # Redis back: the outage ends, logged once.
        own_redis.start()
        time.sleep(2.5)  # KESOS_OUTAGE_QUIET_SECONDS
        for _ in range(3):
            assert_page_ok(*operator.get("/"), "/", limit=3)
            time.sleep(0.5)

        # Redis frozen: connections are accepted and never answered.
        own_redis.freeze()
        try:
            for user, path in [(operator, "/"), (operator, person), (operator, "/api/v1/ppks/orang/"),
                               (admin, "/pilar/"), (operator, "/notifikasi/"), (operator, "/laporan/")]:  # fmt: skip
                assert_page_ok(*user.get(path), path, limit=4)
            health, seconds = probe(base)
            assert health.status_code == 503 and health.json()["broker"]["ok"] is False and seconds < 4
        finally:
            own_redis.thaw()
        log = service.stop()

    assert "Traceback" not in log, log[-5000:]
    assert len(log_lines(log, "Cache (Redis) tidak tersedia")) == 2, log[-5000:]  # stopped, then frozen
    assert len(log_lines(log, "Cache (Redis) kembali tersedia")) >= 1, log[-5000:]


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


def test_a_database_under_a_lock_or_frozen_answers_503_within_its_timeout_and_json_on_the_api(
    own_postgres, demo_database, tmp_path
):
    """Issue 14, Done when 5: a database held under a lock (another session holds the row the page's
    write needs) or a frozen server (the postmaster SIGSTOPped, so new connections hang) makes a page
    answer 503 with Retry-After within its timeout, in Indonesian, and as JSON on the API; once the
    database answers again, so do the pages. Logged once per outage, no traceback."""
    env = gunicorn_env(
        demo_database, tmp_path,
        KESOS_DB_LOCK_TIMEOUT="2", KESOS_DB_STATEMENT_TIMEOUT="5", KESOS_DB_CONNECT_TIMEOUT="2",
        # Every request opens its own connection: sessions already open keep working while the postmaster is frozen.
        CONN_MAX_AGE="0",
    )  # fmt: skip
    with gunicorn(env) as (service, base):
        lks_operator = User(base, "operator.lks")
        own = lks_operator.get("/api/v1/lks/lks/")[0].json()["results"][0]
        detail = f"/api/v1/lks/lks/{own['id']}/"
        version = lks_operator.get(detail)[0].json()["version"]
        change, _ = lks_operator.request("PATCH", detail, json={"name": "Yayasan Al-Ikhlas Baru", "version": version})
        assert change.status_code == 202  # supervisors now have unread messages
        operator = User(base, "operator.banjarmasin")

        # A page's write waits on a row another session holds.
        unread = (
            "SELECT n.id FROM accounts_notification n JOIN accounts_user u ON u.id = n.user_id "
            "WHERE u.username = 'operator.banjarmasin' AND n.read_at IS NULL FOR UPDATE"
        )
        with rows_locked(demo_database, unread):
            response, seconds = operator.request("POST", "/notifikasi/baca/")
        assert response.status_code == 503 and seconds < 5, (response.status_code, seconds)
        assert response.headers["Retry-After"] == "30"
        assert "sedang dipakai oleh proses lain" in response.text and "sudah tersimpan" in response.text

        # The same on the API: JSON.
        with rows_locked(demo_database, "SELECT id FROM lks_lks WHERE id = %s FOR UPDATE", own["id"]):
            version = lks_operator.get(detail)[0].json()["version"]
            response, seconds = lks_operator.request("PATCH", detail, json={"phone": "0511-1", "version": version})
        assert response.status_code == 503 and seconds < 5, (response.status_code, seconds)
        assert response.headers["Content-Type"] == "application/json" and response.headers["Retry-After"] == "30"
        assert "sedang dipakai oleh proses lain" in response.json()["detail"]

        # The lock is gone: the page works.
        time.sleep(2.5)
        response, _ = operator.request("POST", "/notifikasi/baca/")
        assert response.status_code == 200 and "/notifikasi/" in response.url

        # A frozen server: new connections hang until connect_timeout.
        own_postgres.freeze()
        try:
            page, page_seconds = operator.get("/ppks/orang/")
            api, api_seconds = lks_operator.get("/api/v1/lks/lks/")
            health, health_seconds = probe(base)
        finally:
            own_postgres.thaw()
        assert page.status_code == 503 and page_seconds < 5, (page.status_code, page_seconds)
        assert "Basis data sedang tidak dapat dihubungi" in page.text and page.headers["Retry-After"] == "30"
        assert api.status_code == 503 and api_seconds < 5, (api.status_code, api_seconds)
        assert api.headers["Content-Type"] == "application/json" and api.headers["Retry-After"] == "30"
        assert api.json()["detail"].startswith("Basis data sedang tidak dapat dihubungi")
        assert health.status_code == 503 and health.json()["database"]["ok"] is False and health_seconds < 5

        time.sleep(2.5)
        assert_page_ok(*operator.get("/ppks/orang/"), "/ppks/orang/", limit=5)
        log = service.stop()

    assert "Traceback" not in log, log[-5000:]
    started = log_lines(log, "Basis data (PostgreSQL) tidak tersedia")
    assert 2 <= len(started) <= 3, log[-5000:]  # the lock, (perhaps once more for the API's), the frozen server
    assert log_lines(log, "Basis data (PostgreSQL) kembali tersedia"), log[-5000:]
