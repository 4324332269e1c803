"""The Celery app. With no broker configured (quick start), settings make every task run eagerly."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesos.settings")

app = Celery("kesos")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.worker_process_init.connect
@signals.beat_init.connect
def use_worker_database_timeouts(**kwargs) -> None:
    """Workers and beat run long statements (recaps): the database bounds of a worker, not of a web
    request (KESOS_WORKER_DB_*; kesos.core.db_timeouts), set before the process opens a connection."""
    from kesos.core.db_timeouts import use_worker_timeouts

    use_worker_timeouts()
