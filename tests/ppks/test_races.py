"""Issue 14, item 4: a uniqueness race comes back as the service's own message, never a server error
(kesos.core.races). Each test makes two creations collide for sure (tests.races.collide)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from kesos.accounts.models import Role
from kesos.wilayah.models import Wilayah
from ppks import services
from ppks.models import Household, HouseholdMember, Person, Referensi
from tests.factories import AssignmentFactory, UserFactory
from tests.races import collide

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
NIK = "6371011403580001"


def desa():
    return Wilayah.objects.get(code="63.71.01.1001")


@pytest.fixture
def operators(reference_rows, wilayah_table):
    users = []
    for name in ("operator.satu", "operator.dua"):
        user = UserFactory(username=name)
        AssignmentFactory(user=user, role=Role.OPERATOR_KABKOTA, wilayah_id="63.71")
        users.append(user)
    return users


def register(actor, name):
    return services.person_create(
        actor=actor, nik=NIK, name=name, sex="L", birth_date=datetime.date(1958, 3, 14),
        wilayah=desa(),
    )  # fmt: skip


def test_two_registrations_of_one_nik_at_once_make_one_person_and_the_other_gets_the_nik_message(operators):
    first, second = operators
    winner, loser = collide(lambda: register(first, "Abdul Gani"), lambda: register(second, "Abd. Gani"))
    assert Person.objects.filter(nik=NIK).count() == 1
    assert isinstance(loser, ValidationError), loser
    assert loser.message_dict == {"nik": [f"NIK ini sudah terdaftar: Abdul Gani (ID {winner.pk}). Buka data yang ada."]}


def test_two_households_with_one_kk_at_once_make_one(operators):
    first, second = operators

    def household(actor):
        return services.household_create(actor=actor, no_kk="6371010101090007", wilayah=desa(), address="-")

    winner, loser = collide(lambda: household(first), lambda: household(second))
    assert Household.objects.count() == 1
    assert isinstance(loser, ValidationError) and "No. KK ini sudah terdaftar" in loser.message_dict["no_kk"][0]


def test_one_person_added_to_two_households_at_once_stays_in_one(operators):
    first, second = operators
    person = services.person_create(actor=first, name="Siti Aminah", sex="P", wilayah=desa())
    homes = [services.household_create(actor=first, wilayah=desa(), address=f"Jl. {n}") for n in ("A", "B")]
    child = Referensi.objects.get(kind="hubungan", code="anak")

    def add(actor, home):
        return services.household_add_member(actor=actor, household=home, person=person, relation=child)

    _, loser = collide(lambda: add(first, homes[0]), lambda: add(second, homes[1]))
    assert HouseholdMember.objects.filter(person=person, left_on__isnull=True).count() == 1
    assert isinstance(loser, ValidationError) and "keluarga lain" in loser.message_dict["person"][0]
