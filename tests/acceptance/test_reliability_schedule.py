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
from django.utils import timezone

from kesos.core.models import JobRun
from kesos.reports.kinds import MONTHLY
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


def test_two_beats_over_the_first_of_the_month_queue_each_recap_once_and_a_late_beat_catches_up(services_env):
    """Two beat processes started together over a simulated 1st of the month queue each monthly recap
    once; a beat started at 01:00:30 on the 1st still queues that month's recaps."""
    env, broker = services_env
    # December's run (November's recaps) was done on 1 December, as it would have been.
    JobRun.objects.create(job="reports-monthly", slot=DECEMBER, ran_at=timezone.now())

    # 1. A worker and two beats, their clocks at 00:59:50 on 1 January 2027 (Makassar) as they start.
    anchor = time.time()
    moment = "2027-01-01T00:59:50+08:00"
    processes = [worker(moment, anchor, env), beat(moment, anchor, env), beat(moment, anchor, env)]
    try:
        wait_until(lambda: recaps_of(DECEMBER).count() == len(MONTHLY), timeout=120, what="December's recaps")
        # Both beats sent the job at 01:00 (and once at their start); let the worker finish every message.
        wait_until(lambda: all("Sending due task reports-monthly" in p.output for p in processes[1:]),
                   timeout=60, what="both beats sending the monthly job at 01:00")  # fmt: skip
        wait_until(lambda: drained(broker), timeout=180, what="the queue drained")
        time.sleep(1)
        wait_until(lambda: drained(broker), timeout=60, what="the queue drained")
    finally:
        outputs = stop_all(*processes)
    for beat_output in outputs[1:]:
        assert beat_output.count("Sending due task reports-monthly") >= 1
    recaps = recaps_of(DECEMBER)
    assert sorted((r.kind, r.format) for r in recaps) == sorted(MONTHLY), "each monthly recap exactly once"
    assert all(r.params == {"region": "63", "year": 2026, "month": 12} for r in recaps)
    assert all(r.status == "done" and r.attempts == 1 for r in recaps), [(r.kind, r.status, r.error) for r in recaps]
    assert all(r.created_at >= datetime.datetime(2027, 1, 1, 1, 0, tzinfo=timezone.get_current_timezone())
               for r in recaps), "made from 01:00 on, not before"  # fmt: skip
    assert ReportRequest.objects.filter(scheduled=True).count() == len(MONTHLY)

    # 2. Beat down at 01:00 on 1 February, and started at 01:00:30 with a fresh schedule: the month's
    # recaps come at its start, not at the next five-minute mark (01:05) nor next month.
    anchor = time.time()
    moment = "2027-02-01T01:00:30+08:00"
    processes = [worker(moment, anchor, env), beat(moment, anchor, env)]
    try:
        wait_until(lambda: recaps_of(JANUARY).count() == len(MONTHLY), timeout=120, what="January's recaps")
        caught_up_after = time.time() - anchor
        wait_until(lambda: drained(broker), timeout=180, what="the queue drained")
    finally:
        stop_all(*processes)
    assert caught_up_after < 270, "at the beat's start, before the next five-minute mark (01:05:00)"
    january = recaps_of(JANUARY)
    assert sorted((r.kind, r.format) for r in january) == sorted(MONTHLY), "each monthly recap exactly once"
    assert {r.params["month"] for r in january} == {1}
    assert recaps_of(DECEMBER).count() == len(MONTHLY)
    assert list(JobRun.objects.filter(job="reports-monthly").order_by("slot").values_list("slot", flat=True)) == [
        DECEMBER, JANUARY, datetime.date(2027, 2, 1)
    ]  # fmt: skip
