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


def test_health_reports_when_a_worker_last_ran(client):
    from kesos.core.tasks import record_worker_heartbeat

    assert client.get(reverse("healthz")).json()["worker"] == {"last_seen": None}
    record_worker_heartbeat.delay()
    worker = client.get(reverse("healthz")).json()["worker"]
    assert worker["last_seen"] is not None and worker["age_seconds"] <= 5
