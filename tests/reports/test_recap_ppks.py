"""R1 (PPKS per jenis per kab/kota) and R5 (arus kasus), counted by hand on the real Kalsel region table.

People live in Kota Banjarmasin (Banjarmasin Selatan and Banjarmasin Timur), Kota Banjarbaru and, out of
the recap, Palangka Raya (Kalimantan Tengah). Year 2025: the state as of 31 December 2025, local time
(WITA, UTC+8).

Holdings (✓ counted in R1 2025):
- Siti (P, Bjm Selatan): LUT ✓ and PD ✓.  Budi (L, Bjm Selatan): PD ✓.
- Ahmad (L, Bjm Timur): ABT recorded on 31 Dec 2025 ✓; FM ended 30 Jun 2025 ✗; LUT unverified ✗.
- Rina (P, Banjarbaru): FM ✓; PD recorded in 2026 ✗.
- Dewi (P, Banjarbaru, merged into Rina): PD ✗.  Udin (L, Palangka Raya): PD ✗.  A Banjarbaru KK: FM ✗.

Cases (stage dates, WITA):
- C1 Siti LUT: opened 10 Nov 2024, diverifikasi 20 Nov 2024; in 2025 asesmen, rencana, intervensi, dirujuk,
  intervensi, dirujuk again; still open.
- C2 Budi PD: opened 1 Feb 2025, diverifikasi 5 Feb; open.
- C3 Ahmad ABT + FM: opened 1 Mar 2025, through every stage to bimbingan lanjut, ditutup 20 Dec 2025.
- C4 Siti PD: opened 2023, rejected (tidak memenuhi kriteria) in 2023: before the period, never handled.
- C5 Rina FM: opened 31 Dec 2025 23:30; diverifikasi … intervensi in January 2026.
- C6 Rina PD: opened 1 Jan 2026 00:30 (still 31 Dec in UTC): outside 2025.
- C7 Udin PD (Palangka Raya), opened 2025: outside the province.
- C8 Budi PD: opened 1 Dec 2024, tidak memenuhi kriteria 15 Jan 2025.
"""

import datetime
import zoneinfo

import pytest

from kesos.reports.recap import Params
from kesos.reports.recaps.ppks import build_r1, build_r5
from kesos.wilayah.models import Level, Wilayah
from ppks.models import Case, CaseTransition, Household, Person, PersonCategory, PpksCategory
from ppks.workflow import FINAL
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
WITA = zoneinfo.ZoneInfo("Asia/Makassar")

BJM_SELATAN = "63.71.01.1003"
BJM_TIMUR = "63.71.02.1003"
BANJARBARU = "63.72.02.1003"
PALANGKA_RAYA = "62.71.01.1001"
KALSEL = [
    ("63.01", "Kabupaten Tanah Laut"), ("63.02", "Kabupaten Kotabaru"), ("63.03", "Kabupaten Banjar"),
    ("63.04", "Kabupaten Barito Kuala"), ("63.05", "Kabupaten Tapin"), ("63.06", "Kabupaten Hulu Sungai Selatan"),
    ("63.07", "Kabupaten Hulu Sungai Tengah"), ("63.08", "Kabupaten Hulu Sungai Utara"),
    ("63.09", "Kabupaten Tabalong"), ("63.10", "Kabupaten Tanah Bumbu"), ("63.11", "Kabupaten Balangan"),
    ("63.71", "Kota Banjarmasin"), ("63.72", "Kota Banjarbaru"),
]  # fmt: skip
ABBREVIATIONS = [
    "ABT", "AT", "ABH", "Anjal", "ADK", "AKTK", "AMPK", "LUT", "PD", "TS", "Gel", "Pengemis", "Pemulung", "KM",
    "BWBLP", "ODHA", "NAPZA", "KTr", "KTK", "PMBS", "KBA", "KBS", "PRSE", "FM", "KBSP", "KAT",
]  # fmt: skip
KALSEL_HEADING = "PROVINSI KALIMANTAN SELATAN"
ABT, LUT, PD, FM = 0, 7, 8, 23  # positions among the 26 categories


def at(y, m, d, hh=9, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=WITA)


def cat(abbreviation):
    return PpksCategory.objects.get(abbreviation=abbreviation)


def hold(person, abbreviation, recorded_on, *, verified=True, ended_on=None, household=None):
    return PersonCategory.objects.create(
        person=person, household=household, category=cat(abbreviation), source="tksk", recorded_on=recorded_on,
        ended_on=ended_on, verified=verified,
    )  # fmt: skip


def open_case(actor, person, abbreviations, opened, *path):
    """A case with its transitions: `path` is (stage, when) after 'dilaporkan' at `opened`."""
    final_stage, final_at = path[-1] if path else ("dilaporkan", None)
    case = Case.objects.create(
        number=f"uji-{Case.objects.count() + 1}", person=person, wilayah_id=person.wilayah_id, source="tksk",
        reported_by=actor, summary="Uji", opened_at=opened, stage=final_stage,
        closed_at=final_at if final_stage in FINAL else None,
    )  # fmt: skip
    case.categories.set(PpksCategory.objects.filter(abbreviation__in=abbreviations))
    previous = ""
    for stage, when in [("dilaporkan", opened), *path]:
        CaseTransition.objects.create(case=case, from_stage=previous, to_stage=stage, actor=actor, at=when)
        previous = stage
    return case


@pytest.fixture
def world():
    actor = UserFactory()
    siti = Person.objects.create(name="Siti", sex="P", wilayah_id=BJM_SELATAN)
    budi = Person.objects.create(name="Budi", sex="L", wilayah_id=BJM_SELATAN)
    ahmad = Person.objects.create(name="Ahmad", sex="L", wilayah_id=BJM_TIMUR)
    rina = Person.objects.create(name="Rina", sex="P", wilayah_id=BANJARBARU)
    dewi = Person.objects.create(name="Dewi", sex="P", wilayah_id=BANJARBARU, merged_into=rina)
    udin = Person.objects.create(name="Udin", sex="L", wilayah_id=PALANGKA_RAYA)
    household = Household.objects.create(wilayah_id=BANJARBARU)

    hold(siti, "LUT", D(2024, 5, 1))
    hold(siti, "PD", D(2025, 3, 1))
    hold(budi, "PD", D(2023, 1, 1))
    hold(ahmad, "ABT", D(2025, 12, 31))
    hold(ahmad, "FM", D(2022, 1, 1), ended_on=D(2025, 6, 30))
    hold(ahmad, "LUT", D(2024, 1, 1), verified=False)
    hold(rina, "FM", D(2025, 2, 1))
    hold(rina, "PD", D(2026, 1, 5))
    hold(dewi, "PD", D(2024, 1, 1))
    hold(udin, "PD", D(2024, 1, 1))
    hold(None, "FM", D(2024, 1, 1), household=household)

    open_case(actor, siti, ["LUT"], at(2024, 11, 10),
              ("diverifikasi", at(2024, 11, 20)), ("asesmen", at(2025, 6, 1)), ("rencana", at(2025, 6, 10)),
              ("intervensi", at(2025, 7, 1)), ("dirujuk", at(2025, 7, 15)), ("intervensi", at(2025, 8, 1)),
              ("dirujuk", at(2025, 9, 1)))  # fmt: skip
    open_case(actor, budi, ["PD"], at(2025, 2, 1), ("diverifikasi", at(2025, 2, 5)))
    open_case(actor, ahmad, ["ABT", "FM"], at(2025, 3, 1),
              ("diverifikasi", at(2025, 3, 2)), ("asesmen", at(2025, 3, 10)), ("rencana", at(2025, 3, 20)),
              ("intervensi", at(2025, 4, 1)), ("terminasi", at(2025, 10, 1)), ("bimbingan_lanjut", at(2025, 11, 1)),
              ("ditutup", at(2025, 12, 20)))  # fmt: skip
    open_case(actor, siti, ["PD"], at(2023, 1, 1), ("tidak_memenuhi", at(2023, 1, 10)))
    open_case(actor, rina, ["FM"], at(2025, 12, 31, 23, 30),
              ("diverifikasi", at(2026, 1, 2)), ("asesmen", at(2026, 1, 5)), ("rencana", at(2026, 1, 7)),
              ("intervensi", at(2026, 1, 10)))  # fmt: skip
    open_case(actor, rina, ["PD"], at(2026, 1, 1, 0, 30))
    open_case(actor, udin, ["PD"], at(2025, 5, 1), ("diverifikasi", at(2025, 5, 2)), ("asesmen", at(2025, 5, 3)))
    open_case(actor, budi, ["PD"], at(2024, 12, 1), ("tidak_memenuhi", at(2025, 1, 15)))
    return actor


def categories_of(row, start=3, width=1):
    """{position: value} of the non-zero category cells of a row."""
    cells = row[start : start + 26 * width]
    return {i: cells[i * width : (i + 1) * width] for i in range(26) if any(cells[i * width : (i + 1) * width])}


# --- R1 --------------------------------------------------------------------------------------------------------


def test_r1_counts_verified_holdings_per_category_per_kabkota_with_all_13_rows(world, django_assert_num_queries):
    with django_assert_num_queries(4):
        recap = build_r1(Params(region="63", year=2025))
    assert [c.label for c in recap.columns] == ["No", "Kode Wilayah", "Kabupaten/Kota", *ABBREVIATIONS, "Jumlah"]
    assert [c.kind for c in recap.columns[3:]] == ["int"] * 27
    assert [(row[0], row[1], row[2]) for row in recap.rows] == [(n, *area) for n, area in enumerate(KALSEL, 1)]
    by_code = {row[1]: row for row in recap.rows}
    # Banjarmasin: Ahmad ABT, Siti LUT, Siti PD + Budi PD.
    assert categories_of(by_code["63.71"]) == {ABT: [1], LUT: [1], PD: [2]}
    assert by_code["63.71"][-1] == 4
    # Banjarbaru: Rina FM only (not her 2026 PD, not merged Dewi, not the household's FM).
    assert categories_of(by_code["63.72"]) == {FM: [1]}
    assert by_code["63.72"][-1] == 1
    assert all(row[3:] == [0] * 27 for code, row in by_code.items() if code not in ("63.71", "63.72"))
    totals = recap.totals[0]
    assert totals[:3] == [None, None, "Jumlah"]
    assert categories_of(totals) == {ABT: [1], LUT: [1], PD: [2], FM: [1]}
    assert totals[-1] == 5
    assert recap.heading == [
        "REKAPITULASI PENYANDANG MASALAH KESEJAHTERAAN SOSIAL (PPKS) PER JENIS PER KABUPATEN/KOTA "
        f"{KALSEL_HEADING} TAHUN 2025",
        "Sumber: Dinas Sosial Kab/Kota, diolah",
        "Keadaan s.d. 31 Desember 2025",
    ]
    assert recap.notes and "terverifikasi" in recap.notes[0]


def test_r1_for_a_kabkota_has_a_row_per_kecamatan(world):
    recap = build_r1(Params(region="63.71", year=2025))
    assert recap.columns[2].label == "Kecamatan" and recap.region == "KOTA BANJARMASIN"
    assert recap.title.endswith("PER JENIS PER KECAMATAN")
    assert [row[1] for row in recap.rows] == ["63.71.01", "63.71.02", "63.71.03", "63.71.04", "63.71.05"]
    assert [row[2] for row in recap.rows][:2] == ["Banjarmasin Selatan", "Banjarmasin Timur"]
    assert categories_of(recap.rows[0]) == {LUT: [1], PD: [2]}
    assert categories_of(recap.rows[1]) == {ABT: [1]}
    assert [row[-1] for row in recap.rows] == [3, 1, 0, 0, 0]
    assert recap.totals[0][-1] == 4


def test_r1_splits_each_category_into_l_and_p(world, django_assert_num_queries):
    with django_assert_num_queries(4):
        recap = build_r1(Params(region="63", year=2025, split_sex=True))
    assert len(recap.columns) == 3 + 26 * 2 + 3
    assert [(c.group, c.label) for c in recap.columns[3 + 2 * LUT : 5 + 2 * LUT]] == [("LUT", "L"), ("LUT", "P")]
    assert [(c.group, c.label) for c in recap.columns[-3:]] == [("Jumlah", "L"), ("Jumlah", "P"), ("Jumlah", "L+P")]
    bjm, bjb = recap.rows[11], recap.rows[12]
    #                            Ahmad       Siti        Budi, Siti
    assert categories_of(bjm, width=2) == {ABT: [1, 0], LUT: [0, 1], PD: [1, 1]}
    assert bjm[-3:] == [2, 2, 4]
    assert categories_of(bjb, width=2) == {FM: [0, 1]}
    assert bjb[-3:] == [0, 1, 1]
    assert recap.totals[0][-3:] == [2, 3, 5]


def test_r1_handled_counts_holdings_whose_case_reached_asesmen_by_the_as_of_date(world, django_assert_num_queries):
    with django_assert_num_queries(5):
        recap = build_r1(Params(region="63", year=2025, handled=True))
    assert [c.label for c in recap.columns[-3:]] == ["Jumlah", "Sudah ditangani", "Belum ditangani"]
    # Banjarmasin: Siti LUT (C1 asesmen) and Ahmad ABT (C3) handled; Budi PD (C2 only verified, C8 rejected)
    # and Siti PD (C4 rejected) not. Banjarbaru: Rina's FM case reached asesmen only in 2026.
    assert recap.rows[11][-3:] == [4, 2, 2]
    assert recap.rows[12][-3:] == [1, 0, 1]
    assert recap.totals[0][-3:] == [5, 2, 3]
    assert any("asesmen" in note for note in recap.notes)


def test_r1_for_2026_counts_the_holdings_and_casework_of_2026(world):
    # As of 31 Dec 2026 (or today, while 2026 runs): Rina's PD recorded in January 2026 counts, and her FM
    # case has reached asesmen; her PD case is only reported.
    recap = build_r1(Params(region="63.72", year=2026, handled=True))
    assert recap.totals[0][3 + PD] == 1 and recap.totals[0][3 + FM] == 1
    assert recap.totals[0][-3:] == [2, 1, 1]


def test_r1_query_count_does_not_grow_with_rows(world, django_assert_num_queries):
    desa = Wilayah.objects.filter(level=Level.DESA, code__startswith="63.").order_by("code")
    for n, code in enumerate(desa.values_list("code", flat=True)[::97][:20]):
        person = Person.objects.create(name=f"Tambahan {n}", sex="LP"[n % 2], wilayah_id=code)
        hold(person, ABBREVIATIONS[n % 26], D(2025, 1, 1))
    with django_assert_num_queries(5):
        recap = build_r1(Params(region="63", year=2025, split_sex=True, handled=True))
    assert recap.totals[0][-3] == 25  # L+P: the 5 of the world and the 20 added


# --- R5 --------------------------------------------------------------------------------------------------------

R5_LABELS = [
    "No", "Kabupaten/Kota", "Jenis PPKS", "Saldo awal", "Kasus baru", "Diverifikasi", "Asesmen", "Intervensi",
    "Dirujuk", "Terminasi", "Bimbingan lanjut", "Ditutup/keluar", "Saldo akhir",
]  # fmt: skip


def test_r5_balances_and_stage_flows_per_kabkota_and_category(world, django_assert_num_queries):
    with django_assert_num_queries(5):
        recap = build_r5(Params(region="63", year=2025))
    assert [c.label for c in recap.columns] == R5_LABELS
    assert recap.rows == [
        #                                                             awal baru ver ase int ruj ter bim tutup akhir
        [1, "Kota Banjarmasin", "ABT — Anak Balita Telantar",           0, 1,   1,  1,  1,  0,  1,  1,  1,    0],
        [2, "Kota Banjarmasin", "LUT — Lanjut Usia Telantar",           1, 0,   0,  1,  1,  1,  0,  0,  0,    1],
        [3, "Kota Banjarmasin", "PD — Penyandang Disabilitas",          1, 1,   1,  0,  0,  0,  0,  0,  1,    1],
        [4, "Kota Banjarmasin", "FM — Fakir Miskin",                    0, 1,   1,  1,  1,  0,  1,  1,  1,    0],
        [5, "Kota Banjarbaru", "FM — Fakir Miskin",                     0, 1,   0,  0,  0,  0,  0,  0,  0,    1],
    ]  # fmt: skip
    assert recap.totals == [[None, "Jumlah", None, 2, 4, 3, 3, 3, 1, 2, 2, 3, 3]]
    for row in [*recap.rows, *recap.totals]:
        assert row[3] + row[4] - row[11] == row[12]  # saldo awal + baru − ditutup = saldo akhir
    assert recap.heading[0] == f"REKAPITULASI ARUS KASUS PPKS PER JENIS PER KABUPATEN/KOTA {KALSEL_HEADING} TAHUN 2025"
    assert recap.as_of == "Keadaan s.d. 31 Desember 2025"


def test_r5_for_a_kabkota_has_rows_per_kecamatan(world):
    recap = build_r5(Params(region="63.71", year=2025))
    assert recap.columns[1].label == "Kecamatan"
    assert [(row[1], row[2][:3].strip()) for row in recap.rows] == [
        ("Banjarmasin Selatan", "LUT"), ("Banjarmasin Selatan", "PD"),
        ("Banjarmasin Timur", "ABT"), ("Banjarmasin Timur", "FM"),
    ]  # fmt: skip


def test_r5_for_a_month_starts_from_the_balance_at_its_first_day(world):
    recap = build_r5(Params(region="63", year=2025, month=7))
    assert recap.period == "BULAN JULI 2025"
    # Open on 1 July: C1 (LUT), C2 (PD), C3 (ABT, FM). In July C1 entered intervensi and dirujuk.
    assert [[row[2][:3].strip(), *row[3:]] for row in recap.rows] == [
        ["ABT", 1, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        ["LUT", 1, 0, 0, 0, 1, 1, 0, 0, 0, 1],
        ["PD", 1, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        ["FM", 1, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    ]


def test_r5_for_a_date_range_uses_its_days_in_local_time(world):
    # 31 Dec 2025 to 1 Jan 2026 (WITA): C5 opened at 23:30 and C6 at 00:30 are both new; C3 is not (closed
    # 20 Dec), and Rina's FM case entered no flow stage on those days.
    recap = build_r5(Params(region="63.72", year=2025, date_from=D(2025, 12, 31), date_to=D(2026, 1, 1)))
    assert recap.period == "31 DESEMBER 2025 S.D. 1 JANUARI 2026"
    assert [[row[2][:3].strip(), *row[3:]] for row in recap.rows] == [
        ["PD", 0, 1, 0, 0, 0, 0, 0, 0, 0, 1],
        ["FM", 0, 1, 0, 0, 0, 0, 0, 0, 0, 1],
    ]
    assert build_r5(Params(region="63", year=2025, date_from=D(2025, 1, 1), date_to=D(2025, 6, 30))).period == (
        "1 JANUARI S.D. 30 JUNI 2025"
    )
