"""Dependency checks behind /healthz. Each is bounded in time (the database by its connect and
statement timeouts, the broker by KESOS_BROKER_TIMEOUT), so a frozen dependency makes the probe
answer 503 within seconds instead of hanging it; failures and recoveries are logged once per outage."""

import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone
from kombu import Connection

from . import outage
from .models import Heartbeat


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy; the type is reported
        outage.database.failed(exc.__cause__ or exc)
        return {"ok": False, "engine": connection.vendor, "error": type(exc).__name__}
    outage.database.succeeded()
    return {"ok": True, "engine": connection.vendor}


def check_broker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager", "detail": "Tugas dijalankan langsung tanpa broker."}
    timeout = settings.KESOS_BROKER_TIMEOUT
    # Without socket timeouts a frozen Redis accepts the connection and never answers.
    options = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=timeout, transport_options=options) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2 * timeout)
    except Exception as exc:  # noqa: BLE001
        outage.broker.failed(exc)
        return {"ok": False, "mode": "broker", "error": type(exc).__name__}
    outage.broker.succeeded()
    return {"ok": True, "mode": "broker"}


def worker_status() -> dict:
    """When a worker last ran the heartbeat task, and whether that is too long ago (`stale`).

    Informational: a stale worker delays reports but leaves /healthz at 200. /healthz is the web tier's
    probe; answering 503 would take the web servers out of the load balancer (users could no longer
    browse or download finished reports) and, in compose, keep the worker and beat from starting, as
    they wait for a healthy web. Alert on `worker.stale` instead; the reports page tells users.
    """
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"last_seen": None, "stale": False, "detail": "Tugas dijalankan langsung tanpa worker."}
    seen, stale = worker_heartbeat()
    body = {"last_seen": seen.isoformat() if seen else None, "stale": stale,
            "stale_after_seconds": settings.KESOS_WORKER_STALE_SECONDS}  # fmt: skip
    if seen is not None:
        body["age_seconds"] = round((timezone.now() - seen).total_seconds())
    return body


def worker_heartbeat() -> tuple[datetime.datetime | None, bool | None]:
    """(last heartbeat, stale?): stale when none for KESOS_WORKER_STALE_SECONDS (beat asks every minute);
    never stale when tasks run in-process; None (unknown) when the database does not answer."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return None, False
    try:
        beat = Heartbeat.objects.filter(name="worker").first()
    except Exception:  # noqa: BLE001 - the database check reports the failure
        return None, None
    if beat is None:
        return None, True
    age = (timezone.now() - beat.seen_at).total_seconds()
    return beat.seen_at, age > settings.KESOS_WORKER_STALE_SECONDS
