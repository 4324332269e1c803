from django.apps import AppConfig


class PilarConfig(AppConfig):
    name = "pilar"
    verbose_name = "Pilar sosial"
