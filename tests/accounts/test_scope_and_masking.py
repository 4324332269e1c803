"""The access core: scopes from assignments, the object predicates, and NIK masking."""

import datetime
from types import SimpleNamespace

import pytest

from kesos.accounts.models import Role
from kesos.accounts.permissions import can
from kesos.accounts.scope import covers, scope_of
from kesos.core.masking import mask_number, nik_for
from ppks.models import Person
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_region_covers_itself_and_what_lies_under_it_but_not_a_lookalike_code():
    assert covers("63.71", "63.71")
    assert covers("63.71", "63.71.02.1003")
    assert not covers("63.71", "63.710")
    assert not covers("63.71", "63.72.03")
    assert not covers("63.71", None)


def test_the_scope_comes_from_current_assignments_only():
    user = UserFactory()
    AssignmentFactory(user=user, role=Role.OPERATOR_KABKOTA, wilayah_id="63.71")
    AssignmentFactory(
        user=user, role=Role.TKSK, wilayah_id="63.72.03", ends_on=datetime.date.today()
    )  # ended today: grants nothing from today on
    scope = scope_of(user)
    assert scope.roles == {Role.OPERATOR_KABKOTA}
    assert scope.covers("63.71.01.1001", Role.OPERATOR_KABKOTA)
    assert not scope.covers("63.72.03.1001", Role.TKSK)


def test_nested_regions_collapse_to_the_widest_one():
    user = UserFactory()
    AssignmentFactory(user=user, role=Role.PEKERJA_SOSIAL, wilayah_id="63.71")
    AssignmentFactory(user=user, role=Role.PEKERJA_SOSIAL, wilayah_id="63.71.02")
    assert scope_of(user).regions_for(Role.PEKERJA_SOSIAL) == ("63.71",)


def test_an_inactive_user_or_a_bare_superuser_sees_no_beneficiary():
    person = Person.objects.create(name="Rusmini", sex="P", wilayah_id="63.71.02.1002")
    inactive = UserFactory(is_active=False)
    AssignmentFactory(user=inactive, role=Role.ADMIN_PROVINSI, wilayah_id="63")
    superuser = UserFactory(is_superuser=True, is_staff=True)
    for user in (inactive, superuser):
        assert not Person.objects.visible_to(user).filter(pk=person.pk).exists()
        assert not can(user, "ppks.view_full_nik", person)


def test_a_nik_is_masked_to_its_last_four_digits_without_the_region_prefix():
    assert mask_number("6371011403580001") == "************0001"
    assert mask_number("") == ""
    assert mask_number(None) == ""


def test_the_full_nik_goes_to_supervisors_and_workers_of_the_region_and_to_the_tksk_who_reported():
    tksk = UserFactory()
    AssignmentFactory(user=tksk, role=Role.TKSK, wilayah_id="63.72.03")
    operator = UserFactory()
    AssignmentFactory(user=operator, role=Role.OPERATOR_KABKOTA, wilayah_id="63.72")
    other_operator = UserFactory()
    AssignmentFactory(user=other_operator, role=Role.OPERATOR_KABKOTA, wilayah_id="63.71")
    reported = Person.objects.create(
        nik="6372031412650002", name="Jumberi", sex="L", wilayah_id="63.72.03.1001", created_by=tksk
    )
    neighbour = Person.objects.create(nik="6372034808520008", name="Masliana", sex="P", wilayah_id="63.72.03.1002")
    assert nik_for(operator, neighbour) == "6372034808520008"
    assert nik_for(tksk, reported) == "6372031412650002"
    assert nik_for(tksk, neighbour) == "************0008"
    assert nik_for(other_operator, neighbour) == "************0008"


def test_sensitive_case_fields_are_for_the_assigned_worker_and_the_supervisors_only():
    worker = UserFactory()
    AssignmentFactory(user=worker, role=Role.PEKERJA_SOSIAL, wilayah_id="63.71")
    colleague = UserFactory()
    AssignmentFactory(user=colleague, role=Role.PEKERJA_SOSIAL, wilayah_id="63.71")
    supervisor = UserFactory()
    AssignmentFactory(user=supervisor, role=Role.OPERATOR_KABKOTA, wilayah_id="63.71")
    head = UserFactory()
    AssignmentFactory(user=head, role=Role.PIMPINAN, wilayah_id="63")
    case = SimpleNamespace(scope_region="63.71.01.1001", assigned_worker_id=worker.pk, created_by_id=None)
    assert can(worker, "ppks.view_sensitive", case)
    assert can(supervisor, "ppks.view_sensitive", case)
    assert not can(colleague, "ppks.view_sensitive", case)
    assert not can(head, "ppks.view_sensitive", case)


def test_an_unknown_access_rule_is_an_error_not_a_silent_refusal():
    with pytest.raises(KeyError):
        can(UserFactory(), "ppks.no_such_rule")


def test_a_former_tksk_keeps_no_rights_over_the_people_they_reported():
    tksk = UserFactory()
    AssignmentFactory(user=tksk, role=Role.TKSK, wilayah_id="63.72.03", ends_on=datetime.date.today())
    reported = Person.objects.create(
        nik="6372031412650002", name="Jumberi", sex="L", wilayah_id="63.72.03.1001", created_by=tksk
    )
    assert not Person.objects.visible_to(tksk).exists()
    assert not can(tksk, "ppks.change_person", reported)
    assert nik_for(tksk, reported) == "************0002"
