"""Issue 13, item 12 (bounds), end to end as an operator works: an over-long note on a case is refused with
a clear message on the page (what was typed is kept) and on the API (400), and a name typed with a
right-to-left override is stored, shown and found without it.
"""

import pytest
from django.test import Client
from django.urls import reverse

from kesos.accounts.models import Assignment, Office, Role, User
from ppks.models import CaseNote, Person, PpksCategory
from ppks.services import case_open
from tests.factories import PASSWORD

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

NOTE = ("Keluarga menolak kunjungan; petugas kembali minggu depan bersama ketua RT. " * 70).strip()
MESSAGE = f"Teks terlalu panjang: paling banyak 5000 karakter (sekarang {len(NOTE)})."


@pytest.fixture
def operator() -> Client:
    office = Office.objects.create(name="Dinas Sosial Kota Banjarbaru", wilayah_id="63.72")
    user = User.objects.create_user(username="operator.bjb", password=PASSWORD, office=office, full_name="Rina")
    Assignment.objects.create(user=user, role=Role.OPERATOR_KABKOTA, wilayah_id="63.72", starts_on="2026-01-01")
    client = Client()
    response = client.post(reverse("login"), {"username": "operator.bjb", "password": PASSWORD})
    assert response.status_code == 302
    client.user = user
    return client


def test_an_over_long_case_note_is_refused_with_a_message_on_the_page_and_the_api(operator):
    person = Person.objects.create(name="Jumberi", sex="L", wilayah_id="63.72.03.1001")
    case = case_open(
        actor=operator.user, person=person, categories=[PpksCategory.objects.get(code="PPKS-24")], source="datang",
        summary="Tidak punya penghasilan",
    )  # fmt: skip

    page = operator.post(reverse("ppks:note_add", args=[case.pk]), {"text": NOTE})
    assert page.status_code == 400
    html = page.content.decode()
    assert MESSAGE in html and NOTE in html

    api = operator.post(reverse("ppks-api:case-notes", args=[case.pk]), {"text": NOTE}, content_type="application/json")
    assert api.status_code == 400
    assert api.json() == {"text": [MESSAGE]}
    assert not CaseNote.objects.exists()


def test_a_name_typed_with_a_right_to_left_override_is_stored_shown_and_found_without_it(operator):
    form = {"name": "Siti\u202eAminah\u200b", "sex": "P", "birth_date": "14/03/1958", "wilayah": "63.72.03.1001"}
    response = operator.post(reverse("ppks:person_create"), form, follow=True)
    assert response.status_code == 200
    assert "SitiAminah" in response.content.decode() and "\u202e" not in response.content.decode()
    assert Person.objects.get().name == "SitiAminah"

    api = operator.post(
        reverse("ppks-api:person-list"), {"name": "Raudah\u202e binti Ali", "sex": "P", "wilayah": "63.72.03.1001"},
        content_type="application/json",
    )  # fmt: skip
    assert api.status_code == 201 and api.json()["name"] == "Raudah binti Ali"
    found = operator.get(reverse("ppks-api:person-list"), {"q": "Raudah binti"}).json()
    assert [row["name"] for row in found["results"]] == ["Raudah binti Ali"]
