"""Issue 13, item 12: free text capped with a clear message, and names stored without invisible characters,
through every door: the page form, the API and the service called with plain arguments."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client
from django.urls import reverse

from kesos.accounts.models import Role, User
from kesos.core.fields import BoundedTextField, NameField
from kesos.core.validators import NOTE_MAX, REASON_MAX
from pilar import services as pilar_services
from pilar.models import Member, PilarType
from pilar.services import fieldwork
from ppks import services
from ppks.models import Case, CaseNote, Person, PpksCategory
from ppks.services import casework
from tests.factories import AssignmentFactory, OfficeFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

LONG_NOTE = ("Kunjungan rumah, kondisi membaik. " * 150).strip()  # 5,099 characters
TOO_LONG = f"Teks terlalu panjang: paling banyak {NOTE_MAX} karakter (sekarang {len(LONG_NOTE)})."
RLO_NAME = "Siti\u202eAminah\u200b"
# Text written by the system itself, never typed by a user: no cap needed.
SYSTEM_TEXT = {("accounts", "Notification", "body"), ("reports", "ReportRequest", "error")}


@pytest.fixture
def operator():
    user = UserFactory(
        username="operator.bjb", office=OfficeFactory(name="Dinas Sosial Kota Banjarbaru", wilayah_id="63.72")
    )
    AssignmentFactory(user=user, role=Role.OPERATOR_KABKOTA, wilayah_id="63.72")
    return user


@pytest.fixture
def client_of(operator):
    client = Client()
    client.force_login(operator)
    return client


@pytest.fixture
def case(operator):
    person = Person.objects.create(name="Jumberi", sex="L", wilayah_id="63.72.03.1001", created_by=operator)
    return services.case_open(
        actor=operator, person=person, categories=[PpksCategory.objects.get(code="PPKS-24")], source="datang",
        summary="Tidak punya penghasilan",
    )  # fmt: skip


def test_every_free_text_field_a_user_types_into_has_a_cap():
    uncapped = [
        f"{model._meta.label}.{field.name}"
        for app in ("ppks", "lks", "pilar", "accounts", "reports")
        for model in apps.get_app_config(app).get_models()
        if not model._meta.label.endswith("Event")  # history copies, written by triggers
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
        and not isinstance(field, BoundedTextField)
        and (app, model.__name__, field.name) not in SYSTEM_TEXT
    ]
    assert uncapped == []


# --- Text caps ---------------------------------------------------------------------------------------------
def test_an_over_long_note_on_the_case_page_is_refused_with_the_message_and_the_text_is_kept(client_of, case):
    response = client_of.post(reverse("ppks:note_add", args=[case.pk]), {"text": LONG_NOTE})
    assert response.status_code == 400
    page = response.content.decode()
    assert TOO_LONG in page
    assert LONG_NOTE in page  # the textarea still holds it
    assert not CaseNote.objects.exists()


def test_an_over_long_assessment_finding_is_refused_by_the_page_form(client_of, case):
    response = client_of.post(
        reverse("ppks:assessment_add", args=[case.pk]),
        {"assessed_on": datetime.date.today().strftime("%d/%m/%Y"), "scope": "individu", "findings": LONG_NOTE},
    )
    assert response.status_code == 400
    assert TOO_LONG in response.content.decode()
    assert not case.assessments.exists()


def test_an_over_long_note_through_the_api_answers_400_with_the_message(client_of, case):
    url = reverse("ppks-api:case-notes", args=[case.pk])
    response = client_of.post(url, {"text": LONG_NOTE}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"text": [TOO_LONG]}
    assert client_of.post(url, {"text": "Kunjungan rumah"}, content_type="application/json").status_code == 201


def test_a_service_called_with_plain_arguments_refuses_over_long_text_under_the_fields_name(operator, case):
    # CaseNote through objects.create
    with pytest.raises(ValidationError) as refused:
        casework.note_add(actor=operator, case=case, text=LONG_NOTE)
    assert refused.value.message_dict == {"text": [TOO_LONG]}
    # A case's summary: the API's case serializer declares it itself, so only the service stands guard.
    person = Person.objects.get(name="Jumberi")
    with pytest.raises(ValidationError) as refused:
        services.case_open(actor=operator, person=person, categories=[PpksCategory.objects.get(code="PPKS-24")],
                           source="datang", summary=LONG_NOTE)  # fmt: skip
    assert refused.value.message_dict == {"summary": [TOO_LONG]}
    assert Case.objects.count() == 1
    # A transition's note is a reason: the shorter cap.
    with pytest.raises(ValidationError) as refused:
        services.case_transition(actor=operator, case=case, to_stage="diverifikasi", note="x" * (REASON_MAX + 1))
    assert f"paling banyak {REASON_MAX} karakter" in refused.value.message_dict["note"][0]


def test_a_tksk_field_report_written_through_its_service_is_capped_too(operator):
    tksk = UserFactory(username="tksk.cempaka", office=operator.office)
    AssignmentFactory(user=tksk, role=Role.TKSK, wilayah_id="63.72.03")
    from kesos.wilayah.models import Wilayah

    pilar_services.member_create(
        actor=operator, type=PilarType.objects.get(code="tksk"), wilayah=Wilayah.objects.get(code="63.72.03"),
        name="Akhmad Syarifudin", starts_on=datetime.date(2023, 1, 2), user=tksk,
    )  # fmt: skip
    report = fieldwork.report_open(actor=tksk, month=datetime.date.today())
    # report_update writes with QuerySet.update: no save(), no full_clean.
    with pytest.raises(ValidationError) as refused:
        fieldwork.report_update(actor=tksk, report=report, version=report.version, obstacles=LONG_NOTE)
    assert refused.value.message_dict == {"obstacles": [TOO_LONG]}
    report.refresh_from_db()
    assert report.obstacles == ""


def test_an_over_long_name_or_address_through_the_api_is_a_400_not_a_server_error(client_of):
    body = {"name": "A" * 201, "sex": "L", "wilayah": "63.72.03.1001"}
    response = client_of.post(reverse("ppks-api:person-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert "200" in response.json()["name"][0]
    lks = {"name": "LKS Uji", "types": ["lansia"], "wilayah": "63.72.03.1001", "address": "J" * 301}
    response = client_of.post(reverse("lks-api:lks-list"), lks, content_type="application/json")
    assert response.status_code == 400
    assert "300" in response.json()["address"][0]


# --- Names -------------------------------------------------------------------------------------------------
def test_a_name_with_a_right_to_left_override_from_the_page_form_is_stored_without_it_and_found(client_of):
    form = {"name": RLO_NAME, "sex": "P", "birth_date": "14/03/1958", "wilayah": "63.72.03.1001"}
    response = client_of.post(reverse("ppks:person_create"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get()
    assert person.name == "SitiAminah"
    listing = client_of.get(reverse("ppks:person_list"), {"q": "SitiAminah"}).content.decode()
    assert "SitiAminah" in listing and "\u202e" not in listing


def test_a_name_with_invisible_characters_through_the_api_is_stored_and_answered_without_them(client_of):
    body = {"name": RLO_NAME, "aliases": "\u2066Siti\u2069", "sex": "P", "wilayah": "63.72.03.1001"}
    response = client_of.post(reverse("ppks-api:person-list"), body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "SitiAminah"
    person = Person.objects.get()
    assert (person.name, person.aliases) == ("SitiAminah", "Siti")
    # A change goes through QuerySet.update: the same cleaning.
    response = client_of.patch(
        reverse("ppks-api:person-detail", args=[person.pk]), {"name": "Siti \u202eAminah  ", "version": 1},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert person.name == "Siti Aminah"
    found = client_of.get(reverse("ppks-api:person-list"), {"q": "Siti Aminah"}).json()
    assert [row["name"] for row in found["results"]] == ["Siti Aminah"]


def test_names_written_by_services_and_imports_are_cleaned_too(operator):
    from kesos.wilayah.models import Wilayah

    person = services.person_create(
        actor=operator, name=RLO_NAME, sex="P", wilayah=Wilayah.objects.get(code="63.72.03.1001")
    )
    assert person.name == "SitiAminah" and Person.objects.get().name == "SitiAminah"
    member = pilar_services.member_create(
        actor=operator, type=PilarType.objects.get(code="tksk"), wilayah=Wilayah.objects.get(code="63.72.03"),
        name="\u202eAkhmad\u200b Syarifudin", starts_on=datetime.date(2023, 1, 2),
    )  # fmt: skip
    assert Member.objects.get(pk=member.pk).name == "Akhmad Syarifudin"
    user = User.objects.create_user(username="baru", full_name="Dewi\u200f Lestari")
    assert User.objects.get(pk=user.pk).full_name == "Dewi Lestari"
    # bulk_create, as an import writes
    Person.objects.bulk_create([Person(name="Rau\u200bdah", sex="P", wilayah_id="63.72.03.1001")])
    assert Person.objects.filter(name="Raudah").exists()


def test_every_name_of_a_person_or_an_institution_is_a_name_field():
    names = [
        ("ppks", "Person", "name"), ("ppks", "Person", "aliases"), ("ppks", "Case", "reporter_name"),
        ("ppks", "Referral", "target_name"), ("lks", "Lks", "name"), ("lks", "Lks", "head_name"),
        ("lks", "BoardMember", "name"), ("lks", "StaffMember", "name"), ("lks", "Placement", "guardian_name"),
        ("pilar", "Member", "name"), ("pilar", "Member", "chair_name"), ("pilar", "Participant", "name"),
        ("accounts", "User", "full_name"), ("accounts", "Office", "name"), ("accounts", "Office", "head_name"),
    ]  # fmt: skip
    assert [n for n in names if not isinstance(apps.get_model(n[0], n[1])._meta.get_field(n[2]), NameField)] == []
