"""Issue 14, "Done when": through faults with nothing lost and the user told, each point on real processes.

Faults are injected into a Redis and a PostgreSQL of the test's own (tests/faults.py), never the
machine's shared services; gunicorn, Celery workers and beat run as in production. The worlds and
helpers these tests use live beside them in tests/acceptance/reliability_*.py and
test_reliability_*.py, which also hold further fault tests.
"""

import contextlib
import datetime
import re
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
import redis
import requests
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from kesos.core.idempotency import REPLAYED_MESSAGE
from kesos.core.models import JobRun
from kesos.reports import services
from kesos.reports.kinds import MONTHLY
from kesos.reports.models import ReportRequest
from kesos.reports.recap import Params
from tests.acceptance.reliability_idempotency import (  # noqa: F401 - fixtures and helpers of the tests below
    API_ROUTES,
    DESA,
    FORM_ROUTES,
    NIK_MESSAGE,
    TODAY,
    _browser_log_in,
    _database_open,
    _fresh_case,
    _notes_with,
    at_once,
    clone,
    form_on,
    server,
    sessions,
    world,
)
from tests.acceptance.reliability_outage import (  # noqa: F401 - fixtures and helpers of the tests below
    User,
    assert_page_ok,
    demo_database,
    gunicorn,
    gunicorn_env,
    log_lines,
    probe,
    rows_locked,
)
from tests.acceptance.reliability_schedule import (  # noqa: F401 - fixtures and helpers of the tests below
    DECEMBER,
    JANUARY,
    beat,
    drained,
    recaps_of,
    services_env,
    stop_all,
    worker,
)
from tests.acceptance.test_recaps import YEAR, admin_kalsel, people, tables_locked
from tests.acceptance.test_reliability_backup import (  # noqa: F401 - fixtures and helpers of the tests below
    empty_database,
    file_checksums,
    installation,
    manage,
    table_counts,
)
from tests.acceptance.test_reliability_reports import (  # noqa: F401 - fixtures and helpers of the tests below
    MINUTES,
    files_of,
    locked_on,
    request_r1,
    row,
    start_worker,
    worker_env,
)
from tests.conftest import database_url_of_the_test_database
from tests.faults import Service, service_env, wait_until
from tests.reports.test_sweeper import broker, immutable, writable

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


# --- 1. Redis stopped: pages work, a report asked meanwhile runs once when it returns; frozen: seconds ---


@pytest.mark.redis
def test_with_redis_stopped_every_main_page_works_and_with_redis_frozen_requests_answer_within_seconds(
    own_redis, demo_database, tmp_path
):
    """Issue 14, Done when 1 (pages): with the test's own Redis stopped, a logged-in user browses every
    main page without an error (operator, provincial admin, auditor, leadership, LKS operator, on pages
    and the API, an LKS operator's change that waits for verification included); with Redis frozen,
    requests answer within a few seconds. The outage is logged once when it starts and once when it
    ends, without a traceback."""
    env = gunicorn_env(
        demo_database, tmp_path, REDIS_URL=own_redis.url(3), CELERY_BROKER_URL=own_redis.url(4), KESOS_CACHE_TIMEOUT="1"
    )
    with gunicorn(env) as (service, base):
        own_redis.stop()

        operator = User(base, "operator.banjarmasin")
        person = operator.first_link("/ppks/orang/", r'"/ppks/orang/\d+/"')
        lks = operator.first_link("/lks/", r'"/lks/\d+/"')
        pages = {
            operator: [
                "/", "/ppks/orang/", person, "/ppks/keluarga/", "/ppks/kasus/",
                "/ppks/pekerjaan-saya/", "/lks/", lks, f"{lks}penghuni/", "/lks/kedaluwarsa/", "/lks/antrean/",
                "/laporan/", "/notifikasi/", "/api/v1/ppks/orang/", "/api/v1/lks/lks/",
            ],
        }  # fmt: skip
        admin = User(base, "admin.kalsel")
        member = admin.first_link("/pilar/", r'"/pilar/\d+/"')
        pages[admin] = ["/", "/pilar/", member, "/pilar/cakupan/", "/pilar/kegiatan/", "/pilar/laporan/",
                        "/pengguna/", "/dasbor/", "/laporan/spm/", "/notifikasi/"]  # fmt: skip
        pages[User(base, "auditor.kalsel")] = ["/", "/audit/", "/audit/perubahan/"]
        pages[User(base, "pimpinan.kalsel")] = ["/", "/dasbor/", "/laporan/"]
        for user, paths in pages.items():
            for path in paths:
                assert_page_ok(*user.get(path), path, limit=3)

        # An exact NIK search (counted against the rate limit) still answers.
        search, _ = operator.request("POST", "/api/v1/ppks/orang/cari/", json={"q": "6371010101900001"})
        assert search.status_code == 200

        # An LKS operator's change that needs the Dinsos's verification: saved, answered, announced.
        lks_operator = User(base, "operator.lks")
        own = lks_operator.get("/api/v1/lks/lks/")[0].json()["results"][0]
        detail = f"/api/v1/lks/lks/{own['id']}/"
        version = lks_operator.get(detail)[0].json()["version"]
        change, _ = lks_operator.request("PATCH", detail, json={"name": "Yayasan Al-Ikhlas Baru", "version": version})
        assert change.status_code == 202, change.text
        inbox, _ = operator.get("/notifikasi/")
        assert "Al-Ikhlas" in inbox.text and "menunggu verifikasi" in inbox.text

        # Redis back: the outage ends, logged once.
        own_redis.start()
        time.sleep(2.5)  # KESOS_OUTAGE_QUIET_SECONDS
        for _ in range(3):
            assert_page_ok(*operator.get("/"), "/", limit=3)
            time.sleep(0.5)

        # Redis frozen: connections are accepted and never answered.
        own_redis.freeze()
        try:
            for user, path in [(operator, "/"), (operator, person), (operator, "/api/v1/ppks/orang/"),
                               (admin, "/pilar/"), (operator, "/notifikasi/"), (operator, "/laporan/")]:  # fmt: skip
                assert_page_ok(*user.get(path), path, limit=4)
            health, seconds = probe(base)
            assert health.status_code == 503 and health.json()["broker"]["ok"] is False and seconds < 4
        finally:
            own_redis.thaw()
        log = service.stop()

    assert "Traceback" not in log, log[-5000:]
    assert len(log_lines(log, "Cache (Redis) tidak tersedia")) == 2, log[-5000:]  # stopped, then frozen
    assert len(log_lines(log, "Cache (Redis) kembali tersedia")) >= 1, log[-5000:]


@pytest.mark.redis
def test_a_report_requested_while_redis_is_stopped_is_said_to_wait_and_runs_exactly_once_after_redis_returns(
    transactional_db, wilayah_table, reference_rows, own_redis, tmp_path
):
    """The page answers at once (no 500), says the report is saved and waits for the queue; once Redis is
    back, a worker with beat starts, its sweeper sends the request, and it runs once: one row, one run, one
    send, one file."""
    people()
    admin = admin_kalsel()
    client = Client()
    client.force_login(admin)
    own_redis.stop()
    with broker(own_redis.url(0)):
        asked = time.monotonic()
        response = client.post(reverse("reports:index"), {"kind": "r1", "format": "xlsx", "region": "63",
                                                          "year": YEAR}, follow=True)  # fmt: skip
        took = time.monotonic() - asked
    page = response.content.decode()
    assert response.status_code == 200 and took < 5, took
    assert "sudah disimpan, tetapi layanan antrean sedang tidak dapat dihubungi" in page
    assert 'data-alasan="antrean' in page and "Layanan antrean tidak dapat dihubungi" in page
    report = ReportRequest.objects.get()
    assert report.status == "queued" and report.dispatches == 0 and report.dispatch_error

    own_redis.start()
    # This month's scheduled recaps were made on the 1st, as they would have been: the beat starting with the
    # worker catches up nothing, and the only report it runs is the one asked for here.
    JobRun.objects.create(job="reports-monthly", slot=services.MONTHLY_RUN.slot(timezone.now()), ran_at=timezone.now())
    worker = start_worker(worker_env(own_redis), tmp_path, "kembali")
    try:
        wait_until(lambda: ReportRequest.objects.get(pk=report.pk).finished, timeout=MINUTES,
                   what="the report made after Redis returned")  # fmt: skip
        time.sleep(3)  # a few more sweeps: nothing is sent or run again
    finally:
        output = worker.stop()
    report.refresh_from_db()
    assert report.status == "done" and report.attempts == 1 and report.dispatches == 1, (report.error, output[-3000:])
    assert not report.dispatch_error and ReportRequest.objects.count() == 1
    assert files_of(settings.KESOS_REPORT_ROOT, report.pk) == [report.file]
    assert output.count("generate_report[") == 2, output[-3000:]  # received and succeeded: one run
    page = client.get(reverse("reports:index")).content.decode()
    assert "Selesai" in page and "keterangan-tunggu" not in page
    assert "Traceback" not in output


# --- 2. Worker killed, database restarted mid-run, storage read-only: done once or failed with a reason ---


@pytest.mark.redis
def test_a_report_whose_worker_is_killed_mid_run_ends_done_once_through_the_sweeper(
    transactional_db, wilayah_table, reference_rows, own_redis, tmp_path
):
    """kill -9 of the whole worker (pool and beat) mid-run: the row says `running`, its message sits unacked in
    Redis for the visibility timeout (an hour). A worker started again runs the sweeper, which finds the run's
    advisory lock free, queues the request again and sends it: one complete file, `done`, second attempt."""
    people()
    admin = admin_kalsel()
    env = worker_env(own_redis)
    first = start_worker(env, tmp_path, "pertama")
    with broker(own_redis.url(0)), tables_locked():
        report = services.report_request(actor=admin, kind="r1", fmt="xlsx", params=Params(region="63", year=YEAR))
        wait_until(lambda: ReportRequest.objects.get(pk=report.pk).status == "running", timeout=60,
                   what="the worker starting the report")  # fmt: skip
        # While the run is alive (blocked, its lock held), the sweeps beside it leave it alone.
        wait_until(lambda: first.output.count("sweep_reports") >= 4, timeout=30, what="sweeps beside the run")
        live = ReportRequest.objects.get(pk=report.pk)
        assert live.status == "running" and live.attempts == 1 and live.dispatches == 1
        first.kill()
    # The killed worker's database session ends once its waiting query gets the tables (released above).
    killed_at = time.monotonic()
    report.refresh_from_db()
    assert report.status == "running" and not files_of(settings.KESOS_REPORT_ROOT, report.pk)

    second = start_worker(env, tmp_path, "kedua")
    try:
        wait_until(lambda: ReportRequest.objects.get(pk=report.pk).finished, timeout=MINUTES,
                   what="the report ending after the worker was killed")  # fmt: skip
    finally:
        output = second.stop()
    took = time.monotonic() - killed_at
    report.refresh_from_db()
    assert report.status == "done" and report.attempts == 2 and report.dispatches == 2, (report.error, output[-3000:])
    assert files_of(settings.KESOS_REPORT_ROOT, report.pk) == [report.file]  # one file, no leftover part
    assert "Traceback" not in output, output[-3000:]
    print(f"killed worker: done {took:.1f} s after the kill")


@pytest.mark.redis
def test_a_report_whose_database_restarts_mid_run_is_retried_and_ends_done_once(own_postgres, own_redis, tmp_path):
    """PostgreSQL restarted (fast shutdown) while the report runs: the run's connection is cut, the task
    retries with backoff (no sweeper here: the retry alone) and the next run makes the file once."""
    database = own_postgres.fresh_database()
    root = tmp_path / "laporan"
    env = worker_env(own_redis, database_url=database, report_root=root)
    worker = start_worker(env, tmp_path, "db", beat=False)
    try:
        with locked_on(database):
            pk = request_r1(database, own_redis)
            wait_until(lambda: row(database, pk)["status"] == "running", timeout=60, what="the report running")
            started = time.monotonic()
            own_postgres.restart()
        wait_until(lambda: row(database, pk)["status"] in ("done", "failed"), timeout=MINUTES,
                   what="the report ending after the restart")  # fmt: skip
        took = time.monotonic() - started
    finally:
        output = worker.stop()
    result = row(database, pk)
    assert result["status"] == "done" and result["attempts"] == 2 and result["dispatches"] == 1, result
    assert files_of(root, pk) == [result["file"]]
    assert f"Laporan {pk}: basis data tidak tersedia" in output  # the retry, logged once per try
    print(f"database restart: done {took:.1f} s after the restart began")


@pytest.mark.redis
def test_a_report_whose_storage_is_read_only_fails_with_that_reason_at_once(
    transactional_db, wilayah_table, reference_rows, own_redis, tmp_path
):
    """The report directory refuses new files (`chattr +i` as root, where permission bits do not stop
    writes; chmod 555 otherwise): the request fails at once with "penyimpanan tidak dapat ditulis"."""
    people()
    admin = admin_kalsel()
    root = tmp_path / "laporan-ro"
    root.mkdir()
    immutable(root)
    try:
        with contextlib.suppress(OSError):
            (root / "coba").write_text("x")
        assert not (root / "coba").exists(), "the directory still takes files: the test would prove nothing"
        worker = start_worker(worker_env(own_redis, report_root=root), tmp_path, "ro", beat=False)
        try:
            with broker(own_redis.url(0)):
                report = services.report_request(actor=admin, kind="r1", fmt="xlsx",
                                                 params=Params(region="63", year=YEAR))  # fmt: skip
            wait_until(lambda: ReportRequest.objects.get(pk=report.pk).finished, timeout=MINUTES,
                       what="the report ending")  # fmt: skip
        finally:
            output = worker.stop()
    finally:
        writable(root)
    report.refresh_from_db()
    assert report.status == "failed" and report.error == services.STORAGE_READ_ONLY, (report.error, output[-2000:])
    assert "penyimpanan tidak dapat ditulis" in report.error and report.attempts == 1
    assert list(root.iterdir()) == [] and "Traceback" not in output


# --- 3. Two identical POSTs at once make one record; one NIK created twice at once: one record, one message ---


@pytest.mark.parametrize("route_name", sorted(FORM_ROUTES))
def test_two_identical_form_posts_sent_at_once_make_one_record(route_name, server, world, sessions):
    """The same form sent twice at the same moment (a double click before the script could stop it, or
    a retry): one record, and both answers redirect to the same place."""
    route = FORM_ROUTES[route_name]
    tag = uuid.uuid4().hex[:8]
    session = sessions(route.user)
    before = route.count(world, tag)
    fields = form_on(session, server, route.page(world), route.post(world))
    assert fields.get("idempotency_key"), "the create form carries no hidden key"
    data = {**fields, **route.data(world, tag)}
    url = f"{server}{route.post(world)}"
    headers = {"Referer": url}
    answers = at_once(*(
        (lambda s=s: s.post(url, data=data, headers=headers, allow_redirects=False, timeout=60))
        for s in (clone(session), clone(session))
    ))  # fmt: skip
    for answer in answers:
        assert isinstance(answer, requests.Response), answer
        errors = re.findall(r"(?:invalid-feedback|alert-danger)[^>]*>([^<]+)", answer.text)
        assert answer.status_code == 302, (route_name, answer.status_code, errors or answer.text[:3000])
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert route.count(world, tag) - before == 1


@pytest.mark.parametrize("route_name", sorted(API_ROUTES))
def test_two_identical_api_posts_with_one_idempotency_key_sent_at_once_make_one_record(route_name, server, world,
                                                                                        sessions):  # fmt: skip
    """The same API request twice at once with the same `Idempotency-Key`: one record; both answers carry
    the first answer's status and body, the repeat marked `Idempotent-Replayed: true`."""
    route = API_ROUTES[route_name]
    tag = uuid.uuid4().hex[:8]
    session = sessions(route.user)
    before = route.count(world, tag)
    body = route.data(world, tag)
    url = f"{server}{route.post(world)}"
    headers = {"Idempotency-Key": str(uuid.uuid4()), "X-CSRFToken": session.cookies["csrftoken"], "Referer": url}
    answers = at_once(*(
        (lambda s=s: s.post(url, json=body, headers=headers, timeout=60)) for s in (clone(session), clone(session))
    ))  # fmt: skip
    for answer in answers:
        assert isinstance(answer, requests.Response), answer
        assert answer.status_code in (201, 202), (route_name, answer.status_code, answer.text[:3000])
    assert answers[0].status_code == answers[1].status_code
    assert answers[0].json() == answers[1].json()
    assert sorted(a.headers.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]
    assert route.count(world, tag) - before == 1


def test_two_registrations_of_one_nik_at_once_on_the_page_make_one_person_and_tell_the_other(server, world, sessions):
    """Two operators' forms (two renders, two keys) with the same NIK sent at once: one person; the other
    form comes back with the NIK message and what was typed, never a server error."""
    from ppks.models import Person

    nik = "6371015708800003"
    form_data = {"nik": nik, "name": "Siti Aminah", "sex": "P", "birth_date": "17/08/1980", "wilayah": DESA,
                 "address": "Jl. Kelayan"}  # fmt: skip
    session = sessions("operator.bjm")
    url = f"{server}/ppks/orang/baru/"
    posts = []
    for twin in (clone(session), clone(session)):
        data = {**form_on(twin, server, "/ppks/orang/baru/", "/ppks/orang/baru/"), **form_data}
        posts.append(lambda s=twin, d=data: s.post(url, data=d, headers={"Referer": url}, allow_redirects=False,
                                                   timeout=60))  # fmt: skip
    answers = at_once(*posts)
    assert sorted(a.status_code for a in answers) == [200, 302], [a.text[:2000] for a in answers]
    refused = next(a for a in answers if a.status_code == 200)
    assert NIK_MESSAGE.search(refused.text) and 'value="Jl. Kelayan"' in refused.text
    assert Person.objects.filter(nik=nik).count() == 1


def test_two_registrations_of_one_nik_at_once_on_the_api_make_one_person_and_one_400(server, world, sessions):
    from ppks.models import Person

    nik = "6371014107900002"
    body = {"nik": nik, "name": "Rina Wati", "sex": "P", "birth_date": "1990-07-01", "wilayah": DESA}
    session = sessions("operator.bjm")
    url = f"{server}/api/v1/ppks/orang/"
    headers = {"X-CSRFToken": session.cookies["csrftoken"], "Referer": url}
    answers = at_once(*((lambda s=s: s.post(url, json=body, headers=headers, timeout=60))
                        for s in (clone(session), clone(session))))  # fmt: skip
    assert sorted(a.status_code for a in answers) == [201, 400], [a.text[:2000] for a in answers]
    refused = next(a for a in answers if a.status_code == 400).json()
    assert list(refused) == ["nik"] and NIK_MESSAGE.fullmatch(refused["nik"][0])
    assert Person.objects.filter(nik=nik).count() == 1


def test_one_person_placed_into_two_lks_at_once_on_the_api_gets_one_placement_and_one_400(server, world, sessions):
    from lks.models import Placement

    case = _fresh_case(world, uuid.uuid4().hex[:8])
    session = sessions("operator.bjm")
    headers = {"X-CSRFToken": session.cookies["csrftoken"], "Referer": server}
    body = {"person": case.person_id, "admitted_on": TODAY.isoformat()}
    answers = at_once(*(
        (lambda s=s, home=home: s.post(f"{server}/api/v1/lks/lks/{home.pk}/penghuni/", json=body, headers=headers,
                                       timeout=60))
        for s, home in ((clone(session), world["lks"]), (clone(session), world["lks2"]))
    ))  # fmt: skip
    assert sorted(a.status_code for a in answers) == [201, 400], [a.text[:2000] for a in answers]
    refused = next(a for a in answers if a.status_code == 400).json()
    assert "masih tercatat sebagai penghuni" in refused["person"][0]
    assert Placement.objects.filter(person_id=case.person_id).count() == 1


@pytest.mark.browser
@pytest.mark.parametrize("script", ["dengan skrip", "tanpa skrip"])
def test_a_double_click_on_a_create_forms_submit_button_makes_one_record(script, server, world, browser):
    """Chromium double-clicks "Tambah catatan" on the case page: one note. With the page's script the button
    is disabled at the first click; without it (not loaded yet, or blocked) the server's key holds. Back on
    the page, the button works again."""
    context = browser.new_context(locale="id-ID")
    tab = context.new_page()
    try:
        if script == "tanpa skrip":
            tab.route("**/submit-once.js", lambda route: route.abort())
        _browser_log_in(tab, server, "operator.bjm")
        case_url = f"{server}/ppks/kasus/{world['case'].pk}/"
        tab.goto(case_url)
        text = f"Klik ganda {uuid.uuid4().hex[:6]}"
        tab.get_by_role("textbox", name="Catatan", exact=True).fill(text)
        tab.get_by_role("button", name="Tambah catatan").dblclick()
        expect(tab.get_by_text(text)).to_have_count(1)
        expect(tab.get_by_role("alert")).to_be_visible()
        assert _notes_with(text) == 1
        tab.goto(f"{server}/")
        tab.go_back()
        assert tab.get_by_role("button", name="Tambah catatan").is_enabled()
    finally:
        context.close()


def test_the_repeat_of_a_page_create_says_it_was_saved_once(server, world, sessions):
    """The second of two identical submissions lands on the record with a message saying so."""
    session = sessions("operator.bjm")
    fields = form_on(session, server, "/ppks/keluarga/baru/", "/ppks/keluarga/baru/")
    data = {**fields, "wilayah": DESA, "address": f"Jl. Ulang {uuid.uuid4().hex[:6]}"}
    url = f"{server}/ppks/keluarga/baru/"
    first = session.post(url, data=data, headers={"Referer": url}, allow_redirects=False, timeout=60)
    again = session.post(url, data=data, headers={"Referer": url}, timeout=60)
    assert again.url == f"{server}{first.headers['Location']}" and REPLAYED_MESSAGE in again.text


# --- 4. Two beats over the 1st queue each monthly recap once; a beat started at 01:00:30 still queues them ---


@pytest.mark.redis
def test_two_beats_over_the_first_of_the_month_queue_each_recap_once_and_a_late_beat_catches_up(services_env):
    """Two beat processes started together over a simulated 1st of the month queue each monthly recap
    once; a beat started at 01:00:30 on the 1st still queues that month's recaps."""
    env, broker = services_env
    # December's run (November's recaps) was done on 1 December, as it would have been.
    JobRun.objects.create(job="reports-monthly", slot=DECEMBER, ran_at=timezone.now())

    # 1. A worker and two beats, their clocks at 00:59:50 on 1 January 2027 (Makassar) as they start.
    anchor = time.time()
    moment = "2027-01-01T00:59:50+08:00"
    processes = [worker(moment, anchor, env), beat(moment, anchor, env), beat(moment, anchor, env)]
    try:
        wait_until(lambda: recaps_of(DECEMBER).count() == len(MONTHLY), timeout=120, what="December's recaps")
        # Both beats sent the job at 01:00 (and once at their start); let the worker finish every message.
        wait_until(lambda: all("Sending due task reports-monthly" in p.output for p in processes[1:]),
                   timeout=60, what="both beats sending the monthly job at 01:00")  # fmt: skip
        wait_until(lambda: drained(broker), timeout=180, what="the queue drained")
        time.sleep(1)
        wait_until(lambda: drained(broker), timeout=60, what="the queue drained")
    finally:
        outputs = stop_all(*processes)
    for beat_output in outputs[1:]:
        assert beat_output.count("Sending due task reports-monthly") >= 1
    recaps = recaps_of(DECEMBER)
    assert sorted((r.kind, r.format) for r in recaps) == sorted(MONTHLY), "each monthly recap exactly once"
    assert all(r.params == {"region": "63", "year": 2026, "month": 12} for r in recaps)
    assert all(r.status == "done" and r.attempts == 1 for r in recaps), [(r.kind, r.status, r.error) for r in recaps]
    assert all(r.created_at >= datetime.datetime(2027, 1, 1, 1, 0, tzinfo=timezone.get_current_timezone())
               for r in recaps), "made from 01:00 on, not before"  # fmt: skip
    assert ReportRequest.objects.filter(scheduled=True).count() == len(MONTHLY)

    # 2. Beat down at 01:00 on 1 February, and started at 01:00:30 with a fresh schedule: the month's
    # recaps come at its start, not at the next five-minute mark (01:05) nor next month.
    anchor = time.time()
    moment = "2027-02-01T01:00:30+08:00"
    processes = [worker(moment, anchor, env), beat(moment, anchor, env)]
    try:
        wait_until(lambda: recaps_of(JANUARY).count() == len(MONTHLY), timeout=120, what="January's recaps")
        caught_up_after = time.time() - anchor
        wait_until(lambda: drained(broker), timeout=180, what="the queue drained")
    finally:
        stop_all(*processes)
    assert caught_up_after < 270, "at the beat's start, before the next five-minute mark (01:05:00)"
    january = recaps_of(JANUARY)
    assert sorted((r.kind, r.format) for r in january) == sorted(MONTHLY), "each monthly recap exactly once"
    assert {r.params["month"] for r in january} == {1}
    assert recaps_of(DECEMBER).count() == len(MONTHLY)
    assert list(JobRun.objects.filter(job="reports-monthly").order_by("slot").values_list("slot", flat=True)) == [
        DECEMBER, JANUARY, datetime.date(2027, 2, 1)
    ]  # fmt: skip


# --- 5. A database under a lock or frozen: 503 within its timeout, JSON on the API ----------------------------


@pytest.mark.redis
def test_a_database_under_a_lock_or_frozen_answers_503_within_its_timeout_and_json_on_the_api(
    own_postgres, demo_database, tmp_path
):
    """Issue 14, Done when 5: a database held under a lock (another session holds the row the page's
    write needs) or a frozen server (the postmaster SIGSTOPped, so new connections hang) makes a page
    answer 503 with Retry-After within its timeout, in Indonesian, and as JSON on the API; once the
    database answers again, so do the pages. Logged once per outage, no traceback."""
    env = gunicorn_env(
        demo_database, tmp_path,
        KESOS_DB_LOCK_TIMEOUT="2", KESOS_DB_STATEMENT_TIMEOUT="5", KESOS_DB_CONNECT_TIMEOUT="2",
        # Every request opens its own connection: sessions already open keep working while the postmaster is frozen.
        CONN_MAX_AGE="0",
    )  # fmt: skip
    with gunicorn(env) as (service, base):
        lks_operator = User(base, "operator.lks")
        own = lks_operator.get("/api/v1/lks/lks/")[0].json()["results"][0]
        detail = f"/api/v1/lks/lks/{own['id']}/"
        version = lks_operator.get(detail)[0].json()["version"]
        change, _ = lks_operator.request("PATCH", detail, json={"name": "Yayasan Al-Ikhlas Baru", "version": version})
        assert change.status_code == 202  # supervisors now have unread messages
        operator = User(base, "operator.banjarmasin")

        # A page's write waits on a row another session holds.
        unread = (
            "SELECT n.id FROM accounts_notification n JOIN accounts_user u ON u.id = n.user_id "
            "WHERE u.username = 'operator.banjarmasin' AND n.read_at IS NULL FOR UPDATE"
        )
        with rows_locked(demo_database, unread):
            response, seconds = operator.request("POST", "/notifikasi/baca/")
        assert response.status_code == 503 and seconds < 5, (response.status_code, seconds)
        assert response.headers["Retry-After"] == "30"
        assert "sedang dipakai oleh proses lain" in response.text and "sudah tersimpan" in response.text

        # The same on the API: JSON.
        with rows_locked(demo_database, "SELECT id FROM lks_lks WHERE id = %s FOR UPDATE", own["id"]):
            version = lks_operator.get(detail)[0].json()["version"]
            response, seconds = lks_operator.request("PATCH", detail, json={"phone": "0511-1", "version": version})
        assert response.status_code == 503 and seconds < 5, (response.status_code, seconds)
        assert response.headers["Content-Type"] == "application/json" and response.headers["Retry-After"] == "30"
        assert "sedang dipakai oleh proses lain" in response.json()["detail"]

        # The lock is gone: the page works.
        time.sleep(2.5)
        response, _ = operator.request("POST", "/notifikasi/baca/")
        assert response.status_code == 200 and "/notifikasi/" in response.url

        # A frozen server: new connections hang until connect_timeout.
        own_postgres.freeze()
        try:
            page, page_seconds = operator.get("/ppks/orang/")
            api, api_seconds = lks_operator.get("/api/v1/lks/lks/")
            health, health_seconds = probe(base)
        finally:
            own_postgres.thaw()
        assert page.status_code == 503 and page_seconds < 5, (page.status_code, page_seconds)
        assert "Basis data sedang tidak dapat dihubungi" in page.text and page.headers["Retry-After"] == "30"
        assert api.status_code == 503 and api_seconds < 5, (api.status_code, api_seconds)
        assert api.headers["Content-Type"] == "application/json" and api.headers["Retry-After"] == "30"
        assert api.json()["detail"].startswith("Basis data sedang tidak dapat dihubungi")
        assert health.status_code == 503 and health.json()["database"]["ok"] is False and health_seconds < 5

        time.sleep(2.5)
        assert_page_ok(*operator.get("/ppks/orang/"), "/ppks/orang/", limit=5)
        log = service.stop()

    assert "Traceback" not in log, log[-5000:]
    started = log_lines(log, "Basis data (PostgreSQL) tidak tersedia")
    assert 2 <= len(started) <= 3, log[-5000:]  # the lock, (perhaps once more for the API's), the frozen server
    assert log_lines(log, "Basis data (PostgreSQL) kembali tersedia"), log[-5000:]


# --- 6. A backup restores into an empty database with identical counts and checksums -------------------------


@pytest.mark.redis
def test_a_backup_restores_into_an_empty_database_with_identical_counts_and_checksums(
    installation,
    empty_database,
    own_redis,
    tmp_path,
):
    """A backup taken by the script restores into an empty database with identical counts and checksums,
    and the report requests that were in flight are queued and sent again, then finished by a worker."""
    source_url = database_url_of_the_test_database()
    source_dirs = (installation["media"], Path(settings.KESOS_REPORT_ROOT))
    before = table_counts(source_url)
    files_before = file_checksums(*source_dirs)
    assert len(files_before) == 3  # two uploads and the report file

    out = manage("backup", "--to", str(tmp_path / "cadangan"), DATABASE_URL=source_url,
                 MEDIA_ROOT=str(source_dirs[0]), KESOS_REPORT_ROOT=str(source_dirs[1])).stdout  # fmt: skip
    (backup,) = (tmp_path / "cadangan").glob("kesos-*")
    assert "Cadangan selesai" in out and (backup / "manifest.json").exists()

    restored_dirs = (tmp_path / "pulih" / "media", tmp_path / "pulih" / "laporan")
    restored_env = {
        "DATABASE_URL": empty_database, "MEDIA_ROOT": str(restored_dirs[0]), "KESOS_REPORT_ROOT": str(restored_dirs[1]),
        "CELERY_BROKER_URL": own_redis.url(0), "REDIS_URL": own_redis.url(1), "KESOS_REPORT_QUEUE": "celery",
    }  # fmt: skip
    started = time.monotonic()
    out = manage("restore_backup", str(backup), **restored_env).stdout
    print(f"restore: {time.monotonic() - started:.1f} s\n{out}")
    assert "Cocok dengan manifest" in out and "Dikirim ulang ke worker: 2 permintaan laporan" in out

    after = table_counts(empty_database)
    in_flight = ReportRequest.objects.filter(pk__in=installation["in_flight"])
    assert {r.status for r in in_flight} == {"queued", "running"}  # the source is untouched
    with psycopg.connect(empty_database) as conn:
        requeued = conn.execute(
            "SELECT id, status, progress FROM reports_reportrequest WHERE id = ANY(%s) ORDER BY id",
            [installation["in_flight"]],
        ).fetchall()
    assert requeued == [(pk, "queued", 0) for pk in sorted(installation["in_flight"])]
    assert after == before, "every table's row count equal"
    assert file_checksums(*restored_dirs) == files_before, "every file equal (SHA-256)"
    broker = redis.Redis.from_url(own_redis.url(0))
    assert broker.llen("celery") == 2, "both in-flight requests sent to the queue again"

    # A worker of the restored installation finishes them.
    command = [sys.executable, "-m", "celery", "-A", "kesos", "worker", "--concurrency=1", "-l", "warning",
               "--without-mingle", "--without-gossip"]  # fmt: skip
    worker = Service(command, service_env(**restored_env), log_name="worker")
    try:
        with psycopg.connect(empty_database, autocommit=True) as conn:
            wait_until(
                lambda: conn.execute(
                    "SELECT count(*) FROM reports_reportrequest WHERE id = ANY(%s) AND status = 'done'",
                    [installation["in_flight"]],
                ).fetchone()[0] == 2,
                timeout=120, what="the restored in-flight requests done",
            )  # fmt: skip
    finally:
        output = worker.stop()
    assert "Traceback" not in output, output[-3000:]
    assert len(list(restored_dirs[1].glob("laporan-*"))) == 3
