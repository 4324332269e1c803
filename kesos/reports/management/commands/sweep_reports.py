from django.core.management.base import BaseCommand

from kesos.reports.services import reports_sweep


class Command(BaseCommand):
    help = (
        "Menyapu permintaan laporan yang macet: mengirim lagi yang menunggu tanpa dikerjakan, menjalankan ulang "
        "atau menggagalkan (dengan alasan) yang pembuatannya terhenti. Beat menjalankannya tiap menit; aman "
        "dijalankan kapan saja."
    )

    def handle(self, *args, **options):
        result = reports_sweep()
        self.stdout.write(f"Penyapu laporan: {result}.")
        if result.unsent:
            self.stdout.write(self.style.WARNING("Layanan antrean tidak dapat dihubungi; coba lagi nanti."))
