from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kesos.audit"
    label = "audit"
    verbose_name = "Jejak audit"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import checks, receivers  # noqa: F401 - registers the system check and signal receivers
        from .append_only import install_after_migrate

        # After every migrate (all apps' tables exist by then): the audit tables refuse TRUNCATE.
        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="kesos.audit.append_only")
