"""`manage.py restore_backup DIR`: into an empty database and the file directories, checked against the
manifest, with the work in flight sent again (kesos/core/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kesos.core.backup import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = "Pulihkan cadangan ke basis data kosong (DATABASE_URL) dan folder media, lalu cocokkan dengan manifest."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="folder cadangan (kesos-<waktu UTC>)")
        parser.add_argument("--jobs", type=int, default=2, help="proses pg_restore sekaligus (bawaan 2)")
        parser.add_argument("--check-only", action="store_true", help="hanya periksa arsip terhadap manifest")

    def handle(self, *args, source: Path, jobs: int, check_only: bool, **options):
        try:
            if check_only:
                manifest = backup_verify(source)
                self.stdout.write(self.style.SUCCESS(
                    f"Arsip utuh: {len(manifest['tables'])} tabel, {len(manifest['files']['entries'])} berkas, "
                    f"diambil {manifest['taken_at']}."
                ))  # fmt: skip
                return
            result = backup_restore(source, jobs=jobs, log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Pemulihan selesai dalam {result['seconds']} detik (basis data {result['database_seconds']} detik): "
            f"{result['tables']} tabel, {result['rows']} baris, {result['files']} berkas."
        ))  # fmt: skip
