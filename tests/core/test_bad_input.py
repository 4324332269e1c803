"""Issue 13, item 9: input no view can handle is a 400 (or 404, 413) with a clear message, never a 500."""

import datetime
import json

import pytest
from django.test import Client

from kesos.accounts.models import Role
from ppks.models import Person, PpksCategory
from ppks.services import case_assign, case_open
from tests.factories import AssignmentFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def operator():
    user = UserFactory(username="operator.bjb")
    AssignmentFactory(user=user, role=Role.OPERATOR_KABKOTA, wilayah_id="63.72")
    return user


@pytest.fixture
def api(operator):
    client = Client(raise_request_exception=False)
    client.force_login(operator)
    return client


@pytest.fixture
def case(operator):
    person = Person.objects.create(nik="6372031412650002", name="Jumberi", sex="L", wilayah_id="63.72.03.1001",
                                   created_by=operator)  # fmt: skip
    case = case_open(actor=operator, person=person, categories=[PpksCategory.objects.get(code="PPKS-24")],
                     source="datang", summary="Tidak punya penghasilan")  # fmt: skip
    return case_assign(actor=operator, case=case, worker=operator)


def test_a_nul_byte_in_an_api_filter_is_a_400_with_a_message(api):
    response = api.get("/api/v1/ppks/orang/", {"q": "Jum\x00beri"})
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_a_nul_byte_in_a_page_filter_and_in_a_path_is_a_400(api):
    assert api.get("/ppks/orang/", {"q": "a\x00b"}).status_code == 400
    assert api.get("/ppks/orang/%00/").status_code in (400, 404)


def test_a_nul_byte_in_a_form_body_is_a_400(api, case):
    response = api.post(f"/ppks/kasus/{case.pk}/catatan/", {"text": "Kunjungan\x00rumah"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_nul_byte_in_any_of_a_repeated_fields_values_is_a_400(api):
    # ?wilayah=63&wilayah=6%00: a view reading getlist() would see the first value too.
    assert api.get("/ppks/orang/?wilayah=6%00&wilayah=63").status_code == 400


def test_a_nul_byte_in_a_json_body_is_a_400(api, case):
    body = json.dumps({"text": "Kunjungan\x00rumah"})
    response = api.post(f"/api/v1/ppks/kasus/{case.pk}/catatan/", body, content_type="application/json")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_a_json_body_nested_five_thousand_levels_deep_is_a_400(api):
    body = "[" * 5000 + "]" * 5000
    response = api.post("/api/v1/ppks/orang/", body, content_type="application/json")
    assert response.status_code == 400
    assert "terlalu dalam" in response.json()["detail"]


def test_an_api_body_over_the_configured_size_is_a_json_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"name": "x" * 5000})
    response = api.post("/api/v1/ppks/orang/", body, content_type="application/json")
    assert response.status_code == 413
    assert "terlalu besar" in response.json()["detail"]


def test_an_api_body_over_kesos_api_max_body_bytes_is_a_json_413(operator, settings):
    settings.KESOS_API_MAX_BODY_BYTES = 2000
    client = Client()
    client.force_login(operator)
    response = client.post("/api/v1/ppks/orang/", json.dumps({"name": "x" * 5000}), content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"


def test_a_non_numeric_report_id_is_a_404(api):
    assert api.get("/api/v1/laporan/abc/").status_code == 404
    assert api.get("/api/v1/laporan/abc/unduh/").status_code == 404


def test_a_service_recorded_without_its_programme_is_a_400(api, case):
    body = {"delivered_on": datetime.date.today().isoformat(), "form": "jaminan", "description": "Sembako",
            "provider": "Dinsos", "in_kind": "Beras"}  # fmt: skip
    response = api.post(f"/api/v1/ppks/kasus/{case.pk}/layanan/", body, content_type="application/json")
    assert response.status_code == 400
    assert "programme" in response.json()
    form = api.post(f"/api/v1/ppks/kasus/{case.pk}/layanan/", body)
    assert form.status_code == 400


def test_a_report_period_ending_in_year_9999_is_a_400(api):
    body = {"kind": "r5", "format": "xlsx", "region": "63.72", "year": 2026, "date_to": "9999-12-31"}
    response = api.post("/api/v1/laporan/", body, content_type="application/json")
    assert response.status_code == 400
    assert "date_to" in response.json()


def test_an_audit_range_ending_in_year_9999_is_refused_with_a_message(settings):
    auditor = UserFactory(username="auditor.kalsel")
    AssignmentFactory(user=auditor, role=Role.AUDITOR, wilayah_id="63")
    client = Client(raise_request_exception=False)
    client.force_login(auditor)
    response = client.get("/audit/", {"sampai": "31/12/9999"})
    assert response.status_code == 200
    assert "1900" in response.content.decode()


def test_a_fieldwork_month_of_9999_12_is_refused_with_a_message(operator):
    client = Client(raise_request_exception=False)
    client.force_login(operator)
    response = client.get("/pilar/laporan/", {"bulan": "9999-12"})
    assert response.status_code == 200
    assert "1900" in response.content.decode()
