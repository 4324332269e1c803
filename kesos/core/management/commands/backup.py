"""`manage.py backup --to DIR`: the database and the files at one moment, with a manifest (kesos/core/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kesos.core.backup import BackupError, backup_create, backups_prune


class Command(BaseCommand):
    help = "Cadangkan basis data dan berkas (unggahan, laporan) pada satu saat, dengan manifest."

    def add_arguments(self, parser):
        parser.add_argument(
            "--to", required=True, type=Path, help="folder tujuan; cadangan menjadi subfolder kesos-<waktu UTC>"
        )
        parser.add_argument("--keep", type=int, default=0, help="hapus cadangan lama di folder itu, sisakan N terbaru")

    def handle(self, *args, to: Path, keep: int, **options):
        try:
            path = backup_create(to, log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Cadangan selesai: {path}"))
        for old in backups_prune(to, keep):
            self.stdout.write(f"Cadangan lama dihapus: {old}")
