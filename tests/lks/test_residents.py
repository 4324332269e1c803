"""Residents and clients of an LKS through their pages: placing from cases, capacity, exit, scope, export."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from kesos.accounts.models import Role
from kesos.audit.models import AuditEvent
from kesos.wilayah.models import Wilayah
from lks import services
from lks.models import LksType, Placement
from ppks.models import Case, Person
from tests.factories import AssignmentFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def operator(client):
    user = UserFactory(
        username="operator.bjm", office=OfficeFactory(name="Dinas Sosial Kota Banjarmasin", wilayah_id="63.71")
    )
    AssignmentFactory(user=user, role=Role.OPERATOR_KABKOTA, wilayah_id="63.71")
    client.force_login(user)
    return user


def new_lks(actor, name="LKSA Panti Asuhan Al-Ikhlas", code="63.71.01.1001", capacity=2):
    return services.lks_create(
        actor=actor, name=name, wilayah=Wilayah.objects.get(code=code), address="Jl. Mantuil", capacity=capacity,
        types=[LksType.objects.get(code="anak")],
    )  # fmt: skip


@pytest.fixture
def lks(operator):
    return new_lks(operator)


def user_with(role, region, lks=None):
    user = UserFactory()
    AssignmentFactory(user=user, role=role, wilayah_id=region, lks=lks)
    return user


def case_of(name, number, reporter, nik=None, code="63.71.01.1001"):
    person = Person.objects.create(name=name, sex="P", wilayah_id=code, nik=nik, birth_date=datetime.date(2014, 5, 17))
    return Case.objects.create(
        number=number, person=person, wilayah_id=code, source="datang", reported_by=reporter,
        summary="Anak terlantar", opened_at=timezone.now(),
    )  # fmt: skip


def place(client, lks, number, **extra):
    form = {"case": number, "admitted_on": TODAY.strftime("%d/%m/%Y"), "residential": "on", **extra}
    return client.post(reverse("lks:placement_create", args=[lks.pk]), form)


def message_texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_placing_two_residents_from_cases_shows_two_of_the_capacity(client, operator, lks):
    case_of("Siti Aminah", "6371-2026-000001", operator)
    case_of("Rina Wati", "6371-2026-000002", operator)
    place(client, lks, "6371-2026-000001")
    response = place(client, lks, "6371-2026-000002", programme="Pengasuhan")
    assert response.status_code == 302 and response.url == reverse("lks:resident_list", args=[lks.pk])
    assert message_texts(response)[-1] == f"Rina Wati ditempatkan di {lks.name}. Penghuni saat ini 2/2."
    page = client.get(response.url).content.decode()
    assert '<strong data-testid="hunian">2/2</strong>' in page
    assert "Siti Aminah" in page and "Rina Wati" in page and "6371-2026-000002" in page
    placement = Placement.objects.get(person__name="Rina Wati")
    assert placement.case.number == "6371-2026-000002" and placement.programme == "Pengasuhan"


def test_a_placement_over_capacity_is_refused_with_a_warning_then_accepted_once_confirmed(client, operator, lks):
    for i in (1, 2, 3):
        case_of(f"Anak {i}", f"6371-2026-00000{i}", operator)
    place(client, lks, "6371-2026-000001")
    place(client, lks, "6371-2026-000002")
    response = place(client, lks, "6371-2026-000003", programme="Pengasuhan", guardian_name="Bu Rahmah")
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Melebihi kapasitas: {lks.name} berkapasitas 2 orang dan sudah dihuni 2 orang." in page
    assert 'value="6371-2026-000003"' in page and 'value="Bu Rahmah"' in page  # the input is kept
    assert 'type="checkbox" name="confirm_over_capacity"' in page
    assert Placement.objects.count() == 2

    response = place(
        client, lks, "6371-2026-000003", programme="Pengasuhan", guardian_name="Bu Rahmah", confirm_over_capacity="on"
    )
    assert response.status_code == 302
    message = list(get_messages(response.wsgi_request))[-1]
    assert message.level_tag == "warning"
    assert "Penghuni saat ini 3/2" in str(message) and "melebihi kapasitas" in str(message)
    page = client.get(response.url).content.decode()
    assert '<strong data-testid="hunian">3/2</strong>' in page and "Melebihi kapasitas</span>" in page


def test_a_person_living_in_another_lks_is_refused_with_a_message(client, operator, lks):
    other = new_lks(operator, name="Panti Sosial Budi Luhur")
    case = case_of("Siti Aminah", "6371-2026-000001", operator)
    services.placement_create(actor=operator, lks=other, person=case.person, admitted_on=TODAY)
    response = place(client, lks, "6371-2026-000001")
    assert response.status_code == 200
    assert "Siti Aminah masih tercatat sebagai penghuni Panti Sosial Budi Luhur sejak" in response.content.decode()
    assert not Placement.objects.filter(lks=lks).exists()


def test_a_case_out_of_scope_or_no_case_at_all_is_refused_beside_the_field(client, operator, lks):
    case_of("Orang Banjarbaru", "6372-2026-000001", operator, code="63.72.03.1001")
    page = place(client, lks, "6372-2026-000001").content.decode()
    assert "Kasus dengan nomor ini tidak ditemukan di wilayah kerja Anda." in page
    page = place(client, lks, "").content.decode()
    assert "Isi nomor kasus asal, atau ID orang yang ditempatkan." in page
    assert not Placement.objects.exists()


def test_the_form_is_prefilled_from_the_case_page_link(client, operator, lks):
    case_of("Siti Aminah", "6371-2026-000001", operator)
    page = client.get(reverse("lks:placement_create", args=[lks.pk]) + "?kasus=6371-2026-000001").content.decode()
    assert 'value="6371-2026-000001"' in page
    assert 'type="checkbox" name="confirm_over_capacity"' not in page  # only after the warning


def test_recording_the_exit_frees_the_bed(client, operator, lks):
    kept = case_of("Siti Aminah", "6371-2026-000001", operator)
    leaving = case_of("Rina Wati", "6371-2026-000002", operator)
    for case in (kept, leaving):
        services.placement_create(actor=operator, lks=lks, person=case.person, case=case, admitted_on=TODAY)
    placement = Placement.objects.get(person=leaving.person)
    response = client.post(
        reverse("lks:placement_exit", args=[placement.pk]),
        {"exit_on": TODAY.strftime("%d/%m/%Y"), "exit_reason": "kembali_keluarga", "version": placement.version},
    )
    assert response.url == reverse("lks:resident_list", args=[lks.pk])
    assert "Penghuni saat ini 1/2" in message_texts(response)[-1]
    page = client.get(response.url).content.decode()
    assert '<strong data-testid="hunian">1/2</strong>' in page
    assert page.count('data-testid="penghuni"') == 1 and ">Rina Wati</a>" not in page
    left = client.get(response.url + "?keluar=1").content.decode()
    assert ">Rina Wati</a>" in left and "Kembali ke keluarga" in left and ">Siti Aminah</a>" not in left


def test_an_exit_without_a_reason_is_refused_and_the_placement_page_shows_why(client, operator, lks):
    case = case_of("Rina Wati", "6371-2026-000002", operator)
    placement = services.placement_create(actor=operator, lks=lks, person=case.person, admitted_on=TODAY)
    response = client.post(
        reverse("lks:placement_exit", args=[placement.pk]),
        {"exit_on": TODAY.strftime("%d/%m/%Y"), "exit_reason": "lainnya", "exit_note": ""},
    )
    assert response.status_code == 200
    assert "Tuliskan keterangan alasan keluar." in response.content.decode()
    placement.refresh_from_db()
    assert placement.exit_on is None


def test_the_placement_page_is_audited_and_its_details_are_saved_against_the_version_read(client, operator, lks):
    case = case_of("Rina Wati", "6371-2026-000002", operator, nik="6371015705140002")
    placement = services.placement_create(actor=operator, lks=lks, person=case.person, admitted_on=TODAY)
    url = reverse("lks:placement", args=[placement.pk])
    page = client.get(url).content.decode()
    assert "Rina Wati" in page and "6371015705140002" in page
    event = AuditEvent.objects.filter(action="data.view").latest("id")
    assert (event.object_id, event.subject_person_id) == (str(placement.pk), case.person.pk)

    form = {"residential": "on", "schooling": "SDN 1 Mantuil", "version": placement.version}
    assert client.post(url, form).status_code == 302
    response = client.post(url, {**form, "schooling": "SMPN 2"})  # the same, older version
    assert "telah diubah oleh pengguna lain" in response.content.decode()
    placement.refresh_from_db()
    assert placement.schooling == "SDN 1 Mantuil"


def test_the_lks_operator_sees_their_residents_but_not_another_lks(client, operator, lks):
    other = new_lks(operator, name="Panti Sosial Budi Luhur")
    mine = case_of("Siti Aminah", "6371-2026-000001", operator, nik="6371015705140001")
    theirs = case_of("Rina Wati", "6371-2026-000002", operator)
    services.placement_create(actor=operator, lks=lks, person=mine.person, admitted_on=TODAY)
    elsewhere = services.placement_create(actor=operator, lks=other, person=theirs.person, admitted_on=TODAY)
    client.force_login(user_with(Role.OPERATOR_LKS, "63.71", lks=lks))
    page = client.get(reverse("lks:resident_list", args=[lks.pk])).content.decode()
    assert "Siti Aminah" in page and "6371015705140001" in page  # their own residents, NIK in full
    assert "Tempatkan penghuni" not in page  # placing is the Dinsos's decision
    assert client.get(reverse("lks:resident_list", args=[other.pk])).status_code == 404
    assert client.get(reverse("lks:placement", args=[elsewhere.pk])).status_code == 404
    assert client.get(reverse("lks:resident_export", args=[other.pk])).status_code == 404


def test_a_tksk_may_not_open_resident_pages(client, operator, lks):
    client.force_login(user_with(Role.TKSK, "63.71.01"))
    assert client.get(reverse("lks:resident_list", args=[lks.pk])).status_code == 403
    assert client.get(reverse("lks:placement_create", args=[lks.pk])).status_code == 403


def test_the_export_is_audited_and_a_role_that_may_not_see_the_nik_gets_it_masked(client, operator, lks):
    case = case_of("Siti Aminah", "6371-2026-000001", operator, nik="6371015705140001")
    services.placement_create(actor=operator, lks=lks, person=case.person, case=case, admitted_on=TODAY)
    response = client.get(reverse("lks:resident_export", args=[lks.pk]))
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "6371015705140001,Siti Aminah,P,17/05/2014" in body and "6371-2026-000001" in body
    event = AuditEvent.objects.get(action="data.export")
    assert (event.username, event.wilayah_code, event.detail["rows"]) == ("operator.bjm", "63.71.01.1001", 1)

    # A social worker follows the residents but neither exports them nor reads their NIK.
    client.force_login(user_with(Role.PEKERJA_SOSIAL, "63.71"))
    page = client.get(reverse("lks:resident_list", args=[lks.pk])).content.decode()
    assert "************0001" in page and "6371015705140001" not in page and "Ekspor CSV" not in page
    assert client.get(reverse("lks:resident_export", args=[lks.pk])).status_code == 403


def test_the_person_and_case_pages_show_where_the_person_was_placed(client, operator, lks):
    case = case_of("Siti Aminah", "6371-2026-000001", operator)
    services.placement_create(actor=operator, lks=lks, person=case.person, case=case, admitted_on=TODAY)
    person_page = client.get(reverse("ppks:person", args=[case.person.pk])).content.decode()
    assert "Penempatan di LKS" in person_page and reverse("lks:lks", args=[lks.pk]) in person_page
    case_page = client.get(reverse("ppks:case", args=[case.pk])).content.decode()
    assert lks.name in case_page and "Tempatkan di LKS" in case_page


@pytest.mark.parametrize("rows", [3, 30])
def test_the_resident_list_makes_the_same_number_of_queries_whatever_its_length(
    client, operator, lks, rows, django_assert_max_num_queries
):
    people = Person.objects.bulk_create(
        Person(name=f"Anak {i}", sex="L", wilayah_id="63.71.01.1001", nik=f"63710115051400{i:02d}") for i in range(rows)
    )
    cases = Case.objects.bulk_create(
        Case(number=f"6371-2026-{i:06d}", person=p, wilayah_id="63.71.01.1001", source="datang",
             reported_by=operator, summary="x", opened_at=timezone.now())
        for i, p in enumerate(people)
    )  # fmt: skip
    Placement.objects.bulk_create(
        Placement(lks=lks, person=p, case=c, admitted_on=TODAY, created_by=operator)
        for p, c in zip(people, cases, strict=True)
    )
    with django_assert_max_num_queries(9):
        assert client.get(reverse("lks:resident_list", args=[lks.pk])).status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(reverse("lks-api:lks-residents", args=[lks.pk])).status_code == 200
