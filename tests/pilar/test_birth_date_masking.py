"""A TKSK who sees a NIK masked sees an age, not the birth date, in the pilar pages too: their roster record
and the near-duplicate candidates of a field case report."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kesos.accounts.models import Role
from kesos.core.masking import age_on
from kesos.wilayah.models import Wilayah
from pilar import services
from pilar.models import PilarType
from ppks.models import Person, PpksCategory
from ppks.names import name_key
from tests.factories import AssignmentFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db

CEMPAKA = "63.72.03"
BORN = datetime.date(1958, 3, 14)


def user_with(role, region, username):
    user = UserFactory(username=username, office=OfficeFactory(name="Dinas Sosial Kota Banjarbaru", wilayah_id="63.72"))
    AssignmentFactory(user=user, role=role, wilayah_id=region)
    return user


@pytest.fixture
def operator():
    return user_with(Role.OPERATOR_KABKOTA, "63.72", "operator.bjb")


@pytest.fixture
def tksk(operator):
    user = user_with(Role.TKSK, CEMPAKA, "tksk.cempaka")
    member = services.member_create(
        actor=operator, type=PilarType.objects.get(code="tksk"), wilayah=Wilayah.objects.get(code=CEMPAKA),
        name="Akhmad Syarifudin", nik="6372031403580001", sex="L", birth_date=BORN,
        starts_on=datetime.date(2023, 1, 2), user=user,
    )  # fmt: skip
    return user, member


def test_a_tksk_sees_their_own_record_with_an_age_beside_the_masked_nik(client, operator, tksk):
    user, member = tksk
    age = age_on(BORN, timezone.localdate())
    client.force_login(user)
    page = client.get(reverse("pilar:member", args=[member.pk])).content.decode()
    assert "************0001" in page and "14-03-1958" not in page and f"{age} tahun" in page

    client.force_login(operator)
    assert "14-03-1958" in client.get(reverse("pilar:member", args=[member.pk])).content.decode()
    record = client.get(reverse("pilar-api:member-detail", args=[member.pk])).json()
    assert record["nik"] == "6372031403580001" and record["birth_date"] == "1958-03-14" and record["umur"] == age


def test_near_duplicate_candidates_show_a_tksk_the_age_of_a_person_they_did_not_report(client, operator, tksk):
    user, _ = tksk
    Person.objects.create(
        name="Mbah Sarinah", name_key=name_key("Mbah Sarinah"), sex="P", birth_date=datetime.date(1946, 7, 1),
        nik="6372034107460002", wilayah_id=f"{CEMPAKA}.1001", created_by=operator,
    )  # fmt: skip
    client.force_login(user)
    data = {
        "nik": "", "name": "Mbah Sarinah", "sex": "P", "birth_date": "", "desa": f"{CEMPAKA}.1001",
        "address": "Jl. Palam", "phone": "", "summary": "Lansia tinggal sendiri.", "sensitive_notes": "",
        "category": PpksCategory.objects.get(code="PPKS-08").pk,
    }  # fmt: skip
    page = client.post(reverse("pilar:field_case"), data).content.decode()
    assert 'data-testid="calon-duplikat"' in page
    assert "01-07-1946" not in page and f"{age_on(datetime.date(1946, 7, 1), timezone.localdate())} tahun" in page
