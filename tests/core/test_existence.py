"""The pieces behind the existence answers: the limit's peek, the deferred audit row, the contact."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from kesos.accounts.models import Office, Role
from kesos.audit import actions
from kesos.audit.context import AuditContextMiddleware
from kesos.audit.models import AuditEvent
from kesos.audit.services import audit_refusal
from kesos.core import existence
from kesos.core.ratelimit import Limit, RateLimited, exceeded, hit
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

LIMIT = Limit("uji_peek", count=2, seconds=60)


def test_peeking_at_a_limit_counts_nothing_and_tells_how_long_a_blocked_user_waits():
    for _ in range(2):
        hit(LIMIT, user_key=1)
        assert exceeded(LIMIT, user_key=1) == 0
    with pytest.raises(RateLimited):
        hit(LIMIT, user_key=1)
    assert 0 < exceeded(LIMIT, user_key=1) <= 60
    assert exceeded(LIMIT, user_key=2) == 0


def test_an_audit_row_about_a_refusal_survives_the_rollback_of_the_refused_operation():
    user = UserFactory(username="peminta")

    def refused_operation(request):
        try:
            with transaction.atomic():
                audit_refusal(action=actions.EXISTS_ELSEWHERE, actor=user, object_repr="NIK ************0002")
                raise ValidationError("ditolak")
        except ValidationError:
            return HttpResponse(status=400)

    response = AuditContextMiddleware(refused_operation)(RequestFactory().post("/orang/baru/"))
    assert response.status_code == 400
    event = AuditEvent.objects.get(action=actions.EXISTS_ELSEWHERE)
    assert (event.username, event.path) == ("peminta", "/orang/baru/")


def test_outside_a_request_the_refusal_row_is_written_at_once():
    user = UserFactory(username="tugas")
    audit_refusal(action=actions.EXISTS_ELSEWHERE, actor=user)
    assert AuditEvent.objects.filter(action=actions.EXISTS_ELSEWHERE, username="tugas").exists()


def test_the_contact_is_the_users_own_provincial_office_or_a_plain_hint_without_one():
    office = Office.objects.create(name="Dinas Sosial Kota Palangka Raya", wilayah_id="62.71")
    user = UserFactory(office=office)
    AssignmentFactory(user=user, role=Role.OPERATOR_KABKOTA, wilayah_id="62.71")
    assert existence.own_province_contact(user) == "Dinas Sosial provinsi Anda"
    Office.objects.create(name="Dinas Sosial Provinsi Kalimantan Tengah", wilayah_id="62")
    assert existence.own_province_contact(user) == "Dinas Sosial Provinsi Kalimantan Tengah"
    assert existence.same_province(user, "62.71.01.1001") and not existence.same_province(user, "63.72.03.1001")
