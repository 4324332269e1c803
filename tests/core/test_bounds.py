"""Issue 13, item 12: coordinates and birth dates within their ranges, through the API as through forms."""

import pytest
from django.test import Client

from kesos.accounts.models import Role
from kesos.core.validators import strip_invisible
from tests.factories import AssignmentFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def api():
    user = UserFactory(username="operator.bjb")
    AssignmentFactory(user=user, role=Role.OPERATOR_KABKOTA, wilayah_id="63.72")
    client = Client()
    client.force_login(user)
    return client


def test_a_birth_date_before_1900_or_in_the_future_is_refused_with_a_message(api):
    for day, message in (("1850-01-01", "1900"), ("2999-01-01", "masa depan")):
        body = {"name": "Jumberi", "sex": "L", "wilayah": "63.72.03.1001", "birth_date": day}
        response = api.post("/api/v1/ppks/orang/", body, content_type="application/json")
        assert response.status_code == 400
        assert message in " ".join(response.json()["birth_date"])


def test_a_latitude_or_longitude_out_of_range_is_refused_with_a_message(api):
    body = {"name": "LKS Uji", "latitude": "91", "longitude": "-181"}
    response = api.post("/api/v1/lks/lks/", body, content_type="application/json")
    assert response.status_code == 400
    errors = response.json()
    # DRF words the model's bounds in its own (Indonesian) message; the form shows the model's.
    assert "90" in " ".join(errors["latitude"])
    assert "-180" in " ".join(errors["longitude"])


def test_invisible_control_characters_are_stripped_and_newlines_kept_in_notes():
    assert strip_invisible("Jum\u202eberi\u200b\u2066") == "Jumberi"
    assert strip_invisible("baris 1\nbaris\t2\x07", multiline=True) == "baris 1\nbaris\t2"
