"""Issue 14, item 4: one person placed into two LKS at the same moment: one placement, and the other
officer gets the service's message, never a server error (kesos.core.races; tests.races.collide)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kesos.accounts.models import Role
from kesos.wilayah.models import Wilayah
from lks import services
from lks.models import LksType, Placement
from ppks.models import Person
from tests.factories import AssignmentFactory, UserFactory
from tests.races import collide

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_one_person_placed_into_two_lks_at_once_gets_one_placement_and_one_clear_message(reference_rows, wilayah_table):
    officers = []
    for name in ("operator.satu", "operator.dua"):
        user = UserFactory(username=name)
        AssignmentFactory(user=user, role=Role.OPERATOR_KABKOTA, wilayah_id="63.71")
        officers.append(user)
    homes = [
        services.lks_create(
            actor=officers[0],
            name=name,
            wilayah=Wilayah.objects.get(code="63.71.01.1001"),
            address="Jl. Mantuil",
            capacity=10,
            types=[LksType.objects.get(code="anak")],
        )  # fmt: skip
        for name in ("LKSA Al-Ikhlas", "LKSA Harapan")
    ]
    child = Person.objects.create(name="Siti Aminah", sex="P", wilayah_id="63.71.01.1001",
                                  birth_date=datetime.date(2014, 5, 17))  # fmt: skip
    today = timezone.localdate()

    def place(officer, home):
        return services.placement_create(actor=officer, lks=home, person=child, admitted_on=today)

    _, loser = collide(lambda: place(officers[0], homes[0]), lambda: place(officers[1], homes[1]))
    assert list(Placement.objects.filter(person=child).values_list("lks__name", flat=True)) == ["LKSA Al-Ikhlas"]
    assert isinstance(loser, ValidationError), loser
    assert loser.message_dict == {
        "person": [
            f"Siti Aminah masih tercatat sebagai penghuni LKSA Al-Ikhlas sejak {today:%d-%m-%Y}. "
            "Catat dahulu tanggal keluarnya dari sana."
        ]
    }
