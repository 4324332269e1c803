"""Platform tasks."""

import socket

from celery import shared_task
from django.utils import timezone

from .models import Heartbeat


@shared_task(ignore_result=True)
def record_worker_heartbeat(name: str = "worker") -> None:
    """Run by beat every minute; proves a worker consumes the queue (shown on /healthz)."""
    Heartbeat.objects.update_or_create(
        name=name, defaults={"seen_at": timezone.now(), "hostname": socket.gethostname()}
    )


@shared_task(ignore_result=True)
def purge_idempotency_keys() -> int:
    """Run by beat hourly: delete create keys older than KESOS_IDEMPOTENCY_KEY_HOURS."""
    from .idempotency import purge_expired

    return purge_expired()
