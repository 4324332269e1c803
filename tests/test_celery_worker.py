"""A real Celery worker (prefork, started with the `celery` CLI as in production) on Redis."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from kesos.celery import app as celery_app
from kesos.core.models import Heartbeat
from kesos.core.tasks import record_worker_heartbeat
from tests.conftest import BROKER_URL

ROOT = Path(__file__).resolve().parent.parent


def database_url_of_the_test_database() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def worker_process(transactional_db):
    """`celery -A kesos worker` in its own process, reading the test database."""
    queue = f"uji-{os.getpid()}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_the_test_database(),
        "CELERY_BROKER_URL": BROKER_URL,
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "kesos",
        "worker",
        "--pool=prefork",
        "--concurrency=1",
        "-Q",
        queue,
        "-l",
        "warning",
        "-n",
        f"{queue}@%h",
        "--without-mingle",
        "--without-gossip",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    yield queue
    process.terminate()
    output = process.communicate(timeout=30)[0].decode()
    assert "Traceback" not in output, output


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
