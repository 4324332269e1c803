from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kesos.accounts"
    label = "accounts"
    verbose_name = "Akun dan peran"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import stamp_session_on_login

        user_logged_in.connect(stamp_session_on_login, dispatch_uid="kesos_session_stamp")
