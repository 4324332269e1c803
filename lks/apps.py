from django.apps import AppConfig


class LksConfig(AppConfig):
    name = "lks"
    verbose_name = "Lembaga Kesejahteraan Sosial (LKS)"

    def ready(self):
        from . import subject  # noqa: F401 - registers the data-subject report sections
