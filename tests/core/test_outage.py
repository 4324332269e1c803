"""Outages of Redis and PostgreSQL, in process (issue 14, items 1 and 3): the best-effort cache, the
rate limits and throttles without it, publishing after a commit, the database's time bounds and the
503 that answers an outage, logged once per outage.

Redis faults use a port nothing listens on (Redis stopped) or the test's own redis-server
(tests/faults.py: stopped, frozen, restarted), never the machine's shared one. The end-to-end checks
with gunicorn are in tests/acceptance/test_reliability_outage.py.
"""

from __future__ import annotations

import contextlib
import json
import logging
import subprocess
import sys
import time

import psycopg
import pytest
from django.db import IntegrityError, OperationalError, connection, transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from kesos.accounts import notifications
from kesos.accounts.models import Notification, Role, User
from kesos.celery import app as celery_app
from kesos.core import outage, views
from kesos.core.cache import BestEffortRedisCache
from kesos.core.db_timeouts import connection_options, use_timeouts
from kesos.core.models import Heartbeat
from kesos.core.tasks import publish_after_commit, record_worker_heartbeat
from tests.conftest import ROOT, database_url_of_the_test_database
from tests.factories import AssignmentFactory, UserFactory
from tests.faults import free_port

OUTAGE_LOG = "kesos.outage"


@pytest.fixture(autouse=True)
def fresh_outages(settings):
    """Each test starts with no outage open; ends are logged as soon as a success follows a failure."""
    settings.KESOS_OUTAGE_QUIET_SECONDS = 0
    for state in (outage.cache, outage.database, outage.broker):
        state.reset()
    yield
    for state in (outage.cache, outage.database, outage.broker):
        state.reset()


def dead_redis_url(db: int = 3) -> str:
    """A Redis URL nothing listens on: Redis stopped."""
    return f"redis://127.0.0.1:{free_port()}/{db}"


def cache_at(url: str, **options) -> BestEffortRedisCache:
    return BestEffortRedisCache(url, {"OPTIONS": options})


def outage_lines(caplog, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == OUTAGE_LOG and r.levelno == level]


def elapsed(call) -> tuple[object, float]:
    start = time.monotonic()
    result = call()
    return result, time.monotonic() - start


# --- 1. The cache: reads miss, writes are dropped, nothing raises ---------------------------------
def test_with_redis_stopped_the_cache_misses_and_drops_writes_without_an_error(caplog):
    cache = cache_at(dead_redis_url())
    caplog.set_level(logging.INFO, logger=OUTAGE_LOG)
    (value, seconds) = elapsed(lambda: cache.get("badge", "absent"))
    assert value == "absent" and seconds < 0.5
    cache.set("badge", 3)
    assert cache.add("counter", 0) is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1}) == ["a"]
    assert cache.delete("a") is False and cache.has_key("a") is False
    assert cache.get_or_set("x", 5) == 5
    with pytest.raises(ValueError):  # as Django documents incr() for a key that is not there
        cache.incr("counter")
    assert not cache.available
    warnings = outage_lines(caplog, logging.WARNING)
    assert len(warnings) == 1 and "Cache (Redis) tidak tersedia" in warnings[0]


@pytest.mark.redis
def test_a_cache_outage_is_logged_once_when_it_starts_and_once_when_it_ends(own_redis, caplog, settings):
    settings.KESOS_CACHE_RETRY_SECONDS = 0.2
    caplog.set_level(logging.INFO, logger=OUTAGE_LOG)
    cache = cache_at(own_redis.url(3))
    cache.set("k", 1)
    own_redis.stop()
    for _ in range(20):
        assert cache.get("k") is None
        time.sleep(0.02)
    own_redis.start()
    time.sleep(0.3)
    cache.set("k", 2)
    assert cache.get("k") == 2
    assert len(outage_lines(caplog, logging.WARNING)) == 1
    ends = outage_lines(caplog, logging.INFO)
    assert len(ends) == 1 and "Cache (Redis) kembali tersedia" in ends[0]


@pytest.mark.redis
def test_a_frozen_redis_costs_one_short_timeout_and_is_then_left_alone(own_redis, settings):
    settings.KESOS_CACHE_TIMEOUT = 0.5
    cache = cache_at(own_redis.url(3), retry_seconds=2)
    cache.set("k", 1)
    own_redis.freeze()
    try:
        value, first = elapsed(lambda: cache.get("k"))
        assert value is None and first < 1.5
        _, then = elapsed(lambda: [cache.get("k") for _ in range(50)])
        assert then < 0.2  # not tried again within the retry interval
    finally:
        own_redis.thaw()
    time.sleep(2.1)
    assert cache.get("k") == 1


@pytest.mark.redis
def test_unread_counts_missed_during_an_outage_are_forgotten_when_redis_returns(own_redis, settings, django_db_blocker):
    """A badge must not show a count that changed while Redis was away: it is dropped, and comes back at
    the user's next change."""
    settings.KESOS_CACHE_RETRY_SECONDS = 0.1
    settings.CACHES = {"default": {"BACKEND": "kesos.core.cache.BestEffortRedisCache", "LOCATION": own_redis.url(3)}}
    from django.core.cache import cache

    cache.set("kesos:notif-unread:7", 4, timeout=None)
    cache.set("kesos:other", "kept", timeout=None)
    own_redis.freeze()
    try:
        assert cache.get("kesos:notif-unread:7") is None  # a read in the outage: missed
    finally:
        own_redis.thaw()
    time.sleep(0.2)
    assert cache.get("kesos:other") == "kept"  # the first call after the outage runs the clean-up
    assert cache.get("kesos:notif-unread:7") is None


# --- 1. Pages and API with the cache down ----------------------------------------------------------
@pytest.fixture
def cache_down(settings):
    settings.CACHES = {"default": {"BACKEND": "kesos.core.cache.BestEffortRedisCache", "LOCATION": dead_redis_url()}}


def operator_kabkota(username="operator.uji"):
    user = UserFactory(username=username)
    AssignmentFactory(user=user, role=Role.OPERATOR_KABKOTA, wilayah_id="63.71")
    return user


@pytest.mark.django_db
def test_pages_with_the_unread_badge_answer_while_the_cache_is_down(client, cache_down):
    user = operator_kabkota()
    notifications.notify(user_ids=[user.pk], key="uji", title="Pesan uji")
    client.force_login(user)
    for url in ("/", reverse("inbox:list"), reverse("ppks:person_list"), reverse("lks:lks_list")):
        response = client.get(url)
        assert response.status_code == 200, url
    response = client.post(reverse("inbox:read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()


@pytest.mark.django_db
def test_an_lks_operators_change_awaiting_verification_is_saved_and_answered_while_redis_is_down(
    client, cache_down, reference_rows
):
    """Was a 500 (the badge update after the commit raised) although the change and its messages were saved."""
    from kesos.wilayah.models import Wilayah
    from lks import services
    from lks.models import ChangeRequest, LksType

    admin = UserFactory()
    AssignmentFactory(user=admin, role=Role.ADMIN_PROVINSI, wilayah_id="63")
    supervisor = operator_kabkota()
    lks = services.lks_create(
        actor=admin, name="LKSA Al-Ikhlas", wilayah=Wilayah.objects.get(code="63.71.01.1001"), address="Jl. Uji",
        capacity=10, types=[LksType.objects.get(code="anak")],
    )  # fmt: skip
    lks_operator = UserFactory()
    AssignmentFactory(user=lks_operator, role=Role.OPERATOR_LKS, wilayah_id="63.71", lks=lks)
    client.force_login(lks_operator)
    url = reverse("lks-api:lks-detail", args=[lks.pk])
    response = client.patch(url, {"name": "Yayasan Al-Ikhlas", "version": lks.version}, content_type="application/json")
    assert response.status_code == 202, response.content
    request = ChangeRequest.objects.get(lks=lks)
    assert request.changes["name"]["new"] == "Yayasan Al-Ikhlas"
    assert Notification.objects.filter(user=supervisor, key=f"lks-perubahan:{request.pk}").exists()
    client.force_login(supervisor)
    assert client.get(reverse("inbox:list")).status_code == 200


@pytest.mark.django_db
def test_exact_nik_searches_stay_limited_in_each_process_while_the_cache_is_down(client, cache_down, settings):
    """Neither open (probing at machine speed) nor closed (no search for as long as Redis is out)."""
    settings.KESOS_RATE_LIMITS = {"nik_search": "2/min"}
    client.force_login(operator_kabkota())
    url = reverse("ppks-api:person-cari")
    answers = [client.post(url, {"q": "6371010101900001"}, content_type="application/json") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert "Terlalu banyak permintaan" in answers[2].json()["detail"]


@pytest.mark.django_db
def test_the_api_throttle_counts_in_the_process_while_the_cache_is_down(client, cache_down, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "3/min"}}  # fmt: skip
    client.force_login(operator_kabkota())
    codes = [client.get(reverse("lks-api:lks-list")).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


# --- 2. Publishing after a commit ------------------------------------------------------------------
@contextlib.contextmanager
def broker_at(url: str):
    """Our Celery app sending to `url` (not eager) for the duration. Kombu keeps its pools per broker
    URL; the app's references to them are dropped around the switch, and the temporary ones closed."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager

    def drop_pools():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    drop_pools()
    conf.broker_url, conf.task_always_eager = url, False
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            celery_app.amqp.producer_pool.force_close_all()
            celery_app.pool.force_close_all()
        drop_pools()
        conf.broker_url, conf.task_always_eager = saved


def publish(captured, on_failure) -> None:
    """Save a row and, after the commit, send a task: as a service does."""
    with captured(execute=True), transaction.atomic():
        name = f"uji-{Heartbeat.objects.count()}"
        Heartbeat.objects.create(name=name, seen_at=timezone.now())
        publish_after_commit(record_worker_heartbeat, args=[name], queue="uji-outage", on_failure=on_failure)


@pytest.mark.django_db
def test_a_publish_after_commit_to_a_stopped_broker_keeps_the_commit_and_tells_the_owner(
    django_capture_on_commit_callbacks, caplog
):
    failures = []
    caplog.set_level(logging.INFO, logger=OUTAGE_LOG)
    with broker_at(dead_redis_url(4)):
        _, seconds = elapsed(lambda: publish(django_capture_on_commit_callbacks, failures.append))
        publish(django_capture_on_commit_callbacks, failures.append)
    assert seconds < 1.5
    assert Heartbeat.objects.filter(name__startswith="uji").count() == 2  # committed, not rolled back
    assert len(failures) == 2 and all(isinstance(f, Exception) for f in failures)
    warnings = outage_lines(caplog, logging.WARNING)
    assert len(warnings) == 1 and "Broker tugas" in warnings[0]


@pytest.mark.django_db
def test_a_failing_on_failure_callback_still_leaves_the_commit_standing(django_capture_on_commit_callbacks):
    def broken(exc):
        raise RuntimeError("pencatat rusak")

    with broker_at(dead_redis_url(4)):
        publish(django_capture_on_commit_callbacks, broken)
    assert Heartbeat.objects.filter(name__startswith="uji").exists()


@pytest.mark.redis
@pytest.mark.django_db
def test_a_publish_to_a_frozen_broker_gives_up_within_two_seconds(own_redis, django_capture_on_commit_callbacks):
    failures = []
    with broker_at(own_redis.url(4)):
        publish(django_capture_on_commit_callbacks, failures.append)  # connected
        assert failures == []
        own_redis.freeze()
        try:
            _, seconds = elapsed(lambda: publish(django_capture_on_commit_callbacks, failures.append))
        finally:
            own_redis.thaw()
        assert seconds < 2.5 and len(failures) == 1
        publish(django_capture_on_commit_callbacks, failures.append)  # back
    assert len(failures) == 1 and Heartbeat.objects.filter(name__startswith="uji").count() == 3


@pytest.mark.django_db
def test_without_a_broker_the_task_runs_at_once_in_process(django_capture_on_commit_callbacks):
    publish(django_capture_on_commit_callbacks, None)
    assert Heartbeat.objects.filter(name="uji-0", hostname__gt="").exists()


@pytest.mark.redis
@pytest.mark.django_db
def test_healthz_answers_503_within_seconds_when_the_broker_is_frozen(client, own_redis, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = own_redis.url(4)
    assert client.get(reverse("healthz")).status_code == 200
    own_redis.freeze()
    try:
        response, seconds = elapsed(lambda: client.get(reverse("healthz")))
    finally:
        own_redis.thaw()
    assert response.status_code == 503 and response.json()["broker"]["ok"] is False
    assert seconds < 3


# --- 3. Database time bounds ----------------------------------------------------------------------
def show(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def test_the_bounds_travel_as_connection_options():
    options = connection_options(5, statement=30, lock=10, options="-c search_path=public -c lock_timeout=1")
    assert options == {
        "options": "-c search_path=public -c statement_timeout=30000 -c lock_timeout=10000",
        "connect_timeout": 5,
    }
    assert connection_options(0, statement=0, lock=0)["options"] == "-c statement_timeout=0 -c lock_timeout=0"


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_web_connection_carries_the_web_bounds():
    assert (show("statement_timeout"), show("lock_timeout")) == ("30s", "10s")
    assert connection.settings_dict["OPTIONS"]["connect_timeout"] == 5


@pytest.fixture
def web_bounds_restored(transactional_db):
    yield
    use_timeouts("web")


@pytest.mark.postgres
def test_a_celery_worker_process_switches_to_the_worker_bounds(web_bounds_restored):
    from celery import signals

    signals.worker_process_init.send(sender=None)
    assert (show("statement_timeout"), show("lock_timeout")) == ("30min", "1min")


@pytest.mark.postgres
def test_management_commands_run_with_the_worker_bounds(transactional_db):
    code = (
        "from django.db import connection\n"
        "c = connection.cursor()\n"
        "c.execute('SHOW statement_timeout'); print(c.fetchone()[0])\n"
        "c.execute('SHOW lock_timeout'); print(c.fetchone()[0])\n"
    )
    env = {"DATABASE_URL": database_url_of_the_test_database(), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.split()[-2:] == ["30min", "1min"], done.stdout + done.stderr


# --- 4. 503 with Retry-After, logged once per outage -----------------------------------------------
@pytest.fixture
def short_lock_timeout(settings, transactional_db, wilayah_table):
    """Web requests wait one second for a lock (set through settings, as KESOS_DB_LOCK_TIMEOUT would)."""
    settings.KESOS_DB_TIMEOUTS = {**settings.KESOS_DB_TIMEOUTS, "web": {"statement": 5, "lock": 1}}
    use_timeouts("web")
    yield
    settings.KESOS_DB_TIMEOUTS = {**settings.KESOS_DB_TIMEOUTS, "web": {"statement": 30, "lock": 10}}


@contextlib.contextmanager
def row_locked(sql: str, *params):
    """Another connection holds row locks (`SELECT … FOR UPDATE`) until the block ends."""
    with psycopg.connect(database_url_of_the_test_database()) as other:
        other.execute(sql, params)
        try:
            yield
        finally:
            other.rollback()


@pytest.mark.postgres
def test_a_page_whose_write_waits_on_a_locked_row_answers_503_within_the_lock_timeout(
    short_lock_timeout, caplog, settings
):
    user = operator_kabkota()
    notifications.notify(user_ids=[user.pk], key="uji", title="Pesan uji")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    caplog.set_level(logging.INFO)
    settings.KESOS_OUTAGE_QUIET_SECONDS = 60  # the other queries of these requests succeed meanwhile
    with row_locked("SELECT id FROM accounts_notification WHERE user_id = %s FOR UPDATE", user.pk):
        responses = [elapsed(lambda: client.post(reverse("inbox:read"))) for _ in range(3)]
    for response, seconds in responses:
        assert response.status_code == 503 and seconds < 3
        assert response["Retry-After"] == "30"
        page = response.content.decode()
        assert "Layanan sedang terganggu" in page and "sedang dipakai oleh proses lain" in page
        assert "periksa dulu apakah data itu sudah tersimpan" in page
    warnings = outage_lines(caplog, logging.WARNING)
    assert len(warnings) == 1 and "LockNotAvailable" in warnings[0]
    assert not [r for r in caplog.records if r.name == "django.request"]  # no error line, no traceback
    settings.KESOS_OUTAGE_QUIET_SECONDS = 0
    assert client.post(reverse("inbox:read")).status_code == 302  # the lock is gone: it works
    ends = outage_lines(caplog, logging.INFO)
    assert len(ends) == 1 and "Basis data (PostgreSQL) kembali tersedia" in ends[0]


@pytest.mark.postgres
def test_an_api_write_waiting_on_a_locked_row_answers_503_as_json(short_lock_timeout, reference_rows, wilayah_table):
    from kesos.wilayah.models import Wilayah
    from lks import services
    from lks.models import LksType

    admin = UserFactory()
    AssignmentFactory(user=admin, role=Role.ADMIN_PROVINSI, wilayah_id="63")
    lks = services.lks_create(
        actor=admin, name="LKSA Terkunci", wilayah=Wilayah.objects.get(code="63.71.01.1001"), address="Jl. Uji",
        capacity=10, types=[LksType.objects.get(code="anak")],
    )  # fmt: skip
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    url = reverse("lks-api:lks-detail", args=[lks.pk])
    with row_locked("SELECT id FROM lks_lks WHERE id = %s FOR UPDATE", lks.pk):
        response, seconds = elapsed(
            lambda: client.patch(url, {"capacity": 30, "version": lks.version}, content_type="application/json")
        )
    assert response.status_code == 503 and seconds < 3
    assert response["Content-Type"] == "application/json" and response["Retry-After"] == "30"
    assert "sedang dipakai oleh proses lain" in response.json()["detail"]
    lks.refresh_from_db()
    assert lks.capacity == 10


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_statement_timeout_is_a_503_and_a_real_bug_stays_a_500():
    request = RequestFactory().get("/ppks/orang/")
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 50")
            cursor.execute("SELECT pg_sleep(1)")
    except OperationalError:
        response = views.error_500(request)
    assert response.status_code == 503 and "terlalu lama menjawab" in response.content.decode()

    User.objects.create(username="kembar")
    try:
        with transaction.atomic():
            User.objects.create(username="kembar")
    except IntegrityError:
        response = views.error_500(request)
    assert response.status_code == 500


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_bug_in_the_sql_is_no_outage():
    from django.db import ProgrammingError

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT * FROM tabel_yang_tidak_ada")
    except ProgrammingError as exc:
        assert outage.unavailable(exc) is None


@pytest.mark.django_db
def test_the_503_page_renders_without_the_database_or_the_cache(django_assert_num_queries):
    """No request context: no context processor (badge, office name) runs."""
    request = RequestFactory().post("/ppks/orang/baru/")
    with django_assert_num_queries(0):
        response = outage.unavailable_response(request, outage.Unavailable(outage.database, outage.DB_DOWN))
    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "Basis data sedang tidak dapat dihubungi" in page and "sudah tersimpan" in page


def test_a_database_outage_on_the_api_is_json(settings):
    settings.KESOS_RETRY_AFTER_SECONDS = 12
    request = RequestFactory().get("/api/v1/ppks/orang/")
    response = outage.unavailable_response(request, outage.Unavailable(outage.database, outage.DB_DOWN))
    assert response.status_code == 503 and response["Retry-After"] == "12"
    assert json.loads(response.content) == {
        "detail": "Basis data sedang tidak dapat dihubungi. Silakan coba lagi dalam 12 detik."
    }


def test_an_outage_that_flaps_is_one_outage(settings, caplog):
    settings.KESOS_OUTAGE_QUIET_SECONDS = 0.3
    caplog.set_level(logging.INFO, logger=OUTAGE_LOG)
    state = outage.Outage("Uji")
    for _ in range(5):
        state.failed(RuntimeError("putus"))
        state.succeeded()  # some connections still work: not over yet
    assert state.down
    time.sleep(0.35)
    state.succeeded()
    assert not state.down
    assert len(outage_lines(caplog, logging.WARNING)) == 1
    ends = outage_lines(caplog, logging.INFO)
    assert len(ends) == 1 and "5 kegagalan" in ends[0]
