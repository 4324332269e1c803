"""R2 (LKS), R3 (pilar), R6 (event participants) and R7 (TKSK monthly reports), counted by hand.

Provinsi Uji (99): Kabupaten Uji (99.01) with three kecamatan of two desa each, and Kota Uji (99.71)
with one kecamatan of one desa and nothing in it (a zero row). Records in Kalimantan Selatan (63) lie
outside the recap and must not be counted. Year 2025: the state as of 31 December 2025.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from kesos.core.demo import load_demo
from kesos.reports.recap import Params
from kesos.reports.recaps.lks import build_r2
from kesos.reports.recaps.pilar import build_r3, build_r6, build_r6_matrix, build_r7
from kesos.wilayah.models import Level, Wilayah
from lks.models import Accreditation, Lks, LksType, Placement, Registration
from pilar.choices import EventKind
from pilar.models import Event, Member, MonthlyReport, Participant, PilarType, Posting, ReportActivity, ReportFinding
from ppks.models import Person, PpksCategory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def province():
    root = Wilayah.objects.create(code="99", name="Provinsi Uji", level=Level.PROVINSI, kind="provinsi")
    kab = Wilayah.objects.create(code="99.01", name="Kabupaten Uji", level=Level.KABKOTA, kind="kabupaten", parent=root)
    for k, name in enumerate(["Hulu", "Tengah", "Hilir"], start=1):
        kec = Wilayah.objects.create(code=f"99.01.0{k}", name=name, level=Level.KECAMATAN, kind="kecamatan", parent=kab)
        for n in (1, 2):
            Wilayah.objects.create(code=f"{kec.code}.200{n}", name=f"{name} {n}", level=Level.DESA, kind="desa",
                                   parent=kec)  # fmt: skip
    kota = Wilayah.objects.create(code="99.71", name="Kota Uji", level=Level.KABKOTA, kind="kota", parent=root)
    kec = Wilayah.objects.create(code="99.71.01", name="Kota Tengah", level=Level.KECAMATAN, kind="kecamatan",
                                 parent=kota)  # fmt: skip
    Wilayah.objects.create(code="99.71.01.1001", name="Pusat", level=Level.DESA, kind="kelurahan", parent=kec)
    return root


@pytest.fixture
def actor():
    return UserFactory()


# --- R2 ------------------------------------------------------------------------------------------------


def new_lks(name, code, types, **fields):
    lks = Lks.objects.create(name=name, wilayah_id=code, address="Jl. Uji", **fields)
    lks.types.set(LksType.objects.filter(code__in=types))
    return lks


def tanda_daftar(lks, actor, issued_on, valid_until, status="terbit"):
    return Registration.objects.create(
        lks=lks, status=status, applied_on=issued_on, applied_by=actor, issued_on=issued_on, valid_until=valid_until,
        number=f"TD/{lks.pk}/{issued_on.year}",
    )  # fmt: skip


def accredit(lks, actor, grade, accredited_on, valid_until):
    return Accreditation.objects.create(
        lks=lks, grade=grade, certificate_number=f"{lks.pk}/{grade}", accredited_on=accredited_on,
        valid_until=valid_until, recorded_by=actor,
    )  # fmt: skip


def place(lks, actor, name, admitted_on, residential=True, exit_on=None):
    person = Person.objects.create(name=name, sex="P", wilayah_id=lks.wilayah_id, birth_date=D(2012, 1, 1))
    return Placement.objects.create(lks=lks, person=person, admitted_on=admitted_on, residential=residential,
                                    exit_on=exit_on, created_by=actor)  # fmt: skip


@pytest.fixture
def lks_world(province, actor):
    # Anak + ABH: both are LKSA, so one LKSA. Berbadan hukum, Tanda Daftar and accreditation A in force.
    one = new_lks("LKSA Satu", "99.01.01.2001", ["anak", "abh"], legal_status="berbadan_hukum")
    tanda_daftar(one, actor, D(2024, 1, 1), D(2026, 12, 31))
    accredit(one, actor, "A", D(2023, 1, 1), D(2027, 12, 31))
    place(one, actor, "Dalam Panti", D(2024, 3, 1))
    place(one, actor, "Luar Panti", D(2025, 2, 1), residential=False)
    place(one, actor, "Sudah Keluar", D(2024, 3, 1), exit_on=D(2025, 6, 1))  # left before the as-of date
    place(one, actor, "Masuk 2026", D(2026, 1, 15))  # admitted after it
    # Lansia + disabilitas: one in each column, once in Jumlah. Its Tanda Daftar expired in June 2025 and
    # the renewal was issued in 2026; its accreditation B expired: Belum.
    two = new_lks("LKS Dua", "99.01.01.2002", ["lansia", "disabilitas"])
    tanda_daftar(two, actor, D(2022, 7, 1), D(2025, 6, 30))
    tanda_daftar(two, actor, D(2026, 2, 1), D(2029, 1, 31))
    accredit(two, actor, "B", D(2022, 1, 1), D(2025, 1, 1))
    # NAPZA: accreditation C, Tanda Daftar still being applied for.
    three = new_lks("LKS Tiga", "99.01.02.2001", ["napza"])
    accredit(three, actor, "C", D(2024, 5, 1), D(2026, 5, 1))
    Registration.objects.create(lks=three, applied_on=D(2025, 11, 1), applied_by=actor)
    # LK3, frozen by the Dinsos: still registered, so counted by R2 (and named in the note), not by R3.
    new_lks("LK3 Empat", "99.01.03.2001", ["keluarga"], status="dibekukan")
    # Outside Provinsi Uji.
    outside = new_lks("LKSA Banjarmasin", "63.71.01.1001", ["anak"], legal_status="berbadan_hukum")
    tanda_daftar(outside, actor, D(2024, 1, 1), D(2026, 12, 31))
    place(outside, actor, "Di Banjarmasin", D(2024, 1, 1))


def test_r2_counts_each_lks_type_per_kabkota_with_a_zero_row_for_the_empty_kota(lks_world, django_assert_num_queries):
    with django_assert_num_queries(4):
        recap = build_r2(Params(region="99", year=2025))
    assert [c.label for c in recap.columns] == [
        "No", "Kabupaten/Kota", "LKSA", "LKS-LU", "LKS-PD", "LKS NAPZA", "LKS Tuna Sosial/KPO", "LK3", "Lainnya",
        "Jumlah LKS", "Berbadan hukum", "Tanda Daftar berlaku", "A", "B", "C", "Belum", "Klien dalam panti",
        "Klien luar panti",
    ]  # fmt: skip
    assert [c.group for c in recap.columns[12:16]] == ["Akreditasi"] * 4
    #                                    LKSA LU PD NAPZA Tuna LK3 Lain Jml BH TD A  B  C  Belum Dalam Luar
    assert recap.rows == [
        [1, "Kabupaten Uji",                1, 1, 1, 1,    0,   1,  0,   4,  1, 1, 1, 0, 1, 2,    1,    1],
        [2, "Kota Uji",                     0, 0, 0, 0,    0,   0,  0,   0,  0, 0, 0, 0, 0, 0,    0,    0],
    ]  # fmt: skip
    assert recap.totals == [[None, "Jumlah", 1, 1, 1, 1, 0, 1, 0, 4, 1, 1, 1, 0, 1, 2, 1, 1]]
    assert recap.heading == [
        "REKAPITULASI LKS PER JENIS PER KABUPATEN/KOTA PROVINSI UJI TAHUN 2025",
        "Sumber: Dinas Sosial Kab/Kota, diolah",
        "Keadaan s.d. 31 Desember 2025",
    ]
    assert any("termasuk 1 LKS berstatus tidak aktif atau dibekukan" in note for note in recap.notes)
    assert any("setiap kolom jenisnya, tetapi satu kali" in note for note in recap.notes)


def test_r2_for_a_kabkota_has_a_row_per_kecamatan(lks_world):
    recap = build_r2(Params(region="99.01", year=2025))
    assert recap.columns[1].label == "Kecamatan" and recap.region == "KABUPATEN UJI"
    assert [(row[1], row[9]) for row in recap.rows] == [("Hulu", 2), ("Tengah", 1), ("Hilir", 1)]
    assert recap.totals[0][9] == 4


def test_r2_reads_the_documents_in_force_on_the_as_of_date(lks_world):
    # In 2026 (today's state): LKS Dua's renewed Tanda Daftar is in force, LKS Tiga's C has expired
    # (May 2026) and the resident admitted in January 2026 is counted.
    recap = build_r2(Params(region="99", year=2026, date_to=D(2026, 6, 30)))
    assert recap.totals[0][11:] == [2, 1, 0, 0, 3, 2, 1]


def test_r2_refuses_a_region_below_kabkota(province):
    with pytest.raises(ValidationError, match="provinsi atau kabupaten/kota"):
        build_r2(Params(region="99.01.01", year=2025))


# --- R3 ------------------------------------------------------------------------------------------------


def member(type_code, code, name, starts_on=None, ends_on=None, status="aktif"):
    m = Member.objects.create(type=PilarType.objects.get(code=type_code), name=name, wilayah_id=code, status=status)
    Posting.objects.create(member=m, wilayah_id=code, starts_on=starts_on or D(2024, 1, 1), ends_on=ends_on)
    return m


@pytest.fixture
def pilar_world(province):
    member("tksk", "99.01.01", "TKSK Hulu")
    member("tksk", "99.01.01", "TKSK Hulu Kedua")  # two in one kecamatan: 2 TKSK, 1 kecamatan covered
    member("tksk", "99.01.02", "TKSK Selesai", ends_on=D(2025, 7, 1))  # posting ended
    member("tksk", "99.01.02", "TKSK Nonaktif", status="non_aktif")
    member("tksk", "99.01.03", "TKSK 2026", starts_on=D(2026, 1, 10))  # posted after the as-of date
    member("tksk", "63.71.01", "TKSK Banjarmasin")  # other province
    member("karang_taruna", "99.01.01.2001", "KT Hulu 1")
    member("karang_taruna", "99.01.02.2001", "KT Tengah 1")
    member("psm", "99.01.01.2002", "PSM Hulu 2")
    member("tagana", "99.01", "Tagana Kabupaten Uji")
    member("lk3", "99.01", "LK3 Kabupaten Uji")
    member("wksbm", "99.01.03.2001", "WKSBM Hilir 1")
    member("pendamping_pkh", "99.01.01", "Pendamping PKH Hulu")
    member("korcam_pkh", "99.01.02", "Korcam PKH Tengah")
    member("penyuluh_sosial", "99.01", "Penyuluh Kabupaten Uji")
    member("peksos", "99.01", "Peksos Kabupaten Uji")
    member("lainnya", "99.01", "Tamu")  # not a column of R3
    new_lks("LKSA Aktif", "99.01.02.2002", ["anak"])
    new_lks("LKSA Tidak Aktif", "99.01.02.2002", ["anak"], status="tidak_aktif")
    new_lks("LKSA Banjarmasin", "63.71.01.1001", ["anak"])


def test_r3_counts_active_posted_pillars_against_the_region_table(pilar_world, django_assert_num_queries):
    with django_assert_num_queries(11):
        recap = build_r3(Params(region="99", year=2025))
    assert [c.label for c in recap.columns] == [
        "No", "Kabupaten/Kota", "Jml Kecamatan", "TKSK", "TKSK/Kec (%)", "Jml Desa/Kel", "Karang Taruna",
        "KT/Desa (%)", "PSM", "Tagana", "LKS", "LK3", "WKSBM", "Pendamping PKH", "Penyuluh Sosial", "Pekerja Sosial",
        "Jumlah",
    ]  # fmt: skip
    #                          Kec TKSK  %    Desa KT  %    PSM Tag LKS LK3 WKSBM PKH Peny Peks Jml
    assert recap.rows == [
        [1, "Kabupaten Uji",   3,  2,   33.3, 6,   2,  33.3, 1,  1,  1,  1,  1,    2,  1,   1,   13],
        [2, "Kota Uji",        1,  0,   0.0,  1,   0,  0.0,  0,  0,  0,  0,  0,    0,  0,   0,   0],
    ]  # fmt: skip
    # The percentages of the Jumlah row are 1/4 kecamatan and 2/7 desa, not 33.3 + 0.
    assert recap.totals == [[None, "Jumlah", 4, 2, 25.0, 7, 2, 28.6, 1, 1, 1, 1, 1, 2, 1, 1, 13]]
    assert recap.columns[4].kind == "percent"


def test_r3_for_a_kabkota_puts_kabkota_level_pillars_on_a_row_of_their_own(pilar_world):
    recap = build_r3(Params(region="99.01", year=2025))
    assert [row[:8] + [row[-1]] for row in recap.rows] == [
        [1, "Hulu", 1, 2, 100.0, 2, 1, 50.0, 5],  # 2 TKSK, KT, PSM, PKH
        [2, "Tengah", 1, 0, 0.0, 2, 1, 50.0, 3],  # KT, LKS, Korcam
        [3, "Hilir", 1, 0, 0.0, 2, 0, 0.0, 1],  # WKSBM
        [None, "Tingkat kabupaten/kota", None, 0, None, None, 0, None, 4],  # Tagana, LK3, penyuluh, peksos
    ]
    assert recap.totals[0][2:8] == [3, 2, 33.3, 6, 2, 33.3] and recap.totals[0][-1] == 13


# --- R6 ------------------------------------------------------------------------------------------------


@pytest.fixture
def bimtek(province):
    event = Event.objects.create(kind=EventKind.BIMTEK, name="Bimtek Pilar Sosial Uji 2025", starts_on=D(2025, 6, 10),
                                 ends_on=D(2025, 6, 12), venue="Aula Dinsos", wilayah_id="99")  # fmt: skip

    def came(name, group, kabkota, role="peserta"):
        Participant.objects.create(event=event, name=name, group=PilarType.objects.get(code=group),
                                   kabkota_id=kabkota, role=role)  # fmt: skip

    came("Ani", "tksk", "99.01")
    came("Budi", "tksk", "99.71")
    came("Citra", "pendamping_pkh", "99.01")
    came("Dodi", "korcam_pkh", "99.01")  # counted with the pendamping: "Korcam/Pendamping PKH"
    came("Eka", "karang_taruna", "99.71")
    came("Fajar", "opd_terkait", None)
    came("Narasumber", "opd_terkait", "99.01", role="narasumber")  # not a peserta
    came("Panitia", "dinsos", "99.01", role="panitia")
    return event


def test_r6_counts_peserta_per_unsur_with_a_jumlah_row(bimtek, django_assert_num_queries):
    with django_assert_num_queries(2):
        recap = build_r6(Params(region="99", year=2025, event=bimtek.pk))
    assert [c.label for c in recap.columns] == ["No", "Unsur", "Jumlah peserta"]
    assert recap.rows == [[1, "TKSK", 2], [2, "Korcam/Pendamping PKH", 2], [3, "Karang Taruna", 1],
                          [4, "OPD terkait", 1]]  # fmt: skip
    assert recap.totals == [[None, "Jumlah", 6]]
    assert recap.heading[0] == (
        "REKAPITULASI PESERTA BIMTEK PILAR SOSIAL UJI 2025 PROVINSI UJI 10 JUNI 2025 S.D. 12 JUNI 2025"
    )


def test_r6_matrix_counts_peserta_per_kabkota_and_unsur(bimtek, django_assert_num_queries):
    with django_assert_num_queries(2):
        recap = build_r6_matrix(Params(region="99", year=2025, event=bimtek.pk))
    assert [c.label for c in recap.columns] == ["No", "Kabupaten/Kota", "TKSK", "Korcam/Pendamping PKH",
                                                "Karang Taruna", "OPD terkait", "Jumlah"]  # fmt: skip
    assert recap.rows == [
        [1, "Kabupaten Uji", 1, 2, 0, 0, 3],
        [2, "Kota Uji", 1, 0, 1, 0, 2],
        [3, "Tanpa kabupaten/kota", 0, 0, 0, 1, 1],
    ]
    assert recap.totals == [[None, "Jumlah", 2, 2, 1, 1, 6]]


def test_r6_refuses_an_event_organised_outside_the_region(bimtek):
    with pytest.raises(ValidationError, match="di luar wilayah rekap"):
        build_r6(Params(region="99.01", year=2025, event=bimtek.pk))  # a provincial event, asked by a kab
    elsewhere = Event.objects.create(kind=EventKind.RAKOR, name="Rakor Kalsel", starts_on=D(2025, 1, 6),
                                     ends_on=D(2025, 1, 6), venue="Banjarmasin", wilayah_id="63")  # fmt: skip
    with pytest.raises(ValidationError, match="di luar wilayah rekap"):
        build_r6(Params(region="99", year=2025, event=elsewhere.pk))
    with pytest.raises(ValidationError, match="Kegiatan tidak ditemukan"):
        build_r6(Params(region="99", year=2025, event=elsewhere.pk + 1000))


# --- R7 ------------------------------------------------------------------------------------------------


def report(tksk, month, status, activities=(), findings=()):
    r = MonthlyReport.objects.create(member=tksk, month=month, wilayah_id=tksk.wilayah_id, status=status)
    desa = f"{tksk.wilayah_id}.2001"
    for kind in activities:
        ReportActivity.objects.create(report=r, day=month, desa_id=desa, kind=kind, description="Kunjungan")
    for code, count in findings:
        ReportFinding.objects.create(report=r, desa_id=desa, category=PpksCategory.objects.get(code=code), count=count)
    return r


@pytest.fixture
def reports_world(province):
    nov, okt = D(2025, 11, 1), D(2025, 10, 1)
    andi = member("tksk", "99.01.01", "Andi")
    report(andi, nov, "diterima", ["identifikasi", "rujukan", "koordinasi"], [("PPKS-01", 2), ("PPKS-11", 5)])
    report(andi, okt, "diterima", ["rujukan"], [("PPKS-01", 9)])  # another month
    bela = member("tksk", "99.01.01", "Bela")
    report(bela, nov, "dikirim", ["identifikasi"], [("PPKS-01", 4)])
    cici = member("tksk", "99.01.02", "Cici")
    report(cici, nov, "draf", ["identifikasi", "rujukan"], [("PPKS-01", 3)])  # a draft is not received
    member("tksk", "99.01.03", "Dedi")  # no report
    member("tksk", "99.01.02", "Eko", ends_on=D(2025, 7, 1))  # no longer posted in November
    member("psm", "99.01.01.2001", "PSM Bukan TKSK")
    banjar = member("tksk", "63.71.01", "TKSK Banjarmasin")  # other province
    MonthlyReport.objects.create(member=banjar, month=nov, wilayah_id="63.71.01", status="diterima")


def test_r7_lists_every_posted_tksk_with_their_november_report(reports_world, django_assert_num_queries):
    with django_assert_num_queries(5):
        recap = build_r7(Params(region="99", year=2025, month=11))
    assert recap.rows == [
        [1, "Kabupaten Uji", "Hulu", "Andi", "Y", 3, 7, 1, "Diterima Dinas Sosial"],
        [2, "Kabupaten Uji", "Hulu", "Bela", "Y", 1, 4, 0, "Dikirim, belum diterima Dinas Sosial"],
        [3, "Kabupaten Uji", "Tengah", "Cici", "T", 0, 0, 0, "Masih draf, belum dikirim"],
        [4, "Kabupaten Uji", "Hilir", "Dedi", "T", 0, 0, 0, "Belum ada laporan"],
    ]
    assert recap.totals == [[None, "Jumlah", None, "4 TKSK", 2, 4, 11, 1, None]]
    assert recap.period == "BULAN NOVEMBER 2025" and recap.as_of == "Keadaan s.d. 30 November 2025"


def test_r7_needs_a_month(province):
    with pytest.raises(ValidationError, match="Bulan wajib diisi"):
        build_r7(Params(region="99", year=2025))


# --- The demo ------------------------------------------------------------------------------------------


def test_the_demo_r2_shows_kalsel_with_article_001s_135_lks_and_r3_kalteng_with_a_tksk_in_every_kecamatan():
    load_demo()
    year = datetime.date.today().year
    r2 = build_r2(Params(region="63", year=year))
    assert len(r2.rows) == 13 and r2.rows[0][1] == "Kabupaten Tanah Laut" and r2.rows[-1][1] == "Kota Banjarbaru"
    (jumlah,) = r2.totals
    assert jumlah[2:10] == [120, 3, 9, 3, 0, 0, 0, 135]
    assert jumlah[12] + jumlah[13] + jumlah[14] + jumlah[15] == 135
    r3 = build_r3(Params(region="62", year=year))
    assert r3.totals[0][2:5] == [136, 136, 100.0]


def test_the_demo_r6_for_the_muara_enim_rakor_reproduces_article_004():
    load_demo()
    rakor = Event.objects.get(kind=EventKind.RAKOR, starts_on=D(2023, 11, 6))
    recap = build_r6(Params(region="16", year=2023, event=rakor.pk))
    assert recap.rows == [
        [1, "Kasi Kesos Kecamatan", 22], [2, "TKSK", 22], [3, "Korcam/Pendamping PKH", 78], [4, "Korwil", 1],
        [5, "Pendamping Disabilitas", 1], [6, "LKS", 14], [7, "Karang Taruna", 2], [8, "Tagana", 25],
        [9, "Operator", 21], [10, "OPD terkait", 14],
    ]  # fmt: skip
    assert recap.totals == [[None, "Jumlah", 200]]
    assert recap.region == "KABUPATEN MUARA ENIM" and recap.period == "6 NOVEMBER 2023"
