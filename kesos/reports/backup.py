"""What a backup needs from the reports (kesos/core/backup.py): the files finished requests refer to, and
the requests in flight, which a restore queues and sends again."""

from collections.abc import Iterator
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from . import services
from .models import ReportRequest

IN_FLIGHT = (ReportRequest.Status.QUEUED, ReportRequest.Status.RUNNING)


def root() -> Path:
    return services.report_root()


def files() -> Iterator[str]:
    """Names (under KESOS_REPORT_ROOT) of the files of finished requests."""
    done = ReportRequest.objects.filter(status=ReportRequest.Status.DONE).exclude(file="")
    yield from done.values_list("file", flat=True).iterator()


def in_flight() -> int:
    return ReportRequest.objects.filter(status__in=IN_FLIGHT).count()


@transaction.atomic
def requeue() -> int:
    """After a restore: requests queued or running when the backup was taken (no worker of this server
    holds them) start again from the queue, and are sent to the worker once this commits."""
    reports = list(ReportRequest.objects.select_for_update().filter(status__in=IN_FLIGHT).order_by("pk"))
    ReportRequest.objects.filter(pk__in=[r.pk for r in reports]).update(
        status=ReportRequest.Status.QUEUED, progress=0, started_at=None, updated_at=timezone.now()
    )
    for report in reports:
        services._queue(report)
    return len(reports)
