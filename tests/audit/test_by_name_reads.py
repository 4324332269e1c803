"""Issue 13 items 4, 5 and 11: by-name reads leave a trace (list pages, case sub-resources, 404 probes),
the Auditor's change history names special-category fields without their values, and the audit
tables refuse TRUNCATE."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from kesos.accounts.models import Role
from kesos.audit.append_only import TRIGGER, audit_tables
from kesos.audit.middleware import history_context
from kesos.audit.models import AuditEvent
from kesos.audit.services import audit_record
from kesos.audit.subject import access_log
from ppks.models import Case, Person, PpksCategory
from ppks.services import case_assign, case_open
from tests.factories import AssignmentFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def user(username, role, region):
    account = UserFactory(username=username)
    AssignmentFactory(user=account, role=role, wilayah_id=region)
    return account


@pytest.fixture
def operator():
    return user("operator.bjm", Role.OPERATOR_KABKOTA, "63.71")


@pytest.fixture
def case(operator, reference_rows):
    person = Person.objects.create(nik="6371011403580001", name="Abdul Gani", sex="L", wilayah_id="63.71.01.1001")
    opened = case_open(actor=operator, person=person, categories=[PpksCategory.objects.get(code="PPKS-24")],
                       source="datang", summary="Tidak punya penghasilan")  # fmt: skip
    worker = user("peksos.bjm", Role.PEKERJA_SOSIAL, "63.71")
    return case_assign(actor=operator, case=opened, worker=worker)


def list_reads(username):
    return list(AuditEvent.objects.filter(action="data.list", username=username).order_by("id"))


# --- Item 5: list pages and sub-resources ---------------------------------------------------------------
def test_each_list_page_writes_one_event_with_its_rows_region_and_persons(client, operator, case):
    Person.objects.create(name="Siti Aminah", sex="P", wilayah_id="63.71.01.1002")
    client.force_login(operator)
    for name in ("ppks:person_list", "ppks:household_list", "ppks:case_list"):
        assert client.get(reverse(name)).status_code == 200
    people, households, cases = list_reads("operator.bjm")
    assert (people.object_type, people.detail["rows"], people.wilayah_code) == ("ppks.person", 2, "63.71.01")
    assert sorted(people.detail["person_ids"]) == sorted(Person.objects.values_list("pk", flat=True))
    # An empty page still counts (a search that found nobody); its region is the user's office's.
    assert (households.detail["rows"], households.wilayah_code) == (0, operator.office.wilayah_id)
    assert (cases.object_type, cases.detail["rows"], cases.subject_person_id) == ("ppks.case", 1, case.person_id)


def test_a_case_sub_resource_read_is_audited_once_as_the_persons(client, operator, case):
    client.force_login(operator)
    for _ in range(3):
        client.post(f"/api/v1/ppks/kasus/{case.pk}/catatan/", {"text": "Kunjungan rumah"}, "application/json")
    assert client.get(f"/api/v1/ppks/kasus/{case.pk}/catatan/").status_code == 200
    (event,) = list_reads("operator.bjm")
    assert (event.object_type, event.object_id) == ("ppks.case", str(case.pk))
    assert event.detail["list"] == "ppks.casenote" and event.detail["rows"] == 3
    assert event.subject_person_id == case.person_id and event.wilayah_code == "63.71.01.1001"
    # ...so the data-subject report lists it.
    assert "Daftar catatan kasus (3 baris)" in [row[-1] for row in access_log(case.person).rows]


def test_the_subject_report_finds_a_person_on_a_list_page_but_not_the_others(client, operator):
    shown = Person.objects.create(name="Ahmad", sex="L", wilayah_id="63.71.01.1001")
    other = Person.objects.create(name="Bahrul", sex="L", wilayah_id="63.71.02.1001")
    client.force_login(operator)
    client.get(reverse("ppks:person_list"), {"wilayah": "63.71.01"})
    assert [row[1:3] for row in access_log(shown).rows] == [["Melihat daftar data perorangan", "operator.bjm"]]
    assert list(access_log(other).rows) == []


@pytest.mark.parametrize("count", [2, 20])
def test_auditing_the_list_adds_one_query_not_one_per_row(client, operator, count, django_assert_max_num_queries):
    Person.objects.bulk_create(Person(name=f"Orang {i}", sex="L", wilayah_id="63.71.01.1001") for i in range(count))
    client.force_login(operator)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("ppks-api:person-list")).json()["count"] == count
    assert list_reads("operator.bjm")[0].detail["rows"] == count


# --- Item 5: 404 probes ---------------------------------------------------------------------------------
def test_a_probe_for_an_out_of_scope_or_unknown_record_is_audited_alike(client, operator):
    elsewhere = Person.objects.create(name="Raudah", sex="P", wilayah_id="63.72.02.1003")
    client.force_login(operator)
    missing = elsewhere.pk + 1000
    assert client.get(reverse("ppks:person", args=[elsewhere.pk])).status_code == 404
    assert client.get(reverse("ppks-api:person-detail", args=[missing])).status_code == 404
    assert client.get(reverse("ppks:case", args=[missing])).status_code == 404
    assert client.get(reverse("ppks-api:case-detail", args=[elsewhere.pk])).status_code == 404
    probes = AuditEvent.objects.filter(action="data.not_found", username="operator.bjm").order_by("id")
    assert [(e.object_type, e.object_id) for e in probes] == [
        ("ppks.person", str(elsewhere.pk)), ("ppks.person", str(missing)),
        ("ppks.case", str(missing)), ("ppks.case", str(elsewhere.pk)),
    ]  # fmt: skip
    # Nothing tells which of the two it was, nor whose record it is.
    assert {e.object_repr for e in probes if e.object_type == "ppks.person"} == {
        f"orang #{elsewhere.pk}",
        f"orang #{missing}",
    }
    assert all(e.subject_person_id is None and e.wilayah_code == operator.office.wilayah_id for e in probes)


# --- Item 4: special-category fields in the change history ----------------------------------------------
def test_the_auditor_sees_that_a_sensitive_field_changed_not_its_value(client, operator, case):
    with history_context(user=operator.pk):
        Case.objects.filter(pk=case.pk).update(sensitive_notes="Positif HIV, terapi ARV di RSUD Ulin")
        Person.objects.filter(pk=case.person_id).update(address="Jl. Kelayan B", nik="6371011403580009")
    auditor = user("auditor.kalsel", Role.AUDITOR, "63")
    client.force_login(auditor)
    page = client.get(reverse("audit:change_list"), {"pengguna": "operator.bjm"}).content.decode()
    assert "sensitive_notes:</span> diubah (data sensitif)" in page
    assert "Positif HIV" not in page and "ARV" not in page
    # Ordinary fields keep their values, NIK stays masked.
    assert "Jl. Kelayan B" in page and "************0001 → ************0009" in page
    assert "6371011403580009" not in page


def test_the_auditor_sees_a_new_records_sensitive_fields_as_recorded_only(client, operator, case):
    with history_context(user=operator.pk):
        Case.objects.create(
            number="6371-2026-000999", person=case.person, wilayah_id="63.71.01.1001", source="datang",
            reported_by=operator, summary="Korban kekerasan dalam rumah tangga", opened_at=timezone.now(),
        )  # fmt: skip
    client.force_login(user("auditor.kalsel", Role.AUDITOR, "63"))
    page = client.get(reverse("audit:change_list"), {"pengguna": "operator.bjm"}).content.decode()
    assert "summary:</span> dicatat (data sensitif)" in page and "kekerasan" not in page
    assert "6371-2026-000999" in page


def test_every_declared_sensitive_field_exists_on_its_model():
    from django.apps import apps

    declared = {m: m.sensitive_fields for m in apps.get_models() if getattr(m, "sensitive_fields", None)}
    assert {m._meta.label for m in declared} >= {"ppks.Case", "ppks.Assessment", "lks.Placement", "ppks.Person"}
    for model, fields in declared.items():
        names = {f.name for f in model._meta.get_fields()}
        assert set(fields) <= names, model


# --- Item 11: no TRUNCATE ------------------------------------------------------------------------------
def test_the_audit_tables_refuse_truncate_from_the_applications_database_user():
    event = audit_record(action="auth.login", actor=UserFactory())
    Person.objects.create(name="Abdul Gani", sex="L", wilayah_id="63.71.01.1001")
    with connection.cursor() as cursor:  # the test's own transaction: let its pending FK checks run first
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table in ("audit_auditevent", "ppks_personevent"):
        refused = pytest.raises(DatabaseError, match="tidak dapat dikosongkan")
        with refused, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table}")
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM ppks_personevent")
        assert cursor.fetchone()[0] >= 1


def test_every_change_history_table_has_the_truncate_guard():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s", [TRIGGER])
        guarded = {row[0] for row in cursor.fetchall()}
    tables = audit_tables()
    assert len(tables) > 20 and "audit_auditevent" in tables and "lks_placementevent" in tables
    assert set(tables) <= guarded


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_still_empties_the_audit_tables_afterwards(wilayah_table):
    # Teardown flushes with TRUNCATE through the test suite's bypass; a failure would error here.
    audit_record(action="auth.login", actor=UserFactory(), detail={"at": datetime.date.today().isoformat()})
    assert AuditEvent.objects.count() >= 1


def test_reading_the_pilar_roster_on_the_page_and_the_api_is_audited_like_any_by_name_list(
    client, operator, reference_rows
):
    from kesos.wilayah.models import Wilayah
    from pilar import services as pilar_services
    from pilar.models import PilarType

    for name, kecamatan in (("Ahmad Rifani", "63.71.01"), ("Siti Rahmah", "63.71.02")):
        pilar_services.member_create(
            actor=operator, type=PilarType.objects.get(code="tksk"), wilayah=Wilayah.objects.get(code=kecamatan),
            name=name, starts_on=datetime.date(2025, 1, 1),
        )  # fmt: skip
    client.force_login(operator)
    assert client.get(reverse("pilar:member_list")).status_code == 200
    assert client.get(reverse("pilar-api:member-list")).status_code == 200
    page, api = list_reads("operator.bjm")
    for event in (page, api):
        assert (event.object_type, event.detail["rows"], event.wilayah_code) == ("pilar.member", 2, "63.71")
