"""Celery tasks of the reports: each looks its request up and calls a service (kesos/reports/services.py)."""

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=40,
    time_limit=settings.KESOS_REPORT_TIME_LIMIT + 60,
    soft_time_limit=settings.KESOS_REPORT_TIME_LIMIT,
)
def generate_report(self, request_id: int) -> None:
    """Produce one ReportRequest's file. Redelivered after a worker dies; a finished request is skipped."""
    try:
        services.report_generate(pk=request_id)
    except services.Busy as busy:
        # Another delivery is producing it right now; look again later (it is skipped once done).
        raise self.retry(countdown=10) from busy


@shared_task(ignore_result=True)
def expire_reports() -> int:
    """Hourly (beat): delete report files past KESOS_REPORT_RETENTION_HOURS."""
    return services.reports_expire()


@shared_task(ignore_result=True)
def schedule_monthly_recaps() -> int:
    """Every few minutes and at beat start: from 01:00 on the 1st, queue the province's recaps of the
    month just ended, once per month (services.monthly_recaps_schedule)."""
    return len(services.monthly_recaps_schedule())
