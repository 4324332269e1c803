"""The pilar API: the roster scoped per role, creation at the type's level, versioned edits, the types
and the coverage figures."""

import datetime

import pytest
from django.urls import reverse

from kesos.accounts.models import Role
from kesos.audit import actions
from kesos.audit.models import AuditEvent
from kesos.wilayah.models import Wilayah
from pilar import services
from pilar.models import Member, PilarType
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def user_with(role, region):
    user = UserFactory()
    AssignmentFactory(user=user, role=role, wilayah_id=region)
    return user


@pytest.fixture
def admin():
    return user_with(Role.ADMIN_PROVINSI, "63")


@pytest.fixture
def operator(client):
    user = user_with(Role.OPERATOR_KABKOTA, "63.71")
    client.force_login(user)
    return user


def tksk(actor, name, code, nik="", **extra):
    return services.member_create(
        actor=actor, type=PilarType.objects.get(code="tksk"), wilayah=Wilayah.objects.get(code=code), name=name,
        nik=nik, starts_on=datetime.date(2025, 1, 1), **extra,
    )  # fmt: skip


@pytest.fixture
def bjm(admin):
    return tksk(admin, "Ahmad Rifani", "63.71.01", nik="6371011403580001")


@pytest.fixture
def bjb(admin):
    return tksk(admin, "Siti Cempaka", "63.72.03", nik="6372031412650002")


def names(response):
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def test_the_list_is_scoped_to_each_role(client, admin, bjm, bjb):
    url = reverse("pilar-api:member-list")
    client.force_login(admin)
    assert names(client.get(url)) == {bjm.name, bjb.name}
    client.force_login(user_with(Role.OPERATOR_KABKOTA, "63.71"))
    assert names(client.get(url)) == {bjm.name}
    assert client.get(reverse("pilar-api:member-detail", args=[bjb.pk])).status_code == 404
    response = client.get(reverse("pilar-api:member-detail", args=[bjm.pk]))
    assert response.status_code == 200 and response.json()["nik"] == "6371011403580001"
    assert response.json()["type"] == "tksk" and response.json()["wilayah"] == "63.71.01"


def test_the_list_takes_the_pages_filters(client, admin, bjm, bjb):
    client.force_login(admin)
    url = reverse("pilar-api:member-list")
    assert names(client.get(url, {"wilayah": "63.72"})) == {bjb.name}
    search = reverse("pilar-api:member-cari")  # a full NIK travels in the body
    assert names(client.post(search, {"q": "6371011403580001"}, content_type="application/json")) == {bjm.name}
    assert names(client.get(url, {"type": "psm"})) == set()
    services.posting_end(actor=admin, member=bjb)
    assert names(client.get(url, {"status": "aktif"})) == {bjm.name}


def test_a_tksk_is_refused_the_roster_even_their_own_record(client, admin):
    user = user_with(Role.TKSK, "63.71.01")
    own = tksk(admin, "Ahmad Rifani", "63.71.01", user=user)
    client.force_login(user)
    assert client.get(reverse("pilar-api:member-list")).status_code == 403
    assert client.get(reverse("pilar-api:member-detail", args=[own.pk])).status_code == 403
    assert client.get(reverse("pilar-api:type-list")).status_code == 200  # the types are for everyone


def test_reading_one_member_is_audited(client, operator, bjm):
    client.get(reverse("pilar-api:member-detail", args=[bjm.pk]))
    assert AuditEvent.objects.filter(action=actions.VIEW, actor=operator, object_id=str(bjm.pk)).exists()


def test_creating_needs_the_type_and_an_area_at_its_level(client, operator):
    url = reverse("pilar-api:member-list")
    body = {"type": "tksk", "name": "Rina Wati", "nik": "6371024505990003", "wilayah": "63.71.02.1001"}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"wilayah": ["TKSK ditugaskan per kecamatan."]}
    response = client.post(url, {**body, "wilayah": "63.72.03"}, content_type="application/json")
    assert response.status_code == 400 and "di luar wilayah kerja" in response.json()["wilayah"][0]
    response = client.post(url, {**body, "type": "tidak_ada"}, content_type="application/json")
    assert response.status_code == 400 and "type" in response.json()

    response = client.post(
        url, {**body, "wilayah": "63.71.02", "starts_on": "2026-02-01"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    member = Member.objects.get(pk=response.json()["id"])
    assert member.wilayah_id == "63.71.02" and member.postings.get().starts_on == datetime.date(2026, 2, 1)
    assert response.json()["member_status"] == "aktif" and response.json()["version"] == 1


def test_a_patch_needs_the_version_read_and_a_stale_one_is_409(client, operator, bjm):
    url = reverse("pilar-api:member-detail", args=[bjm.pk])
    response = client.patch(url, {"phone": "0811"}, content_type="application/json")
    assert response.status_code == 400 and "version" in response.json()
    response = client.patch(url, {"phone": "0811", "version": 1}, content_type="application/json")
    assert response.status_code == 200 and response.json()["phone"] == "0811" and response.json()["version"] == 2
    response = client.patch(url, {"phone": "0822", "version": 1}, content_type="application/json")
    assert response.status_code == 409
    bjm.refresh_from_db()
    assert bjm.phone == "0811"


def test_a_patch_does_not_move_a_member(client, operator, bjm):
    url = reverse("pilar-api:member-detail", args=[bjm.pk])
    response = client.patch(url, {"wilayah": "63.71.02", "version": 1}, content_type="application/json")
    assert response.status_code == 400 and "pindah tugas" in response.json()["wilayah"][0]
    bjm.refresh_from_db()
    assert bjm.wilayah_id == "63.71.01"


def test_an_operator_cannot_patch_a_member_of_another_kabkota(client, operator, bjb):
    url = reverse("pilar-api:member-detail", args=[bjb.pk])
    assert client.patch(url, {"phone": "0", "version": 1}, content_type="application/json").status_code == 404


def test_the_list_does_not_make_more_queries_as_rows_grow(client, admin, django_assert_max_num_queries):
    client.force_login(admin)
    url = reverse("pilar-api:member-list")
    for i in range(1, 4):
        tksk(admin, f"TKSK {i}", f"63.71.0{i}")
    client.get(url)
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    for kecamatan in Wilayah.objects.filter(level=3, code__startswith="63.72.")[:5]:
        tksk(admin, f"TKSK Banjarbaru {kecamatan.code}", kecamatan.code)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).json()["count"] == 8


def test_the_types_list_names_their_level_and_unit(client, operator):
    rows = {t["code"]: t for t in client.get(reverse("pilar-api:type-list")).json()}
    assert rows["tksk"]["tingkat"] == 3 and rows["tksk"]["unit"] == "orang"
    assert rows["karang_taruna"]["unit"] == "organisasi" and rows["karang_taruna"]["has_classification"]
    assert rows["tagana"]["has_grade"] and rows["tagana"]["has_member_number"]


def test_the_coverage_answers_with_rows_and_a_total(client, admin, bjm):
    url = reverse("pilar-api:coverage")
    client.force_login(user_with(Role.PIMPINAN, "63"))
    body = client.get(url, {"wilayah": "63.71"}).json()
    assert body["wilayah"] == "63.71" and body["total"]["kecamatan_with_tksk"] == 1
    row = next(r for r in body["rows"] if r["code"] == "63.71.01")
    assert row["kecamatan"] == 1 and row["kecamatan_with_tksk"] == 1 and row["uncovered"] == []
    assert {"code": "63.71.02", "name": Wilayah.objects.get(code="63.71.02").name} in body["total"]["uncovered"]
    body = client.get(url).json()  # the province by default
    assert body["wilayah"] == "63" and any(r["code"] == "63.71" for r in body["rows"])

    client.force_login(user_with(Role.OPERATOR_KABKOTA, "63.71"))
    assert client.get(url, {"wilayah": "62"}).status_code == 404
    client.force_login(user_with(Role.TKSK, "63.71.01"))
    assert client.get(url).status_code == 403
