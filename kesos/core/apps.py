from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kesos.core"
    label = "core"
    verbose_name = "Inti"

    def ready(self):
        from celery.signals import beat_init

        from .schedule import send_all_at_start

        # A beat that starts sends every periodic job once: a run missed while it was down happens now.
        beat_init.connect(send_all_at_start, dispatch_uid="kesos-send-all-at-start")
