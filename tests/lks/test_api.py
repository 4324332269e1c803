"""The LKS API: scoping per role, versioned edits, verified changes, placements over capacity, expiry."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kesos.accounts.models import Role
from kesos.wilayah.models import Wilayah
from lks import services
from lks.choices import ChangeStatus
from lks.models import ChangeRequest, LksType
from ppks.models import Case, Person
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def user_with(role, region, lks=None):
    user = UserFactory()
    AssignmentFactory(user=user, role=role, wilayah_id=region, lks=lks)
    return user


@pytest.fixture
def admin():
    return user_with(Role.ADMIN_PROVINSI, "63")


@pytest.fixture
def operator(client):
    user = user_with(Role.OPERATOR_KABKOTA, "63.71")
    client.force_login(user)
    return user


def new_lks(actor, name, code, capacity=2):
    return services.lks_create(
        actor=actor, name=name, wilayah=Wilayah.objects.get(code=code), address="Jl. Uji", capacity=capacity,
        types=[LksType.objects.get(code="anak")],
    )  # fmt: skip


@pytest.fixture
def bjm(admin):
    return new_lks(admin, "LKSA Al-Ikhlas Banjarmasin", "63.71.01.1001")


@pytest.fixture
def bjb(admin):
    return new_lks(admin, "LKSA Cempaka Banjarbaru", "63.72.03.1001")


def names(response):
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def test_the_list_is_scoped_to_each_role(client, admin, bjm, bjb):
    url = reverse("lks-api:lks-list")
    client.force_login(admin)
    assert names(client.get(url)) == {bjm.name, bjb.name}
    client.force_login(user_with(Role.OPERATOR_KABKOTA, "63.71"))
    assert names(client.get(url)) == {bjm.name}
    assert client.get(reverse("lks-api:lks-detail", args=[bjb.pk])).status_code == 404
    client.force_login(user_with(Role.OPERATOR_LKS, "63.72", lks=bjb))
    assert names(client.get(url)) == {bjb.name}
    assert client.get(reverse("lks-api:lks-detail", args=[bjm.pk])).status_code == 404


def test_the_list_takes_the_pages_filters(client, admin, bjm, bjb):
    client.force_login(admin)
    assert names(client.get(reverse("lks-api:lks-list"), {"wilayah": "63.72"})) == {bjb.name}
    assert names(client.get(reverse("lks-api:lks-list"), {"q": "al-ikhlas"})) == {bjm.name}
    assert names(client.get(reverse("lks-api:lks-list"), {"registration": "belum", "type": "anak"})) == {
        bjm.name,
        bjb.name,
    }


def test_a_tksk_is_refused_outright(client, bjm):
    client.force_login(user_with(Role.TKSK, "63.71.01"))
    assert client.get(reverse("lks-api:lks-list")).status_code == 403
    assert client.get(reverse("lks-api:lks-detail", args=[bjm.pk])).status_code == 403
    assert client.get(reverse("lks-api:lks-expiring")).status_code == 403
    assert client.get(reverse("lks-api:type-list")).status_code == 200  # a reference list, for anyone logged in


def test_a_patch_on_a_stale_version_answers_409_and_changes_nothing(client, operator, bjm):
    url = reverse("lks-api:lks-detail", args=[bjm.pk])
    stale = client.get(url).json()["version"]
    ok = client.patch(url, {"capacity": 30, "version": stale}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["capacity"] == 30
    response = client.patch(url, {"capacity": 10, "version": stale}, content_type="application/json")
    assert response.status_code == 409 and "telah diubah oleh pengguna lain" in response.json()["detail"]
    bjm.refresh_from_db()
    assert bjm.capacity == 30
    assert client.patch(url, {"capacity": 10}, content_type="application/json").status_code == 400


def test_an_lks_operators_change_of_legal_data_waits_for_the_dinsos(client, operator, bjm):
    client.force_login(user_with(Role.OPERATOR_LKS, "63.71", lks=bjm))
    url = reverse("lks-api:lks-detail", args=[bjm.pk])
    data = {"name": "Yayasan Al-Ikhlas", "phone": "0511-3300", "version": bjm.version}
    response = client.patch(url, data, content_type="application/json")
    assert response.status_code == 202
    request = ChangeRequest.objects.get()
    assert response.json()["id"] == request.pk and response.json()["pending"] == ["name"]
    after = client.get(url).json()
    assert after["name"] == "LKSA Al-Ikhlas Banjarmasin" and after["phone"] == "0511-3300"  # profile: at once

    services.change_request_decide(actor=operator, request=request, approve=True)
    assert client.get(url).json()["name"] == "Yayasan Al-Ikhlas"
    assert ChangeRequest.objects.get().status == ChangeStatus.DISETUJUI


def test_an_lks_operator_may_not_register_an_lks(client, bjm):
    client.force_login(user_with(Role.OPERATOR_LKS, "63.71", lks=bjm))
    data = {"name": "LKS Baru", "types": ["anak"], "wilayah": "63.71.01.1001", "address": "Jl. Baru"}
    assert client.post(reverse("lks-api:lks-list"), data, content_type="application/json").status_code == 403


def test_a_dinsos_operator_registers_an_lks(client, operator):
    data = {"name": "LKS Lansia Sejahtera", "types": ["lansia"], "wilayah": "63.71.01.1001", "address": "Jl. A",
            "capacity": 20}  # fmt: skip
    response = client.post(reverse("lks-api:lks-list"), data, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["occupancy"] == 0 and response.json()["wilayah_nama"]
    outside = {**data, "name": "LKS Banjarbaru", "wilayah": "63.72.03.1001"}
    response = client.post(reverse("lks-api:lks-list"), outside, content_type="application/json")
    assert response.status_code == 400 and "wilayah" in response.json()


def case_of(name, number, reporter, nik=None):
    person = Person.objects.create(name=name, sex="L", wilayah_id="63.71.01.1001", nik=nik)
    return Case.objects.create(
        number=number, person=person, wilayah_id="63.71.01.1001", source="datang", reported_by=reporter,
        summary="Anak terlantar", opened_at=timezone.now(),
    )  # fmt: skip


def test_placing_over_capacity_answers_400_then_201_once_confirmed(client, operator, bjm):
    url = reverse("lks-api:lks-residents", args=[bjm.pk])
    cases = [case_of(f"Anak {i}", f"6371-2026-00000{i}", operator) for i in (1, 2, 3)]
    for case in cases[:2]:
        response = client.post(
            url, {"case": case.pk, "admitted_on": TODAY.isoformat()}, content_type="application/json"
        )
        assert response.status_code == 201, response.content
    third = {"case": cases[2].pk, "admitted_on": TODAY.isoformat()}
    response = client.post(url, third, content_type="application/json")
    assert response.status_code == 400
    assert "Melebihi kapasitas" in response.json()["confirm_over_capacity"][0]
    response = client.post(url, {**third, "confirm_over_capacity": True}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["person_name"] == "Anak 3" and response.json()["case_number"] == "6371-2026-000003"
    assert client.get(reverse("lks-api:lks-detail", args=[bjm.pk])).json()["occupancy"] == 3


def test_the_resident_list_masks_the_nik_for_a_social_worker(client, operator, bjm):
    case = case_of("Anak 1", "6371-2026-000001", operator, nik="6371011505140001")
    services.placement_create(actor=operator, lks=bjm, person=case.person, case=case, admitted_on=TODAY)
    url = reverse("lks-api:lks-residents", args=[bjm.pk])
    assert client.get(url).json()[0]["nik"] == "6371011505140001"
    client.force_login(user_with(Role.PEKERJA_SOSIAL, "63.71"))
    assert client.get(url).json()[0]["nik"] == "************0001"
    assert client.post(url, {"case": case.pk}, content_type="application/json").status_code == 403


def test_accreditations_and_registrations_through_the_api(client, operator, bjm):
    accreditations = reverse("lks-api:lks-accreditations", args=[bjm.pk])
    data = {
        "grade": "B",
        "certificate_number": "BALKS/2026/17",
        "accredited_on": (TODAY - datetime.timedelta(days=10)).isoformat(),
    }
    response = client.post(accreditations, data, content_type="application/json")
    assert response.status_code == 201 and response.json()["grade"] == "B"
    assert [row["certificate_number"] for row in client.get(accreditations).json()] == ["BALKS/2026/17"]

    registrations = reverse("lks-api:lks-registrations", args=[bjm.pk])
    client.force_login(user_with(Role.OPERATOR_LKS, "63.71", lks=bjm))
    assert client.post(accreditations, data, content_type="application/json").status_code == 403
    response = client.post(registrations, {"documents": ["permohonan", "akta"]}, content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "diajukan"
    response = client.post(registrations, {"documents": ["permohonan"]}, content_type="application/json")
    assert response.status_code == 400 and "kind" in response.json()  # one application at a time


def test_the_expiry_list_names_the_documents_that_run_out(client, operator, bjm, bjb):
    services.accreditation_record(
        actor=operator, lks=bjm, grade="C", certificate_number="BALKS/2024/3",
        accredited_on=TODAY - datetime.timedelta(days=700), valid_until=TODAY + datetime.timedelta(days=30),
    )  # fmt: skip
    rows = client.get(reverse("lks-api:lks-expiring")).json()
    assert [(r["lks_name"], r["kind"], r["days_left"], r["expired"]) for r in rows] == [
        (bjm.name, "akreditasi", 30, False)
    ]


@pytest.mark.parametrize("count", [2, 20])
def test_the_list_makes_the_same_number_of_queries_whatever_its_length(
    client, admin, count, django_assert_max_num_queries
):
    for i in range(count):
        new_lks(admin, f"LKS {i:02d}", "63.71.01.1001")
    client.force_login(admin)
    with django_assert_max_num_queries(8):
        assert len(client.get(reverse("lks-api:lks-list")).json()["results"]) == count
