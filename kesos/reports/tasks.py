"""Celery tasks of the reports: each looks its request up and calls a service (kesos/reports/services.py)."""

import logging

from celery import shared_task
from django.conf import settings

from . import services

log = logging.getLogger(__name__)


@shared_task(
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=40,
    time_limit=settings.KESOS_REPORT_TIME_LIMIT + 60,
    soft_time_limit=settings.KESOS_REPORT_TIME_LIMIT,
)
def generate_report(self, request_id: int, db_tries: int = 0) -> None:
    """Produce one ReportRequest's file. Redelivered after a worker dies; a finished request is skipped.

    A database error (the server restarting, a connection cut) is retried KESOS_REPORT_DB_RETRIES times
    with a doubling wait from KESOS_REPORT_DB_RETRY_SECONDS, then the request fails with "basis data
    tidak tersedia"; if even that cannot be written, the sweeper ends it once the database is back.
    """
    try:
        services.report_generate(pk=request_id)
    except services.Busy as busy:
        # Another delivery is producing it right now; look again later (it is skipped once done).
        raise self.retry(countdown=10) from busy
    except services.DATABASE_ERRORS as exc:
        if db_tries < settings.KESOS_REPORT_DB_RETRIES:
            wait = database_wait(db_tries)
            log.warning("Laporan %s: basis data tidak tersedia (%s); dicoba lagi dalam %s detik", request_id,
                        exc, wait)  # fmt: skip
            raise self.retry(args=[request_id], kwargs={"db_tries": db_tries + 1}, countdown=wait,
                             max_retries=self.request.retries + 1) from exc  # fmt: skip
        services.report_give_up(pk=request_id, tries=db_tries + 1)


def database_wait(tries: int) -> float:
    """Seconds before database retry number `tries` + 1: doubling from KESOS_REPORT_DB_RETRY_SECONDS, at most 5 min."""
    return min(settings.KESOS_REPORT_DB_RETRY_SECONDS * 2**tries, 300)


@shared_task(ignore_result=True)
def sweep_reports() -> str:
    """Every KESOS_REPORT_SWEEP_SECONDS (beat): send again what waits with nothing running, end dead runs."""
    try:
        return str(services.reports_sweep())
    except services.DATABASE_ERRORS as exc:  # one line a minute while the database is away, not a traceback
        log.warning("Penyapu laporan: basis data tidak tersedia (%s); dicoba lagi pada sapuan berikutnya", exc)
        return "basis data tidak tersedia"


@shared_task(ignore_result=True)
def expire_reports() -> int:
    """Hourly (beat): delete report files past KESOS_REPORT_RETENTION_HOURS."""
    return services.reports_expire()


@shared_task(ignore_result=True)
def schedule_monthly_recaps() -> int:
    """Every few minutes and at beat start: from 01:00 on the 1st, queue the province's recaps of the
    month just ended, once per month (services.monthly_recaps_schedule)."""
    return len(services.monthly_recaps_schedule())
