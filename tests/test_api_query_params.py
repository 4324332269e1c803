"""The API lists' query parameters are typed: a value of the wrong type or outside the choices is a 400
naming the parameter, in Indonesian; valid values still filter; `page` is a positive integer and a page
past the end is a 404; and the schema documents each parameter as the API checks it."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from kesos.accounts.models import Role
from kesos.wilayah.models import Wilayah
from lks import services as lks_services
from lks.models import LksType
from pilar import services as pilar_services
from pilar.models import PilarType
from ppks import services as ppks_services
from ppks.models import Case, Person, PpksCategory
from ppks.workflow import Stage
from tests.factories import AssignmentFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

NIK_BJM = "6371011403580001"
NIK_BJM_2 = "6371021412650002"


def user_with(role, region):
    user = UserFactory()
    AssignmentFactory(user=user, role=role, wilayah_id=region)
    return user


@pytest.fixture
def operator():
    return user_with(Role.OPERATOR_KABKOTA, "63.71")


@pytest.fixture
def admin():
    return user_with(Role.ADMIN_PROVINSI, "63")


# Each list, a parameter, a value the API must refuse, and what the Indonesian message says.
TOO_LONG = "x" * 101
REFUSED = [
    ("ppks-api:person-list", "wilayah", "zz", "Kode wilayah tidak sah"),
    ("ppks-api:person-list", "wilayah", "63.7", "Kode wilayah tidak sah"),
    ("ppks-api:person-list", "q", TOO_LONG, "Paling banyak 100 karakter"),
    ("ppks-api:household-list", "wilayah", "63.71.01.1001.9", "Kode wilayah tidak sah"),
    ("ppks-api:household-list", "q", TOO_LONG, "Paling banyak 100 karakter"),
    ("ppks-api:referensi-list", "jenis", "foo", '"foo" bukan pilihan yang sah'),
    ("ppks-api:case-list", "tahap", "foo", '"foo" bukan pilihan yang sah'),
    ("ppks-api:case-list", "jenis", "PPKS 08", "Kode tidak sah"),
    ("ppks-api:case-list", "wilayah", "zz", "Kode wilayah tidak sah"),
    ("ppks-api:case-list", "berjalan", "maybe", '"maybe" bukan nilai ya/tidak yang sah'),
    ("ppks-api:case-list", "terlambat", "maybe", '"maybe" bukan nilai ya/tidak yang sah'),
    ("ppks-api:case-list", "saya", "2", '"2" bukan nilai ya/tidak yang sah'),
    ("ppks-api:case-list", "q", TOO_LONG, "Paling banyak 100 karakter"),
    ("lks-api:lks-list", "q", TOO_LONG, "Paling banyak 100 karakter"),
    ("lks-api:lks-list", "wilayah", "zz", "Kode wilayah tidak sah"),
    ("lks-api:lks-list", "type", "anak; drop", "Kode tidak sah"),
    ("lks-api:lks-list", "legal_status", "foo", '"foo" bukan pilihan yang sah'),
    ("lks-api:lks-list", "registration", "foo", '"foo" bukan pilihan yang sah'),
    ("lks-api:lks-list", "grade", "D", '"D" bukan pilihan yang sah'),
    ("lks-api:lks-list", "expiring", "maybe", '"maybe" bukan nilai ya/tidak yang sah'),
    ("lks-api:lks-list", "status", "foo", '"foo" bukan pilihan yang sah'),
    ("pilar-api:member-list", "q", TOO_LONG, "Paling banyak 100 karakter"),
    ("pilar-api:member-list", "type", "x" * 31, "Kode tidak sah"),
    ("pilar-api:member-list", "wilayah", "zz", "Kode wilayah tidak sah"),
    ("pilar-api:member-list", "status", "foo", '"foo" bukan pilihan yang sah'),
    ("pilar-api:coverage", "wilayah", "zz", "Kode wilayah tidak sah"),
    ("wilayah-api:children", "induk", "zz", "Kode wilayah tidak sah"),
]


def user_for(name, operator, admin):
    return admin if name == "pilar-api:coverage" else operator


@pytest.mark.parametrize(("name", "param", "value", "message"), REFUSED, ids=[f"{n}-{p}" for n, p, *_ in REFUSED])
def test_an_invalid_value_of_a_typed_parameter_is_refused_with_400_naming_it(
    client, operator, admin, name, param, value, message
):
    client.force_login(user_for(name, operator, admin))
    response = client.get(reverse(name), {param: value})
    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body) == [param]
    assert message in body[param][0]


@pytest.mark.parametrize("name", sorted({n for n, *_ in REFUSED}))
def test_every_list_still_answers_without_parameters_with_empty_ones_and_with_unknown_ones(
    client, operator, admin, name
):
    client.force_login(user_for(name, operator, admin))
    assert client.get(reverse(name)).status_code == 200
    params = {param: "" for n, param, *_ in REFUSED if n == name}
    assert client.get(reverse(name), {**params, "urutan": "apa saja"}).status_code == 200


def test_several_invalid_parameters_are_each_named(client, operator):
    client.force_login(operator)
    response = client.get(reverse("ppks-api:case-list"), {"tahap": "foo", "berjalan": "maybe", "wilayah": "zz"})
    assert response.status_code == 400
    assert set(response.json()) == {"tahap", "berjalan", "wilayah"}


# --- Valid values still filter ------------------------------------------------------------------------
@pytest.fixture
def cases(operator):
    """Two cases in Kota Banjarmasin: one still reported, one moved on to the assessment."""
    first = Person.objects.create(nik=NIK_BJM, name="Ahmad Rifani", sex="L", wilayah_id="63.71.01.1001")
    second = Person.objects.create(nik=NIK_BJM_2, name="Siti Aisyah", sex="P", wilayah_id="63.71.02.1001")
    category = PpksCategory.objects.get(code="PPKS-08")

    def open_for(person):
        return ppks_services.case_open(
            actor=operator, summary="Lansia hidup sendiri", categories=[category], source="datang", person=person
        )

    reported, assessed = open_for(first), open_for(second)
    Case.objects.filter(pk=assessed.pk).update(stage=Stage.ASESMEN)
    return {"reported": reported, "assessed": assessed}


def numbers(response):
    assert response.status_code == 200, response.content
    return {row["number"] for row in response.json()["results"]}


def person_names(response):
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def test_the_case_list_filters_by_stage_region_and_flags(client, operator, cases):
    client.force_login(operator)
    url = reverse("ppks-api:case-list")
    reported, assessed = cases["reported"].number, cases["assessed"].number
    assert numbers(client.get(url)) == {reported, assessed}
    assert numbers(client.get(url, {"tahap": "asesmen"})) == {assessed}
    assert numbers(client.get(url, {"wilayah": "63.71.01"})) == {reported}
    assert numbers(client.get(url, {"wilayah": "63.72"})) == set()
    assert numbers(client.get(url, {"berjalan": "1", "jenis": "PPKS-08"})) == {reported, assessed}
    assert numbers(client.get(url, {"saya": "true"})) == set()  # assigned to nobody yet
    assert numbers(client.get(url, {"saya": "false", "terlambat": "0"})) == {reported, assessed}


def test_the_person_and_household_lists_filter_by_region(client, operator, cases):
    client.force_login(operator)
    assert person_names(client.get(reverse("ppks-api:person-list"), {"wilayah": "63.71.02"})) == {"Siti Aisyah"}
    assert person_names(client.get(reverse("ppks-api:person-list"), {"q": "rifani"})) == {"Ahmad Rifani"}
    assert client.get(reverse("ppks-api:household-list"), {"wilayah": "63.71"}).status_code == 200


def test_the_reference_list_filters_by_kind(client, operator):
    client.force_login(operator)
    response = client.get(reverse("ppks-api:referensi-list"), {"jenis": "agama"})
    assert response.status_code == 200
    kinds = {row["kind"] for row in response.json()}
    assert response.json() and kinds == {"agama"}


def test_the_lks_list_filters_by_region_status_and_registration(client, admin, operator):
    def new_lks(name, code):
        return lks_services.lks_create(
            actor=admin, name=name, wilayah=Wilayah.objects.get(code=code), address="Jl. Uji", capacity=2,
            types=[LksType.objects.get(code="anak")],
        )  # fmt: skip

    new_lks("LKSA Al-Ikhlas", "63.71.01.1001")
    new_lks("LKSA Cempaka", "63.72.03.1001")
    client.force_login(admin)
    url = reverse("lks-api:lks-list")
    assert person_names(client.get(url, {"wilayah": "63.72"})) == {"LKSA Cempaka"}
    assert person_names(client.get(url, {"registration": "belum", "type": "anak", "status": "aktif"})) == {
        "LKSA Al-Ikhlas",
        "LKSA Cempaka",
    }
    assert person_names(client.get(url, {"grade": "A"})) == set()
    assert person_names(client.get(url, {"expiring": "ya", "legal_status": "berbadan_hukum"})) == set()


def test_the_pilar_roster_filters_by_status_and_type_and_the_coverage_by_region(client, admin):
    pilar_services.member_create(
        actor=admin, type=PilarType.objects.get(code="tksk"), wilayah=Wilayah.objects.get(code="63.71.01"),
        name="Ahmad Rifani", nik=NIK_BJM, starts_on=datetime.date(2025, 1, 1),
    )  # fmt: skip
    client.force_login(admin)
    url = reverse("pilar-api:member-list")
    assert person_names(client.get(url, {"status": "aktif", "type": "tksk", "wilayah": "63.71"})) == {"Ahmad Rifani"}
    assert person_names(client.get(url, {"status": "diberhentikan"})) == set()
    response = client.get(reverse("pilar-api:coverage"), {"wilayah": "63.71"})
    assert response.status_code == 200 and response.json()["wilayah"] == "63.71"


def test_the_region_picker_lists_the_children_of_a_valid_code(client, operator):
    client.force_login(operator)
    response = client.get(reverse("wilayah-api:children"), {"induk": " 63.71 "})
    assert response.status_code == 200
    assert response.json() and all(row["code"].startswith("63.71.") for row in response.json())


# --- The POST search keeps the filters of the query string ---------------------------------------------
def test_the_number_search_by_post_takes_the_other_filters_from_the_query_string(client, operator, cases):
    client.force_login(operator)
    url = reverse("ppks-api:case-cari")
    body = {"q": NIK_BJM_2}
    found = client.post(url + "?tahap=asesmen", body, content_type="application/json")
    assert numbers(found) == {cases["assessed"].number}
    assert numbers(client.post(url + "?tahap=dilaporkan", body, content_type="application/json")) == set()
    refused = client.post(url + "?tahap=foo", body, content_type="application/json")
    assert refused.status_code == 400 and list(refused.json()) == ["tahap"]
    people = client.post(reverse("ppks-api:person-cari") + "?wilayah=63.71.02", body, content_type="application/json")
    assert person_names(people) == {"Siti Aisyah"}
    too_long = client.post(url, {"q": TOO_LONG}, content_type="application/json")
    assert too_long.status_code == 400 and "q" in too_long.json()


# --- Pages --------------------------------------------------------------------------------------------
# Not named `page`: that is Playwright's fixture, and a parameter of that name regroups the whole run.
@pytest.mark.parametrize("number", ["abc", "0", "-1", "1.5", "²"])
def test_a_page_number_that_is_not_a_positive_integer_is_refused_with_400(client, operator, cases, number):
    client.force_login(operator)
    response = client.get(reverse("ppks-api:case-list"), {"page": number})
    assert response.status_code == 400
    assert response.json() == {"page": ["Nomor halaman harus bilangan bulat positif."]}


@pytest.mark.parametrize("number", ["999", "9" * 5000], ids=["999", "5000-digits"])
def test_a_page_past_the_end_is_not_found_in_indonesian(client, operator, cases, number):
    client.force_login(operator)
    response = client.get(reverse("ppks-api:case-list"), {"page": number})
    assert response.status_code == 404
    assert response.json() == {"detail": "Halaman tidak ada."}


def test_a_valid_page_still_answers_and_every_paged_list_checks_the_page_number(client, operator, cases):
    client.force_login(operator)
    body = client.get(reverse("ppks-api:case-list"), {"page": "1"}).json()
    assert body["count"] == 2 and len(body["results"]) == 2 and body["next"] is None
    reports = client.get(reverse("reports-api:report-list"), {"page": "abc"})
    assert reports.status_code == 400 and list(reports.json()) == ["page"]


# --- The schema says what the API checks ----------------------------------------------------------------
def parameters(schema, path, method="get"):
    return {p["name"]: p["schema"] for p in schema["paths"][path][method]["parameters"] if p["in"] == "query"}


def test_the_schema_documents_each_query_parameter_with_its_type():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    cases = parameters(schema, "/api/v1/ppks/kasus/")
    assert cases["page"] == {"type": "integer", "minimum": 1}
    assert set(cases["tahap"]["enum"]) == {*Stage.values, ""}
    assert cases["berjalan"] == {"type": "boolean"} and cases["saya"] == {"type": "boolean"}
    assert cases["wilayah"]["oneOf"][0]["pattern"].startswith("^[0-9]{2}")
    assert cases["q"] == {"type": "string", "maxLength": 100}
    search = parameters(schema, "/api/v1/ppks/kasus/cari/", "post")
    assert "q" not in search and "tahap" in search and "page" in search
    lks = parameters(schema, "/api/v1/lks/lks/")
    assert set(lks["grade"]["enum"]) == {"A", "B", "C", "belum", ""}
    assert lks["expiring"] == {"type": "boolean"}
    assert set(parameters(schema, "/api/v1/pilar/anggota/")["status"]["enum"]) == {
        "aktif", "non_aktif", "diberhentikan", "",
    }  # fmt: skip
    assert "enum" in parameters(schema, "/api/v1/ppks/referensi/")["jenis"]
    assert "pattern" in parameters(schema, "/api/v1/wilayah/")["induk"]["oneOf"][0]


def test_the_schema_stays_valid_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
