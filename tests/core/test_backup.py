"""Backups (kesos/core/backup.py): one moment for the dump, the counts and the file list, files hashed as
they are copied, and the old backups pruned. The whole round trip, with a worker finishing the work in
flight, is in tests/acceptance/test_reliability_backup.py."""

import json
import subprocess
import sys
import tarfile
import threading
import time
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from kesos.core import backup
from kesos.core.models import Heartbeat
from tests.conftest import ROOT, database_url_of_the_test_database
from tests.faults import service_env


def test_on_sqlite_the_backup_says_how_to_back_up_instead(db, tmp_path):
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite message; on PostgreSQL the backup runs (below)")
    with pytest.raises(CommandError, match="butuh PostgreSQL.*db.sqlite3 dan folder media"):
        call_command("backup", "--to", str(tmp_path))
    assert not list(tmp_path.iterdir())


def test_files_are_hashed_as_copied_and_a_file_gone_since_the_snapshot_is_named(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    photo = tmp_path / "media" / "lampiran" / "kasus" / "1" / "a.png"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\x89PNG isi")
    files = backup._write_files(
        tmp_path / "files.tar", [("media", "lampiran/kasus/1/a.png"), ("laporan", "hilang.csv")]
    )
    assert files["missing"] == ["laporan/hilang.csv"]
    assert files["entries"] == [
        {"area": "media", "name": "lampiran/kasus/1/a.png", "size": 8, "sha256": backup.sha256_of(photo)}
    ]
    with tarfile.open(tmp_path / "files.tar") as tar:
        assert tar.getnames() == ["media/lampiran/kasus/1/a.png"]
        assert tar.extractfile("media/lampiran/kasus/1/a.png").read() == b"\x89PNG isi"
    with pytest.raises(backup.BackupError, match="Nama berkas tidak sah"):
        backup._inside(tmp_path / "media", "../../etc/passwd")


def test_old_backups_are_pruned_and_an_unfinished_one_is_never_counted(tmp_path):
    for stamp in ("20261101T021500Z", "20261102T021500Z", "20261103T021500Z"):
        (tmp_path / f"kesos-{stamp}").mkdir()
        (tmp_path / f"kesos-{stamp}" / "manifest.json").write_text("{}")
    (tmp_path / "kesos-20261104T021500Z.part").mkdir()  # interrupted: no manifest, not a backup
    gone = backup.backups_prune(tmp_path, keep=2)
    assert [p.name for p in gone] == ["kesos-20261101T021500Z"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "kesos-20261102T021500Z", "kesos-20261103T021500Z", "kesos-20261104T021500Z.part"
    ]  # fmt: skip


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_dump_and_the_counts_are_one_moment_while_writes_go_on(tmp_path):
    """A writer adds a row every few milliseconds during the backup; the restored database still has
    exactly the counts the manifest names (both come from the one exported snapshot)."""
    stop = threading.Event()

    def write():
        with psycopg.connect(database_url_of_the_test_database(), autocommit=True) as conn:
            while not stop.is_set():
                conn.execute(
                    "INSERT INTO core_heartbeat (name, seen_at, hostname) VALUES (%s, now(), 'uji')", [uuid.uuid4().hex]
                )
                time.sleep(0.002)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        time.sleep(0.3)
        path = backup.backup_create(tmp_path / "cadangan")
    finally:
        time.sleep(0.3)
        stop.set()
        writer.join(10)
    manifest = json.loads((path / "manifest.json").read_text())
    counted = manifest["tables"]["public.core_heartbeat"]
    assert 0 < counted < Heartbeat.objects.count(), "rows were written before and after the snapshot"

    name = f"{connection.settings_dict['NAME']}_momen"
    admin = database_url_of_the_test_database().rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        restored = subprocess.run(
            [sys.executable, "manage.py", "restore_backup", str(path)], cwd=ROOT, capture_output=True, text=True,
            env=service_env(DATABASE_URL=admin.rsplit("/", 1)[0] + f"/{name}", MEDIA_ROOT=str(tmp_path / "m"),
                            KESOS_REPORT_ROOT=str(tmp_path / "l"), CELERY_BROKER_URL="", REDIS_URL=""),
        )  # fmt: skip
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "Cocok dengan manifest" in restored.stdout
        with psycopg.connect(admin.rsplit("/", 1)[0] + f"/{name}") as conn:
            assert conn.execute("SELECT count(*) FROM core_heartbeat").fetchone()[0] == counted
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
