"""Issue 13, "Done when": after NIK searches on every search route, no full NIK appears in any audit
record, the access log, or any page the Auditor can open. Exact-number searches are throttled per
user and each one is audited.

The searches are made as the roles that have them, through the pages (the search form POSTs) and the
API (POST …/cari/); an address carrying a NIK (an old bookmark, a script) is not searched.
"""

import datetime
import json
import logging
import runpy
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from gunicorn.config import Config

from kesos.accounts.models import Assignment, Office, Role, User
from kesos.audit import actions
from kesos.audit.models import AuditEvent
from kesos.wilayah.models import Wilayah
from pilar import services as pilar_services
from pilar.models import PilarType
from ppks import services as ppks_services
from ppks.models import Household, Person, PpksCategory
from tests.factories import PASSWORD

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

START = datetime.date(2026, 1, 1)
NIK = "6371011403580001"
KK = "6371010101090007"
MEMBER_NIK = "6371024505990003"
SECRETS = (NIK, KK, MEMBER_NIK)


def make_user(username, office_code, role, region):
    office, _ = Office.objects.get_or_create(name=f"Dinas Sosial {office_code}", defaults={"wilayah_id": office_code})
    user = User.objects.create_user(username=username, password=PASSWORD, office=office, full_name=username.title())
    Assignment.objects.create(user=user, role=role, wilayah_id=region, starts_on=START)
    return user


def login(username) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode()


def no_secret_in(value: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in value, f"full number {secret} in {where}"


@pytest.fixture
def world():
    operator = make_user("operator.banjarmasin", "63.71", Role.OPERATOR_KABKOTA, "63.71")
    make_user("tksk.banjarmasin", "63.71", Role.TKSK, "63.71.01")
    make_user("auditor.kalsel", "63", Role.AUDITOR, "63")
    make_user("admin.kalsel", "63", Role.ADMIN_PROVINSI, "63")
    person = Person.objects.create(
        nik=NIK, no_kk=KK, name="Abdul Gani", sex="L", wilayah_id="63.71.01.1001", birth_date=datetime.date(1958, 3, 14)
    )
    household = Household.objects.create(no_kk=KK, wilayah_id="63.71.01.1001")
    case = ppks_services.case_open(
        actor=operator, person=person, categories=[PpksCategory.objects.get(code="PPKS-24")], source="datang",
        summary="uji",
    )  # fmt: skip
    member = pilar_services.member_create(
        actor=operator, type=PilarType.objects.get(code="tksk"), wilayah=Wilayah.objects.get(code="63.71.02"),
        name="Rina Wati", nik=MEMBER_NIK, starts_on=datetime.date(2025, 1, 1),
    )  # fmt: skip
    return {"person": person, "household": household, "case": case, "member": member}


def page_search(client, name, term, expect):
    """Search through the list's form, as a person would: POST, then the list it redirects to."""
    response = client.post(reverse(name), {"q": term})
    assert response.status_code == 302
    no_secret_in(response["Location"], f"the address {name} redirects to")
    listing = client.get(response["Location"])
    assert listing.status_code == 200 and expect in text(listing), name
    return response["Location"]


def api_search(client, name, term, expect):
    response = client.post(reverse(name), {"q": term}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert expect in text(response), name


def test_no_full_nik_reaches_the_audit_trail_the_logs_or_the_auditors_pages(world, caplog, tmp_path):
    caplog.set_level(logging.INFO)
    operator = login("operator.banjarmasin")
    tksk = login("tksk.banjarmasin")
    case_number = world["case"].number

    # Pages: persons by NIK and by No. KK, households, cases, the pillar roster; the exports of the lists.
    found_at = page_search(operator, "ppks:person_list", NIK, "Abdul Gani")
    page_search(tksk, "ppks:person_list", KK, "Abdul Gani")
    page_search(operator, "ppks:household_list", KK, reverse("ppks:household", args=[world["household"].pk]))
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
    assert person_search.detail["rows"] == 1 and person_search.subject_person_id == world["person"].pk
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
    person = world["person"]
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


def gunicorn_access_line(tmp_path, environ) -> str:
    """One access-log line written by the logger the project's gunicorn.conf.py configures."""
    conf = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    cfg = Config()
    for key in ("logger_class", "access_log_format"):
        cfg.set(key, conf[key])
    log_file = tmp_path / "access.log"
    cfg.set("accesslog", str(log_file))
    logger = cfg.logger_class(cfg)

    class Response:
        status = "200 OK"
        sent = 1234
        headers = [("Content-Type", "text/html")]

    class Request:
        headers = [("X-FORWARDED-FOR", "203.0.113.9"), ("REFERER", environ["HTTP_REFERER"])]

    logger.access(Response(), Request(), environ, datetime.timedelta(seconds=0, microseconds=5000))
    for handler in logger.access_log.handlers:
        handler.flush()
    return log_file.read_text()


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


def test_exact_number_searches_are_throttled_per_user_with_an_indonesian_message(world, settings):
    settings.KESOS_RATE_LIMITS = {"nik_search": (3, 60)}
    operator = login("operator.banjarmasin")
    for _ in range(2):
        page_search(operator, "ppks:person_list", NIK, "Abdul Gani")
    api_search(operator, "ppks-api:person-cari", NIK, "Abdul Gani")

    # The fourth search, on any route: refused.
    api = operator.post(reverse("ppks-api:person-cari"), {"q": NIK}, content_type="application/json")
    assert api.status_code == 429 and "Terlalu banyak permintaan" in api.json()["detail"]
    assert int(api["Retry-After"]) > 0
    listing = operator.get(operator.post(reverse("ppks:case_list"), {"q": NIK})["Location"])
    assert listing.status_code == 429 and "Terlalu banyak permintaan" in text(listing)
    assert world["case"].number not in text(listing)

    # Searches by name are not counted; another user has their own count.
    assert "Abdul Gani" in text(operator.get(reverse("ppks:person_list"), {"q": "Gani"}))
    page_search(login("tksk.banjarmasin"), "ppks:person_list", NIK, "Abdul Gani")
    assert AuditEvent.objects.filter(action=actions.NUMBER_SEARCH, username="operator.banjarmasin").count() == 3
