from django.apps import AppConfig


class PpksConfig(AppConfig):
    name = "ppks"
    verbose_name = "Penerima manfaat (PPKS)"
