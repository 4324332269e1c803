"""Periodic jobs do each period's work once however often beat sends them, and a run missed while beat
was down happens when it is back (kesos/core/schedule.py). The real beat and worker processes over a
simulated 1st of the month are in tests/acceptance/test_reliability_schedule.py."""

import datetime
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone

from kesos.accounts.models import Notification, Role
from kesos.core.models import JobRun
from kesos.core.schedule import Periodic, run_once
from kesos.reports import kinds, services
from kesos.reports.models import ReportRequest
from kesos.wilayah.models import Wilayah
from lks.services.expiry import expiry_notify_daily
from tests.factories import AssignmentFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent.parent
MONTHLY = services.MONTHLY_RUN


def local(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def test_a_period_is_due_from_its_time_on():
    assert MONTHLY.slot(local(2027, 1, 1, 0, 59, 59)) == datetime.date(2026, 12, 1)  # December's run
    assert MONTHLY.slot(local(2027, 1, 1, 1, 0)) == datetime.date(2027, 1, 1)
    assert MONTHLY.slot(local(2027, 1, 31, 23, 0)) == datetime.date(2027, 1, 1)
    daily = Periodic("uji", every="day", at=datetime.time(6, 0))
    assert daily.slot(local(2027, 3, 2, 5, 59)) == datetime.date(2027, 3, 1)
    assert daily.slot(local(2027, 3, 2, 6, 0)) == datetime.date(2027, 3, 2)
    # The local time of TIME_ZONE, whatever the clock's zone: 17:00 UTC is 01:00 in Makassar (UTC+8).
    utc = datetime.datetime(2026, 12, 31, 17, 0, tzinfo=datetime.UTC)
    assert settings.TIME_ZONE == "Asia/Makassar" and MONTHLY.slot(utc) == datetime.date(2027, 1, 1)


@pytest.mark.django_db
def test_a_period_runs_once_and_a_failed_run_is_tried_again():
    job = Periodic("uji", every="day", at=datetime.time(6, 0))
    ran = []
    at = local(2027, 3, 2, 6, 0)
    assert run_once(job, lambda day: ran.append(day) or "selesai", now=at) == "selesai"
    assert run_once(job, ran.append, now=at + datetime.timedelta(hours=17)) is None  # same day: nothing
    assert ran == [datetime.date(2027, 3, 2)]

    def failing(day):
        raise RuntimeError("database hilang")

    with pytest.raises(RuntimeError):
        run_once(job, failing, now=at + datetime.timedelta(days=1))
    assert not JobRun.objects.filter(job="uji", slot=datetime.date(2027, 3, 3)).exists()  # rolled back
    assert run_once(job, ran.append, now=at + datetime.timedelta(days=1, minutes=5)) is None
    assert ran == [datetime.date(2027, 3, 2), datetime.date(2027, 3, 3)]


@pytest.fixture
def one_monthly_kind(monkeypatch, settings):
    """One cheap monthly recap (R7 as CSV) instead of four, so the tests do not build the province's recaps."""
    monkeypatch.setattr(kinds, "MONTHLY", (("r7", "csv"),))
    monkeypatch.setattr(services, "MONTHLY", (("r7", "csv"),))
    settings.KESOS_PROVINCE_CODE = "63"


@pytest.mark.django_db
def test_the_monthly_recaps_are_made_once_and_a_missed_month_when_beat_is_back(
    one_monthly_kind, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert services.monthly_recaps_schedule(now=local(2027, 1, 1, 0, 59)) != []  # December's, missed so far
        december = services.monthly_recaps_schedule(now=local(2027, 1, 1, 1, 0))
        assert services.monthly_recaps_schedule(now=local(2027, 1, 1, 1, 5)) == []
        assert services.monthly_recaps_schedule(now=local(2027, 1, 20, 9, 0)) == []
        # Beat down from the 31st to the 3rd: the month's recaps when it is back.
        january = services.monthly_recaps_schedule(now=local(2027, 2, 3, 8, 0))
    assert [r.params for r in december] == [{"region": "63", "year": 2026, "month": 12}]
    assert [r.params for r in january] == [{"region": "63", "year": 2027, "month": 1}]
    assert len(queued) == 3  # November's, December's, January's: each sent once
    rows = ReportRequest.objects.filter(scheduled=True)
    assert sorted(rows.values_list("period", flat=True)) == [
        datetime.date(2026, 11, 1), datetime.date(2026, 12, 1), datetime.date(2027, 1, 1)
    ]  # fmt: skip
    assert list(JobRun.objects.filter(job="reports-monthly").order_by("slot").values_list("slot", flat=True)) == [
        datetime.date(2026, 12, 1), datetime.date(2027, 1, 1), datetime.date(2027, 2, 1)
    ]  # fmt: skip


@pytest.mark.django_db
def test_the_database_holds_one_scheduled_recap_per_kind_format_region_and_month():
    region = Wilayah.objects.get(code="63")
    fields = {"kind": "r1", "format": "xlsx", "region": region, "params": {"region": "63", "year": 2026, "month": 12}}
    ReportRequest.objects.create(scheduled=True, period=datetime.date(2026, 12, 1), **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportRequest.objects.create(scheduled=True, period=datetime.date(2026, 12, 1), **fields)
    # Requests people make are not scheduled: asking twice for the same recap is theirs to do.
    ReportRequest.objects.create(**fields)
    ReportRequest.objects.create(**fields)
    ReportRequest.objects.create(scheduled=True, period=datetime.date(2026, 11, 1), **fields)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_make_the_months_recaps_once(one_monthly_kind, wilayah_table):
    """Two workers running the job sent by two beats at 01:00: the advisory lock and the claim let one through."""
    start = threading.Barrier(2)
    results = []

    def run():
        try:
            start.wait()
            results.append(services.monthly_recaps_schedule(now=local(2027, 1, 1, 1, 0)))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(len(made) for made in results) == [0, 1]
    assert ReportRequest.objects.filter(scheduled=True, period=datetime.date(2026, 12, 1)).count() == 1
    assert JobRun.objects.filter(job="reports-monthly").count() == 1


@pytest.mark.django_db
def test_the_expiry_reminders_run_once_a_day_however_often_they_are_sent(reference_rows):
    from lks import services as lks_services
    from lks.models import LksType

    operator = UserFactory()
    AssignmentFactory(user=operator, role=Role.OPERATOR_KABKOTA, wilayah_id="63.71")
    lks = lks_services.lks_create(
        actor=operator, name="LKSA Panti Asuhan Al-Ikhlas", wilayah=Wilayah.objects.get(code="63.71.01.1001"),
        address="Jl. Mantuil", capacity=2, types=[LksType.objects.get(code="anak")],
    )  # fmt: skip
    today = timezone.localdate()
    lks_services.accreditation_record(
        actor=operator, lks=lks, grade="B", certificate_number="B-9", accredited_on=datetime.date(2024, 1, 1),
        valid_until=today + datetime.timedelta(days=30),
    )  # fmt: skip
    morning = timezone.make_aware(datetime.datetime.combine(today, datetime.time(6, 0)))
    assert expiry_notify_daily(now=morning) == 1
    assert expiry_notify_daily(now=morning + datetime.timedelta(minutes=5)) is None
    assert Notification.objects.filter(user=operator).count() == 1
    # The next day's run finds nothing new at this stage (one reminder per stage) but runs.
    assert expiry_notify_daily(now=morning + datetime.timedelta(days=1)) == 0
    assert Notification.objects.filter(user=operator).count() == 1


def test_beat_runs_apart_from_the_workers_and_keeps_no_schedule_file():
    """`dev.py worker` and the compose worker no longer start a beat each; beat has its own command."""
    dev = (ROOT / "dev.py").read_text()
    assert '"-B"' not in dev and '"beat": cmd_beat' in dev
    entrypoint = (ROOT / "docker" / "entrypoint.sh").read_text()
    assert "exec celery -A kesos beat -l info" in entrypoint and "celerybeat-schedule" not in entrypoint
    assert settings.CELERY_BEAT_SCHEDULER == "celery.beat:Scheduler"
    for name in ("lks-expiry", "reports-monthly"):
        assert settings.CELERY_BEAT_SCHEDULE[name]["schedule"].minute == set(range(0, 60, 5))
