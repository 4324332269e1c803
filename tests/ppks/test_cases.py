"""Cases: opening, the stage workflow (defined once, enforced for pages and API), assignment,
sensitive notes, and the list's query count."""

import pytest
from django.test import Client
from django.urls import reverse

from kesos.accounts.models import Role
from ppks import workflow
from ppks.models import Case, Person, PpksCategory
from ppks.workflow import Stage
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


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
        "far_worker": staff(Role.PEKERJA_SOSIAL, "63.71", "peksos.bjm"),
    }


@pytest.fixture
def person():
    return Person.objects.create(nik="6372031412650002", name="Jumberi", sex="L", wilayah_id="63.72.03.1001")


def open_case(client, user, person, **extra):
    client.force_login(user)
    form = {
        "categories": [PpksCategory.objects.get(code="PPKS-24").pk],
        "source": "tksk",
        "priority": "tinggi",
        "summary": "Tinggal sendiri, tidak punya penghasilan.",
        **extra,
    }
    response = client.post(reverse("ppks:person_case_open", args=[person.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Case.objects.latest("id")


def move(client, case, to_stage, note=""):
    case.refresh_from_db()
    return client.post(
        reverse("ppks:case_transition", args=[case.pk]), {"to_stage": to_stage, "note": note, "version": case.version}
    )


def test_a_tksk_files_a_case_that_starts_as_reported(client, people, person):
    case = open_case(client, people["tksk"], person)
    assert case.stage == Stage.DILAPORKAN and case.reported_by == people["tksk"]
    assert case.number.startswith("6372-") and case.wilayah_id == "63.72.03.1001"
    assert [t.to_stage for t in case.transitions.all()] == [Stage.DILAPORKAN]
    # Verification is a supervisor's decision.
    assert move(client, case, Stage.DIVERIFIKASI).status_code == 403
    case.refresh_from_db()
    assert case.stage == Stage.DILAPORKAN


def test_a_case_goes_from_report_to_closure_with_every_move_recorded(client, people, person):
    case = open_case(client, people["tksk"], person)
    client.force_login(people["operator"])
    move(client, case, Stage.DIVERIFIKASI, "Memenuhi kriteria FM")
    client.post(reverse("ppks:case_assign", args=[case.pk]), {"worker": people["peksos"].pk})
    client.force_login(people["peksos"])
    path = [
        Stage.ASESMEN,
        Stage.RENCANA,
        Stage.INTERVENSI,
        Stage.DIRUJUK,
        Stage.INTERVENSI,
        Stage.RESOSIALISASI,
        Stage.TERMINASI,
    ]
    for stage in path:
        assert move(client, case, stage).status_code == 302
    assert move(client, case, Stage.DITUTUP).status_code == 403  # closing is the supervisor's
    client.force_login(people["operator"])
    move(client, case, Stage.DITUTUP, "Tujuan tercapai")
    case.refresh_from_db()
    assert case.stage == Stage.DITUTUP and case.closed_at is not None and not case.is_open
    stages = [t.to_stage for t in case.transitions.all()]
    assert stages == [Stage.DILAPORKAN, Stage.DIVERIFIKASI, *path, Stage.DITUTUP]
    page = client.get(reverse("ppks:case", args=[case.pk])).content.decode()
    assert "Tujuan tercapai" in page and "Memenuhi kriteria FM" in page


def test_a_move_the_workflow_does_not_allow_is_refused_with_the_reason(client, people, person):
    case = open_case(client, people["operator"], person)
    client.force_login(people["operator"])
    move(client, case, Stage.DIVERIFIKASI)
    page = client.get(reverse("ppks:case", args=[case.pk])).content.decode()
    assert 'value="terminasi"' not in page  # only the allowed next stages are offered
    response = move(client, case, Stage.TERMINASI)
    assert "Pilih tahap berikutnya yang tersedia." in client.get(response.url).content.decode()
    case.refresh_from_db()
    assert case.stage == Stage.DIVERIFIKASI


def test_a_side_exit_needs_a_reason(client, people, person):
    case = open_case(client, people["operator"], person)
    response = move(client, case, Stage.MENINGGAL)
    assert "Tuliskan alasannya." in client.get(response.url).content.decode()
    move(client, case, Stage.MENINGGAL, "Meninggal 3 Maret, surat keterangan desa")
    case.refresh_from_db()
    assert case.stage == Stage.MENINGGAL and workflow.next_stages(case.stage) == ()


def test_the_api_enforces_the_same_workflow_and_refuses_a_stale_move(client, people, person):
    case = open_case(client, people["operator"], person)
    url = reverse("ppks-api:case-transition", args=[case.pk])
    ok = client.post(url, {"to_stage": "diverifikasi", "version": case.version}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["stage"] == "diverifikasi"
    stale = client.post(url, {"to_stage": "asesmen", "version": case.version}, content_type="application/json")
    assert stale.status_code == 409
    wrong = client.post(url, {"to_stage": "ditutup", "version": ok.json()["version"]}, content_type="application/json")
    assert wrong.status_code == 400 and "tidak dapat pindah" in wrong.json()["to_stage"][0]


def test_sensitive_notes_are_for_the_assigned_worker_and_supervisors_only(client, people, person):
    case = open_case(client, people["operator"], person, sensitive_notes="Riwayat TBC, berobat di puskesmas")
    client.post(reverse("ppks:case_assign", args=[case.pk]), {"worker": people["peksos"].pk})
    for who, sees in [("operator", True), ("peksos", True), ("colleague", False)]:
        client.force_login(people[who])
        page = client.get(reverse("ppks:case", args=[case.pk])).content.decode()
        api = client.get(reverse("ppks-api:case-detail", args=[case.pk])).json()
        assert ("Riwayat TBC" in page) is sees, who
        assert (api["sensitive_notes"] is not None) is sees, who
    client.force_login(people["pimpinan"])
    assert client.get(reverse("ppks:case", args=[case.pk])).status_code == 403


def test_a_case_goes_only_to_a_worker_of_its_region_and_stays_with_them(client, people, person):
    case = open_case(client, people["operator"], person)
    client.post(reverse("ppks:case_assign", args=[case.pk]), {"worker": people["far_worker"].pk})
    case.refresh_from_db()
    assert case.assigned_worker is None
    client.post(reverse("ppks:case_assign", args=[case.pk]), {"worker": people["peksos"].pk})
    case.refresh_from_db()
    assert case.assigned_worker == people["peksos"]


def test_a_tksk_sees_the_cases_of_their_kecamatan_and_those_they_reported_only(client, people, person):
    elsewhere = Person.objects.create(name="Raudah", sex="P", wilayah_id="63.72.02.1003")
    own = open_case(client, people["tksk"], person)
    other = open_case(client, people["operator"], elsewhere)
    tksk = Client()  # a fresh browser: no flash message from the operator's session
    tksk.force_login(people["tksk"])
    listing = tksk.get(reverse("ppks:case_list")).content.decode()
    assert own.number in listing and other.number not in listing
    assert tksk.get(reverse("ppks:case", args=[other.pk])).status_code == 404


@pytest.mark.parametrize("rows", [2, 20])
def test_the_case_list_makes_the_same_number_of_queries_whatever_its_length(
    client, people, rows, django_assert_max_num_queries
):
    operator = people["operator"]
    fm = PpksCategory.objects.get(code="PPKS-24")
    for i in range(rows):
        p = Person.objects.create(name=f"Orang {i}", sex="L", wilayah_id="63.72.03.1001")
        from ppks.services import case_open

        case_open(actor=operator, person=p, categories=[fm], source="datang", summary="uji")
    client.force_login(operator)
    with django_assert_max_num_queries(11):
        assert client.get(reverse("ppks:case_list")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("ppks-api:case-list")).json()["count"] == rows


def test_the_case_list_finds_my_cases_and_those_with_overdue_work(client, people, person):
    import datetime

    from ppks.models import PlanItem

    mine = open_case(client, people["operator"], person)
    other_person = Person.objects.create(name="Raudah", sex="P", wilayah_id="63.72.03.1002")
    other = open_case(client, people["operator"], other_person)
    client.post(reverse("ppks:case_assign", args=[mine.pk]), {"worker": people["peksos"].pk})
    PlanItem.objects.create(case=mine, goal="Sembako", service="Bantuan", responsible=people["peksos"],
                            target_date=datetime.date(2026, 1, 2), author=people["operator"])  # fmt: skip
    worker, supervisor = Client(), Client()  # fresh browsers: no flash messages from the set-up
    worker.force_login(people["peksos"])
    page = worker.get(reverse("ppks:case_list"), {"mine": "on"}).content.decode()
    assert mine.number in page and other.number not in page
    supervisor.force_login(people["operator"])
    late = supervisor.get(reverse("ppks:case_list"), {"overdue": "on"}).content.decode()
    assert mine.number in late and other.number not in late
