"""Platform tasks, and the one way to send a task best-effort: now, or after a commit."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterable, Mapping

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from . import outage
from .models import Heartbeat

logger = logging.getLogger("kesos.outage")


def publish_after_commit(
    task,
    *,
    args: Iterable = (),
    kwargs: Mapping | None = None,
    queue: str | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
    using: str | None = None,
    **options,
) -> None:
    """Send `task` to the broker once the current transaction commits, best-effort.

    What the transaction wrote stays written and the request answers normally even when the broker
    is down or frozen: the publish gives up after about KESOS_BROKER_TIMEOUT seconds (settings
    CELERY_BROKER_TRANSPORT_OPTIONS, CELERY_TASK_PUBLISH_RETRY_POLICY), the outage is logged once
    (kesos.core.outage.broker), and `on_failure(exc)` is called so the owner can record that the work
    was not sent (and send it again later). Without a broker (quick start) the task runs at once, in
    process, as `apply_async` does there; its own errors then propagate as before.
    """
    from kesos.celery import app

    eager = app.conf.task_always_eager

    def publish() -> None:
        if eager:
            task.apply_async(args=list(args), kwargs=dict(kwargs or {}), queue=queue, **options)
            return
        failure = publish_now(task, args=args, kwargs=kwargs, queue=queue, **options)
        if failure is not None and on_failure is not None:
            try:
                on_failure(failure)
            except Exception:
                logger.exception("Kegagalan mengirim tugas %s tidak dapat dicatat.", task.name)

    transaction.on_commit(publish, using=using, robust=not eager)


def publish_now(
    task, *, args: Iterable = (), kwargs: Mapping | None = None, queue: str | None = None, **options
) -> BaseException | None:
    """Send `task` to the broker now, best-effort: None when sent, else the error, never raised (the
    outage logged once, kesos.core.outage.broker). For an owner that records the outcome itself."""
    try:
        task.apply_async(args=list(args), kwargs=dict(kwargs or {}), queue=queue, **options)
    except Exception as exc:  # noqa: BLE001 - any failure to send leaves the work recorded, not lost
        outage.broker.failed(exc)
        return exc
    outage.broker.succeeded()
    return None


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
