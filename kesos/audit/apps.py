from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kesos.audit"
    label = "audit"
    verbose_name = "Jejak audit"

    def ready(self):
        from . import checks, receivers  # noqa: F401 - registers the system check and signal receivers
