"""Issue 14, "One scheduler, no missed month": real `celery beat` and `celery worker` processes over a
simulated 1st of the month, on a Redis of the test's own (tests/faults.py) and the test database.

The processes' wall clock is moved with tests/clock.py (time-machine; it says why not libfaketime);
beat and worker share one timeline, and the worker's task reads the date from it as in production.
"""

import datetime
import sys
import time

import pytest
import redis
from django.conf import settings

from kesos.reports.models import ReportRequest
from tests.conftest import database_url_of_the_test_database
from tests.faults import Service, own_redis, service_env, wait_until  # noqa: F401 - own_redis is a fixture

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]
DECEMBER, JANUARY = datetime.date(2026, 12, 1), datetime.date(2027, 1, 1)


def on_clock(moment: str, anchor: float, env: dict, *args: str, log_name: str) -> Service:
    """`celery -A kesos <args>` whose wall clock reads `moment` at the real time `anchor`."""
    command = [sys.executable, "tests/clock.py", moment, str(anchor), "celery", "-A", "kesos", *args]
    return Service(command, env, log_name=log_name)


def worker(moment: str, anchor: float, env: dict) -> Service:
    return on_clock(moment, anchor, env, "worker", "--pool=prefork", "--concurrency=2", "-l", "info",
                    "-n", f"uji-{time.monotonic_ns()}@%h", "--without-mingle", "--without-gossip",
                    log_name="worker")  # fmt: skip


def beat(moment: str, anchor: float, env: dict) -> Service:
    return on_clock(moment, anchor, env, "beat", "-l", "info", log_name="beat")


def recaps_of(month: datetime.date):
    """The scheduled recaps covering `month` (made on the 1st of the month after)."""
    return ReportRequest.objects.filter(scheduled=True, period=month)


def drained(broker: redis.Redis) -> bool:
    """Nothing waiting in the queue and nothing taken but unfinished (tasks are acknowledged late)."""
    return broker.llen("celery") == 0 and broker.hlen("unacked") == 0


@pytest.fixture
def services_env(own_redis, transactional_db, wilayah_table, reference_rows):  # noqa: F811 - pytest fixture
    settings_env = service_env(
        DATABASE_URL=database_url_of_the_test_database(),
        CELERY_BROKER_URL=own_redis.url(0),
        REDIS_URL=own_redis.url(1),
        KESOS_REPORT_ROOT=settings.KESOS_REPORT_ROOT,
        KESOS_PROVINCE_CODE="63",
        KESOS_REPORT_QUEUE="celery",
    )
    return settings_env, redis.Redis.from_url(own_redis.url(0))


def stop_all(*processes: Service) -> list[str]:
    outputs = [process.stop() for process in processes]
    for output in outputs:
        assert "Traceback" not in output, output[-4000:]
    return outputs
