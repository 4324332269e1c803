"""Issue 3, "Done when": each point as an end-to-end test, through the pages and the API.

1. The matrix covers every route, and a deliberately unscoped view added in a test makes it fail.
2. A TKSK of kecamatan A gets 404 for a beneficiary of kecamatan B on page, API and export.
3. Every change and every by-name view/export shows up in the audit pages with user, time and record.
4. Brute-force login locks for the cool-off and then recovers; staff cannot reach data without
   their second factor (pages, API and the Django admin).
"""

import base64
import datetime
import io
import re
import time
import zipfile

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path, reverse
from django_otp.oath import TOTP

from kesos.accounts.models import Assignment, Office, Role, User
from kesos.audit.models import AuditEvent
from ppks.models import Person
from tests import authz
from tests.factories import PASSWORD, AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 1)


def make_user(username, office_code, role, region):
    office, _ = Office.objects.get_or_create(name=f"Dinas Sosial {office_code}", defaults={"wilayah_id": office_code})
    user = User.objects.create_user(username=username, password=PASSWORD, office=office, full_name=username.title())
    Assignment.objects.create(user=user, role=role, wilayah_id=region, starts_on=START)
    return user


def login(username) -> Client:
    """Log in through the login page, as a person would."""
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


# --- 1. The matrix ----------------------------------------------------------------------------------
def leaky_person(request, pk):
    """A view that forgot the scoping: reads any person by id."""
    return HttpResponse(Person.objects.get(pk=pk).name)


urlpatterns = [
    path("bocor/<int:pk>/", leaky_person, name="leaky_person"),
    path("", include("kesos.urls")),
]


def test_the_matrix_covers_every_route_of_the_project():
    assert authz.missing_entries() == set()
    assert set(authz.MATRIX) == authz.all_route_names()


@override_settings(ROOT_URLCONF=__name__)
def test_a_deliberately_unscoped_view_makes_the_matrix_fail():
    # Added without an entry: the suite names it.
    assert authz.missing_entries() == {"leaky_person"}
    # Entered like the real person page: checking it reports the leaks, persona by persona.
    world = authz.World()
    route = authz.Route("leaky_person", "object", allowed=authz.BY_NAME, family="person", kwargs=authz.pk)
    failures = authz.check_route(Client, world, route)
    landasan = world.objects["person"]["p_landasan"].pk
    assert f"tksk_cempaka GET /bocor/{landasan}/: 200, expected 404" in failures
    assert any(f.startswith("anonymous GET /bocor/") for f in failures)
    # The real page passes the same check.
    assert authz.check_route(Client, world, authz.MATRIX["ppks:person"]) == []


# --- 2. TKSK of kecamatan A, beneficiary of kecamatan B ------------------------------------------------
def test_a_tksk_gets_404_for_a_beneficiary_of_another_kecamatan_on_page_api_and_export():
    make_user("tksk.cempaka", "63.72", Role.TKSK, "63.72.03")  # kecamatan A: Cempaka, Banjarbaru
    in_a = Person.objects.create(nik="6372031412650002", name="Jumberi", sex="L", wilayah_id="63.72.03.1001")
    in_b = Person.objects.create(nik="6372024505990003", name="Raudah", sex="P", wilayah_id="63.72.02.1003")
    tksk = login("tksk.cempaka")

    # Page, print sheet, API record: B is not found, A is there.
    for name in ("ppks:person", "ppks:person_print", "ppks-api:person-detail"):
        assert tksk.get(reverse(name, args=[in_b.pk])).status_code == 404, name
        assert tksk.get(reverse(name, args=[in_a.pk])).status_code == 200, name
    assert tksk.get(reverse("ppks:person_edit", args=[in_b.pk])).status_code == 404

    # Lists and searches never show B, not even for its exact NIK.
    listing = tksk.get(reverse("ppks:person_list")).content.decode()
    assert "Jumberi" in listing and "Raudah" not in listing
    api = tksk.post(reverse("ppks-api:person-cari"), {"q": in_b.nik}, content_type="application/json").json()
    assert api["count"] == 0
    names = [row["name"] for row in tksk.get(reverse("ppks-api:person-list")).json()["results"]]
    assert names == ["Jumberi"]

    # By-name list export is for supervisors: refused outright, and audited as a denial.
    assert tksk.get(reverse("ppks:person_export")).status_code == 403
    assert AuditEvent.objects.filter(action="auth.denied", username="tksk.cempaka").exists()

    # Changing B through the API is as impossible as reading it.
    patch = tksk.patch(
        reverse("ppks-api:person-detail", args=[in_b.pk]), {"name": "X", "version": 1}, content_type="application/json"
    )
    assert patch.status_code == 404
    in_b.refresh_from_db()
    assert in_b.name == "Raudah"


# --- 3. Audit pages --------------------------------------------------------------------------------------
@pytest.mark.postgres
def test_every_change_and_by_name_view_or_export_shows_up_in_the_audit_pages():
    make_user("operator.banjarmasin", "63.71", Role.OPERATOR_KABKOTA, "63.71")
    make_user("auditor.kalsel", "63", Role.AUDITOR, "63")
    make_user("admin.kalsel", "63", Role.ADMIN_PROVINSI, "63")
    operator = login("operator.banjarmasin")

    # A change through the form: create, then edit.
    form = {
        "nik": "6371011403580001",
        "name": "Abdul Gani",
        "sex": "L",
        "birth_date": "14/03/1958",
        "wilayah": "63.71.01.1001",
        "address": "Jl. Mantuil Raya",
        "birth_place": "Banjarmasin",
    }
    response = operator.post(reverse("ppks:person_create"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get(nik="6371011403580001")
    response = operator.post(
        reverse("ppks:person_edit", args=[person.pk]),
        {**form, "address": "Jl. Mantuil Raya Gg. Damai", "version": person.version},
    )
    assert response.status_code == 302
    # By-name reads: the page, the API record, the print sheet, and a CSV export.
    assert operator.get(reverse("ppks:person", args=[person.pk])).status_code == 200
    assert operator.get(reverse("ppks-api:person-detail", args=[person.pk])).status_code == 200
    assert operator.get(reverse("ppks:person_print", args=[person.pk])).status_code == 200
    export = operator.get(reverse("ppks:person_export"))
    assert export.status_code == 200
    assert "Abdul Gani" in b"".join(export.streaming_content).decode("utf-8-sig")

    auditor = login("auditor.kalsel")
    page = auditor.get(reverse("audit:event_list"), {"jenis": "ppks.person", "id_data": person.pk}).content.decode()
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)[1:]
    actions = [re.search(r'data-aksi="([^"]+)"', row).group(1) for row in rows]
    assert sorted(actions) == sorted(["record.create", "record.update", "data.view", "data.view", "data.print"])
    for row in rows:
        assert "operator.banjarmasin" in row
        assert "Abdul Gani (************0001)" in row  # the record, with its NIK masked
        assert re.search(r"\d\d/\d\d/2\d{3} \d\d:\d\d:\d\d WITA", row)  # time in the office's zone
    exports = auditor.get(reverse("audit:event_list"), {"aksi": "data.export"}).content.decode()
    assert "operator.banjarmasin" in exports and "Daftar orang (1 baris)" in exports

    # Field-level history of the record, from the database triggers: who, what, from where.
    history = auditor.get(reverse("audit:change_list"), {"jenis": "ppks.person", "id_data": person.pk})
    text = history.content.decode()
    assert "Jl. Mantuil Raya → Jl. Mantuil Raya Gg. Damai" in text
    assert "operator.banjarmasin" in text and "127.0.0.1" in text
    assert "6371011403580001" not in text  # the auditor sees the NIK masked

    # The data subject's report lists the same accesses, and is itself audited.
    admin = login("admin.kalsel")
    report = admin.post(reverse("audit:subject_report"), {"nik": "6371011403580001"})
    assert report.status_code == 200
    assert report["Content-Type"].startswith("application/vnd.openxmlformats")
    with zipfile.ZipFile(io.BytesIO(report.content)) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "Abdul Gani" in strings and "operator.banjarmasin" in strings
    assert "Mencetak data perorangan" in strings and "Mengekspor data perorangan" in strings
    assert AuditEvent.objects.filter(
        action="data.subject_report", subject_person_id=person.pk, username="admin.kalsel"
    ).exists()
    # The auditor of another province sees none of it.
    make_user("auditor.kalteng", "62", Role.AUDITOR, "62")
    other = login("auditor.kalteng").get(reverse("audit:event_list"), {"jenis": "ppks.person", "id_data": person.pk})
    assert "Abdul Gani" not in other.content.decode()


# --- 4. Login security ----------------------------------------------------------------------------------
def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def log_in(client, username, password=PASSWORD):
    """Fill in the login form as a user would, following wherever it leads."""
    client.get(reverse("login"))
    return client.post(reverse("login"), {"username": username, "password": password}, follow=True)


def authenticator_code(secret: str, steps_later: int = 0) -> str:
    """What a phone's authenticator app shows for the key typed from the enrolment page."""
    totp = TOTP(base64.b32decode(secret))
    totp.time = time.time() + 30 * steps_later
    return f"{totp.token():06d}"


def test_brute_force_login_locks_for_the_cool_off_and_then_recovers():
    operator = AssignmentFactory(role="operator_kabkota", wilayah_id="63.71").user
    attacker = Client()
    for attempt in range(1, settings.AXES_FAILURE_LIMIT):
        response = log_in(attacker, operator.username, f"tebakan-{attempt}")
        assert "Nama pengguna atau kata sandi salah" in text(response)

    locked = log_in(attacker, operator.username, "tebakan-terakhir")
    cool_off_minutes = round(settings.AXES_COOLOFF_TIME * 60)
    assert locked.status_code == 429
    assert f"dikunci selama {cool_off_minutes} menit" in text(locked)

    # During the cool-off even the right password does not open the account.
    owner = Client()
    assert log_in(owner, operator.username).status_code == 429
    assert owner.get(reverse("home")).status_code == 302

    # Time passes: the cool-off is over (axes compares its attempt times with now).
    for row in AccessAttempt.objects.all():
        row.attempt_time -= datetime.timedelta(minutes=cool_off_minutes, seconds=1)
        row.save(update_fields=["attempt_time"])

    welcome = log_in(owner, operator.username)
    assert welcome.status_code == 200
    assert f"Selamat datang, {operator.full_name}" in text(welcome)
    trail = AuditEvent.objects.filter(username=operator.username).values_list("action", flat=True)
    assert {"auth.login_failed", "auth.locked_out", "auth.login"} <= set(trail)


def test_staff_cannot_reach_data_without_their_second_factor(settings):
    settings.KESOS_REQUIRE_2FA = True
    operator = AssignmentFactory(role="operator_kabkota", wilayah_id="63.71").user
    data_pages = [reverse("home"), reverse("wilayah:detail", args=["63.71"]), reverse("ppks:person_list")]
    data_api = [reverse("wilayah-api:children"), reverse("ppks-api:person-list")]

    # The password alone leads to the enrolment page, and nowhere else.
    browser = Client()
    enrol = log_in(browser, operator.username)
    assert "Aktifkan verifikasi dua langkah" in text(enrol)
    for url in data_pages:
        assert browser.get(url).url.startswith(reverse("twofactor:enrol")), url
    for url in data_api:
        refused = browser.get(url)
        assert refused.status_code == 403, url
        assert refused.json() == {"detail": "Verifikasi dua langkah diperlukan."}

    # The operator types the key shown on the page into their phone and confirms with a code.
    secret = re.search(r'data-secret="([A-Z2-7]+)"', enrol.content.decode()).group(1)
    enrolled = browser.post(reverse("twofactor:enrol"), {"token": authenticator_code(secret)}, follow=True)
    assert f"Selamat datang, {operator.full_name}" in text(enrolled)
    for url in data_pages + data_api:
        assert browser.get(url).status_code == 200, url

    # Next day, another browser: the password again leads only to the code prompt.
    browser.post(reverse("logout"))
    verify = log_in(browser, operator.username)
    assert "Verifikasi dua langkah" in text(verify)
    for url in data_pages:
        assert browser.get(url).url.startswith(reverse("twofactor:verify")), url
    assert browser.get(data_api[0]).status_code == 403
    wrong = browser.post(reverse("twofactor:verify"), {"token": "12345x"})
    assert "Kode salah atau kedaluwarsa." in text(wrong)
    assert browser.get(data_pages[0]).status_code == 302
    assert AuditEvent.objects.filter(actor=operator, action="auth.otp_failed").exists()

    # The throttle django-otp sets after a wrong code lasts a second; the app shows the next code.
    time.sleep(1.1)
    inside = browser.post(
        reverse("twofactor:verify"), {"token": authenticator_code(secret, steps_later=1)}, follow=True
    )
    assert f"Selamat datang, {operator.full_name}" in text(inside)
    assert browser.get(data_api[0]).status_code == 200


def test_the_system_administrator_needs_the_second_factor_for_the_admin_too(settings):
    settings.KESOS_REQUIRE_2FA = True
    root = UserFactory(is_staff=True, is_superuser=True)
    browser = Client()
    log_in(browser, root.username)
    assert browser.get(reverse("admin:index")).url.startswith(reverse("twofactor:enrol"))
    assert browser.get(reverse("api-docs")).status_code == 403


def test_a_tksk_in_the_field_logs_in_with_the_password_only(settings):
    settings.KESOS_REQUIRE_2FA = True
    tksk = AssignmentFactory(role="tksk", wilayah_id="63.72.03").user
    assert f"Selamat datang, {tksk.full_name}" in text(log_in(Client(), tksk.username))
