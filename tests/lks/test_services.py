"""The LKS services: registration workflow, accreditation, verified changes, placements, expiry watch."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kesos.accounts.models import Notification, Role
from kesos.audit.models import AuditEvent
from kesos.core.versioning import StaleEdit
from kesos.wilayah.models import Wilayah
from lks import services
from lks.choices import REQUIRED_DOCUMENTS, ChangeStatus, Grade, PermitKind, RegistrationStatus
from lks.models import Lks, LksType
from lks.services.expiry import expiry_notify, reminder_stage
from ppks.models import Case, Person
from tests.factories import AssignmentFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def W(code):
    return Wilayah.objects.get(code=code)


@pytest.fixture
def operator():
    user = UserFactory(office=OfficeFactory(name="Dinas Sosial Kota Banjarmasin", wilayah_id="63.71"))
    AssignmentFactory(user=user, role=Role.OPERATOR_KABKOTA, wilayah_id="63.71")
    return user


@pytest.fixture
def lks(operator):
    return services.lks_create(
        actor=operator, name="LKSA Panti Asuhan Al-Ikhlas", wilayah=W("63.71.01.1001"), address="Jl. Mantuil",
        capacity=2, types=[LksType.objects.get(code="anak")],
    )  # fmt: skip


def lks_operator_of(lks):
    user = UserFactory()
    AssignmentFactory(user=user, role=Role.OPERATOR_LKS, wilayah_id=lks.wilayah_id[:5], lks=lks)
    return user


def person(name, code="63.71.01.1001"):
    return Person.objects.create(name=name, sex="L", wilayah_id=code)


def test_an_lks_needs_a_type_and_a_legal_entity_needs_its_deed(operator):
    with pytest.raises(ValidationError) as exc:
        services.lks_create(actor=operator, name="LKS Tanpa Jenis", wilayah=W("63.71.01.1001"), address="x", types=[])
    assert "types" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.lks_create(
            actor=operator, name="Yayasan X", wilayah=W("63.71.01.1001"), address="x", legal_status="berbadan_hukum",
            types=[LksType.objects.get(code="anak")],
        )  # fmt: skip
    assert set(exc.value.message_dict) >= {"legal_form", "deed_number", "sk_kemenkumham"}


def test_an_operator_cannot_register_an_lks_outside_their_kabkota(operator):
    with pytest.raises(ValidationError) as exc:
        services.lks_create(
            actor=operator, name="LKS Banjarbaru", wilayah=W("63.72.03.1001"), address="x",
            types=[LksType.objects.get(code="anak")],
        )  # fmt: skip
    assert exc.value.message_dict["wilayah"] == ["Desa/kelurahan ini di luar wilayah kerja Anda."]


def test_the_tanda_daftar_goes_from_application_to_issue_and_becomes_current(operator, lks):
    registration = services.registration_apply(actor=operator, lks=lks, documents=REQUIRED_DOCUMENTS[:3])
    with pytest.raises(ValidationError) as exc:
        services.registration_check(actor=operator, registration=registration, documents=REQUIRED_DOCUMENTS[:3])
    assert "Berkas belum lengkap: Susunan pengurus dengan KTP ketua" in exc.value.message_dict["documents"][0]
    with pytest.raises(ValidationError):
        services.registration_apply(actor=operator, lks=lks)  # one application in progress at a time
    services.registration_check(actor=operator, registration=registration, documents=REQUIRED_DOCUMENTS)
    services.registration_visit(
        actor=operator, registration=registration, visit_on=TODAY, officers="Ahmad, Dewi", findings="Layak"
    )
    services.registration_issue(
        actor=operator, registration=registration, number="460/01/TD-LKS/2026", issuer="Dinas Sosial Kota Banjarmasin",
        issued_on=TODAY, valid_until=TODAY + datetime.timedelta(days=5 * 365),
    )  # fmt: skip
    lks.refresh_from_db()
    assert lks.tanda_daftar == registration
    assert registration.status == RegistrationStatus.TERBIT
    steps = list(
        AuditEvent.objects.filter(action="lks.registration", object_id=str(lks.pk)).values_list(
            "detail__step", flat=True
        )
    )
    assert sorted(steps) == ["apply", "check", "issue", "visit"]
    # The renewal is a new application; the old Tanda Daftar stays current until the new one is issued.
    renewal = services.registration_apply(actor=operator, lks=lks)
    assert renewal.renewal is True
    lks.refresh_from_db()
    assert lks.tanda_daftar == registration


def test_a_step_out_of_order_is_refused(operator, lks):
    registration = services.registration_apply(actor=operator, lks=lks)
    with pytest.raises(ValidationError) as exc:
        services.registration_issue(
            actor=operator, registration=registration, number="1", issuer="x", issued_on=TODAY,
            valid_until=TODAY + datetime.timedelta(days=1),
        )  # fmt: skip
    assert "berstatus Diajukan" in str(exc.value)
    services.registration_reject(actor=operator, registration=registration, reason="Alamat tidak ditemukan")
    with pytest.raises(ValidationError):
        services.registration_reject(actor=operator, registration=registration, reason="lagi")


def test_the_lks_operator_applies_but_cannot_verify(operator, lks):
    lks_operator = lks_operator_of(lks)
    registration = services.registration_apply(actor=lks_operator, lks=lks, documents=REQUIRED_DOCUMENTS)
    with pytest.raises(PermissionDenied):
        services.registration_check(actor=lks_operator, registration=registration, documents=REQUIRED_DOCUMENTS)
    with pytest.raises(PermissionDenied):
        services.accreditation_record(
            actor=lks_operator, lks=lks, grade=Grade.A, certificate_number="1", accredited_on=TODAY
        )


def test_accreditation_validity_follows_the_grade_and_the_latest_is_current(operator, lks):
    old = services.accreditation_record(
        actor=operator, lks=lks, grade=Grade.C, certificate_number="C-1", accredited_on=datetime.date(2020, 2, 29)
    )
    assert old.valid_until == datetime.date(2022, 2, 28)
    new = services.accreditation_record(
        actor=operator, lks=lks, grade=Grade.B, certificate_number="B-2", accredited_on=datetime.date(2024, 5, 1)
    )
    assert new.valid_until == datetime.date(2027, 5, 1)
    lks.refresh_from_db()
    assert lks.accreditation == new


def test_an_lks_operators_legal_change_waits_for_verification(operator, lks):
    lks_operator = lks_operator_of(lks)
    request = services.lks_update(
        actor=lks_operator, lks=lks, version=lks.version, npwp="01.234.567.8-901.000", phone="0511-123456"
    )
    lks.refresh_from_db()
    assert lks.phone == "0511-123456"  # profile data: at once
    assert lks.npwp == ""  # legal data: not yet
    assert request.changes == {"npwp": {"old": "", "new": "01.234.567.8-901.000"}}
    assert Notification.objects.filter(user=operator, key=f"lks-perubahan:{request.pk}").exists()
    with pytest.raises(PermissionDenied):
        services.change_request_decide(actor=lks_operator, request=request, approve=True)
    services.change_request_decide(actor=operator, request=request, approve=True)
    lks.refresh_from_db()
    assert lks.npwp == "01.234.567.8-901.000"
    request.refresh_from_db()
    assert request.status == ChangeStatus.DISETUJUI


def test_a_rejected_change_needs_a_reason_and_changes_nothing(operator, lks):
    request = services.lks_update(actor=lks_operator_of(lks), lks=lks, version=lks.version, name="Nama Baru")
    with pytest.raises(ValidationError):
        services.change_request_decide(actor=operator, request=request, approve=False)
    services.change_request_decide(actor=operator, request=request, approve=False, reason="Akta belum berubah")
    lks.refresh_from_db()
    assert lks.name == "LKSA Panti Asuhan Al-Ikhlas"


def test_an_edit_from_an_old_version_is_refused(operator, lks):
    services.lks_update(actor=operator, lks=lks, version=lks.version, phone="1")
    with pytest.raises(StaleEdit):
        services.lks_update(actor=operator, lks=lks, version=lks.version - 1, phone="2")


def test_a_placement_beyond_capacity_needs_a_confirmation(operator, lks):
    for name in ("Ani", "Budi"):
        services.placement_create(actor=operator, lks=lks, person=person(name), admitted_on=TODAY)
    assert services.occupancy(lks) == 2
    third = person("Citra")
    with pytest.raises(services.OverCapacity) as exc:
        services.placement_create(actor=operator, lks=lks, person=third, admitted_on=TODAY)
    assert "berkapasitas 2 orang dan sudah dihuni 2 orang" in exc.value.message_dict["confirm_over_capacity"][0]
    placement = services.placement_create(
        actor=operator, lks=lks, person=third, admitted_on=TODAY, confirm_over_capacity=True
    )
    assert services.occupancy(lks) == 3
    event = AuditEvent.objects.filter(action="lks.placement", object_id=str(placement.pk)).get()
    assert event.detail["over_capacity"] is True
    # A client served outside the panti takes no bed.
    services.placement_create(actor=operator, lks=lks, person=person("Dodi"), admitted_on=TODAY, residential=False)
    assert services.occupancy(lks) == 3


def test_a_person_lives_in_one_lks_at_a_time_and_leaves_with_a_reason(operator, lks):
    ani = person("Ani")
    placement = services.placement_create(actor=operator, lks=lks, person=ani, admitted_on=TODAY)
    other = services.lks_create(
        actor=operator, name="LKSA Lain", wilayah=W("63.71.02.1001"), address="x", capacity=5,
        types=[LksType.objects.get(code="anak")],
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.placement_create(actor=operator, lks=other, person=ani, admitted_on=TODAY)
    assert "masih tercatat sebagai penghuni LKSA Panti Asuhan Al-Ikhlas" in exc.value.message_dict["person"][0]
    with pytest.raises(ValidationError) as exc:
        services.placement_exit(actor=operator, placement=placement, exit_on=TODAY, reason="lainnya")
    assert "exit_note" in exc.value.message_dict
    services.placement_exit(actor=operator, placement=placement, exit_on=TODAY, reason="kembali_keluarga")
    assert services.occupancy(lks) == 0
    services.placement_create(actor=operator, lks=other, person=ani, admitted_on=TODAY)


def test_a_placement_from_a_case_must_be_that_persons_case(operator, lks):
    ani, budi = person("Ani"), person("Budi")
    case = Case.objects.create(
        number="K-1", person=budi, wilayah_id=budi.wilayah_id, source="datang", reported_by=operator, summary="x",
        opened_at=timezone.now(),
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.placement_create(actor=operator, lks=lks, person=ani, case=case, admitted_on=TODAY)
    assert exc.value.message_dict["case"] == ["Kasus K-1 bukan kasus Ani."]


def test_an_operator_cannot_place_a_person_they_cannot_see(operator, lks):
    outsider = person("Orang Banjarbaru", code="63.72.03.1001")
    with pytest.raises(ValidationError) as exc:
        services.placement_create(actor=operator, lks=lks, person=outsider, admitted_on=TODAY)
    assert "person" in exc.value.message_dict


def test_the_lks_operator_sees_only_their_own_lks(operator, lks):
    other = services.lks_create(
        actor=operator, name="LKSA Lain", wilayah=W("63.71.02.1001"), address="x",
        types=[LksType.objects.get(code="anak")],
    )  # fmt: skip
    lks_operator = lks_operator_of(lks)
    assert list(Lks.objects.visible_to(lks_operator)) == [lks]
    assert set(Lks.objects.visible_to(operator)) == {lks, other}


def test_the_expiry_job_tells_supervisors_and_the_lks_operator_once_per_stage(operator, lks):
    lks_operator = lks_operator_of(lks)
    admin = UserFactory()
    AssignmentFactory(user=admin, role=Role.ADMIN_PROVINSI, wilayah_id="63")
    elsewhere = UserFactory()
    AssignmentFactory(user=elsewhere, role=Role.OPERATOR_KABKOTA, wilayah_id="63.72")
    services.accreditation_record(
        actor=operator, lks=lks, grade=Grade.B, certificate_number="B-9", accredited_on=datetime.date(2024, 1, 1),
        valid_until=TODAY + datetime.timedelta(days=30),
    )  # fmt: skip
    services.registration_record(
        actor=operator, lks=lks, kind=PermitKind.TANDA_DAFTAR, number="TD-1", issuer="Dinsos",
        issued_on=datetime.date(2024, 1, 1), valid_until=TODAY + datetime.timedelta(days=400),
    )  # fmt: skip
    assert expiry_notify() == 3
    assert expiry_notify() == 0  # the same day again: nobody is told twice
    received = set(Notification.objects.values_list("user_id", flat=True))
    assert received == {operator.pk, lks_operator.pk, admin.pk}
    message = Notification.objects.get(user=lks_operator)
    assert message.title == "Akreditasi B LKSA Panti Asuhan Al-Ikhlas berakhir dalam 30 hari"
    # At seven days left, a new reminder.
    assert expiry_notify(today=TODAY + datetime.timedelta(days=24)) == 3


def test_reminder_stages():
    assert [reminder_stage(d) for d in (90, 31, 30, 8, 7, 0, -1)] == ["90", "90", "30", "30", "7", "7", "lewat"]
