"""Households, PPKS categories and duplicate prevention, through the pages and the API."""

import datetime

import pytest
from django.urls import reverse

from kesos.accounts.models import Office, Role
from kesos.audit.models import AuditEvent
from ppks.models import Household, HouseholdMember, Person, PersonCategory, PpksCategory, Referensi
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

KK = "6371010101200001"


@pytest.fixture
def operator(client):
    user = UserFactory(username="operator.bjm")
    AssignmentFactory(user=user, role=Role.OPERATOR_KABKOTA, wilayah_id="63.71")
    client.force_login(user)
    return user


def relation(code):
    return Referensi.objects.get(kind="hubungan", code=code).pk


def member_form(**fields):
    base = {"sex": "L", "wilayah": "63.71.01.1001", "address": "Jl. Mantuil Raya", "no_kk": KK}
    return {**base, **fields}


def test_an_operator_registers_a_family_of_four_through_the_pages(client, operator):
    response = client.post(
        reverse("ppks:household_create"), {"no_kk": KK, "wilayah": "63.71.01.1001", "address": "Jl. Mantuil Raya"}
    )
    household = Household.objects.get(no_kk=KK)
    assert response.url == reverse("ppks:household", args=[household.pk])
    family = [
        ("6371011403800001", "Abdul Gani", "L", "14/03/1980", "kepala"),
        ("6371015505820002", "Siti Aisyah", "P", "15/05/1982", "istri"),
        ("6371010207120003", "Muhammad Rizki", "L", "02/07/2012", "anak"),
        ("6371014909150004", "Nur Aini", "P", "09/09/2015", "anak"),
    ]
    for nik, name, sex, born, rel in family:
        response = client.post(
            reverse("ppks:household_member_new", args=[household.pk]),
            member_form(nik=nik, name=name, sex=sex, birth_date=born, relation=relation(rel)),
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(reverse("ppks:household", args=[household.pk])).content.decode()
    assert "Keluarga Abdul Gani" in page
    for _, name, *_ in family:
        assert name in page
    assert HouseholdMember.objects.filter(household=household, left_on__isnull=True).count() == 4
    child = Person.objects.get(name="Nur Aini")
    assert "Keluarga Abdul Gani" in client.get(reverse("ppks:person", args=[child.pk])).content.decode()


def test_a_household_gets_one_head_only(client, operator):
    household = Household.objects.create(no_kk=KK, wilayah_id="63.71.01.1001")
    client.post(
        reverse("ppks:household_member_new", args=[household.pk]),
        member_form(nik="6371011403800001", name="Abdul Gani", birth_date="14/03/1980", relation=relation("kepala")),
    )
    page = client.post(
        reverse("ppks:household_member_new", args=[household.pk]),
        member_form(nik="6371011403810005", name="Gani Kedua", birth_date="14/03/1981", relation=relation("kepala")),
    ).content.decode()
    assert "Keluarga ini sudah punya kepala keluarga." in page
    assert not Person.objects.filter(name="Gani Kedua").exists()  # person and membership go in together or not at all


def test_a_known_kk_is_stopped_and_out_of_scope_says_whom_to_ask(client, operator):
    Office.objects.create(name="Dinas Sosial Kota Banjarbaru", wilayah_id="63.72")
    Household.objects.create(no_kk="6372030101200009", wilayah_id="63.72.03.1001")
    page = client.post(reverse("ppks:household_create"), {"no_kk": "6372030101200009", "wilayah": "63.71.01.1001"})
    assert "No. KK ini sudah terdaftar di wilayah lain. Hubungi Dinas Sosial Kota Banjarbaru" in page.content.decode()


def test_a_nik_that_contradicts_the_birth_date_or_sex_is_refused_with_the_reason(client, operator):
    page = client.post(reverse("ppks:person_create"), {
        "nik": "6371014403800001", "name": "Abdul Gani", "sex": "L", "birth_date": "14/03/1980",
        "wilayah": "63.71.01.1001",
    }).content.decode()  # fmt: skip
    assert "Jenis kelamin tidak cocok dengan NIK" in page
    assert not Person.objects.exists()


def test_a_near_duplicate_name_is_flagged_and_saved_only_after_confirmation(client, operator):
    Person.objects.create(
        name="Muhammad Yusuf",
        name_key="muhamad yusuf",
        sex="L",
        birth_date=datetime.date(1950, 6, 1),
        wilayah_id="63.71.02.1001",
    )
    form = {
        "name": "Moehammad Joesoef",
        "sex": "L",
        "birth_date": "01/06/1950",
        "wilayah": "63.71.01.1001",
        "address": "Kolong jembatan",
    }
    page = client.post(reverse("ppks:person_create"), form).content.decode()
    assert "Mungkin sudah terdaftar: Muhammad Yusuf" in page
    assert 'value="Moehammad Joesoef"' in page and 'name="confirm_not_duplicate"' in page
    assert Person.objects.count() == 1
    response = client.post(reverse("ppks:person_create"), {**form, "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    assert Person.objects.filter(name="Moehammad Joesoef", name_key="muhamad yusuf").exists()


def test_a_near_duplicate_outside_the_scope_is_counted_not_shown(client, operator):
    Person.objects.create(name="Hj. Masliana", name_key="masliana", sex="P", wilayah_id="63.72.03.1002")
    page = client.post(
        reverse("ppks:person_create"), {"name": "Masliana", "sex": "P", "wilayah": "63.71.01.1001"}
    ).content.decode()
    assert "1 data di wilayah lain" in page and "Hj. Masliana" not in page


def test_moving_to_another_household_ends_the_old_membership(client, operator):
    person = Person.objects.create(name="Rusmini", sex="P", wilayah_id="63.71.02.1002")
    first = Household.objects.create(no_kk=KK, wilayah_id="63.71.02.1002")
    second = Household.objects.create(no_kk="6371020101200002", wilayah_id="63.71.02.1002")
    person.nik = "6371024101470001"
    person.save()
    for household in (first, second):
        response = client.post(
            reverse("ppks:household_member_add", args=[household.pk]),
            {"nik": person.nik, "relation": relation("orang_tua")},
        )
        assert response.status_code == 302
    memberships = HouseholdMember.objects.filter(person=person).order_by("id")
    assert [m.household_id for m in memberships] == [first.pk, second.pk]
    assert memberships[0].left_on is not None and memberships[1].left_on is None


def test_categories_are_recorded_verified_by_a_supervisor_and_ended(client, operator):
    tksk = UserFactory()
    AssignmentFactory(user=tksk, role=Role.TKSK, wilayah_id="63.71.01")
    person = Person.objects.create(name="Abdul Gani", sex="L", wilayah_id="63.71.01.1001", created_by=tksk)
    lut = PpksCategory.objects.get(code="PPKS-08")
    client.force_login(tksk)
    client.post(
        reverse("ppks:person_category_add", args=[person.pk]),
        {"category": lut.pk, "source": "tksk", "recorded_on": "05/01/2026"},
    )
    holding = PersonCategory.objects.get(person=person)
    assert (holding.source, holding.verified) == ("tksk", False)
    assert client.post(reverse("ppks:category_verify", args=[holding.pk])).status_code == 403
    client.force_login(operator)
    client.post(reverse("ppks:category_verify", args=[holding.pk]))
    client.post(reverse("ppks:category_end", args=[holding.pk]))
    holding.refresh_from_db()
    assert holding.verified and holding.verified_by == operator and holding.ended_on is not None
    assert AuditEvent.objects.filter(action="record.update", object_id=str(person.pk)).count() == 3


def test_the_api_registers_a_household_adds_a_member_and_records_a_category(client, operator):
    created = client.post(
        reverse("ppks-api:household-list"), {"no_kk": KK, "wilayah": "63.71.01.1001"}, content_type="application/json"
    )
    assert created.status_code == 201, created.json()
    person = client.post(reverse("ppks-api:person-list"), {
        "nik": "6371011403800001", "name": "Abdul Gani", "sex": "L", "birth_date": "1980-03-14",
        "wilayah": "63.71.01.1001", "religion": "islam",
    }, content_type="application/json").json()  # fmt: skip
    member = client.post(
        reverse("ppks-api:household-add-member", args=[created.json()["id"]]),
        {"person": person["id"], "relation": "kepala"},
        content_type="application/json",
    )
    assert member.status_code == 201 and member.json()["person_name"] == "Abdul Gani"
    detail = client.get(reverse("ppks-api:household-detail", args=[created.json()["id"]])).json()
    assert detail["label"] == "Keluarga Abdul Gani" and len(detail["members"]) == 1
    category = client.post(
        reverse("ppks-api:person-categories", args=[person["id"]]),
        {"category": "PPKS-24", "source": "dtsen"},
        content_type="application/json",
    )
    assert category.status_code == 201 and category.json()["category_name"] == "Fakir Miskin"


def test_the_api_reports_a_near_duplicate_until_confirmed(client, operator):
    Person.objects.create(name="Khairul Anwar", name_key="khairul anwar", sex="L", wilayah_id="63.71.01.1001")
    body = {"name": "Chairul Anwar", "sex": "L", "wilayah": "63.71.01.1001"}
    refused = client.post(reverse("ppks-api:person-list"), body, content_type="application/json")
    assert refused.status_code == 400 and "Khairul Anwar" in refused.json()["confirm_not_duplicate"][0]
    accepted = client.post(
        reverse("ppks-api:person-list"), {**body, "confirm_not_duplicate": True}, content_type="application/json"
    )
    assert accepted.status_code == 201


@pytest.mark.parametrize("rows", [2, 20])
def test_the_household_lists_make_the_same_number_of_queries_whatever_their_length(
    client, operator, rows, django_assert_max_num_queries
):
    for i in range(rows):
        household = Household.objects.create(no_kk=f"63710101012{i:05d}", wilayah_id="63.71.01.1001")
        head = Person.objects.create(name=f"Kepala {i}", sex="L", wilayah_id="63.71.01.1001")
        HouseholdMember.objects.create(
            household=household, person=head, relation=Referensi.objects.get(kind="hubungan", code="kepala")
        )
    with django_assert_max_num_queries(9):  # 8 + the one audit event of the page read
        assert f"Kepala {rows - 1}" in client.get(reverse("ppks:household_list")).content.decode()
    with django_assert_max_num_queries(7):  # 6 + the one audit event of the page read
        assert client.get(reverse("ppks-api:household-list")).json()["count"] == rows
