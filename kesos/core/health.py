"""Dependency checks behind /healthz. Each is bounded in time (the database by its connect and
statement timeouts, the broker by KESOS_BROKER_TIMEOUT), so a frozen dependency makes the probe
answer 503 within seconds instead of hanging it; failures and recoveries are logged once per outage."""

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
    """Informational: a missing worker delays reports but does not make the web tier unhealthy."""
    try:
        beat = Heartbeat.objects.filter(name="worker").first()
    except Exception:  # noqa: BLE001 - the database check reports the failure
        return {"last_seen": None}
    if beat is None:
        return {"last_seen": None}
    return {
        "last_seen": beat.seen_at.isoformat(),
        "age_seconds": round((timezone.now() - beat.seen_at).total_seconds()),
    }
