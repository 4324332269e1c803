"""Issue 14, item 4: idempotent creation (kesos.core.idempotency) through the pages and the API, the key's
lifetime, and that every create route takes a key. The end-to-end runs against gunicorn with two
requests at once are in tests/acceptance/test_reliability_idempotency.py."""

import datetime
import re
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from kesos.accounts.models import Role
from kesos.core import idempotency
from kesos.core.models import IdempotencyKey
from kesos.core.tasks import purge_idempotency_keys
from ppks.models import CaseNote, Household, Person, PpksCategory
from ppks.services import case_open
from tests.factories import AssignmentFactory, UserFactory

PERSON = {"name": "Abdul Gani", "sex": "L", "birth_date": "14/03/1958", "wilayah": "63.71.01.1001",
          "address": "Jl. Mantuil Raya"}  # fmt: skip
HOUSEHOLD = {"wilayah": "63.71.01.1001", "address": "Jl. Mantuil Raya"}
KEY_RE = re.compile(r'name="idempotency_key" value="([0-9a-f-]{36})"')


def operator(username="operator.bjm"):
    user = UserFactory(username=username)
    AssignmentFactory(user=user, role=Role.OPERATOR_KABKOTA, wilayah_id="63.71")
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_key(client, url) -> str:
    """The hidden key the form page renders (the first create form on it)."""
    return KEY_RE.search(client.get(url).content.decode())[1]


# --- Pages ---------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_each_render_of_a_create_form_carries_a_new_hidden_key():
    client = logged_in(operator())
    url = reverse("ppks:person_create")
    first, second = form_key(client, url), form_key(client, url)
    assert first != second


@pytest.mark.django_db
def test_the_same_form_sent_twice_saves_one_person_and_both_answers_lead_to_it():
    client = logged_in(operator())
    key = form_key(client, reverse("ppks:person_create"))
    first = client.post(reverse("ppks:person_create"), {**PERSON, "idempotency_key": key})
    second = client.post(reverse("ppks:person_create"), {**PERSON, "idempotency_key": key}, follow=True)
    person = Person.objects.get()
    assert first.status_code == 302 and first.url == reverse("ppks:person", args=[person.pk])
    assert second.redirect_chain == [(first.url, 302)]
    assert idempotency.REPLAYED_MESSAGE in second.content.decode()


@pytest.mark.django_db
def test_the_same_key_with_changed_content_is_a_new_submission_and_is_saved():
    """The user went back, changed the form and saved again: nothing they typed is dropped."""
    client = logged_in(operator())
    key = form_key(client, reverse("ppks:person_create"))
    client.post(reverse("ppks:person_create"), {**PERSON, "idempotency_key": key})
    client.post(reverse("ppks:person_create"), {**PERSON, "name": "Siti Aminah", "sex": "P", "idempotency_key": key})
    assert sorted(Person.objects.values_list("name", flat=True)) == ["Abdul Gani", "Siti Aminah"]


@pytest.mark.django_db
def test_a_form_refused_for_its_content_keeps_no_key_so_the_corrected_form_is_saved():
    client = logged_in(operator())
    key = form_key(client, reverse("ppks:person_create"))
    refused = client.post(reverse("ppks:person_create"), {**PERSON, "wilayah": "63.72.03.1001", "idempotency_key": key})
    assert refused.status_code == 200 and "di luar wilayah tugas Anda" in refused.content.decode()
    assert not IdempotencyKey.objects.exists()
    saved = client.post(reverse("ppks:person_create"), {**PERSON, "idempotency_key": key})
    assert saved.status_code == 302 and Person.objects.count() == 1


@pytest.mark.django_db
def test_a_form_without_a_key_works_as_before():
    """An old page or a script that knows nothing of the key: each POST is a submission, as before."""
    client = logged_in(operator())
    client.post(reverse("ppks:household_create"), HOUSEHOLD)
    client.post(reverse("ppks:household_create"), HOUSEHOLD)
    assert Household.objects.count() == 2 and not IdempotencyKey.objects.exists()


@pytest.mark.django_db
def test_keys_are_per_user():
    one, other = operator("operator.satu"), operator("operator.dua")
    key = "5d0c1a8e-0000-4000-8000-000000000001"
    for user in (one, other):
        logged_in(user).post(reverse("ppks:household_create"), {**HOUSEHOLD, "idempotency_key": key})
    assert sorted(Household.objects.values_list("created_by__username", flat=True)) == ["operator.dua", "operator.satu"]


@pytest.mark.django_db
def test_a_case_note_sent_twice_with_its_key_is_recorded_once():
    user = operator()
    person = Person.objects.create(name="Jumberi", sex="L", wilayah_id="63.71.01.1001", created_by=user)
    case = case_open(actor=user, person=person, categories=[PpksCategory.objects.get(code="PPKS-24")],
                     source="datang", summary="Tidak punya penghasilan")  # fmt: skip
    client = logged_in(user)
    page = client.get(reverse("ppks:case", args=[case.pk])).content.decode()
    note_form = page[page.index(reverse("ppks:note_add", args=[case.pk])) :]
    key = KEY_RE.search(note_form)[1]
    for _ in range(2):
        response = client.post(reverse("ppks:note_add", args=[case.pk]), {"text": "Kunjungan", "idempotency_key": key})
        assert response.status_code == 302 and response.url == reverse("ppks:case", args=[case.pk])
    assert CaseNote.objects.filter(case=case).count() == 1


# --- API -----------------------------------------------------------------------------------------------------
API_PERSON = {"name": "Abdul Gani", "sex": "L", "birth_date": "1958-03-14", "wilayah": "63.71.01.1001"}


def api_post(client, body, key=None, route="ppks-api:person-list"):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(reverse(route), body, content_type="application/json", headers=headers)


def api_household(client, key=None):
    return api_post(client, {"wilayah": "63.71.01.1001", "address": "Jl. Mantuil Raya"}, key, "ppks-api:household-list")


@pytest.mark.django_db
def test_the_api_answers_a_repeat_with_the_first_answer_and_creates_nothing():
    client = logged_in(operator())
    first = api_post(client, API_PERSON, key="kunci-1")
    again = api_post(client, API_PERSON, key="kunci-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_the_api_refuses_a_key_reused_for_another_body_with_422_in_indonesian():
    client = logged_in(operator())
    api_post(client, API_PERSON, key="kunci-1")
    other = api_post(client, {**API_PERSON, "name": "Siti Aminah", "sex": "P"}, key="kunci-1")
    assert other.status_code == 422
    assert other.json() == {"detail": idempotency.KEY_REUSED_MESSAGE}
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_the_api_without_a_key_creates_at_each_request_as_before():
    client = logged_in(operator())
    assert api_household(client).status_code == api_household(client).status_code == 201
    assert Household.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["", "dengan spasi", "x" * 256, "kunci\u00e9"])
def test_a_malformed_key_is_a_400_naming_the_header(bad):
    client = logged_in(operator())
    response = api_post(client, API_PERSON, key=bad)
    assert response.status_code == 400
    assert response.json() == {"Idempotency-Key": [idempotency.BAD_KEY_MESSAGE]}
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_a_refused_api_request_keeps_no_key():
    client = logged_in(operator())
    refused = api_post(client, {**API_PERSON, "wilayah": "63.72.03.1001"}, key="kunci-1")
    assert refused.status_code == 400 and not IdempotencyKey.objects.exists()
    assert api_post(client, API_PERSON, key="kunci-1").status_code == 201


@pytest.mark.django_db
def test_a_report_request_repeated_with_its_key_queues_one_report():
    """The report request answers 202; a repeat answers the same 202 and the same request id."""
    from kesos.reports.models import ReportRequest

    user = operator()
    client = logged_in(user)
    body = {"kind": "r7", "format": "xlsx", "region": "63.71", "year": 2025, "month": 6}
    url = reverse("reports-api:report-list")
    answers = [
        client.post(url, body, content_type="application/json", headers={"Idempotency-Key": "lap-1"}) for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [202, 202], answers[0].content
    assert answers[0].json()["id"] == answers[1].json()["id"]
    assert ReportRequest.objects.filter(requested_by=user).count() == 1


# --- Lifetime ------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_key_past_its_lifetime_is_taken_over_and_the_hourly_task_deletes_old_keys(settings):
    client = logged_in(operator())
    api_household(client, key="kunci-1")
    old = timezone.now() - datetime.timedelta(hours=settings.KESOS_IDEMPOTENCY_KEY_HOURS, minutes=1)
    IdempotencyKey.objects.update(created_at=old)
    again = api_household(client, key="kunci-1")
    assert again.status_code == 201 and not again.has_header("Idempotent-Replayed")
    assert Household.objects.count() == 2
    api_household(client, key="kunci-2")
    IdempotencyKey.objects.filter(key="api:kunci-2").update(created_at=old)
    assert purge_idempotency_keys() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["api:kunci-1"]


# --- Every create route takes a key ----------------------------------------------------------------------------
CREATE_NAME = re.compile(r"(_create|_add|_open|_new|_send|_apply|_record|_upload)$")
# Create routes whose names do not say so; and routes named like one that create nothing twice.
ALSO_CREATE = {"reports:index", "pilar:field_case", "pilar:posting_move"}
NOT_CREATE = {
    "pilar:report_current",  # GET; one report a month by constraint (get-or-create)
}


def page_routes():
    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry, f"{prefix}{entry.namespace}:" if entry.namespace else prefix)
            elif isinstance(entry, URLPattern) and entry.name:
                yield f"{prefix}{entry.name}", entry.callback

    return dict(walk(get_resolver()))


def test_every_create_page_and_api_create_takes_an_idempotency_key():
    routes = page_routes()
    creates = {n for n in routes if not n.startswith(("admin:", "api-")) and "-api:" not in n}
    creates = {n for n in creates if CREATE_NAME.search(n) or n in ALSO_CREATE} - NOT_CREATE
    assert len(creates) >= 30
    assert sorted(n for n in creates if not getattr(routes[n], "idempotent", False)) == []

    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    posts = {path: ops["post"] for path, ops in schema["paths"].items() if "post" in ops}
    not_creating = ("/cari/", "/tahap/", "/tugaskan/")
    missing = [
        path
        for path, op in posts.items()
        if not path.endswith(not_creating)
        and not any(p["in"] == "header" and p["name"] == "Idempotency-Key" for p in op.get("parameters", []))
    ]
    assert missing == []
    person_create = posts["/api/v1/ppks/orang/"]
    assert {"409", "422"} <= set(person_create["responses"])


# --- Two at once (PostgreSQL) ----------------------------------------------------------------------------------
def _in_thread(target):
    """Run `target` in a thread with its own database connection; returns (thread, result box)."""
    box = {}

    def run():
        try:
            box["value"] = target()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, box


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_with_one_key_at_once_run_the_work_once_and_the_second_answers_the_first(wilayah_table):
    user = operator()
    calls, barrier = [], threading.Barrier(2)

    def work():
        barrier.wait(timeout=10)
        return idempotency.run_once(
            user=user, key="api:k", fingerprint="f", call=lambda: calls.append(1) or "dibuat",
            answer_of=lambda result: idempotency.Replay(status=201, location="", body={"hasil": result}),
        )  # fmt: skip

    runs = [_in_thread(work) for _ in range(2)]
    for thread, _ in runs:
        thread.join(20)
    results = [box.get("value") for _, box in runs]
    assert calls == [1]
    assert "dibuat" in results
    assert idempotency.Replay(status=201, location="", body={"hasil": "dibuat"}) in results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_repeat_that_waits_past_the_lock_timeout_is_told_the_first_is_still_in_progress(wilayah_table):
    """The first request holds its transaction open; the second gives up at the lock timeout with 409
    (Retry-After) instead of an error, and the first still completes."""
    user = operator()
    started, release = threading.Event(), threading.Event()

    def slow_first():
        def call():
            started.set()
            release.wait(10)
            return "dibuat"

        return idempotency.run_once(user=user, key="api:k", fingerprint="f", call=call,
                                    answer_of=lambda r: idempotency.Replay(201, "", {"hasil": r}))  # fmt: skip

    thread, box = _in_thread(slow_first)
    assert started.wait(10)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        with pytest.raises(idempotency.InProgress):
            idempotency.run_once(user=user, key="api:k", fingerprint="f", call=lambda: "kedua",
                                 answer_of=lambda r: idempotency.Replay(201, "", {"hasil": r}))  # fmt: skip
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
        release.set()
        thread.join(20)
    assert box.get("value") == "dibuat"
    assert IdempotencyKey.objects.get().body == {"hasil": "dibuat"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_first_request_that_fails_lets_the_waiting_second_do_the_work(wilayah_table):
    user = operator()
    started, release = threading.Event(), threading.Event()

    def failing_first():
        def call():
            started.set()
            release.wait(10)
            raise RuntimeError("gagal")

        return idempotency.run_once(user=user, key="api:k", fingerprint="f", call=call,
                                    answer_of=lambda r: idempotency.Replay(201, "", r))  # fmt: skip

    thread, box = _in_thread(failing_first)
    assert started.wait(10)
    second, second_box = _in_thread(
        lambda: idempotency.run_once(
            user=user,
            key="api:k",
            fingerprint="f",
            call=lambda: "kedua",
            answer_of=lambda r: idempotency.Replay(201, "", r),
        )  # fmt: skip
    )
    release.set()
    thread.join(20)
    second.join(20)
    assert isinstance(box.get("error"), RuntimeError)
    assert second_box.get("value") == "kedua"
    assert IdempotencyKey.objects.get().body == "kedua"


@pytest.mark.django_db
def test_a_small_form_refused_with_an_error_message_on_its_page_keeps_no_key():
    """The PPKS category form on the person page redirects back with an error when refused: that is not
    a success to replay ("sudah tersimpan" would be untrue)."""
    user = operator()
    person = Person.objects.create(name="Jumberi", sex="L", wilayah_id="63.71.01.1001", created_by=user)
    client = logged_in(user)
    url = reverse("ppks:person_category_add", args=[person.pk])
    refused = client.post(url, {"idempotency_key": "kunci-kategori"}, follow=True)  # no category chosen
    assert "Pilih jenis PPKS dan sumbernya." in refused.content.decode()
    assert not IdempotencyKey.objects.exists()
