from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kesos.reports"
    label = "reports"
    verbose_name = "Laporan dan rekapitulasi"
