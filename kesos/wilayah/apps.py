from django.apps import AppConfig


class WilayahConfig(AppConfig):
    name = "kesos.wilayah"
    label = "wilayah"
    verbose_name = "Wilayah"
