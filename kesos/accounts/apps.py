from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "kesos.accounts"
    label = "accounts"
    verbose_name = "Akun dan peran"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from kesos.core.cache import on_recovery

        from .middleware import stamp_session_on_login
        from .notifications import forget_unread_counts

        user_logged_in.connect(stamp_session_on_login, dispatch_uid="kesos_session_stamp")
        on_recovery(forget_unread_counts)


class KesosAdminConfig(admin_apps.AdminConfig):
    """The Django admin, with a site that also asks for the second factor (kesos.accounts.admin_site)."""

    default = False  # kesos.accounts is AccountsConfig; this one is named in INSTALLED_APPS
    default_site = "kesos.accounts.admin_site.KesosAdminSite"
