"""A visible warning when the change history cannot record (it needs PostgreSQL triggers)."""

from django.conf import settings
from django.core import checks
from django.db import connection

SQLITE_WARNING = (
    "Riwayat perubahan data (pghistory) nonaktif di SQLite: pemicu PostgreSQL tidak tersedia. "
    "Log akses dan peristiwa login tetap tercatat. Gunakan PostgreSQL untuk produksi."
)


def history_enabled() -> bool:
    return connection.vendor == "postgresql"


@checks.register("kesos")
def check_history_backend(app_configs, **kwargs):
    if history_enabled():
        return []
    if settings.PRODUCTION:
        # A production trail with holes fails UU PDP Pasal 31; refuse rather than warn.
        return [checks.Error("Produksi memerlukan PostgreSQL: " + SQLITE_WARNING, id="kesos.E001")]
    return [checks.Warning(SQLITE_WARNING, id="kesos.W001")]
