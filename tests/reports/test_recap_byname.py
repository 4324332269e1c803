"""By-name lists: scoped to the requester, NIK masked per role, streamed in a fixed number of queries."""

import datetime
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesos.accounts.models import Role
from kesos.reports.recap import Params
from kesos.reports.recaps.byname import build_cases, build_persons, build_residents
from lks.models import Lks, Placement
from ppks.models import Case, Household, HouseholdMember, Person, PersonCategory, PpksCategory, Referensi
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
MANTUIL = "63.71.01.1001"  # Banjarmasin Selatan, Kota Banjarmasin
PALAM = "63.72.03.1001"  # Cempaka, Kota Banjarbaru
NIK = {"Ani": "6371014101800001", "Budi": "6371010202750002", "Citra": "6372034303900003",
       "Dodi": "6371010404600004", "Eko": "6372030505550005"}  # fmt: skip


def user_with(role, region, lks=None, name=""):
    user = UserFactory(full_name=name or f"Pegawai {role}")
    AssignmentFactory(user=user, role=role, wilayah_id=region, lks=lks)
    return user


RECORDED = D(2024, 1, 10)


def holds(person, abbr_code, recorded=RECORDED, ended=None):
    PersonCategory.objects.create(person=person, category=PpksCategory.objects.get(code=abbr_code), source="datang",
                                  recorded_on=recorded, ended_on=ended)  # fmt: skip


@pytest.fixture
def world():
    tksk = user_with(Role.TKSK, "63.72.03")
    people = {}
    for name, code, creator in [("Ani", MANTUIL, None), ("Budi", MANTUIL, None), ("Citra", PALAM, tksk),
                                ("Dodi", MANTUIL, None), ("Eko", PALAM, None)]:  # fmt: skip
        people[name] = Person.objects.create(
            name=name, nik=NIK[name], sex="P" if name in ("Ani", "Citra") else "L", wilayah_id=code,
            birth_date=D(1980, 1, 1), address="Jl. Mantuil", rt="001", rw="002", created_by=creator,
        )  # fmt: skip
    holds(people["Ani"], "PPKS-09")  # PD
    holds(people["Ani"], "PPKS-08")  # LUT
    holds(people["Budi"], "PPKS-24")  # FM
    holds(people["Citra"], "PPKS-08")
    holds(people["Eko"], "PPKS-11")
    holds(people["Dodi"], "PPKS-08", ended=D(2024, 12, 31))  # ended before 2025: not in the 2025 list
    return {"people": people, "tksk": tksk}


def rows_of(recap):
    return list(recap.rows)


# --- Persons ------------------------------------------------------------------------------------------
def test_an_operator_of_banjarmasin_gets_only_banjarmasin_people_with_a_ppks_category(world):
    operator = user_with(Role.OPERATOR_KABKOTA, "63.71")
    for region in ("63.71", "63"):  # asking for the whole province still yields only their kab/kota
        rows = rows_of(build_persons(Params(region=region, year=2025), user=operator))
        assert [row[2] for row in rows] == ["Ani", "Budi"]
    ani = rows_of(build_persons(Params(region="63.71", year=2025), user=operator))[0]
    assert ani == [1, NIK["Ani"], "Ani", "Perempuan", "", "01/01/1980", "Jl. Mantuil RT 001/RW 002", MANTUIL,
                   "Mantuil", "Banjarmasin Selatan", "Kota Banjarmasin", "LUT, PD"]  # fmt: skip


def test_an_admin_provinsi_lists_the_province_by_desa_and_name(world):
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    recap = build_persons(Params(region="63", year=2025), user=admin)
    rows = rows_of(recap)
    assert [(row[0], row[2], row[-1]) for row in rows] == [(1, "Ani", "LUT, PD"), (2, "Budi", "FM"),
                                                           (3, "Citra", "LUT"), (4, "Eko", "Gel")]  # fmt: skip
    assert recap.row_count == 4 and recap.region == "PROVINSI KALIMANTAN SELATAN" and recap.period == "TAHUN 2025"
    # Dodi's category ended in 2024: he is in the 2024 list.
    assert "Dodi" in [row[2] for row in rows_of(build_persons(Params(region="63", year=2024), user=admin))]


def test_a_tksk_sees_the_full_nik_only_of_the_people_they_reported(world):
    rows = rows_of(build_persons(Params(region="63.72", year=2025), user=world["tksk"]))
    assert [(row[2], row[1]) for row in rows] == [("Citra", NIK["Citra"]), ("Eko", "************0005")]


def test_the_rows_are_an_iterator_with_a_known_length(world):
    recap = build_persons(Params(region="63", year=2025), user=user_with(Role.ADMIN_PROVINSI, "63"))
    assert isinstance(recap.rows, Iterator) and not isinstance(recap.rows, list)
    assert recap.row_count == len(rows_of(recap)) == 4
    assert len(recap.columns) == 12


def consumed_queries(build, user, region="63") -> int:
    with CaptureQueriesContext(connection) as queries:
        recap = build(Params(region=region, year=2025), user=user)
        rows_of(recap)
    return len(queries)


def test_the_persons_list_runs_four_queries_however_many_rows(world):
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    consumed_queries(build_persons, admin)  # warm the user's scope
    before = consumed_queries(build_persons, admin)
    for n in range(6):
        person = Person.objects.create(name=f"Tambahan {n}", sex="L", wilayah_id=PALAM, nik=f"63720399990000{n:02d}")
        holds(person, "PPKS-02")
    assert consumed_queries(build_persons, admin) == before == 4


# --- Cases --------------------------------------------------------------------------------------------
@pytest.fixture
def cases(world):
    reporter = user_with(Role.OPERATOR_KABKOTA, "63.71", name="Rahmat Hidayat")
    worker = user_with(Role.PEKERJA_SOSIAL, "63.71", name="Siti Rahmah")
    people = world["people"]
    household = Household.objects.create(no_kk="6371010101200001", wilayah_id=MANTUIL)
    HouseholdMember.objects.create(household=household, person=people["Budi"],
                                   relation=Referensi.objects.get(kind="hubungan", code="kepala"))  # fmt: skip

    def case(number, opened, closed=None, code=MANTUIL, categories=("PPKS-08",), **subject):
        made = Case.objects.create(
            number=number, wilayah_id=code, source="datang", reported_by=reporter, summary="Uji", stage="asesmen",
            opened_at=timezone.make_aware(datetime.datetime(*opened, 9)), assigned_worker=worker,
            closed_at=timezone.make_aware(datetime.datetime(*closed, 9)) if closed else None, **subject,
        )  # fmt: skip
        made.categories.set(PpksCategory.objects.filter(code__in=categories))
        return made

    case("6371-2025-000001", (2025, 2, 1), person=people["Ani"], categories=("PPKS-09", "PPKS-08"))
    case("6371-2025-000002", (2025, 3, 1), household=household, categories=("PPKS-24",))
    case("6371-2024-000009", (2024, 2, 1), closed=(2024, 12, 1), person=people["Dodi"])  # closed before 2025
    case("6372-2025-000003", (2025, 4, 1), code=PALAM, person=people["Citra"])
    return {"reporter": reporter, "worker": worker}


def test_the_cases_list_holds_the_regions_cases_open_in_the_year(cases):
    rows = rows_of(build_cases(Params(region="63.71", year=2025), user=cases["reporter"]))
    assert [row[1] for row in rows] == ["6371-2025-000001", "6371-2025-000002"]
    assert rows[0] == [1, "6371-2025-000001", NIK["Ani"], "Ani", "Perempuan", "01/01/1980", "Mantuil",
                       "Banjarmasin Selatan", "Kota Banjarmasin", "LUT, PD", "Asesmen", "01/02/2025", "",
                       "Siti Rahmah"]  # fmt: skip
    assert rows[1][2:4] == ["", "Keluarga Budi"]  # a household case
    assert "6371-2024-000009" in [row[1] for row in rows_of(build_cases(Params("63.71", 2024), user=cases["reporter"]))]


def test_an_operator_of_banjarmasin_gets_no_banjarbaru_case(cases):
    rows = rows_of(build_cases(Params(region="63", year=2025), user=cases["reporter"]))
    assert "6372-2025-000003" not in [row[1] for row in rows] and len(rows) == 2


def test_the_cases_list_runs_a_fixed_number_of_queries(cases):
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    consumed_queries(build_cases, admin)
    before = consumed_queries(build_cases, admin)
    Case.objects.create(number="6372-2025-000010", wilayah_id=PALAM, source="datang", reported_by=admin,
                        summary="Uji", opened_at=timezone.now(), person=Person.objects.get(name="Eko"))  # fmt: skip
    assert consumed_queries(build_cases, admin) == before == 4


# --- Residents ---------------------------------------------------------------------------------------
@pytest.fixture
def residents(world):
    people = world["people"]
    lks_bjm = Lks.objects.create(name="Panti Sosial Tresna Werdha Budi Sejahtera", wilayah_id=MANTUIL, address="Jl.")
    lks_bjb = Lks.objects.create(name="Panti Asuhan Cempaka", wilayah_id=PALAM, address="Jl.")
    admin = user_with(Role.ADMIN_PROVINSI, "63")
    for person, lks, admitted, exit_on, reason in [
        (people["Ani"], lks_bjm, D(2024, 5, 1), None, ""),
        (people["Dodi"], lks_bjm, D(2024, 1, 1), D(2025, 6, 30), "kembali_keluarga"),
        (people["Budi"], lks_bjm, D(2023, 1, 1), D(2024, 6, 30), "mandiri"),  # left before 2025
        (people["Citra"], lks_bjb, D(2025, 1, 5), None, ""),
    ]:
        Placement.objects.create(lks=lks, person=person, admitted_on=admitted, exit_on=exit_on, exit_reason=reason,
                                 created_by=admin)  # fmt: skip
    return {"lks_bjm": lks_bjm, "admin": admin}


def test_the_residents_list_holds_the_regions_lks_residents_of_the_year(residents):
    rows = rows_of(build_residents(Params(region="63.71", year=2025), user=residents["admin"]))
    assert [(row[3], row[-1]) for row in rows] == [("Ani", "Masih dilayani"), ("Dodi", "Keluar: Kembali ke keluarga")]
    assert rows[0] == [1, "Panti Sosial Tresna Werdha Budi Sejahtera", NIK["Ani"], "Ani", "Perempuan", "01/01/1980",
                       "Mantuil", "Banjarmasin Selatan", "Kota Banjarmasin", "LUT, PD", "Ya", "01/05/2024", "",
                       "Masih dilayani"]  # fmt: skip
    assert rows[1][12] == "30/06/2025"


def test_a_social_worker_gets_the_residents_with_the_nik_masked(residents):
    peksos = user_with(Role.PEKERJA_SOSIAL, "63.71")
    rows = rows_of(build_residents(Params(region="63", year=2025), user=peksos))
    assert [(row[3], row[2]) for row in rows] == [("Ani", "************0001"), ("Dodi", "************0004")]


def test_an_lks_operator_gets_only_their_own_residents_with_the_full_nik(residents):
    operator = user_with(Role.OPERATOR_LKS, "63.71", lks=residents["lks_bjm"])
    rows = rows_of(build_residents(Params(region="63", year=2025), user=operator))
    assert [(row[3], row[2]) for row in rows] == [("Ani", NIK["Ani"]), ("Dodi", NIK["Dodi"])]


def test_the_residents_list_runs_a_fixed_number_of_queries(residents):
    admin = residents["admin"]
    consumed_queries(build_residents, admin)
    before = consumed_queries(build_residents, admin)
    Placement.objects.create(lks=residents["lks_bjm"], person=Person.objects.get(name="Eko"),
                             admitted_on=D(2025, 2, 2), created_by=admin)  # fmt: skip
    assert consumed_queries(build_residents, admin) == before == 4
