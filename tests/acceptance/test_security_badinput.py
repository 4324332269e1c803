"""Issue 13, "Done when": the API fuzzer finds no server error and no response the schema does not describe.

schemathesis generates requests from the OpenAPI schema drf-spectacular makes, and sends them through
the WSGI application as a logged-in Operator Kab/Kota of the demo data (session cookie, CSRF header).
Path ids are either generated or taken from the demo records, so both the 404 paths and the real
records' pages are fuzzed. Every request is rolled back to a savepoint, so each starts from the same
data. Hypothesis is derandomized and bounded (examples per operation), so CI runs it in a few minutes.
"""

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kesos.accounts.models import User
from kesos.core.demo import load_demo
from kesos.wsgi import application

pytestmark = [pytest.mark.postgres, pytest.mark.django_db, pytest.mark.slow]

EXAMPLES_PER_OPERATION = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

SCHEMA = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
SCHEMA.app = application


@pytest.fixture
def wsgi_inside_the_test_transaction():
    """The WSGI handler closes the connection at the end of each request, as in production; inside a
    test transaction that would end the test's transaction, so keep the connection as Django's test
    client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def demo_ids():
    """Ids of the demo records a by-name operator of Kota Banjarmasin sees, per path shape."""
    from kesos.reports.models import ReportRequest
    from lks.models import Lks
    from pilar.models import Member
    from ppks.models import Case, Household, Person

    banjarmasin = Person.objects.filter(wilayah__code__startswith="63.71")
    return {
        "/api/v1/ppks/orang/": list(banjarmasin.values_list("pk", flat=True)),
        "/api/v1/ppks/kasus/": list(Case.objects.values_list("pk", flat=True)),
        "/api/v1/ppks/keluarga/": list(Household.objects.values_list("pk", flat=True)),
        "/api/v1/lks/lks/": list(Lks.objects.values_list("pk", flat=True)),
        "/api/v1/pilar/anggota/": list(Member.objects.values_list("pk", flat=True)),
        "/api/v1/laporan/": list(ReportRequest.objects.values_list("pk", flat=True)),
    }


def open_a_case_with_a_note(operator):
    """The demo data has no case yet: one case with a note, so the case sub-resources answer with rows."""
    from ppks import services
    from ppks.models import Person, PpksCategory
    from ppks.services import casework

    person = Person.objects.filter(wilayah__code__startswith="63.71").order_by("pk").first()
    case = services.case_open(
        actor=operator, summary="Lansia hidup sendiri", categories=[PpksCategory.objects.get(code="PPKS-08")],
        source="datang", person=person,
    )  # fmt: skip
    casework.note_add(actor=operator, case=case, text="Kunjungan pertama.")


def test_the_api_fuzzer_finds_no_server_error_and_no_schema_violation(wsgi_inside_the_test_transaction):
    load_demo()
    operator = User.objects.get(username="operator.banjarmasin")
    open_a_case_with_a_note(operator)
    client = Client()
    client.force_login(operator)
    csrf = "k" * 32  # the CSRF cookie and header only have to agree
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf}
    headers = {"X-CSRFToken": csrf}
    ids = demo_ids()

    failures = []
    for result in SCHEMA.get_all_operations():
        operation = result.ok()
        prefix = next((p for p in ids if operation.path.startswith(p + "{")), None)
        real = st.sampled_from(ids[prefix]) if prefix and ids[prefix] else st.nothing()

        @hypothesis.settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        )
        @hypothesis.given(case=operation.as_strategy(), real_id=st.none() | real)
        def fuzz(case, real_id):
            if real_id is not None and "id" in (case.path_parameters or {}):
                case.path_parameters["id"] = real_id
            sid = transaction.savepoint()
            try:
                response = case.call(headers=headers, cookies=cookies)
            finally:
                transaction.savepoint_rollback(sid)
                connection.needs_rollback = False
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            fuzz()
        except BaseException as exc:  # noqa: BLE001 - collected and reported below, operation by operation
            failures.append(f"{operation.label}: {exc}")
    assert failures == [], "\n\n".join(failures)
