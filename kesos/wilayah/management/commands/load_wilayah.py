from django.core.management.base import BaseCommand
from django.db.models import Count

from kesos.wilayah.models import Level, Wilayah
from kesos.wilayah.services import VINTAGE, wilayah_load


class Command(BaseCommand):
    help = f"Memuat data wilayah Kemendagri ({VINTAGE}). Aman dijalankan berulang kali."

    def handle(self, *args, **options):
        result = wilayah_load()
        self.stdout.write(
            f"Wilayah: {result.created} baru, {result.updated} diperbarui, "
            f"{result.deactivated} dinonaktifkan, {result.unchanged} tetap."
        )
        counts = dict(Wilayah.objects.active().values_list("level").annotate(n=Count("code")).values_list("level", "n"))
        self.stdout.write(
            "Aktif: " + ", ".join(f"{counts.get(level.value, 0):,} {level.label}".replace(",", ".") for level in Level)
        )
