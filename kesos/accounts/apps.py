from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kesos.accounts"
    label = "accounts"
    verbose_name = "Akun dan peran"
