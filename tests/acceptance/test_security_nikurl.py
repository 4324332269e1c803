"""Issue 13, "Done when": after NIK searches on every search route, no full NIK appears in any audit
record, the access log, or any page the Auditor can open. Exact-number searches are throttled per
user and each one is audited.

The searches are made as the roles that have them, through the pages (the search form POSTs) and the
API (POST …/cari/); an address carrying a NIK (an old bookmark, a script) is not searched.
"""

import datetime
import runpy
from pathlib import Path

import pytest
from django.conf import settings
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
from tests.acceptance.test_access import login
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


def text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode()


def no_secret_in(value: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in value, f"full number {secret} in {where}"


@pytest.fixture
def search_world():
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


def test_exact_number_searches_are_throttled_per_user_with_an_indonesian_message(search_world, settings):
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
    assert search_world["case"].number not in text(listing)

    # Searches by name are not counted; another user has their own count.
    assert "Abdul Gani" in text(operator.get(reverse("ppks:person_list"), {"q": "Gani"}))
    page_search(login("tksk.banjarmasin"), "ppks:person_list", NIK, "Abdul Gani")
    assert AuditEvent.objects.filter(action=actions.NUMBER_SEARCH, username="operator.banjarmasin").count() == 3
