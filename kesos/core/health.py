"""Dependency checks behind /healthz."""

from django.conf import settings
from django.db import connection
from django.utils import timezone
from kombu import Connection

from .models import Heartbeat


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True, "engine": connection.vendor}
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy; the type is reported
        return {"ok": False, "engine": connection.vendor, "error": type(exc).__name__}


def check_broker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager", "detail": "Tugas dijalankan langsung tanpa broker."}
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return {"ok": True, "mode": "broker"}
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "mode": "broker", "error": type(exc).__name__}


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
