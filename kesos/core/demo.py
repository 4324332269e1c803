"""The quick start's demo data set, drawn from the five source articles (Kalsel, Kalteng, Muara Enim).

Each app adds its part to DEMO_STEPS as it arrives. Every step is idempotent: running the quick
start again updates rows in place and never duplicates them.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

DEMO_PASSWORD = "Kesos#Demo2026"  # noqa: S105 - printed for the demo accounts; refused in production


@dataclass
class DemoReport:
    accounts: list[tuple[str, str]] = field(default_factory=list)  # (username, description)
    lines: list[str] = field(default_factory=list)


@transaction.atomic
def load_demo() -> DemoReport:
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Data demo tidak boleh dimuat di produksi (KESOS_ENV=production).")
    from kesos.accounts.demo import load_accounts
    from kesos.reports.demo import load_spm_targets
    from lks.demo import load_lks
    from pilar.demo import load_pilar
    from ppks.demo import load_persons

    report = DemoReport()
    for step in (load_accounts, load_persons, load_lks, load_pilar, load_spm_targets):
        step(report)
    return report
