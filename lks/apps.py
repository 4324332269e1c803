from django.apps import AppConfig


class LksConfig(AppConfig):
    name = "lks"
    verbose_name = "Lembaga Kesejahteraan Sosial (LKS)"
