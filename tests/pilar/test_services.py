"""The pilar services and the figures built on them: roster postings and coverage, event recap and
training history, the selection's ranking, the TKSK report's life, the field case report."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kesos.accounts.models import Notification, Role
from kesos.audit.models import AuditEvent
from kesos.wilayah.models import Wilayah
from pilar import selectors, services
from pilar.choices import MemberStatus, ReportStatus
from pilar.models import Member, PilarType, Training
from pilar.services import events, fieldwork
from ppks.models import Case, PpksCategory
from ppks.services import PossibleDuplicate
from tests.factories import AssignmentFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def W(code):
    return Wilayah.objects.get(code=code)


def T(code):
    return PilarType.objects.get(code=code)


@pytest.fixture
def operator():
    user = UserFactory(office=OfficeFactory(name="Dinas Sosial Kota Banjarbaru", wilayah_id="63.72"))
    AssignmentFactory(user=user, role=Role.OPERATOR_KABKOTA, wilayah_id="63.72")
    return user


def tksk_at(operator, kecamatan, name, user=None, starts_on=datetime.date(2023, 1, 2)):
    return services.member_create(
        actor=operator, type=T("tksk"), wilayah=W(kecamatan), name=name, starts_on=starts_on, user=user
    )


def test_a_tksk_is_posted_per_kecamatan_and_inside_the_operators_kabkota(operator):
    with pytest.raises(ValidationError) as exc:
        services.member_create(actor=operator, type=T("tksk"), wilayah=W("63.72.03.1001"), name="Salah Tingkat")
    assert exc.value.message_dict["wilayah"] == ["TKSK ditugaskan per kecamatan."]
    with pytest.raises(ValidationError) as exc:
        services.member_create(actor=operator, type=T("tksk"), wilayah=W("63.71.01"), name="Luar Wilayah")
    assert exc.value.message_dict["wilayah"] == ["Wilayah ini di luar wilayah kerja Anda."]
    with pytest.raises(ValidationError) as exc:
        services.member_create(actor=operator, type=T("opd_terkait"), wilayah=W("63.72"), name="Bappeda")
    assert "type" in exc.value.message_dict


def test_a_nik_is_checked_and_unique_per_type(operator):
    with pytest.raises(ValidationError) as exc:
        services.member_create(actor=operator, type=T("psm"), wilayah=W("63.72.03.1001"), name="X", nik="123")
    assert "nik" in exc.value.message_dict
    services.member_create(actor=operator, type=T("psm"), wilayah=W("63.72.03.1001"), name="A", nik="6372034101900001")
    with pytest.raises(ValidationError):
        services.member_create(
            actor=operator, type=T("psm"), wilayah=W("63.72.03.1002"), name="B", nik="6372034101900001"
        )


def test_coverage_counts_kecamatan_with_an_active_tksk_and_drops_when_a_posting_ends(operator):
    kecamatan = list(
        Wilayah.objects.filter(level=3, active=True, code__startswith="63.72.").values_list("code", flat=True)
    )
    members = [tksk_at(operator, code, f"TKSK {code}") for code in kecamatan]
    row = next(r for r in selectors.coverage(within="63") if r.code == "63.72")
    assert (row.kecamatan_with_tksk, row.kecamatan) == (len(kecamatan), len(kecamatan))
    services.posting_end(actor=operator, member=members[0], ends_on=TODAY)
    row = next(r for r in selectors.coverage(within="63") if r.code == "63.72")
    assert row.kecamatan_with_tksk == len(kecamatan) - 1
    assert [code for code, _ in row.uncovered] == [kecamatan[0]]
    members[0].refresh_from_db()
    assert members[0].status == MemberStatus.NON_AKTIF
    # Drill-down into the kab/kota: one row per kecamatan.
    rows = {r.code: r for r in selectors.coverage(within="63.72")}
    assert rows[kecamatan[0]].kecamatan_with_tksk == 0 and rows[kecamatan[1]].kecamatan_with_tksk == 1


def test_a_move_ends_the_old_posting_the_day_the_new_one_starts(operator):
    member = tksk_at(operator, "63.72.03", "Akhmad")
    services.posting_move(actor=operator, member=member, wilayah=W("63.72.02"), starts_on=datetime.date(2024, 7, 1))
    old, new = sorted(member.postings.all(), key=lambda p: p.starts_on)
    assert old.ends_on == datetime.date(2024, 7, 1) and new.ends_on is None
    member.refresh_from_db()
    assert member.wilayah_id == "63.72.02"
    assert selectors.covered_areas("tksk", "63.72", TODAY, 3) == {"63.72.02"}


@pytest.fixture
def rakor(operator):
    return events.event_create(
        actor=operator, wilayah=W("63.72"), kind="rakor", name="Rakor Bidang Sosial", starts_on=TODAY,
        ends_on=TODAY, venue="Aula Dinsos",
    )  # fmt: skip


def test_the_recap_counts_participants_by_group_in_the_articles_order(operator, rakor):
    for group, n in (("tagana", 2), ("tksk", 3), ("pendamping_pkh", 2), ("korcam_pkh", 1), ("opd_terkait", 1)):
        for i in range(n):
            events.participant_add(actor=operator, event=rakor, group=T(group), name=f"{group} {i}")
    events.participant_add(actor=operator, event=rakor, group=T("dinsos"), name="Narasumber", role="narasumber")
    recap, total = selectors.event_recap(rakor)
    assert [(r.label, r.count) for r in recap] == [
        ("TKSK", 3), ("Korcam/Pendamping PKH", 3), ("Tagana", 2), ("OPD terkait", 1),
    ]  # fmt: skip
    assert total == 9


def test_attendance_at_a_bimtek_goes_into_the_members_training_history(operator):
    bimtek = events.event_create(
        actor=operator, wilayah=W("63.72"), kind="bimtek", name="Bimtek TKSK", starts_on=TODAY - datetime.timedelta(1),
        ends_on=TODAY, venue="Hotel",
    )  # fmt: skip
    member = tksk_at(operator, "63.72.03", "Akhmad")
    participant = events.participant_add(actor=operator, event=bimtek, group=T("tksk"), member=member)
    assert participant.kabkota_id == "63.72"
    events.attendance_record(actor=operator, event=bimtek, day=TODAY, present_ids=[participant.pk])
    assert Training.objects.get(member=member).title == "Bimtek TKSK"
    events.attendance_record(actor=operator, event=bimtek, day=TODAY, present_ids=[])
    assert not Training.objects.filter(member=member).exists()
    with pytest.raises(ValidationError):
        events.attendance_record(actor=operator, event=bimtek, day=TODAY + datetime.timedelta(1), present_ids=[])


def test_closing_a_selection_ranks_within_each_type_and_locks_it(operator):
    seleksi = events.event_create(
        actor=operator, wilayah=W("63.72"), kind="seleksi", name="Seleksi Pilar Teladan", starts_on=TODAY,
        ends_on=TODAY, venue="Aula",
    )  # fmt: skip
    selection = seleksi.selection
    program = events.criterion_add(actor=operator, selection=selection, name="Program kerja", weight=60)
    with pytest.raises(ValidationError):
        events.criterion_add(actor=operator, selection=selection, name="Terlalu berat", weight=50)
    a, b = tksk_at(operator, "63.72.03", "Akhmad"), tksk_at(operator, "63.72.02", "Budi")
    na, nb = (events.nomination_add(actor=operator, selection=selection, member=m) for m in (a, b))
    events.scores_record(actor=operator, nomination=na, values={program.pk: 80})
    events.scores_record(actor=operator, nomination=nb, values={program.pk: 90})
    with pytest.raises(ValidationError) as exc:
        events.selection_close(actor=operator, selection=selection)
    assert "100%" in str(exc.value)
    dampak = events.criterion_add(actor=operator, selection=selection, name="Dampak", weight=40)
    judge = UserFactory()
    AssignmentFactory(user=judge, role=Role.OPERATOR_KABKOTA, wilayah_id="63.72")
    for nomination, values in ((na, {dampak.pk: 100}), (nb, {dampak.pk: 50})):
        events.scores_record(actor=operator, nomination=nomination, values=values)
        events.scores_record(actor=judge, nomination=nomination, values=values)
    ranked = events.selection_close(actor=operator, selection=selection)
    # Akhmad: 80×0.6 + 100×0.4 = 88; Budi: 90×0.6 + 50×0.4 = 74.
    assert [(n.member.name, n.rank, str(n.total), n.winner) for n in ranked] == [
        ("Akhmad", 1, "88.00", True), ("Budi", 2, "74.00", True),
    ]  # fmt: skip
    assert AuditEvent.objects.filter(action="pilar.selection_close").exists()
    with pytest.raises(ValidationError):
        events.scores_record(actor=operator, nomination=na, values={program.pk: 10})


@pytest.fixture
def tksk_user():
    user = UserFactory(username="tksk.cempaka")
    AssignmentFactory(user=user, role=Role.TKSK, wilayah_id="63.72.03")
    return user


def test_the_tksk_report_goes_from_draft_to_acknowledged(operator, tksk_user):
    tksk_at(operator, "63.72.03", "Akhmad", user=tksk_user)
    report = fieldwork.report_open(actor=tksk_user, month=TODAY)
    assert fieldwork.report_open(actor=tksk_user, month=TODAY) == report
    with pytest.raises(ValidationError):
        fieldwork.report_submit(actor=tksk_user, report=report)  # nothing done yet
    with pytest.raises(ValidationError):
        fieldwork.activity_add(
            actor=tksk_user, report=report, day=TODAY, desa=W("63.72.02.1003"), kind="identifikasi", description="x"
        )  # a desa outside the TKSK's kecamatan
    fieldwork.activity_add(
        actor=tksk_user, report=report, day=TODAY, desa=W("63.72.03.1001"), kind="identifikasi",
        description="Pendataan lansia telantar",
    )  # fmt: skip
    fieldwork.finding_set(
        actor=tksk_user, report=report, desa=W("63.72.03.1001"), category=PpksCategory.objects.get(code="PPKS-08"),
        count=3,
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        fieldwork.report_acknowledge(actor=tksk_user, report=report)
    fieldwork.report_submit(actor=tksk_user, report=report)
    assert Notification.objects.filter(user=operator).count() == 1
    with pytest.raises(ValidationError):
        fieldwork.activity_add(
            actor=tksk_user, report=report, day=TODAY, desa=W("63.72.03.1001"), kind="koordinasi", description="y"
        )
    fieldwork.report_acknowledge(actor=operator, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.DITERIMA
    rows = selectors.submissions(user=operator, month=TODAY)
    assert [(r.member.name, r.received, r.activities, r.ppks) for r in rows] == [("Akhmad", True, 1, 3)]


def test_a_field_case_report_registers_the_person_and_opens_a_draft_case_with_the_duplicate_check(tksk_user):
    person = {"name": "Hj. Masliana", "sex": "P", "wilayah": W("63.72.03.1002"), "address": "Jl. Bangkal"}
    category = PpksCategory.objects.get(code="PPKS-08")
    case = fieldwork.field_case_report(actor=tksk_user, person=dict(person), category=category, summary="Lansia")
    assert case.stage == "dilaporkan" and case.source == "tksk" and case.person.created_by == tksk_user
    with pytest.raises(PossibleDuplicate):
        fieldwork.field_case_report(actor=tksk_user, person=dict(person), category=category, summary="Lagi")
    assert Case.objects.count() == 1
    fieldwork.field_case_report(
        actor=tksk_user, person=dict(person), category=category, summary="Orang lain", confirm_not_duplicate=True
    )
    assert Case.objects.count() == 2 and Member.objects.count() == 0
