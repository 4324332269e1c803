"""Backups that say what they promise: the database and the files at one moment, with a manifest, and a
restore that checks it and starts again the work that was in flight (`manage.py backup`,
`manage.py restore_backup`; docs/deployment.md, "Backups").

One moment: the backup opens a read-only REPEATABLE READ transaction and exports its snapshot
(`pg_export_snapshot()`); pg_dump reads that same snapshot (`--snapshot`), and the row counts and the
list of files are read in it too. Only files that snapshot refers to are copied (an upload that
arrives later is in neither the dump nor the copy), and each is hashed as it is copied. A file deleted
between the snapshot and its copy (a report file expiring) is named in the manifest as missing.

A backup is a directory `kesos-<UTC time>/` holding `database.dump` (pg_dump, custom format),
`files.tar` (the files, as `media/<name>` and `laporan/<name>`) and `manifest.json` (when, table row
counts, SHA-256 and size of both archives and of every file, applied migrations, work in flight). It
is written under a `.part` name and renamed when complete.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib
import json
import os
import re
import shutil
import socket
import subprocess
import tarfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

FORMAT = 1
MANIFEST, DUMP, FILES = "manifest.json", "database.dump", "files.tar"
CHUNK = 1 << 20

# Work recorded in our tables and done in the background, which a restore must start again: each module
# has in_flight() -> int (counted in the backup's snapshot) and requeue() -> int (after a restore: queue
# it again and send it). Background imports and notifications go here when there are any.
IN_FLIGHT = {"permintaan laporan": "kesos.reports.backup"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Indonesian."""


# --- Files -----------------------------------------------------------------------------------------
def _areas() -> dict[str, tuple[Path, Callable[[], Iterator[str]]]]:
    """Where files live and which of them the database refers to: uploads (every FileField, under
    MEDIA_ROOT) and report files (under KESOS_REPORT_ROOT)."""
    from kesos.reports import backup as reports

    return {
        "media": (Path(settings.MEDIA_ROOT), _uploads),
        "laporan": (reports.root(), reports.files),
    }


def _uploads() -> Iterator[str]:
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                names = model._base_manager.exclude(**{field.attname: ""}).values_list(field.attname, flat=True)
                yield from names.iterator()


def _inside(root: Path, name: str) -> Path:
    """`root / name`, refusing a name that would leave `root` (absolute, `..`)."""
    path = (root / name).resolve()
    if name.startswith("/") or not path.is_relative_to(root.resolve()):
        raise BackupError(f"Nama berkas tidak sah di cadangan: {name!r}.")
    return path


class _Hashing:
    """A file read through, hashing what passes (tarfile reads it in blocks)."""

    def __init__(self, handle):
        self.handle = handle
        self.sha = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        block = self.handle.read(size)
        self.sha.update(block)
        self.size += len(block)
        return block


def sha256_of(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            sha.update(block)
    return sha.hexdigest()


# --- PostgreSQL tools ------------------------------------------------------------------------------
def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise BackupError(
            "Pencadangan ini butuh PostgreSQL (DATABASE_URL=postgres://…). Pada SQLite (mode coba), hentikan "
            "aplikasi lalu salin berkas db.sqlite3 dan folder media."
        )


def _server_major() -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


def _tool(name: str) -> tuple[str, str]:
    """pg_dump / pg_restore of the server's major version where Debian keeps several, else the one on PATH."""
    major = _server_major()
    for candidate in (Path(f"/usr/lib/postgresql/{major}/bin/{name}"), shutil.which(name)):
        if candidate and Path(candidate).exists():
            found = str(candidate)
            break
    else:
        raise BackupError(f"{name} tidak ditemukan: pasang postgresql-client-{major} (Debian).")
    version = subprocess.run([found, "--version"], capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603
    match = re.search(r"(\d+)(?:\.\d+)?", version)
    if not match or int(match.group(1)) < major:
        raise BackupError(
            f"{name} versi {version.strip()} lebih lama dari server PostgreSQL {major}: "
            f"pasang postgresql-client-{major}."
        )
    return found, version


def _libpq_env() -> dict[str, str]:
    """The connection of the app's database as libpq variables (the password never on a command line)."""
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGCONNECT_TIMEOUT": "10"}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    if sslmode := db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    return env


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, env=_libpq_env(), capture_output=True, text=True)  # noqa: S603 - pg_dump/pg_restore
    if result.returncode != 0:
        raise BackupError(f"{what} gagal (kode {result.returncode}): {result.stderr.strip()[-2000:]}")


def _tables(cursor) -> list[str]:
    """Every table of the database outside PostgreSQL's own schemas, as quoted "schema"."name"."""
    cursor.execute(
        """SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp%%'
            ORDER BY 1"""
    )
    return [row[0] for row in cursor.fetchall()]


def _no_timeouts(cursor) -> None:
    """Counting every row of a large table, or holding the snapshot while pg_dump runs, takes longer than
    a web request may; the transaction's own settings lift the app's time bounds for it."""
    for name in ("statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout"):
        cursor.execute(f"SET LOCAL {name} = 0")


def _counts(cursor) -> dict[str, int]:
    counts = {}
    for table in _tables(cursor):
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - names quoted by quote_ident above
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations(cursor) -> dict[str, str]:
    cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
    return dict(cursor.fetchall())


# --- Backup ----------------------------------------------------------------------------------------
def backup_create(destination: Path, *, log: Callable[[str], None] = lambda line: None) -> Path:
    """Take a backup into a new directory under `destination`; returns its path."""
    _require_postgresql()
    pg_dump, pg_dump_version = _tool("pg_dump")
    destination.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    name = f"kesos-{datetime.datetime.now(datetime.UTC):%Y%m%dT%H%M%SZ}"
    final, part = destination / name, destination / f"{name}.part"
    if final.exists():
        raise BackupError(f"{final} sudah ada.")
    shutil.rmtree(part, ignore_errors=True)
    part.mkdir(mode=0o700)  # personal data: readable by the account that took it only
    manifest: dict = {"format": FORMAT, "host": socket.gethostname(), "database": {}, "files": {}}

    with transaction.atomic(), connection.cursor() as cursor:
        # The first statement of the transaction: everything below sees one snapshot, also pg_dump's.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        _no_timeouts(cursor)
        cursor.execute("SELECT pg_export_snapshot(), now(), current_setting('server_version')")
        snapshot, taken_at, server_version = cursor.fetchone()
        manifest["taken_at"] = taken_at.isoformat()
        log(f"Snapshot {snapshot} pada {timezone.localtime(taken_at):%Y-%m-%d %H:%M:%S %Z}.")
        manifest["tables"] = _counts(cursor)
        manifest["migrations"] = _migrations(cursor)
        manifest["in_flight"] = {label: importlib.import_module(path).in_flight() for label, path in IN_FLIGHT.items()}
        wanted = sorted({(area, name) for area, (_, names) in _areas().items() for name in names()})
        dumped = time.monotonic()
        _run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-password", f"--file={part / DUMP}"], "pg_dump"
        )
        manifest["database"] = {
            "file": DUMP, "name": connection.settings_dict["NAME"], "server_version": server_version,
            "pg_dump": pg_dump_version,
            "size": (part / DUMP).stat().st_size, "sha256": sha256_of(part / DUMP),
            "seconds": round(time.monotonic() - dumped, 1),
        }  # fmt: skip
    log(f"Basis data: {len(manifest['tables'])} tabel, {sum(manifest['tables'].values())} baris.")

    manifest["files"] = _write_files(part / FILES, wanted)
    log(f"Berkas: {len(manifest['files']['entries'])} ({manifest['files']['bytes']} byte).")
    for missing in manifest["files"]["missing"]:
        log(f"PERHATIAN: {missing} sudah tidak ada saat disalin (terhapus setelah snapshot).")
    manifest["seconds"] = round(time.monotonic() - started, 1)
    (part / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    for written in part.iterdir():
        written.chmod(0o600)
    os.replace(part, final)
    return final


def _write_files(path: Path, wanted: list[tuple[str, str]]) -> dict:
    roots = {area: root for area, (root, _) in _areas().items()}
    entries, missing = [], []
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for area, name in wanted:
            source = _inside(roots[area], name)
            try:
                handle = open(source, "rb")  # noqa: SIM115 - closed below, after tarfile read it
            except FileNotFoundError:
                missing.append(f"{area}/{name}")
                continue
            with handle:
                info = tar.gettarinfo(fileobj=handle, arcname=f"{area}/{name}")
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                reader = _Hashing(handle)
                tar.addfile(info, reader)
            entries.append({"area": area, "name": name, "size": reader.size, "sha256": reader.sha.hexdigest()})
    return {
        "file": FILES, "size": path.stat().st_size, "sha256": sha256_of(path), "entries": entries,
        "bytes": sum(e["size"] for e in entries), "missing": missing,
    }  # fmt: skip


def backups_prune(destination: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` complete backups under `destination`; returns what went."""
    complete = sorted(p for p in destination.glob("kesos-*") if p.is_dir() and (p / MANIFEST).exists())
    gone = complete[:-keep] if keep > 0 else []
    for old in gone:
        shutil.rmtree(old)
    return gone


# --- Restore ---------------------------------------------------------------------------------------
def manifest_of(source: Path) -> dict:
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source} bukan cadangan Kesos yang utuh ({MANIFEST}: {exc}).") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Format cadangan {manifest.get('format')!r} tidak dikenal (perintah ini: {FORMAT}).")
    return manifest


def backup_verify(source: Path) -> dict:
    """Check both archives against the manifest before anything is touched; returns the manifest."""
    manifest = manifest_of(source)
    for part in (manifest["database"], manifest["files"]):
        path = source / part["file"]
        if not path.exists() or path.stat().st_size != part["size"] or sha256_of(path) != part["sha256"]:
            raise BackupError(f"{path} tidak cocok dengan manifest (ukuran atau SHA-256): cadangan rusak.")
    return manifest


def backup_restore(source: Path, *, jobs: int = 2, log: Callable[[str], None] = lambda line: None) -> dict:
    """Restore a backup into the configured (empty) database and the configured file directories, check
    it against the manifest and send again the work in flight. Returns what was done and measured."""
    _require_postgresql()
    started = time.monotonic()
    manifest = backup_verify(source)
    pg_restore, _ = _tool("pg_restore")
    with connection.cursor() as cursor:
        if tables := _tables(cursor):
            raise BackupError(
                f"Basis data {connection.settings_dict['NAME']} tidak kosong ({len(tables)} tabel): pulihkan ke "
                "basis data baru yang kosong (createdb), agar tidak ada data yang tertimpa."
            )
    roots = {area: root for area, (root, _) in _areas().items()}
    _check_no_clash(source, manifest, roots)

    log(f"Memulihkan basis data dari {source / DUMP} ...")
    database = connection.settings_dict["NAME"]
    _run([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", f"--jobs={max(1, jobs)}",
          "--no-password", f"--dbname={database}", str(source / DUMP)], "pg_restore")  # fmt: skip
    database_seconds = time.monotonic() - started
    log(f"Memulihkan {len(manifest['files']['entries'])} berkas ...")
    _extract_files(source / FILES, manifest, roots)

    connection.close()  # a fresh connection sees the restored schema
    with transaction.atomic(), connection.cursor() as cursor:
        _no_timeouts(cursor)
        counts = _counts(cursor)
    differences = [
        f"{table}: cadangan {manifest['tables'].get(table)}, hasil pulih {counts.get(table)}"
        for table in sorted(set(counts) | set(manifest["tables"]))
        if counts.get(table) != manifest["tables"].get(table)
    ]
    if differences:
        raise BackupError("Jumlah baris tidak cocok dengan manifest:\n" + "\n".join(differences))
    log(f"Cocok dengan manifest: {len(counts)} tabel, {sum(counts.values())} baris, "
        f"{len(manifest['files']['entries'])} berkas (SHA-256).")  # fmt: skip

    migrated = _migrate_if_behind(log)
    requeued = {label: importlib.import_module(path).requeue() for label, path in IN_FLIGHT.items()}
    for label, count in requeued.items():
        log(f"Dikirim ulang ke worker: {count} {label} yang sedang berjalan/antre saat pencadangan.")
    return {
        "tables": len(counts), "rows": sum(counts.values()), "files": len(manifest["files"]["entries"]),
        "missing": manifest["files"]["missing"], "requeued": requeued, "migrated": migrated,
        "database_seconds": round(database_seconds, 1), "seconds": round(time.monotonic() - started, 1),
    }  # fmt: skip


def _check_no_clash(source: Path, manifest: dict, roots: dict[str, Path]) -> None:
    """A file already at a restored file's place must be the same file; nothing is overwritten."""
    for entry in manifest["files"]["entries"]:
        target = _inside(roots[entry["area"]], entry["name"])
        if target.exists() and sha256_of(target) != entry["sha256"]:
            raise BackupError(f"{target} sudah ada dengan isi lain; pulihkan ke folder media yang kosong.")


def _extract_files(archive: Path, manifest: dict, roots: dict[str, Path]) -> None:
    expected = {f"{e['area']}/{e['name']}": e for e in manifest["files"]["entries"]}
    seen = set()
    with tarfile.open(archive, "r") as tar:
        for member in tar:
            entry = expected.get(member.name)
            if entry is None or not member.isfile():
                raise BackupError(f"{member.name} ada di {FILES} tetapi tidak di manifest.")
            target = _inside(roots[entry["area"]], entry["name"])
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.pulih")
            reader = _Hashing(tar.extractfile(member))
            with open(temporary, "wb") as out:
                for block in iter(lambda: reader.read(CHUNK), b""):  # noqa: B023 - used within the iteration
                    out.write(block)
            if reader.sha.hexdigest() != entry["sha256"]:
                temporary.unlink()
                raise BackupError(f"{member.name}: SHA-256 tidak cocok dengan manifest.")
            os.replace(temporary, target)
            seen.add(member.name)
    if absent := set(expected) - seen:
        raise BackupError(f"Berkas di manifest tidak ada di {FILES}: {', '.join(sorted(absent))}.")


def _migrate_if_behind(log: Callable[[str], None]) -> bool:
    """A backup from an older version gets this version's migrations (after the check against the
    manifest, which describes the backup as it was)."""
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return False
    log("Cadangan dari versi yang lebih lama: menjalankan migrate ...")
    call_command("migrate", interactive=False, verbosity=0)
    return True
