"""R4 SPM bidang sosial: sasaran from the entered targets, terlayani counted by hand from cases and placements."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesos.reports.models import SpmTarget
from kesos.reports.recap import Params
from kesos.reports.recaps.spm import build_r4, capaian, service_label
from lks.models import Lks, Placement
from ppks.models import Case, Person, PersonCategory, PpksCategory, Referensi, ServiceDelivery
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BJM = "63.71.01.1001"  # Kelurahan Mantuil, Kota Banjarmasin
BJB = "63.72.03.1001"  # Kelurahan Palam, Kota Banjarbaru
KALTENG = "62.71.01.1001"
CODES = {"ABT": "PPKS-01", "AT": "PPKS-02", "LUT": "PPKS-08", "PD": "PPKS-09", "Gel": "PPKS-11", "KBA": "PPKS-21",
         "FM": "PPKS-24"}  # fmt: skip
D = datetime.date
MARCH = D(2025, 3, 1)


class World:
    """People of Banjarmasin, Banjarbaru and Kalteng, their categories, services and placements (2024–2025)."""

    def __init__(self):
        self.user = UserFactory()
        self.programme = Referensi.objects.get(kind="program", code="atensi")
        self.lks = {code: Lks.objects.create(name=f"Panti {code}", wilayah_id=code, address="Jl. Uji")
                    for code in (BJM, BJB, KALTENG)}  # fmt: skip
        self.numbers = 0

    def person(self, name, code=BJM, held=(), ended=None):
        person = Person.objects.create(name=name, sex="L", wilayah_id=code)
        for abbr in held:
            PersonCategory.objects.create(
                person=person, category=PpksCategory.objects.get(code=CODES[abbr]), source="datang",
                recorded_on=D(2024, 1, 10), ended_on=ended,
            )  # fmt: skip
        return person

    def case(self, person, code=BJM, categories=()):
        self.numbers += 1
        case = Case.objects.create(
            number=f"UJI-{self.numbers}", person=person, wilayah_id=code, source="datang", reported_by=self.user,
            summary="Uji", opened_at=timezone.make_aware(datetime.datetime(2024, 6, 1, 9)),
        )  # fmt: skip
        case.categories.set(PpksCategory.objects.filter(code__in=[CODES[a] for a in categories]))
        return case

    def service(self, case, day):
        ServiceDelivery.objects.create(
            case=case, delivered_on=day, form="rehabilitasi", programme=self.programme, description="Layanan",
            provider="Dinsos", author=self.user,
        )  # fmt: skip

    def place(self, person, code=BJM, admitted=MARCH, exit_on=None, residential=True):
        Placement.objects.create(
            lks=self.lks[code], person=person, admitted_on=admitted, exit_on=exit_on, residential=residential,
            created_by=self.user,
        )  # fmt: skip


@pytest.fixture
def world():
    w = World()
    # Ani: LUT and PD, two services in Banjarmasin in 2025 → once in lansia, once in disabilitas.
    ani = w.person("Ani", held=["LUT", "PD"])
    case = w.case(ani)
    w.service(case, D(2025, 2, 1))
    w.service(case, D(2025, 8, 1))
    # Budi: PD, served only in 2024 → not counted for 2025.
    w.service(w.case(w.person("Budi", held=["PD"])), D(2024, 11, 1))
    # Citra: PD, served on a case in Banjarbaru → not Banjarmasin's.
    w.service(w.case(w.person("Citra", BJB, held=["PD"]), code=BJB), D(2025, 4, 1))
    # Dedi: anak telantar only on his case (no category record) → anak.
    w.service(w.case(w.person("Dedi"), categories=["AT"]), D(2025, 5, 1))
    # Eka: gelandangan served outside the panti by an LKS of Banjarmasin → tuna sosial (kab/kota).
    w.place(w.person("Eka", held=["Gel"]), residential=False)
    # Fajar: gelandangan living in a panti in Banjarmasin → province (di dalam panti), not kab/kota.
    w.place(w.person("Fajar", held=["Gel"]), residential=True)
    # Gita: korban bencana alam, aid in 2025 → bencana (kab/kota and province).
    w.service(w.case(w.person("Gita", held=["KBA"])), D(2025, 1, 15))
    # Hadi: his LUT category ended in mid-2024 → not counted though served in 2025.
    w.service(w.case(w.person("Hadi", held=["LUT"], ended=D(2024, 6, 30))), D(2025, 3, 3))
    # Indah: LUT, outside-panti client who left in February 2025 → lansia (kab/kota).
    w.place(w.person("Indah", held=["LUT"]), admitted=D(2024, 1, 1), exit_on=D(2025, 2, 28), residential=False)
    # Joko: LUT, left at the end of 2024 → not counted.
    w.place(w.person("Joko", held=["LUT"]), admitted=D(2024, 1, 1), exit_on=D(2024, 12, 31), residential=False)
    # Kurnia: fakir miskin (not an SPM group), served → not counted.
    w.service(w.case(w.person("Kurnia", held=["FM"])), D(2025, 6, 1))
    # Lina: LUT in a panti in Kalteng → not Kalsel's.
    w.place(w.person("Lina", KALTENG, held=["LUT"]), code=KALTENG)
    # Targets of Banjarmasin 2025 (and one of 2024 that must not be read).
    for service, target, budget, spent in [("lansia", 4, 10_000_000, 7_500_000), ("disabilitas", 3, 0, 0),
                                           ("anak", 0, 5_000_000, 0)]:  # fmt: skip
        SpmTarget.objects.create(region_id="63.71", year=2025, service=service, target=target, budget=budget,
                                 spent=spent, problems="Data belum padu" if service == "lansia" else "")  # fmt: skip
    SpmTarget.objects.create(region_id="63.71", year=2024, service="bencana", target=99, budget=1, spent=1)
    return w


def column(recap, index):
    return [row[index] for row in recap.rows]


def test_r4_counts_each_served_person_once_per_service_for_a_kabkota(world):
    recap = build_r4(Params(region="63.71", year=2025))
    # disabilitas: Ani · anak: Dedi · lansia: Ani, Indah · tuna sosial: Eka · bencana: Gita
    assert column(recap, 3) == [1, 1, 2, 1, 1]


def test_r4_takes_sasaran_budget_and_realisation_from_the_targets_and_leaves_missing_ones_empty(world):
    recap = build_r4(Params(region="63.71", year=2025))
    assert column(recap, 0) == [1, 2, 3, 4, 5]
    assert column(recap, 2) == [3, 0, 4, None, None]
    assert column(recap, 4) == [33.3, None, 50.0, None, None]
    assert column(recap, 5) == [0, 5_000_000, 10_000_000, None, None]
    assert column(recap, 6) == [0, 0, 7_500_000, None, None]
    assert column(recap, 7)[2] == "Data belum padu"
    assert recap.totals == [[None, "Jumlah", 7, 6, None, 15_000_000, 7_500_000, None, None]]


def test_r4_for_a_province_counts_residents_in_a_panti_and_disaster_aid(world):
    recap = build_r4(Params(region="63", year=2025))
    # tuna sosial: Fajar (in a panti); bencana: Gita. Outside-panti clients and services do not make rows 1–4.
    assert column(recap, 3) == [0, 0, 0, 1, 1]
    assert column(recap, 2) == [None] * 5


def test_r4_labels_say_inside_the_panti_for_a_province_and_outside_for_a_kabkota(world):
    province = column(build_r4(Params(region="63", year=2025)), 1)
    kabkota = column(build_r4(Params(region="63.71", year=2025)), 1)
    assert province[0] == "Rehabilitasi sosial dasar penyandang disabilitas telantar di dalam panti"
    assert province[3].endswith("gelandangan dan pengemis, di dalam panti")
    assert province[4].endswith("bagi korban bencana provinsi")
    assert kabkota[2] == "Rehabilitasi sosial dasar lanjut usia telantar di luar panti"
    assert kabkota[4].endswith("bagi korban bencana kabupaten/kota")
    assert service_label("anak", province=True) == "Rehabilitasi sosial dasar anak telantar di dalam panti"


def test_r4_heading_and_columns_follow_the_layout(world):
    recap = build_r4(Params(region="63.71", year=2025))
    assert recap.region == "KOTA BANJARMASIN" and recap.period == "TAHUN 2025"
    assert [c.label for c in recap.columns] == [
        "No", "Jenis Pelayanan Dasar", "Penerima yang harus dilayani (sasaran)", "Terlayani", "Capaian (%)",
        "Anggaran (Rp)", "Realisasi (Rp)", "Permasalahan", "Solusi",
    ]  # fmt: skip
    assert [c.kind for c in recap.columns] == ["int", "text", "int", "int", "percent", "money", "money", "text", "text"]
    assert any("Terlayani" in note for note in recap.notes)


def test_r4_another_year_counts_its_own_people(world):
    recap = build_r4(Params(region="63.71", year=2024))
    # 2024: Budi (PD, served), Indah and Joko (LUT, clients all year); the 2024 bencana target is read.
    assert column(recap, 3) == [1, 0, 2, 0, 0]
    assert column(recap, 2) == [None, None, None, None, 99]


def test_r4_runs_three_queries_whatever_the_data(world):
    with CaptureQueriesContext(connection) as queries:
        build_r4(Params(region="63.71", year=2025))
    assert len(queries) == 3


def test_r4_refuses_a_region_below_kabkota(world):
    with pytest.raises(ValidationError):
        build_r4(Params(region="63.71.01", year=2025))


def test_capaian_is_empty_without_a_target():
    assert capaian(3, None) is None and capaian(3, 0) is None and capaian(1, 3) == 33.3


def test_the_demo_r4_of_kalsel_shows_this_years_targets_budget_and_realisation(wilayah_table):
    from kesos.core.demo import load_demo

    load_demo()
    load_demo()  # twice: the targets are updated in place, not duplicated
    year = timezone.localdate().year
    assert SpmTarget.objects.filter(region_id="63", year=year).count() == 5
    recap = build_r4(Params(region="63", year=year))
    sasaran = [row[2] for row in recap.rows]
    assert sasaran == [120, 480, 160, 90, 1500]
    assert recap.totals[0][2] == 2350 and recap.totals[0][5] == 9_200_000_000
    assert all(row[6] < row[5] for row in recap.rows)  # realisasi under anggaran
