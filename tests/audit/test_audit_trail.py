"""The audit trail itself: append-only, complete on bulk paths, honest about SQLite."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.test import override_settings

from kesos.audit import actions
from kesos.audit.checks import check_history_backend
from kesos.audit.middleware import history_context
from kesos.audit.models import AuditEvent
from kesos.audit.services import audit_record
from ppks.models import Person
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_action_code_cannot_be_registered_twice():
    with pytest.raises(ImproperlyConfigured):
        actions.register("auth.login", "Masuk lagi")


def test_an_unknown_action_is_refused_rather_than_recorded_vaguely():
    with pytest.raises(KeyError):
        audit_record(action="data.peek")


@pytest.mark.postgres
def test_the_application_cannot_rewrite_or_delete_audit_events():
    event = audit_record(action=actions.LOGIN, actor=UserFactory())
    for statement in (AuditEvent.objects.filter(pk=event.pk).update, AuditEvent.objects.filter(pk=event.pk).delete):
        with pytest.raises(Exception, match="append_only"), transaction.atomic():
            statement(**({"username": "orang.lain"} if statement.__name__ == "update" else {}))
    assert AuditEvent.objects.get(pk=event.pk).username == event.username


@pytest.mark.postgres
def test_bulk_writes_by_an_import_land_in_the_change_history_with_their_context():
    from pghistory.models import Events

    importer = UserFactory(username="operator.impor")
    with history_context(user=importer.pk, source="impor-excel"):
        Person.objects.bulk_create([Person(name=f"Orang {i}", sex="L", wilayah_id="63.71.01.1001") for i in range(3)])
        Person.objects.filter(name="Orang 1").update(address="Jl. Baru")
    events = Events.objects.filter(pgh_obj_model="ppks.Person")
    assert events.filter(pgh_label="insert").count() == 3
    update = events.get(pgh_label="update")
    assert update.pgh_diff["address"] == ["", "Jl. Baru"]
    assert update.pgh_context["user"] == importer.pk and update.pgh_context["source"] == "impor-excel"


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite quick start's behaviour")
def test_on_sqlite_the_missing_change_history_is_said_out_loud():
    warnings = check_history_backend(None)
    assert [w.id for w in warnings] == ["kesos.W001"]
    with override_settings(PRODUCTION=True):
        assert [e.id for e in check_history_backend(None)] == ["kesos.E001"]
