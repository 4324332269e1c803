import logging

from django.core.management.base import BaseCommand

from kesos.audit.checks import SQLITE_WARNING, history_enabled
from kesos.core.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Memuat data demo (dari lima artikel sumber) dan akun demo. Aman dijalankan berulang kali."

    def handle(self, *args, **options):
        # The demo's own audit rows are in the database; they need not scroll past on the console.
        audit_log = logging.getLogger("kesos.audit")
        level = audit_log.level
        audit_log.setLevel(logging.WARNING)
        try:
            report = load_demo()
        finally:
            audit_log.setLevel(level)
        self.stdout.write("Data demo: " + ", ".join(report.lines) + ".")
        self.stdout.write(f"Akun demo (kata sandi semua akun: {DEMO_PASSWORD}):")
        width = max(len(username) for username, _ in report.accounts)
        for username, description in report.accounts:
            self.stdout.write(f"  {username.ljust(width)}  {description}")
        if not history_enabled():
            self.stdout.write(self.style.WARNING(f"PERHATIAN: {SQLITE_WARNING}"))
