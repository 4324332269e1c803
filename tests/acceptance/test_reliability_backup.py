"""Issue 14, "Backups that say what they promise": `manage.py backup` and `manage.py restore_backup` run
as an operator would, on the machine's PostgreSQL, into a fresh empty database the test creates and a
new media directory; a worker of the restored installation then finishes the work that was in flight."""

import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from kesos.accounts.models import Role
from kesos.reports import services as reports
from kesos.reports.models import ReportRequest
from kesos.reports.recap import Params
from ppks.models import Person, PpksCategory
from ppks.services import case_open
from ppks.services.attachments import attachment_add
from tests.conftest import ROOT, database_url_of_the_test_database
from tests.factories import AssignmentFactory, UserFactory
from tests.faults import Service, own_redis, service_env, wait_until  # noqa: F401 - own_redis is a fixture
from tests.files import PDF, png_bytes

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=service_env(**env), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def table_counts(url: str) -> dict[str, int]:
    """Every table's row count, counted here rather than read from the manifest."""
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(relname) FROM pg_stat_user_tables ORDER BY 1"
        ).fetchall()
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for (t,) in tables}  # noqa: S608


def file_checksums(*roots: Path) -> dict[str, str]:
    return {
        f"{i}/{path.relative_to(root)}": hashlib.sha256(path.read_bytes()).hexdigest()
        for i, root in enumerate(roots)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def empty_database():
    """A fresh database with nothing in it, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_pulih_{uuid.uuid4().hex[:6]}"
    admin_url = database_url_of_the_test_database().rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield database_url_of_the_test_database().rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def installation(transactional_db, wilayah_table, reference_rows, settings, tmp_path):
    """An installation with an uploaded file on a case, a finished report with its file, and two
    report requests in flight (one waiting in the queue, one a worker was running)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    admin = UserFactory(username="admin.kalsel")
    AssignmentFactory(user=admin, role=Role.ADMIN_PROVINSI, wilayah_id="63")
    person = Person.objects.create(name="Jumberi", sex="L", wilayah_id="63.72.03.1001")
    case = case_open(actor=admin, person=person, categories=[PpksCategory.objects.get(code="PPKS-24")],
                     source="datang", summary="Uji cadangan")  # fmt: skip
    for name, content in (("rumah.png", png_bytes()), ("surat.pdf", PDF)):
        attachment_add(actor=admin, case=case, upload=SimpleUploadedFile(name, content))
    params = Params(region="63", year=2025, month=11)
    done = reports.report_request(actor=admin, kind="r7", fmt="csv", params=params)  # runs in-process here
    assert ReportRequest.objects.get(pk=done.pk).status == "done"
    waiting = ReportRequest.objects.create(kind="r7", format="csv", params=params.as_json(), region_id="63",
                                           requested_by=admin)  # fmt: skip
    running = ReportRequest.objects.create(kind="r2", format="xlsx", params=params.as_json(), region_id="63",
                                           requested_by=admin, status="running", progress=50, attempts=1)  # fmt: skip
    return {"in_flight": [waiting.pk, running.pk], "done": done.pk, "media": Path(settings.MEDIA_ROOT)}


def test_a_damaged_backup_or_a_database_in_use_is_refused_before_anything_is_touched(
    installation, empty_database, tmp_path
):
    """The restore checks the archives against the manifest first, and restores only into an empty
    database, so a bad backup or a wrong DATABASE_URL overwrites nothing."""
    manage("backup", "--to", str(tmp_path / "cadangan"), DATABASE_URL=database_url_of_the_test_database(),
           MEDIA_ROOT=str(installation["media"]), KESOS_REPORT_ROOT=settings.KESOS_REPORT_ROOT)  # fmt: skip
    (backup,) = (tmp_path / "cadangan").glob("kesos-*")
    env = {"DATABASE_URL": database_url_of_the_test_database(), "MEDIA_ROOT": str(tmp_path / "m"),
           "KESOS_REPORT_ROOT": str(tmp_path / "l")}  # fmt: skip
    refused = subprocess.run([sys.executable, "manage.py", "restore_backup", str(backup)], cwd=ROOT,
                             env=service_env(**env), capture_output=True, text=True)  # fmt: skip
    assert refused.returncode != 0 and "tidak kosong" in refused.stderr

    with open(backup / "files.tar", "r+b") as archive:
        archive.seek(600)
        archive.write(b"rusak")
    env["DATABASE_URL"] = empty_database
    refused = subprocess.run([sys.executable, "manage.py", "restore_backup", str(backup)], cwd=ROOT,
                             env=service_env(**env), capture_output=True, text=True)  # fmt: skip
    assert refused.returncode != 0 and "tidak cocok dengan manifest" in refused.stderr
    with psycopg.connect(empty_database) as conn:
        assert conn.execute("SELECT count(*) FROM pg_stat_user_tables").fetchone()[0] == 0
    assert not os.path.exists(tmp_path / "m")
