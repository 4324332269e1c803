import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_health_is_ok_when_the_database_answers_and_tasks_run_in_process(client):
    with override_settings(CELERY_TASK_ALWAYS_EAGER=True):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"] == {"ok": True, "mode": "eager", "detail": "Tugas dijalankan langsung tanpa broker."}
    assert response["Cache-Control"].startswith("max-age=0")


def test_health_is_503_when_the_broker_does_not_answer(client):
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["broker"]["ok"] is False


@pytest.mark.redis
def test_health_checks_the_real_broker(client):
    from tests.conftest import BROKER_URL

    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=BROKER_URL):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["broker"] == {"ok": True, "mode": "broker"}


def test_health_reports_when_a_worker_last_ran_and_when_that_is_too_long_ago(client, settings):
    """With a broker, a worker should answer: no heartbeat, or one older than KESOS_WORKER_STALE_SECONDS, is
    `stale` in the body. It leaves the status code as the database and broker make it (see health.worker_status)."""
    import datetime

    from django.utils import timezone

    from kesos.core.models import Heartbeat
    from kesos.core.tasks import record_worker_heartbeat

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.KESOS_WORKER_STALE_SECONDS = 180
    never = client.get(reverse("healthz"))
    assert never.json()["worker"] == {"last_seen": None, "stale": True, "stale_after_seconds": 180}
    record_worker_heartbeat.delay()  # what a worker does each minute
    fresh = client.get(reverse("healthz"))
    worker = fresh.json()["worker"]
    assert worker["last_seen"] is not None and worker["age_seconds"] <= 5 and worker["stale"] is False
    Heartbeat.objects.update(seen_at=timezone.now() - datetime.timedelta(minutes=4))
    old = client.get(reverse("healthz"))
    assert old.json()["worker"]["stale"] is True and old.json()["worker"]["age_seconds"] >= 240
    assert old.status_code == fresh.status_code == never.status_code


def test_health_says_no_worker_is_needed_when_tasks_run_in_process(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    worker = client.get(reverse("healthz")).json()["worker"]
    assert worker["stale"] is False and worker["last_seen"] is None
