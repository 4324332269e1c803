"""Issue 13 (security), its "Done when" points as end-to-end tests, on PostgreSQL (and Redis in CI).

1. An Admin Provinsi gets 404 on the superuser's, a staff user's, the Auditor's, the Pimpinan's and
   another province's users' pages and actions, including a user whose only link to the province is
   an ended assignment, on pages, API and the admin.
2. For every person visible to a TKSK or Pekerja Sosial with a masked NIK, nothing on the page,
   print, API or export lets the full NIK be computed (the test tries the reconstruction).
3. After NIK searches on every search route, no full NIK appears in any audit record, the access
   log, or any page the Auditor can open.
4. Paging through the person API writes one audit event per page with its row count, and a user who
   exceeds the throttle gets 429.
5. The API fuzzer (schemathesis against the generated OpenAPI schema, as a logged-in operator)
   reports 0 server errors and 0 schema violations.

The worlds these tests build, and the other checks of each item, live in the
`test_security_<topic>.py` modules beside this one.
"""

import datetime
import io
import json
import logging
import zipfile

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kesos.accounts.models import Role, User
from kesos.audit import actions
from kesos.audit.models import AuditEvent
from kesos.core.demo import load_demo
from kesos.wsgi import application
from ppks.models import Person
from tests.acceptance.test_access import login, make_user
from tests.acceptance.test_security_accounts import TAKEN_OVER, pages
from tests.acceptance.test_security_masking import (
    CEMPAKA,
    assert_no_masked_nik_can_be_recovered,
    everything_shown_to_the_social_worker,
    everything_shown_to_the_tksk,
    nik_of,
    reconstructions,
)
from tests.acceptance.test_security_nikurl import (
    KK,
    MEMBER_NIK,
    NIK,
    api_search,
    gunicorn_access_line,
    no_secret_in,
    page_search,
    text,
)
from tests.factories import PASSWORD

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


# --- 1. The Admin Provinsi's remit -------------------------------------------------------------------
@pytest.mark.parametrize(
    "name", ["superuser", "staff", "auditor", "pimpinan", "admin_kalteng", "operator_kalteng", "ended_in_kalsel"]
)
def test_every_page_and_action_on_an_account_outside_the_admins_remit_is_not_found(admin_client, accounts_world, name):
    target = accounts_world["forbidden"][name]
    before = list(target.assignments.values_list("pk", "role", "wilayah_id", "ends_on"))
    for method, url, data in pages(target):
        response = getattr(admin_client, method)(url, data)
        assert response.status_code == 404, f"{method.upper()} {url}: {response.status_code}"
        if method == "post":
            # The POST-only actions refuse a GET (405) before looking at the id: for any account alike.
            nobody = url.replace(f"/{target.pk}/", "/987654321/", 1)
            assert admin_client.get(url).status_code == admin_client.get(nobody).status_code
    target.refresh_from_db()
    assert target.check_password(PASSWORD) and not target.check_password(TAKEN_OVER)
    assert target.is_active and target.full_name == f"Nama {target.username}"
    assert TOTPDevice.objects.filter(user=target, confirmed=True).exists()
    assert list(target.assignments.values_list("pk", "role", "wilayah_id", "ends_on")) == before


def test_no_api_route_reads_or_changes_accounts(admin_client):
    schema = admin_client.get(reverse("api-schema"), {"format": "json"}).json()
    assert schema["paths"]
    assert not [path for path in schema["paths"] if "pengguna" in path or "user" in path.lower()]


def test_the_admin_provinsi_cannot_reach_the_django_admin(accounts_world):
    browser = Client()
    browser.force_login(accounts_world["admin"])
    superuser = accounts_world["forbidden"]["superuser"]
    for url in (
        reverse("admin:index"),
        reverse("admin:accounts_user_change", args=[superuser.pk]),
        reverse("admin:auth_user_password_change", args=[superuser.pk]),
    ):
        response = browser.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login")), url
    response = browser.post(
        reverse("admin:auth_user_password_change", args=[superuser.pk]),
        {"password1": TAKEN_OVER, "password2": TAKEN_OVER},
    )
    assert response.status_code == 302
    superuser.refresh_from_db()
    assert not superuser.check_password(TAKEN_OVER)
    # Their password does not open the admin's own login form either.
    refused = Client().post(reverse("admin:login"), {"username": "admin.kalsel", "password": PASSWORD})
    assert refused.status_code == 200 and "_auth_user_id" not in refused.wsgi_request.session


# --- 2. A masked NIK cannot be rebuilt ---------------------------------------------------------------
def test_the_attack_works_on_what_a_full_view_shows():
    """The reconstruction is no straw man: given a region code, a birth date and a last four, it finds the NIK."""
    jumberi = nik_of(CEMPAKA, datetime.date(1965, 12, 14), "L", "0002")
    raudah = nik_of(CEMPAKA, datetime.date(1999, 5, 5), "P", "0003")
    shown = "63.72.03.1001 · 14 Desember 1965 · ************0002 | 6372 05/05/1999 ************0003"
    assert {jumberi, raudah} <= reconstructions(shown)
    assert raudah == "6372034505990003"


def test_a_tksk_cannot_compute_any_masked_nik_from_pages_prints_api_or_exports(masking_world):
    shown = everything_shown_to_the_tksk(masking_world)
    masked = assert_no_masked_nik_can_be_recovered(shown, [*masking_world["cempaka"], masking_world["reported"]])
    assert {p.name for p in masked} == {p.name for p in masking_world["cempaka"]}
    # The No. KK is masked the same way, and the person they reported is shown to them in full.
    assert "6372031503100007" not in shown and "************0007" in shown
    assert masking_world["reported"].nik in shown and "30 Januari 1970" in shown


def test_a_social_worker_cannot_compute_a_residents_masked_nik_from_the_lks_pages_api_or_exports(masking_world):
    shown = everything_shown_to_the_social_worker(masking_world)
    everyone = [*masking_world["cempaka"], *masking_world["banjarmasin"]]
    masked = assert_no_masked_nik_can_be_recovered(shown, everyone)
    assert {p.name for p in masked} == {p.name for p in masking_world["banjarmasin"]}


# --- 3. No full NIK in the audit trail, the logs or the Auditor's pages ------------------------------
def test_no_full_nik_reaches_the_audit_trail_the_logs_or_the_auditors_pages(search_world, caplog, tmp_path):
    caplog.set_level(logging.INFO)
    operator = login("operator.banjarmasin")
    tksk = login("tksk.banjarmasin")
    case_number = search_world["case"].number

    # Pages: persons by NIK and by No. KK, households, cases, the pillar roster; the exports of the lists.
    found_at = page_search(operator, "ppks:person_list", NIK, "Abdul Gani")
    page_search(tksk, "ppks:person_list", KK, "Abdul Gani")
    page_search(operator, "ppks:household_list", KK, reverse("ppks:household", args=[search_world["household"].pk]))
    page_search(tksk, "ppks:case_list", NIK, case_number)
    roster_at = page_search(operator, "pilar:member_list", MEMBER_NIK, "Rina Wati")
    export = operator.get(reverse("ppks:person_export") + "?" + found_at.split("?", 1)[1])
    assert export.status_code == 200 and "Abdul Gani" in text(export)
    export = operator.get(reverse("pilar:member_export") + "?" + roster_at.split("?", 1)[1])
    assert export.status_code == 200 and "Rina Wati" in text(export)
    # Pagination keeps the search without the number.
    assert "Abdul Gani" in text(operator.get(found_at + "&page=1"))

    # API: the number travels in the body.
    api_search(operator, "ppks-api:person-cari", NIK, "Abdul Gani")
    api_search(tksk, "ppks-api:household-cari", KK, '"count":1')
    api_search(tksk, "ppks-api:case-cari", KK, case_number)
    api_search(operator, "pilar-api:member-cari", MEMBER_NIK, "Rina Wati")

    # A number in a query string is refused with the way to do it, and searched nowhere.
    for name in ("ppks-api:person-list", "ppks-api:household-list", "ppks-api:case-list", "pilar-api:member-list"):
        refused = operator.get(reverse(name), {"q": NIK})
        assert refused.status_code == 400, name
        assert "POST" in str(refused.json()["q"]) and f"{reverse(name)}cari/" in str(refused.json()["q"])
    bookmark = operator.get(reverse("ppks:person_list"), {"q": NIK})
    assert "tidak dicari dari alamat" in text(bookmark)

    # By-NIK lookups that were already POSTs: the auditor's person filter and the data-subject report.
    auditor = login("auditor.kalsel")
    assert auditor.post(reverse("audit:event_list"), {"nik": NIK}).status_code == 302
    report = login("admin.kalsel").post(reverse("audit:subject_report"), {"nik": NIK})
    assert report.status_code == 200

    # A 404 whose path carries the number (a mistyped address).
    assert operator.get(f"/ppks/orang/{NIK}/").status_code == 404

    # Each exact-number search wrote one event, with the route and the row count, tied to the person found.
    searches = AuditEvent.objects.filter(action=actions.NUMBER_SEARCH)
    routes = {e.detail["route"] for e in searches}
    assert routes >= {
        "ppks:person_list", "ppks:household_list", "ppks:case_list", "pilar:member_list", "ppks:person_export",
        "pilar:member_export", "ppks-api:person-cari", "ppks-api:household-cari", "ppks-api:case-cari",
        "pilar-api:member-cari",
    }  # fmt: skip
    person_search = searches.get(detail__route="ppks-api:person-cari")
    assert person_search.detail["rows"] == 1 and person_search.subject_person_id == search_world["person"].pk
    assert person_search.username == "operator.banjarmasin"

    # No full number in any column of any audit record.
    assert AuditEvent.objects.exists()
    text_fields = [f.attname for f in AuditEvent._meta.concrete_fields]
    for event in AuditEvent.objects.all():
        for name in text_fields:
            value = getattr(event, name)
            no_secret_in(json.dumps(value) if isinstance(value, (dict, list)) else str(value), f"AuditEvent.{name}")

    # No full number in Django's log records (the 404 line names the path).
    for record in caplog.records:
        no_secret_in(record.getMessage(), f"log record {record.name}")
    assert any("Not Found" in r.getMessage() for r in caplog.records)

    # No full number on any page the Auditor opens: the trail, each action's list, the person's trail,
    # the change history of the person and of the household.
    person = search_world["person"]
    pages = [reverse("audit:event_list"), f"{reverse('audit:event_list')}?orang={person.pk}"]
    pages += [f"{reverse('audit:event_list')}?aksi={code}" for code in actions.ACTIONS]
    pages += [
        f"{reverse('audit:change_list')}?jenis=ppks.person&id_data={person.pk}",
        f"{reverse('audit:change_list')}?pengguna=operator.banjarmasin",
        f"{reverse('audit:change_list')}?jenis=accounts.user&id_data={User.objects.get(username='tksk.banjarmasin').pk}",
    ]
    shown = ""
    for url in pages:
        response = auditor.get(url)
        assert response.status_code == 200, url
        no_secret_in(text(response), f"the auditor's page {url}")
        shown += text(response)
    assert "Mencari data dengan NIK/No. KK" in shown  # the searches are there, without the numbers


def test_the_gunicorn_access_log_never_carries_a_full_nik(tmp_path):
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/ppks/orang/?q={NIK}&wilayah=63.71",
        "PATH_INFO": "/ppks/orang/",
        "QUERY_STRING": f"q={NIK}&wilayah=63.71",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.2",
        "HTTP_REFERER": "https://kesos.example/ppks/kasus/?q=6371+0101+0109+0007",
        "HTTP_USER_AGENT": "Mozilla/5.0",
    }
    line = gunicorn_access_line(tmp_path, environ)
    assert "GET /ppks/orang/?q=" in line and "wilayah=63.71" in line and "203.0.113.9" in line
    no_secret_in(line, "the access log")
    assert "6371+0101+0109+0007" not in line


# --- 4. By-name list reads audited and throttled -----------------------------------------------------
def people(count: int, village: str, nik_prefix: str, name: str) -> list[Person]:
    return Person.objects.bulk_create(
        Person(name=f"{name} {i:03d}", sex="L", wilayah_id=village, nik=f"{nik_prefix}{i:04d}")
        for i in range(1, count + 1)
    )


def test_paging_through_the_person_api_writes_one_audit_event_per_page_that_the_subject_report_sees():
    make_user("operator.banjarmasin", "63.71", Role.OPERATOR_KABKOTA, "63.71")
    make_user("admin.kalsel", "63", Role.ADMIN_PROVINSI, "63")
    make_user("auditor.banjarmasin", "63.71", Role.AUDITOR, "63.71")
    # 60 in kecamatan 01 (sorted first by name), 60 in kecamatan 02: page 1 is all of kecamatan 01.
    first = people(60, "63.71.01.1001", "637101010180", "Ahmad")
    people(60, "63.71.02.1001", "637102010180", "Bahrul")
    operator = login("operator.banjarmasin")

    url, pages = reverse("ppks-api:person-list"), []
    while url:
        body = operator.get(url).json()
        pages.append([row["id"] for row in body["results"]])
        url = body["next"]
    assert [len(page) for page in pages] == [50, 50, 20]

    events = list(AuditEvent.objects.filter(action="data.list", username="operator.banjarmasin").order_by("id"))
    assert len(events) == 3  # one per page, not one per row
    assert [e.detail["rows"] for e in events] == [50, 50, 20]
    assert [e.object_repr for e in events] == [f"Daftar orang ({n} baris)" for n in (50, 50, 20)]
    # The region of each page: the narrowest one holding its rows.
    assert [e.wilayah_code for e in events] == ["63.71.01.1001", "63.71", "63.71.02.1001"]
    assert events[1].detail["regions"] == ["63.71.01.1001", "63.71.02.1001"]
    assert [e.detail["person_ids"] for e in events] == [sorted(page) for page in pages]
    assert all(e.ip == "127.0.0.1" and e.path.startswith("/api/v1/ppks/orang/") for e in events)

    # The kab/kota auditor sees the reads in the trail.
    trail = login("auditor.banjarmasin").get(reverse("audit:event_list"), {"aksi": "data.list"}).content.decode()
    assert trail.count("Daftar orang (50 baris)") == 2 and "Daftar orang (20 baris)" in trail

    # The data-subject report of a person on page 1 says they appeared in a list read by the operator;
    # page 2 and 3 did not hold them, so only one list read is theirs.
    on_page_one = first[0]
    assert on_page_one.pk in pages[0]
    report = login("admin.kalsel").post(reverse("audit:subject_report"), {"nik": on_page_one.nik})
    assert report.status_code == 200
    with zipfile.ZipFile(io.BytesIO(report.content)) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "Melihat daftar data perorangan" in strings and "operator.banjarmasin" in strings
    assert "Daftar orang (50 baris)" in strings and "Daftar orang (20 baris)" not in strings


def test_a_user_who_pages_faster_than_the_throttle_allows_gets_429_in_indonesian(settings):
    rates = {"user": "1000/hour", "anon": "100/hour", "by_name_list": "3/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    make_user("operator.banjarmasin", "63.71", Role.OPERATOR_KABKOTA, "63.71")
    make_user("operator.banjarbaru", "63.72", Role.OPERATOR_KABKOTA, "63.72")
    person = people(3, "63.71.01.1001", "637101010180", "Ahmad")[0]
    operator = login("operator.banjarmasin")

    for _ in range(3):
        assert operator.get(reverse("ppks-api:person-list")).status_code == 200
    refused = operator.get(reverse("ppks-api:person-list"), {"page": 2})
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Terlalu banyak permintaan ke API. Coba lagi dalam")
    assert int(refused["Retry-After"]) > 0
    # The other by-name lists share the budget; a single record is still within the user's rate.
    assert operator.get(reverse("ppks-api:case-list")).status_code == 429
    assert operator.get(reverse("ppks-api:person-detail", args=[person.pk])).status_code == 200
    # The refused pages were not served, so they are not in the trail as reads.
    assert AuditEvent.objects.filter(action="data.list", username="operator.banjarmasin").count() == 3
    # The limit is per user: a colleague is not slowed down.
    assert login("operator.banjarbaru").get(reverse("ppks-api:person-list")).status_code == 200

    # Every API request counts against the user's own rate too (the colleague has made one).
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**rates, "user": "2/hour"}}
    colleague = login("operator.banjarbaru")
    assert colleague.get(reverse("ppks-api:referensi-list")).status_code == 200
    assert colleague.get(reverse("ppks-api:referensi-list")).status_code == 429


# --- 5. The API fuzzer -------------------------------------------------------------------------------
EXAMPLES_PER_OPERATION = 25


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


SCHEMA = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))


SCHEMA.app = application


@pytest.fixture
def wsgi_inside_the_test_transaction():
    """The WSGI handler closes the connection at the end of each request, as in production; inside a
    test transaction that would end the test's transaction, so keep the connection as Django's test
    client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def demo_ids():
    """Ids of the demo records a by-name operator of Kota Banjarmasin sees, per path shape."""
    from kesos.reports.models import ReportRequest
    from lks.models import Lks
    from pilar.models import Member
    from ppks.models import Case, Household, Person

    banjarmasin = Person.objects.filter(wilayah__code__startswith="63.71")
    return {
        "/api/v1/ppks/orang/": list(banjarmasin.values_list("pk", flat=True)),
        "/api/v1/ppks/kasus/": list(Case.objects.values_list("pk", flat=True)),
        "/api/v1/ppks/keluarga/": list(Household.objects.values_list("pk", flat=True)),
        "/api/v1/lks/lks/": list(Lks.objects.values_list("pk", flat=True)),
        "/api/v1/pilar/anggota/": list(Member.objects.values_list("pk", flat=True)),
        "/api/v1/laporan/": list(ReportRequest.objects.values_list("pk", flat=True)),
    }


def open_a_case_with_a_note(operator):
    """The demo data has no case yet: one case with a note, so the case sub-resources answer with rows."""
    from ppks import services
    from ppks.models import Person, PpksCategory
    from ppks.services import casework

    person = Person.objects.filter(wilayah__code__startswith="63.71").order_by("pk").first()
    case = services.case_open(
        actor=operator, summary="Lansia hidup sendiri", categories=[PpksCategory.objects.get(code="PPKS-08")],
        source="datang", person=person,
    )  # fmt: skip
    casework.note_add(actor=operator, case=case, text="Kunjungan pertama.")


@pytest.mark.slow
def test_the_api_fuzzer_finds_no_server_error_and_no_schema_violation(wsgi_inside_the_test_transaction):
    load_demo()
    operator = User.objects.get(username="operator.banjarmasin")
    open_a_case_with_a_note(operator)
    client = Client()
    client.force_login(operator)
    csrf = "k" * 32  # the CSRF cookie and header only have to agree
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf}
    headers = {"X-CSRFToken": csrf}
    ids = demo_ids()

    failures = []
    for result in SCHEMA.get_all_operations():
        operation = result.ok()
        prefix = next((p for p in ids if operation.path.startswith(p + "{")), None)
        real = st.sampled_from(ids[prefix]) if prefix and ids[prefix] else st.nothing()

        @hypothesis.settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        )
        @hypothesis.given(case=operation.as_strategy(), real_id=st.none() | real)
        def fuzz(case, real_id):
            if real_id is not None and "id" in (case.path_parameters or {}):
                case.path_parameters["id"] = real_id
            sid = transaction.savepoint()
            try:
                response = case.call(headers=headers, cookies=cookies)
            finally:
                transaction.savepoint_rollback(sid)
                connection.needs_rollback = False
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            fuzz()
        except BaseException as exc:  # noqa: BLE001 - collected and reported below, operation by operation
            failures.append(f"{operation.label}: {exc}")
    assert failures == [], "\n\n".join(failures)
