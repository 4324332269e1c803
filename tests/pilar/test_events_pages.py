"""Events through their pages: creating a kegiatan, adding participants from the roster, an LKS and as
guests, daily attendance (a Bimtek's training reaches the member's history), the participant recap by
group as in article 004 (page and CSV), the printable attendance list, and who may reach them."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse

from kesos.accounts.models import Role
from kesos.wilayah.models import Wilayah
from lks import services as lks_services
from lks.models import LksType
from pilar import services
from pilar.models import Event, Participant, PilarType
from pilar.services import events
from tests.core.test_pdf import pdf_pages, pdf_text
from tests.factories import AssignmentFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db
START = datetime.date(2026, 3, 10)


def W(code):
    return Wilayah.objects.get(code=code)


def T(code):
    return PilarType.objects.get(code=code)


def d(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def dinsos_operator(region="63.71", office="Dinas Sosial Kota Banjarmasin", username="operator.bjm", **office_data):
    office = OfficeFactory(name=office, wilayah_id=region, **office_data)
    user = UserFactory(username=username, office=office)
    AssignmentFactory(user=user, role=Role.OPERATOR_KABKOTA, wilayah_id=region)
    return user


@pytest.fixture
def operator(client):
    user = dinsos_operator(address="Jl. Pramuka No. 1, Banjarmasin")
    client.force_login(user)
    return user


@pytest.fixture
def tksk(operator):
    return services.member_create(
        actor=operator, type=T("tksk"), wilayah=W("63.71.01"), name="Rahmat Hidayat", starts_on=START
    )


def make_event(actor, kind="rakor", name="Rakor Bidang Sosial Kota Banjarmasin 2026", days=1, region="63.71"):
    return events.event_create(
        actor=actor, wilayah=W(region), kind=kind, name=name, starts_on=START,
        ends_on=START + datetime.timedelta(days=days - 1), venue="Aula Dinas Sosial", organiser="Bidang Dayasos",
    )  # fmt: skip


def guest(actor, event, group, name, kabkota="63.71", role="peserta", position=""):
    return events.participant_add(
        actor=actor, event=event, group=T(group), name=name, kabkota=W(kabkota) if kabkota else None, role=role,
        position=position,
    )  # fmt: skip


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- Create, participants, attendance ---------------------------------------------------------------------
def test_an_operator_records_a_bimtek_and_its_attendance_reaches_the_trainees_history(client, operator, tksk):
    response = client.post(
        reverse("pilar:event_create"),
        {
            "kind": "bimtek", "name": "Bimtek TKSK Kota Banjarmasin", "starts_on": d(START),
            "ends_on": d(START + datetime.timedelta(days=2)), "venue": "Hotel Aria Barito", "wilayah": "63.71",
            "organiser": "Bidang Pemberdayaan Sosial", "budget_line": "5.02.01", "speakers": "Kemensos RI",
        },
        follow=True,
    )  # fmt: skip
    event = Event.objects.get(name="Bimtek TKSK Kota Banjarmasin")
    assert response.redirect_chain[-1][0] == reverse("pilar:event", args=[event.pk])
    assert "Tambahkan peserta" in page(response) and event.created_by == operator and event.days[-1].day == 12

    # From the roster: name, group and kab/kota follow the member's record.
    response = client.post(reverse("pilar:participant_add", args=[event.pk]), {"member": tksk.pk, "role": "peserta"})
    assert response.status_code == 302
    from_roster = Participant.objects.get(event=event, member=tksk)
    assert (from_roster.name, from_roster.group.code, from_roster.kabkota_id) == ("Rahmat Hidayat", "tksk", "63.71")
    # A guest: name and group typed in.
    client.post(
        reverse("pilar:participant_add", args=[event.pk]),
        {"name": "Drs. Ahmad Yani", "group": T("opd_terkait").pk, "kabkota": "63.71", "position": "Bappeda",
         "role": "peserta"},
    )  # fmt: skip
    # An LKS's delegate: counted as LKS without choosing the group.
    lks = lks_services.lks_create(
        actor=operator, name="LKSA Al-Ikhlas", wilayah=W("63.71.01.1001"), address="Jl. Mantuil", capacity=20,
        types=[LksType.objects.get(code="anak")],
    )  # fmt: skip
    client.post(reverse("pilar:participant_add", args=[event.pk]), {"lks": lks.pk, "name": "Siti Aminah",
                                                                    "role": "peserta"})  # fmt: skip
    delegate = Participant.objects.get(event=event, lks=lks)
    assert (delegate.name, delegate.group.code, delegate.kabkota_id) == ("Siti Aminah", "lks", "63.71")

    attendance_page = page(client.get(reverse("pilar:attendance", args=[event.pk])))
    assert 'data-testid="info-pelatihan"' in attendance_page and "riwayat pelatihan" in attendance_page
    assert tksk.trainings.count() == 0
    response = client.post(
        reverse("pilar:attendance", args=[event.pk]), {"day": START.isoformat(), "present": [from_roster.pk]},
        follow=True,
    )  # fmt: skip
    assert "1 dari 3 peserta hadir" in page(response)
    assert "riwayat pelatihan anggota pilar" in page(response)
    training = tksk.trainings.get()
    assert (training.title, training.event_id, training.starts_on) == ("Bimtek TKSK Kota Banjarmasin", event.pk, START)

    # The day's checkboxes come back as recorded; the event page counts days present.
    day_page = page(client.get(reverse("pilar:attendance", args=[event.pk]) + f"?hari={START.isoformat()}"))
    assert f'value="{from_roster.pk}" id="hadir-{from_roster.pk}" checked' in day_page
    assert f'value="{delegate.pk}" id="hadir-{delegate.pk}">' in day_page
    detail = page(client.get(reverse("pilar:event", args=[event.pk])))
    assert "Rahmat Hidayat" in detail and "Drs. Ahmad Yani" in detail and "Siti Aminah" in detail
    assert re.search(r'data-testid="jumlah-peserta">3<', detail)
    assert "<span>1 hadir</span>" in detail or ">1 hadir<" in detail


def test_everyone_present_marks_every_participant_and_unticking_takes_the_training_back(client, operator, tksk):
    event = make_event(operator, kind="diklat", name="Diklat Pekerja Sosial", days=2)
    member_row = events.participant_add(actor=operator, event=event, group=T("tksk"), member=tksk)
    guest(operator, event, "dinsos", "Nurul Huda")
    day2 = START + datetime.timedelta(days=1)
    client.post(reverse("pilar:attendance", args=[event.pk]), {"day": day2.isoformat(), "semua": "1"})
    assert set(Participant.objects.filter(event=event, attendance__day=day2).values_list("name", flat=True)) == {
        "Rahmat Hidayat", "Nurul Huda"
    }  # fmt: skip
    assert tksk.trainings.filter(event=event).exists()
    client.post(reverse("pilar:attendance", args=[event.pk]), {"day": day2.isoformat()})  # nobody ticked
    assert not member_row.attendance.exists() and not tksk.trainings.filter(event=event).exists()


def test_a_rakor_attendance_is_not_training(client, operator, tksk):
    event = make_event(operator)
    participant = events.participant_add(actor=operator, event=event, group=T("tksk"), member=tksk)
    assert 'data-testid="info-pelatihan"' not in page(client.get(reverse("pilar:attendance", args=[event.pk])))
    client.post(reverse("pilar:attendance", args=[event.pk]), {"day": START.isoformat(), "present": [participant.pk]})
    assert participant.attendance.count() == 1 and tksk.trainings.count() == 0


def test_a_participant_form_keeps_the_input_and_says_what_is_missing(client, operator, tksk):
    event = make_event(operator)
    url = reverse("pilar:participant_add", args=[event.pk])
    response = client.post(url, {"name": "Tamu Tanpa Unsur", "kabkota": "63.71", "role": "peserta"})
    text = page(response)
    assert "Pilih unsur peserta." in text and 'value="Tamu Tanpa Unsur"' in text
    assert "Isi ID anggota pilar, pilih LKS, atau isi nama peserta." in page(client.post(url, {"role": "peserta"}))
    assert "Tidak ada anggota pilar dengan ID ini" in page(client.post(url, {"member": 999999, "role": "peserta"}))
    client.post(url, {"member": tksk.pk, "role": "peserta"})
    assert "Rahmat Hidayat sudah terdaftar sebagai peserta." in page(client.post(url, {"member": tksk.pk,
                                                                                       "role": "peserta"}))  # fmt: skip
    assert Participant.objects.filter(event=event).count() == 1


def test_the_participant_form_finds_members_to_pick(client, operator, tksk):
    event = make_event(operator)
    url = reverse("pilar:participant_add", args=[event.pk])
    found = page(client.get(url + "?cari=rahmat"))
    assert f'href="?anggota={tksk.pk}"' in found
    assert f'name="member" value="{tksk.pk}"' in page(client.get(url + f"?anggota={tksk.pk}"))


def test_a_participant_is_removed_with_their_training(client, operator, tksk):
    event = make_event(operator, kind="bimtek", name="Bimtek Tagana")
    participant = events.participant_add(actor=operator, event=event, group=T("tksk"), member=tksk)
    events.attendance_record(actor=operator, event=event, day=START, present_ids=[participant.pk])
    assert 'data-testid="hapus-peserta"' in page(client.get(reverse("pilar:event", args=[event.pk])))
    response = client.post(reverse("pilar:participant_remove", args=[event.pk, participant.pk]), follow=True)
    assert "Rahmat Hidayat dihapus dari daftar peserta." in page(response)
    assert not Participant.objects.filter(event=event).exists() and tksk.trainings.count() == 0


def test_an_event_is_edited_but_its_kind_and_organiser_stay(client, operator):
    event = make_event(operator, kind="seleksi", name="Seleksi Pilar Teladan")
    url = reverse("pilar:event_edit", args=[event.pk])
    assert "Jenis kegiatan tidak dapat diubah." in page(client.get(url))
    data = {"kind": "rakor", "wilayah": "63", "name": "Seleksi Pilar Sosial Teladan 2026", "starts_on": d(START),
            "ends_on": d(START - datetime.timedelta(days=1)), "venue": "Aula"}  # fmt: skip
    text = page(client.post(url, data))
    assert "Tanggal selesai tidak boleh sebelum tanggal mulai." in text
    assert 'value="Seleksi Pilar Sosial Teladan 2026"' in text
    response = client.post(url, data | {"ends_on": d(START)})
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.name, event.kind, event.wilayah_id) == ("Seleksi Pilar Sosial Teladan 2026", "seleksi", "63.71")


def test_an_operator_organises_only_for_their_own_kabkota(client, operator):
    form_page = page(client.get(reverse("pilar:event_create")))
    assert 'value="63.71"' in form_page and 'value="63"' not in form_page and 'value="63.72"' not in form_page
    response = client.post(
        reverse("pilar:event_create"),
        {"kind": "rakor", "name": "Rakor", "starts_on": d(START), "ends_on": d(START), "venue": "X", "wilayah": "63"},
    )
    assert response.status_code == 200 and not Event.objects.exists()


# --- Recap (article 004) ---------------------------------------------------------------------------------
ARTICLE_004_ORDER = ["Kasi Kesos Kecamatan", "TKSK", "Korcam/Pendamping PKH", "Korwil", "LKS", "Tagana",
                     "OPD terkait"]  # fmt: skip


@pytest.fixture
def rakor(operator):
    """A small Rakor whose groups are entered out of order; a speaker and a committee member don't count."""
    event = make_event(operator)
    for group, n in [("tagana", 3), ("opd_terkait", 2), ("kasi_kesos", 2), ("pendamping_pkh", 2), ("tksk", 2),
                     ("korcam_pkh", 1), ("lks", 1), ("korwil_pkh", 1)]:  # fmt: skip
        for i in range(n):
            guest(operator, event, group, f"{group} {i + 1}", kabkota="63.71" if i else "63.72")
    guest(operator, event, "lainnya", "Narasumber Kemensos", kabkota=None, role="narasumber")
    guest(operator, event, "dinsos", "Panitia Dinsos", role="panitia")
    return event


def recap_rows(text):
    table = re.search(r'data-testid="rekap-unsur">(.*?)</table>', text, re.S).group(1)
    rows = re.findall(r'data-testid="baris-rekap"><td[^>]*>(\d+)</td><td>([^<]+)</td><td[^>]*>(\d+)</td>', table)
    return [(int(n), label, int(count)) for n, label, count in rows]


def test_the_recap_counts_participants_by_group_in_article_004s_order_with_the_total(client, rakor):
    text = page(client.get(reverse("pilar:event_recap", args=[rakor.pk])))
    assert recap_rows(text) == [
        (1, "Kasi Kesos Kecamatan", 2), (2, "TKSK", 2), (3, "Korcam/Pendamping PKH", 3), (4, "Korwil", 1),
        (5, "LKS", 1), (6, "Tagana", 3), (7, "OPD terkait", 2),
    ]  # fmt: skip
    assert [label for _, label, _ in recap_rows(text)] == ARTICLE_004_ORDER
    assert re.search(r'data-testid="rekap-jumlah">14<', text)
    # The kab/kota × group matrix: one first-of-group participant of each group came from Banjarbaru.
    matrix = re.search(r'data-testid="rekap-kabkota">(.*?)</table>', text, re.S).group(1)
    assert "Kota Banjarbaru" in matrix and "Kota Banjarmasin" in matrix


def test_the_recap_downloads_as_csv(client, rakor):
    response = client.get(reverse("pilar:event_recap", args=[rakor.pk]) + "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["No", "Unsur", "Jumlah peserta"]
    assert rows[1] == ["1", "Kasi Kesos Kecamatan", "2"] and rows[3] == ["3", "Korcam/Pendamping PKH", "3"]
    assert rows[-1] == ["", "Jumlah", "14"]


# --- Attendance list (PDF) -------------------------------------------------------------------------------
def test_the_attendance_list_is_a_pdf_with_the_participants_and_a_column_to_sign(client, operator, rakor):
    response = client.get(reverse("pilar:attendance_pdf", args=[rakor.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f"attachment; filename=daftar-hadir-{rakor.pk}.pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "DINAS SOSIAL KOTA BANJARMASIN" in text and "Jl. Pramuka No. 1, Banjarmasin" in text
    assert "DAFTAR HADIR" in text and "Rakor Bidang Sosial Kota Banjarmasin 2026" in text
    assert "10 Maret 2026" in text and "Aula Dinas Sosial" in text
    for name in ("tagana 1", "kasi_kesos 2", "Narasumber Kemensos", "Panitia Dinsos"):
        assert name in text
    assert "Tanda tangan" in text and "Hari 1" not in text
    assert "Banjarmasin, 10 Maret 2026" in text and "Penyelenggara," in text


def test_once_attendance_is_recorded_the_pdf_marks_each_day(client, operator, tksk):
    operator.office.head_name, operator.office.head_nip = "Drs. H. Budi Santoso", "196805121990031004"
    operator.office.save()
    event = make_event(operator, kind="bimtek", name="Bimtek TKSK", days=3)
    present = events.participant_add(actor=operator, event=event, group=T("tksk"), member=tksk)
    guest(operator, event, "dinsos", "Tidak Datang")
    events.attendance_record(actor=operator, event=event, day=START + datetime.timedelta(days=1),
                             present_ids=[present.pk])  # fmt: skip
    pages = pdf_pages(client.get(reverse("pilar:attendance_pdf", args=[event.pk])).content)
    text = "\n".join(pages)
    assert "Hari 1" in text and "Hari 3" in text and "Tanda tangan" not in text
    assert text.count("Hadir\n") == 1  # one mark: Rahmat Hidayat on day 2
    assert text.index("Rahmat Hidayat") < text.index("Hadir\n") < text.index("Tidak Datang")
    assert "Kepala Dinas Sosial Kota Banjarmasin" in text and "Drs. H. Budi Santoso" in text
    assert "NIP. 196805121990031004" in text and pages[-1].rstrip().endswith(f"Halaman {len(pages)} dari {len(pages)}")


# --- List, scope ------------------------------------------------------------------------------------------
def test_the_event_list_filters_and_keeps_its_query_count(client, operator, django_assert_max_num_queries):
    for n in range(3):
        event = make_event(operator, name=f"Rakor {n}")
        guest(operator, event, "tksk", f"Peserta {n}")
    make_event(operator, kind="bimtek", name="Bimtek Tagana Banjarmasin")
    url = reverse("pilar:event_list")
    with django_assert_max_num_queries(12) as captured:
        page(client.get(url))
    baseline = len(captured)
    for n in range(20):
        make_event(operator, name=f"Sosialisasi {n}", kind="sosialisasi")
    with django_assert_max_num_queries(baseline):
        text = page(client.get(url))
    assert text.count('data-testid="baris-kegiatan"') == 24
    text = page(client.get(url + "?kind=bimtek"))
    assert "Bimtek Tagana Banjarmasin" in text and "Rakor 0" not in text
    text = page(client.get(url + "?q=rakor+1"))
    assert "Rakor 1" in text and "Rakor 2" not in text
    assert 'data-testid="baris-kegiatan"' not in page(client.get(url + "?year=2025"))
    assert 'data-testid="tambah-kegiatan"' in text


def test_another_kabkotas_operator_gets_404_on_every_event_page(client, operator, rakor):
    participant = rakor.participants.first()
    client.force_login(dinsos_operator("63.72", "Dinas Sosial Kota Banjarbaru", "operator.bjb"))
    for name in ("event", "event_edit", "participant_add", "attendance", "attendance_pdf", "event_recap"):
        assert client.get(reverse(f"pilar:{name}", args=[rakor.pk])).status_code == 404, name
    assert client.post(reverse("pilar:participant_remove", args=[rakor.pk, participant.pk])).status_code == 404
    assert 'data-testid="baris-kegiatan"' not in page(client.get(reverse("pilar:event_list")))
    assert Participant.objects.filter(pk=participant.pk).exists()


def test_a_province_admin_sees_a_kabkota_event_and_a_head_of_office_may_not_open_events(client, rakor):
    admin = UserFactory(office=OfficeFactory(name="Dinas Sosial Provinsi Kalimantan Selatan", wilayah_id="63"))
    AssignmentFactory(user=admin, role=Role.ADMIN_PROVINSI, wilayah_id="63")
    client.force_login(admin)
    assert "tagana 1" in page(client.get(reverse("pilar:event", args=[rakor.pk])))
    head = UserFactory(office=OfficeFactory(name="Dinas Sosial Provinsi Kalimantan Selatan", wilayah_id="63"))
    AssignmentFactory(user=head, role=Role.PIMPINAN, wilayah_id="63")
    client.force_login(head)
    assert client.get(reverse("pilar:event", args=[rakor.pk])).status_code == 403
    assert client.get(reverse("pilar:event_list")).status_code == 403
