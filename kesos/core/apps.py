from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kesos.core"
    label = "core"
    verbose_name = "Inti"
