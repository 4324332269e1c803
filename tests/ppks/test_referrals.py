"""Referrals (rujukan): sending moves an intervention case to 'dirujuk', the status flow and its
refusals, the outcome back in the case, the supervisors' overdue list, and 'Pekerjaan saya'."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kesos.accounts.models import Role
from kesos.audit import actions
from kesos.audit.models import AuditEvent
from ppks.models import CaseNote, Household, Person, PlanItem, PpksCategory, Referral
from ppks.services import case_assign, case_open, case_transition
from ppks.services.referrals import referral_send, referral_update
from ppks.workflow import Stage
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def staff(role, region, username):
    user = UserFactory(username=username, full_name=username.title())
    AssignmentFactory(user=user, role=role, wilayah_id=region)
    return user


@pytest.fixture
def people():
    return {
        "operator": staff(Role.OPERATOR_KABKOTA, "63.72", "operator.bjb"),
        "peksos": staff(Role.PEKERJA_SOSIAL, "63.72", "peksos.bjb"),
        "colleague": staff(Role.PEKERJA_SOSIAL, "63.72", "peksos.lain"),
        "tksk": staff(Role.TKSK, "63.72.03", "tksk.cempaka"),
        "pimpinan": staff(Role.PIMPINAN, "63", "pimpinan"),
        "far_operator": staff(Role.OPERATOR_KABKOTA, "63.71", "operator.bjm"),
    }


def a_case(people, stage=Stage.INTERVENSI, worker="peksos", name="Jumberi", desa="63.72.03.1001"):
    """A case assigned to `worker` and moved along the workflow up to `stage`."""
    operator = people["operator"]
    person = Person.objects.create(name=name, sex="L", wilayah_id=desa)
    fm = PpksCategory.objects.get(code="PPKS-24")
    case = case_open(actor=operator, person=person, categories=[fm], source="datang", summary="Tinggal sendiri.")
    case_assign(actor=operator, case=case, worker=people[worker])
    path = [Stage.DIVERIFIKASI, Stage.ASESMEN, Stage.RENCANA, Stage.INTERVENSI, Stage.TERMINASI, Stage.BIMBINGAN_LANJUT]
    for step in path[: path.index(stage) + 1]:
        case = case_transition(actor=operator, case=case, to_stage=step)
    return case


def send(case, actor, **extra):
    data = {"target_kind": "puskesmas", "target_name": "Puskesmas Cempaka", "reason": "Pemeriksaan TBC", **extra}
    return referral_send(actor=actor, case=case, **data)


# --- Sending ---------------------------------------------------------------------------------------
def test_sending_a_referral_moves_an_intervention_case_to_dirujuk(people):
    case = a_case(people)
    referral = send(case, people["peksos"])
    case.refresh_from_db()
    assert case.stage == Stage.DIRUJUK
    assert case.transitions.last().note == "Dirujuk ke Puskesmas Cempaka."
    assert referral.status == "dikirim" and referral.sent_on == TODAY
    assert referral.acknowledge_by == TODAY + 3 * DAY  # the default deadline
    event = AuditEvent.objects.filter(action=actions.CREATE, object_id=str(case.pk)).latest("id")
    assert event.detail["referral"] == referral.pk and event.actor == people["peksos"]


def test_a_referral_in_another_stage_is_only_recorded(people):
    case = a_case(people, stage=Stage.ASESMEN)
    send(case, people["peksos"], acknowledge_by=TODAY + 7 * DAY)
    case.refresh_from_db()
    assert case.stage == Stage.ASESMEN and case.referrals.get().acknowledge_by == TODAY + 7 * DAY


def test_a_referral_needs_a_target_a_reason_and_sensible_dates(people):
    case = a_case(people)
    with pytest.raises(ValidationError) as exc:
        send(case, people["peksos"], target_kind="dukun", target_name=" ", reason="", acknowledge_by=TODAY - DAY)
    assert set(exc.value.message_dict) == {"target_kind", "target_name", "reason", "acknowledge_by"}
    with pytest.raises(ValidationError, match="masa depan"):
        send(case, people["peksos"], sent_on=TODAY + DAY)
    assert not Referral.objects.exists()


def test_only_the_assigned_worker_and_supervisors_send_a_referral(people, client):
    case = a_case(people)
    with pytest.raises(PermissionDenied):
        send(case, people["colleague"])
    url = reverse("ppks:referral_send", args=[case.pk])
    form = {"target_kind": "polisi", "target_name": "Unit PPA Polres Banjarbaru", "reason": "Pendampingan"}
    for who, status in [("colleague", 403), ("tksk", 403), ("pimpinan", 403), ("far_operator", 404)]:
        client.force_login(people[who])
        assert client.post(url, form).status_code == status, who
    client.force_login(people["peksos"])
    response = client.post(url, form)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Unit PPA Polres Banjarbaru" in page and "batas jawaban" in page
    assert Referral.objects.get().author == people["peksos"]


# --- Status flow and outcome -------------------------------------------------------------------------
def test_the_status_follows_the_flow_and_the_outcome_becomes_a_case_note(people):
    case = a_case(people)
    referral = send(case, people["peksos"])
    worker = people["peksos"]
    referral_update(actor=worker, referral=referral, status="diketahui")
    referral_update(actor=worker, referral=referral, status="disetujui")
    with pytest.raises(ValidationError, match="Tuliskan hasil rujukan"):
        referral_update(actor=worker, referral=referral, status="selesai")
    referral = referral_update(actor=worker, referral=referral, status="selesai", outcome="Sudah berobat rutin.")
    assert referral.status == "selesai" and referral.outcome == "Sudah berobat rutin."
    note = CaseNote.objects.get(case=case)
    assert "Puskesmas Cempaka" in note.text and "Sudah berobat rutin." in note.text and note.author == worker
    statuses = [
        e.detail["status"]
        for e in AuditEvent.objects.filter(action=actions.UPDATE, object_id=str(case.pk)).order_by("id")
        if "referral" in e.detail
    ]
    assert statuses == ["diketahui", "disetujui", "selesai"]
    # Completed is final.
    with pytest.raises(ValidationError, match="tidak dapat diubah"):
        referral_update(actor=worker, referral=referral, status="ditolak", outcome="x")


@pytest.mark.parametrize(
    "path, refused",
    [
        ([], "selesai"),  # not accepted yet
        (["disetujui"], "diketahui"),  # no step back
        (["ditolak"], "disetujui"),  # refused is final
        (["diketahui"], "dikirim"),
        ([], "hilang"),  # not a status at all
    ],
)
def test_a_move_outside_the_flow_is_refused(people, path, refused):
    case = a_case(people)
    referral = send(case, people["peksos"])
    for status in path:
        referral_update(actor=people["peksos"], referral=referral, status=status, outcome="Alasan tertulis")
    with pytest.raises(ValidationError) as exc:
        referral_update(actor=people["peksos"], referral=referral, status=refused, outcome="Hasil")
    assert "status" in exc.value.message_dict


def test_a_refusal_needs_its_reason_and_shows_on_the_case_page(people, client):
    case = a_case(people)
    referral = send(case, people["peksos"])
    url = reverse("ppks:referral_update", args=[case.pk, referral.pk])
    client.force_login(people["peksos"])
    response = client.post(url, {"status": "ditolak", "outcome": ""})
    assert "Tuliskan hasil rujukan." in client.get(response.url).content.decode()
    client.post(url, {"status": "ditolak", "outcome": "Kuota penuh bulan ini."})
    referral.refresh_from_db()
    assert referral.status == "ditolak"
    page = client.get(reverse("ppks:case", args=[case.pk])).content.decode()
    assert "Kuota penuh bulan ini." in page
    # Another case's referral through this case's URL: not found.
    other = a_case(people, name="Raudah")
    assert client.post(reverse("ppks:referral_update", args=[other.pk, referral.pk]), {}).status_code == 404
    client.force_login(people["far_operator"])
    assert client.post(url, {"status": "diketahui"}).status_code == 404


# --- Overdue list -------------------------------------------------------------------------------------
def test_the_overdue_list_shows_a_late_referral_to_the_supervisors_of_its_region_only(people):
    late = a_case(people, name="Terlambat")
    send(late, people["peksos"], sent_on=TODAY - 10 * DAY, target_name="LKS Terlambat")
    on_time = a_case(people, name="Tepat")
    send(on_time, people["peksos"], target_name="LKS Tepat Waktu")
    answered = a_case(people, name="Dijawab")
    r = send(answered, people["peksos"], sent_on=TODAY - 10 * DAY, target_name="LKS Menjawab")
    referral_update(actor=people["peksos"], referral=r, status="diketahui")
    url = reverse("ppks:referral_overdue")

    operator = Client()
    operator.force_login(people["operator"])
    page = operator.get(url).content.decode()
    assert "LKS Terlambat" in page and "terlambat" in page
    assert "LKS Tepat Waktu" not in page and "LKS Menjawab" not in page

    elsewhere = Client()
    elsewhere.force_login(people["far_operator"])
    response = elsewhere.get(url)
    assert response.status_code == 200 and "LKS Terlambat" not in response.content.decode()
    for who in ("peksos", "tksk", "pimpinan"):
        elsewhere.force_login(people[who])
        assert elsewhere.get(url).status_code == 403, who


# --- Pekerjaan saya -------------------------------------------------------------------------------------
def test_my_work_shows_the_workers_overdue_plan_items_and_referrals_first_and_only_theirs(people, client):
    mine = a_case(people, name="Kasus Saya")
    theirs = a_case(people, worker="colleague", name="Kasus Rekan")
    follow_up = a_case(people, stage=Stage.BIMBINGAN_LANJUT, name="Kasus Bimbingan")
    worker, colleague = people["peksos"], people["colleague"]
    item = {"service": "Pendampingan", "author": people["operator"]}
    PlanItem.objects.create(case=mine, goal="Rencana nanti", responsible=worker, target_date=TODAY + 5 * DAY, **item)
    PlanItem.objects.create(case=mine, goal="Rencana lewat", responsible=worker, target_date=TODAY - 2 * DAY, **item)
    PlanItem.objects.create(
        case=mine, goal="Rencana beres", responsible=worker, target_date=TODAY - 9 * DAY, done_on=TODAY, **item
    )
    PlanItem.objects.create(case=theirs, goal="Rencana rekan", responsible=colleague, target_date=TODAY - DAY, **item)
    send(mine, worker, sent_on=TODAY - 6 * DAY, target_name="Rujukan lewat")
    send(theirs, colleague, sent_on=TODAY - 6 * DAY, target_name="Rujukan rekan")

    client.force_login(worker)
    page = client.get(reverse("ppks:my_work")).content.decode()
    assert page.index("Rencana lewat") < page.index("Rencana nanti")
    assert "Rujukan lewat" in page and "terlambat" in page and "2 terlambat" in page
    assert "Rencana beres" not in page and "Rencana rekan" not in page and "Rujukan rekan" not in page
    assert follow_up.number in page and "Kasus Rekan" not in page
    assert "Pekerjaan saya" in page  # the navigation item

    client.force_login(people["pimpinan"])
    assert client.get(reverse("ppks:my_work")).status_code == 403


@pytest.mark.parametrize("rows", [2, 20])
def test_my_work_makes_the_same_number_of_queries_whatever_its_length(
    people, client, rows, django_assert_max_num_queries
):
    worker = people["peksos"]
    operator = people["operator"]
    for i in range(rows):
        case = a_case(people, name=f"Orang {i}")
        PlanItem.objects.create(
            case=case,
            goal=f"Tujuan {i}",
            service="Layanan",
            responsible=worker,
            target_date=TODAY - DAY,
            author=operator,
        )
        send(case, worker, sent_on=TODAY - 5 * DAY)
    household = Household.objects.create(wilayah_id="63.72.03.1001")
    fm = PpksCategory.objects.get(code="PPKS-24")
    case_assign(
        actor=operator,
        case=case_open(actor=operator, household=household, categories=[fm], source="datang", summary="Keluarga"),
        worker=worker,
    )
    client.force_login(worker)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("ppks:my_work")).content.decode()
    assert page.count("Tujuan ") == rows and f"Keluarga #{household.pk}" in page
