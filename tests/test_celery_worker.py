"""A real Celery worker (prefork, started with the `celery` CLI as in production) on Redis."""

import time

import pytest

from kesos.celery import app as celery_app
from kesos.core.models import Heartbeat
from kesos.core.tasks import record_worker_heartbeat
from tests.conftest import BROKER_URL


@pytest.mark.postgres
@pytest.mark.redis
def test_a_worker_process_consumes_a_task_sent_through_redis(worker_process):
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = BROKER_URL
    try:
        record_worker_heartbeat.apply_async(kwargs={"name": "uji"}, queue=worker_process)
    finally:
        celery_app.conf.task_always_eager = True
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        beat = Heartbeat.objects.filter(name="uji").first()
        if beat:
            break
        time.sleep(0.25)
    assert beat is not None, "the worker did not run the task within 60 s"
    assert beat.hostname
