"""Issue 14, item 4: one NIK registered as the same pillar type by two operators at the same moment: one
member, and the other gets the service's NIK message, never a server error (tests.races.collide)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from kesos.accounts.models import Role
from kesos.wilayah.models import Wilayah
from pilar import services
from pilar.models import Member, PilarType
from tests.factories import AssignmentFactory, UserFactory
from tests.races import collide

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_registrations_of_one_nik_as_tksk_at_once_make_one_member(reference_rows, wilayah_table):
    operators = []
    for name in ("operator.satu", "operator.dua"):
        user = UserFactory(username=name)
        AssignmentFactory(user=user, role=Role.OPERATOR_KABKOTA, wilayah_id="63.72")
        operators.append(user)

    def register(actor):
        return services.member_create(
            actor=actor, type=PilarType.objects.get(code="tksk"), wilayah=Wilayah.objects.get(code="63.72.03"),
            name="Rahmat Hidayat", nik="6372031412650002", starts_on=datetime.date(2023, 1, 2),
        )  # fmt: skip

    _, loser = collide(lambda: register(operators[0]), lambda: register(operators[1]))
    assert Member.objects.filter(nik="6372031412650002").count() == 1
    assert isinstance(loser, ValidationError), loser
    assert loser.message_dict == {"nik": ["NIK ini sudah terdaftar sebagai TKSK."]}
