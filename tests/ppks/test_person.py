"""Persons through their pages, API and services: scoping, duplicates, stale edits, audit, query counts."""

import pytest
from django.urls import reverse

from kesos.accounts.models import Role
from kesos.audit.models import AuditEvent
from ppks.models import Person
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = UserFactory(username="operator.bjm")
    AssignmentFactory(user=user, role=Role.OPERATOR_KABKOTA, wilayah_id="63.71")
    client.force_login(user)
    return user


FORM = {
    "nik": "6371011403580001",
    "name": "Abdul Gani",
    "sex": "L",
    "birth_date": "14/03/1958",
    "wilayah": "63.71.01.1001",
    "address": "Jl. Mantuil Raya",
}


def test_an_operator_registers_a_person_and_the_audit_trail_records_it(client, operator):
    response = client.post(reverse("ppks:person_create"), FORM)
    person = Person.objects.get(nik=FORM["nik"])
    assert response.url == reverse("ppks:person", args=[person.pk])
    assert person.created_by == operator and person.wilayah_id == "63.71.01.1001"
    event = AuditEvent.objects.get(action="record.create")
    assert (event.username, event.object_id, event.object_repr) == (
        "operator.bjm",
        str(person.pk),
        "Abdul Gani (************0001)",
    )


def test_a_person_outside_the_operators_kab_kota_is_refused_and_the_form_keeps_the_input(client, operator):
    response = client.post(reverse("ppks:person_create"), {**FORM, "wilayah": "63.72.03.1001"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Desa/kelurahan ini di luar wilayah tugas Anda." in page
    assert 'value="Abdul Gani"' in page and 'value="Jl. Mantuil Raya"' in page
    assert not Person.objects.exists()


def test_a_known_nik_in_scope_points_to_the_existing_record(client, operator):
    existing = Person.objects.create(nik=FORM["nik"], name="Abdul Gani", sex="L", wilayah_id="63.71.01.1001")
    page = client.post(reverse("ppks:person_create"), {**FORM, "name": "Abd. Gani"}).content.decode()
    assert f"NIK ini sudah terdaftar: Abdul Gani (ID {existing.pk}). Buka data yang ada." in page
    assert Person.objects.count() == 1


def test_a_known_nik_out_of_scope_says_whom_to_ask_without_revealing_the_record(client, operator):
    from kesos.accounts.models import Office

    Office.objects.create(name="Dinas Sosial Kota Banjarbaru", wilayah_id="63.72")
    Person.objects.create(nik=FORM["nik"], name="Nama Rahasia", sex="L", wilayah_id="63.72.03.1001")
    page = client.post(reverse("ppks:person_create"), FORM).content.decode()
    assert "NIK ini sudah terdaftar di wilayah lain. Hubungi Dinas Sosial Kota Banjarbaru" in page
    assert "Nama Rahasia" not in page


def test_an_edit_based_on_an_old_version_is_refused_not_silently_overwritten(client, operator):
    person = Person.objects.create(nik=FORM["nik"], name="Abdul Gani", sex="L", wilayah_id="63.71.01.1001")
    stale = person.version
    client.post(reverse("ppks:person_edit", args=[person.pk]), {**FORM, "address": "Alamat A", "version": stale})
    response = client.post(
        reverse("ppks:person_edit", args=[person.pk]), {**FORM, "address": "Alamat B", "version": stale}
    )
    assert "telah diubah oleh pengguna lain" in response.content.decode()
    assert 'value="Alamat B"' in response.content.decode()  # what the user typed is still there
    person.refresh_from_db()
    assert person.address == "Alamat A" and person.version == stale + 1


def test_the_api_answers_409_to_a_stale_patch_and_400_without_a_version(client, operator):
    person = Person.objects.create(nik=FORM["nik"], name="Abdul Gani", sex="L", wilayah_id="63.71.01.1001")
    url = reverse("ppks-api:person-detail", args=[person.pk])
    ok = client.patch(url, {"address": "Baru", "version": 1}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    assert client.patch(url, {"address": "Lagi", "version": 1}, content_type="application/json").status_code == 409
    missing = client.patch(url, {"address": "Lagi"}, content_type="application/json")
    assert missing.status_code == 400 and "version" in missing.json()


def test_the_api_masks_the_nik_for_a_tksk_outside_the_people_they_reported(client):
    tksk = UserFactory()
    AssignmentFactory(user=tksk, role=Role.TKSK, wilayah_id="63.72.03")
    Person.objects.create(nik="6372031412650002", name="Jumberi", sex="L", wilayah_id="63.72.03.1001")
    client.force_login(tksk)
    row = client.get(reverse("ppks-api:person-list")).json()["results"][0]
    assert row["nik"] == "************0002"


def test_the_by_name_export_is_csv_with_a_bom_and_is_audited(client, operator):
    Person.objects.create(nik=FORM["nik"], name="Abdul Gani", sex="L", wilayah_id="63.71.01.1001")
    Person.objects.create(nik="6372031412650002", name="Jumberi", sex="L", wilayah_id="63.72.03.1001")
    response = client.get(reverse("ppks:person_export"))
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    text = body.decode("utf-8-sig")
    assert "Abdul Gani" in text and "6371011403580001" in text and "Jumberi" not in text
    event = AuditEvent.objects.get(action="data.export")
    assert event.wilayah_code == "63.71" and event.detail["rows"] == 1


@pytest.mark.parametrize("rows", [3, 30])
def test_the_person_list_makes_the_same_number_of_queries_whatever_its_length(
    client, operator, rows, django_assert_max_num_queries
):
    Person.objects.bulk_create(
        Person(name=f"Orang {i}", sex="L", wilayah_id="63.71.01.1001", nik=f"63710158035800{i:02d}")
        for i in range(rows)
    )
    with django_assert_max_num_queries(10):
        assert client.get(reverse("ppks:person_list")).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(reverse("ppks-api:person-list")).status_code == 200
