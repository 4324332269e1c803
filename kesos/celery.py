"""The Celery app. With no broker configured (quick start), settings make every task run eagerly."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesos.settings")

app = Celery("kesos")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
