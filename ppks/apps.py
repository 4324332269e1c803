from django.apps import AppConfig


class PpksConfig(AppConfig):
    name = "ppks"
    verbose_name = "Penerima manfaat (PPKS)"

    def ready(self):
        from . import subject  # noqa: F401 - registers the data-subject report sections
