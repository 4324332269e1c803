"""The selection of exemplary pillars through its pages: criteria that must weigh 100%, nominations from
the kab/kota, two judges' scores, closing (ranked within each pillar type, winners marked, audited), and
nothing changes afterwards."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from kesos.accounts.models import Role
from kesos.audit import actions
from kesos.audit.models import AuditEvent
from kesos.wilayah.models import Wilayah
from pilar import services
from pilar.choices import SelectionStatus
from pilar.models import Criterion, Event, Nomination, PilarType, Score
from pilar.services import events
from tests.factories import AssignmentFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db
START = datetime.date(2026, 8, 17)


def W(code):
    return Wilayah.objects.get(code=code)


def T(code):
    return PilarType.objects.get(code=code)


def admin_provinsi(username, name):
    user = UserFactory(
        username=username, full_name=name,
        office=OfficeFactory(name="Dinas Sosial Provinsi Kalimantan Selatan", wilayah_id="63"),
    )  # fmt: skip
    AssignmentFactory(user=user, role=Role.ADMIN_PROVINSI, wilayah_id="63")
    return user


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def judge_a(client):
    user = admin_provinsi("juri.a", "Hj. Rusmini")
    client.force_login(user)
    return user


@pytest.fixture
def judge_b():
    return admin_provinsi("juri.b", "Ir. Syahrani")


@pytest.fixture
def selection_event(client, judge_a):
    response = client.post(
        reverse("pilar:event_create"),
        {"kind": "seleksi", "name": "Seleksi Pilar Sosial Teladan Kalsel 2026", "starts_on": "17/08/2026",
         "ends_on": "19/08/2026", "venue": "Aula Dinas Sosial Provinsi", "wilayah": "63"},
    )  # fmt: skip
    assert response.status_code == 302
    return Event.objects.get(name="Seleksi Pilar Sosial Teladan Kalsel 2026")


@pytest.fixture
def nominees(judge_a):
    """Three TKSK from two kab/kota and two Tagana."""
    made = {}
    for name, type_code, area in [
        ("Ahmad Fauzi", "tksk", "63.71.01"), ("Budi Santoso", "tksk", "63.72.03"), ("Citra Dewi", "tksk", "63.72.02"),
        ("Dedi Kurniawan", "tagana", "63.71"), ("Eka Putri", "tagana", "63.72"),
    ]:  # fmt: skip
        made[name] = services.member_create(actor=judge_a, type=T(type_code), wilayah=W(area), name=name,
                                            starts_on=datetime.date(2024, 1, 2))  # fmt: skip
    return made


def criteria_url(event):
    return reverse("pilar:criterion_add", args=[event.pk])


def score(client, nomination, values, notes=""):
    data = {f"kriteria_{c.pk}": v for c, v in zip(Criterion.objects.filter(selection=nomination.selection)
                                                   .order_by("order", "id"), values, strict=True)}  # fmt: skip
    return client.post(reverse("pilar:nomination_score", args=[nomination.pk]), data | {"visit_notes": notes})


def test_a_seleksi_event_opens_its_selection_and_other_kinds_have_none(client, selection_event, judge_a):
    text = page(client.get(reverse("pilar:selection", args=[selection_event.pk])))
    assert 'data-testid="status-seleksi">Penilaian berjalan<' in text
    assert 'data-testid="seleksi"' in page(client.get(reverse("pilar:event", args=[selection_event.pk])))
    rakor = events.event_create(actor=judge_a, wilayah=W("63"), kind="rakor", name="Rakor", starts_on=START,
                                ends_on=START, venue="Aula")  # fmt: skip
    assert client.get(reverse("pilar:selection", args=[rakor.pk])).status_code == 404
    assert client.post(criteria_url(rakor), {"name": "X", "weight": 10}).status_code == 404


def test_criteria_must_weigh_100_before_the_selection_closes(client, selection_event, nominees):
    url = reverse("pilar:selection", args=[selection_event.pk])
    client.post(criteria_url(selection_event), {"name": "Kinerja pendampingan", "weight": 60})
    client.post(criteria_url(selection_event), {"name": "Inovasi", "weight": 30})
    text = page(client.get(url))
    assert 'data-testid="jumlah-bobot">90%<' in text and "kurang 10%" in text
    text = page(client.post(criteria_url(selection_event), {"name": "Dokumentasi", "weight": 20}))
    assert "Bobot harus 1–10 (jumlah bobot paling banyak 100%)." in text and 'value="Dokumentasi"' in text

    text = page(client.post(reverse("pilar:selection_close", args=[selection_event.pk])))
    assert re.search(r'data-testid="alasan-tolak">\s*<div>Jumlah bobot kriteria harus 100% sebelum seleksi ditutup.',
                     text)  # fmt: skip
    client.post(criteria_url(selection_event), {"name": "Dokumentasi", "weight": 10})
    text = page(client.get(url))
    assert 'data-testid="jumlah-bobot">100%<' in text and 'data-testid="form-kriteria"' not in text

    # Nominated but not scored: refused again, naming who is missing.
    client.post(reverse("pilar:nomination_add", args=[selection_event.pk]), {"member": nominees["Ahmad Fauzi"].pk})
    text = page(client.post(reverse("pilar:selection_close", args=[selection_event.pk])))
    assert "Belum dinilai: Ahmad Fauzi." in text
    assert selection_event.selection.status == SelectionStatus.TERBUKA


def test_two_judges_score_and_closing_ranks_within_each_pillar_type(client, selection_event, nominees, judge_a,
                                                                    judge_b):  # fmt: skip
    event = selection_event
    client.post(criteria_url(event), {"name": "Kinerja", "weight": 70})
    client.post(criteria_url(event), {"name": "Inovasi", "weight": 30})
    for member in nominees.values():
        response = client.post(reverse("pilar:nomination_add", args=[event.pk]), {"member": member.pk})
        assert response.status_code == 302
    again = page(client.post(reverse("pilar:nomination_add", args=[event.pk]), {"member": nominees["Eka Putri"].pk}))
    assert "Eka Putri sudah diusulkan." in again
    n = {x.member.name: x for x in Nomination.objects.filter(selection__event=event).select_related("member")}
    assert n["Budi Santoso"].kabkota_id == "63.72" and n["Ahmad Fauzi"].kabkota_id == "63.71"

    # Judge A scores everyone; judge B too, after which the means decide.
    assert 'data-testid="form-nilai"' in page(client.get(reverse("pilar:nomination_score", args=[n["Ahmad Fauzi"].pk])))
    a_scores = {"Ahmad Fauzi": (80, 70), "Budi Santoso": (90, 90), "Citra Dewi": (70, 60), "Dedi Kurniawan": (60, 50),
                "Eka Putri": (85, 80)}  # fmt: skip
    b_scores = {"Ahmad Fauzi": (90, 80), "Budi Santoso": (80, 70), "Citra Dewi": (60, 60), "Dedi Kurniawan": (70, 70),
                "Eka Putri": (75, 90)}  # fmt: skip
    for name, values in a_scores.items():
        assert (
            score(client, n[name], values, notes="Dikunjungi 20-08-2026" if name == "Budi Santoso" else "").status_code
            == 302
        )
    text = page(client.get(reverse("pilar:selection", args=[event.pk])))
    assert "Hj. Rusmini: 2/2 kriteria" in text and "Dikunjungi 20-08-2026" in text
    client.force_login(judge_b)
    # The second judge's form starts empty; the first judge's form comes back with their scores.
    form = page(client.get(reverse("pilar:nomination_score", args=[n["Ahmad Fauzi"].pk])))
    assert 'value="80' not in form
    for name, values in b_scores.items():
        score(client, n[name], values)
    assert Score.objects.filter(nomination__selection__event=event).count() == 5 * 2 * 2
    text = page(client.get(reverse("pilar:selection", args=[event.pk])))
    assert "Hj. Rusmini: 2/2 kriteria" in text and "Ir. Syahrani: 2/2 kriteria" in text
    client.force_login(judge_a)
    assert 'value="80' in page(client.get(reverse("pilar:nomination_score", args=[n["Ahmad Fauzi"].pk])))

    response = client.post(reverse("pilar:selection_close", args=[event.pk]), follow=True)
    text = page(response)
    assert "Seleksi ditutup: 5 pemenang ditetapkan." in text  # 3 per type: all 3 TKSK and both Tagana
    ranked = {x.member.name: (x.rank, x.total, x.winner) for x in Nomination.objects.filter(selection__event=event)}
    # TKSK: Budi (85×.7 + 80×.3 = 83.5), Ahmad (85×.7 + 75×.3 = 82), Citra (65×.7 + 60×.3 = 63.5)
    assert ranked["Budi Santoso"] == (1, Decimal("83.50"), True)
    assert ranked["Ahmad Fauzi"] == (2, Decimal("82.00"), True)
    assert ranked["Citra Dewi"] == (3, Decimal("63.50"), True)
    # Tagana ranked on their own: Eka (80×.7 + 85×.3 = 81.5), Dedi (65×.7 + 60×.3 = 63.5)
    assert ranked["Eka Putri"][:2] == (1, Decimal("81.50")) and ranked["Dedi Kurniawan"][:2] == (2, Decimal("63.50"))

    assert 'data-testid="status-seleksi">Ditutup (pemenang ditetapkan)<' in text
    assert text.count('data-testid="pemenang"') == 5
    tksk_table = text[text.index("Tenaga Kesejahteraan Sosial Kecamatan") : text.index("Taruna Siaga Bencana")]
    assert tksk_table.index("Budi Santoso") < tksk_table.index("Ahmad Fauzi") < tksk_table.index("Citra Dewi")
    for form in ("form-kriteria", "form-calon", "form-tutup", "beri-nilai"):
        assert f'data-testid="{form}"' not in text

    audit = AuditEvent.objects.get(action=actions.PILAR_SELECTION_CLOSE)
    assert audit.action == "pilar.selection_close" and audit.actor == judge_a
    assert sorted(audit.detail["winners"]) == sorted(m.pk for m in nominees.values())


def test_only_the_best_three_of_a_type_win(client, selection_event, judge_a):
    client.post(criteria_url(selection_event), {"name": "Kinerja", "weight": 100})
    selection = selection_event.selection
    for value in [55, 95, 75, 85]:
        member = services.member_create(actor=judge_a, type=T("psm"), wilayah=W("63.71.01.1001"),
                                        name=f"PSM {value}", starts_on=datetime.date(2024, 1, 2))  # fmt: skip
        nomination = events.nomination_add(actor=judge_a, selection=selection, member=member)
        score(client, nomination, [value])
    text = page(client.post(reverse("pilar:selection_close", args=[selection_event.pk]), follow=True))
    assert re.findall(r">(PSM \d+) <span[^>]*data-testid=\"pemenang\">Juara (\d)<", text) == [
        ("PSM 95", "1"), ("PSM 85", "2"), ("PSM 75", "3")
    ]  # fmt: skip
    assert "PSM 55" in text


def test_a_closed_selection_refuses_every_change(client, selection_event, nominees, judge_a):
    event = selection_event
    client.post(criteria_url(event), {"name": "Kinerja", "weight": 100})
    nomination = events.nomination_add(actor=judge_a, selection=event.selection, member=nominees["Ahmad Fauzi"])
    score(client, nomination, [88])
    client.post(reverse("pilar:selection_close", args=[event.pk]))

    text = page(client.post(criteria_url(event), {"name": "Tambahan", "weight": 1}))
    assert "Seleksi ini sudah ditutup; hasilnya tidak dapat diubah." in text
    text = page(client.post(reverse("pilar:nomination_add", args=[event.pk]), {"member": nominees["Eka Putri"].pk}))
    assert "Seleksi ini sudah ditutup" in text
    response = score(client, nomination, [10], notes="diubah")
    assert "Seleksi ini sudah ditutup; nilai tidak dapat diubah." in page(response)
    text = page(client.post(reverse("pilar:selection_close", args=[event.pk])))
    assert "Seleksi ini sudah ditutup" in text
    nomination.refresh_from_db()
    assert nomination.total == Decimal("88.00") and nomination.visit_notes == ""
    assert Score.objects.get(nomination=nomination).value == Decimal("88")
    assert Criterion.objects.filter(selection=event.selection).count() == 1
    assert Nomination.objects.filter(selection=event.selection).count() == 1
    assert AuditEvent.objects.filter(action=actions.PILAR_SELECTION_CLOSE).count() == 1


def test_scores_outside_0_to_100_are_refused_with_the_input_kept(client, selection_event, nominees, judge_a):
    client.post(criteria_url(selection_event), {"name": "Kinerja", "weight": 100})
    nomination = events.nomination_add(actor=judge_a, selection=selection_event.selection,
                                       member=nominees["Ahmad Fauzi"])  # fmt: skip
    text = page(score(client, nomination, [120]))
    assert 'value="120"' in text and "lebih kecil dari atau sama dengan 100" in text
    assert not Score.objects.exists()


def test_a_kabkota_operator_cannot_reach_a_provincial_selection(client, selection_event, nominees, judge_a):
    nomination = events.nomination_add(actor=judge_a, selection=selection_event.selection,
                                       member=nominees["Ahmad Fauzi"])  # fmt: skip
    operator = UserFactory(office=OfficeFactory(name="Dinas Sosial Kota Banjarmasin", wilayah_id="63.71"))
    AssignmentFactory(user=operator, role=Role.OPERATOR_KABKOTA, wilayah_id="63.71")
    client.force_login(operator)
    assert client.get(reverse("pilar:selection", args=[selection_event.pk])).status_code == 404
    assert client.get(reverse("pilar:nomination_score", args=[nomination.pk])).status_code == 404
    for name in ("criterion_add", "nomination_add", "selection_close"):
        assert client.post(reverse(f"pilar:{name}", args=[selection_event.pk])).status_code == 404, name
    head = UserFactory(office=OfficeFactory(name="Dinas Sosial Provinsi Kalimantan Selatan", wilayah_id="63"))
    AssignmentFactory(user=head, role=Role.PIMPINAN, wilayah_id="63")
    client.force_login(head)
    assert client.get(reverse("pilar:nomination_score", args=[nomination.pk])).status_code == 403
    assert client.post(reverse("pilar:selection_close", args=[selection_event.pk])).status_code == 403
