"""The dashboard (/dasbor/): hand-counted figures of a made-up province, drill-down, scope and roles.

Provinsi Uji (99) has Kabupaten Satu (99.01: kecamatan Hulu and Hilir, two desa each) and Kabupaten Dua
(99.02: kecamatan Tengah, two desa). Records in Kalimantan Selatan (63) sit beside them and must never
be counted on 99's dashboard.
"""

import datetime
import json
import re
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kesos.accounts.models import Role
from kesos.reports.dashboard import dashboard, month_starts
from kesos.wilayah.models import Level, Wilayah
from lks.models import Accreditation, Lks, LksType
from pilar.choices import MemberStatus
from pilar.models import Member, PilarType, Posting
from ppks.models import Case, Household, Person, PersonCategory, PpksCategory
from ppks.workflow import Stage
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db
WITA = zoneinfo.ZoneInfo("Asia/Makassar")  # settings.TIME_ZONE: the zone of users without an office
URL = "/dasbor/"


def user_with(role, region):
    # No office: the made-up province has no time zone; the default zone (WITA) applies.
    user = UserFactory(office=None)
    AssignmentFactory(user=user, role=role, wilayah_id=region)
    return user


@pytest.fixture
def province(reference_rows):
    root = Wilayah.objects.create(code="99", name="Provinsi Uji", level=Level.PROVINSI, kind="provinsi")
    layout = {"99.01": ("Kabupaten Satu", ["Hulu", "Hilir"]), "99.02": ("Kabupaten Dua", ["Tengah"])}
    for kab_code, (kab_name, kecamatan) in layout.items():
        kab = Wilayah.objects.create(code=kab_code, name=kab_name, level=Level.KABKOTA, kind="kabupaten", parent=root)
        for k, name in enumerate(kecamatan, start=1):
            kec = Wilayah.objects.create(
                code=f"{kab_code}.0{k}", name=name, level=Level.KECAMATAN, kind="kecamatan", parent=kab
            )
            for n in (1, 2):
                Wilayah.objects.create(
                    code=f"{kec.code}.200{n}", name=f"Desa {name} {n}", level=Level.DESA, kind="desa", parent=kec
                )
    return root


def category(number):
    return PpksCategory.objects.get(code=f"PPKS-{number:02d}")


def hold(holder, number, *, recorded_on=None, ended_on=None):
    owner = {"household": holder} if isinstance(holder, Household) else {"person": holder}
    return PersonCategory.objects.create(
        **owner, category=category(number), source="datang", recorded_on=recorded_on or datetime.date(2025, 1, 2),
        ended_on=ended_on,
    )  # fmt: skip


def person(name, code):
    return Person.objects.create(name=name, sex="L", wilayah_id=code)


def case(reporter, subject, *, stage=Stage.DILAPORKAN, opened_at, closed_at=None):
    number = f"K-{Case.objects.count() + 1}"
    made = Case.objects.create(
        number=number, person=subject, wilayah_id=subject.wilayah_id, source="datang", reported_by=reporter,
        stage=stage, summary="Uji", opened_at=opened_at, closed_at=closed_at,
    )  # fmt: skip
    made.categories.add(category(2))
    return made


def lks(name, code, types, *, status="aktif"):
    made = Lks.objects.create(name=name, wilayah_id=code, address="Jl. Uji", status=status)
    made.types.set(LksType.objects.filter(code__in=types))
    return made


def accredit(institution, grade, recorder, *, on, until):
    Accreditation.objects.create(
        lks=institution, grade=grade, certificate_number=f"{institution.pk}-{grade}", accredited_on=on,
        valid_until=until, recorded_by=recorder,
    )  # fmt: skip


def post(type_code, code, name, *, status=MemberStatus.AKTIF, starts_on=datetime.date(2025, 1, 1), ends_on=None):
    kind = PilarType.objects.get(code=type_code)
    member = Member.objects.create(type=kind, name=name, wilayah_id=code, status=status)
    Posting.objects.create(member=member, wilayah_id=code, starts_on=starts_on, ends_on=ends_on)
    return member


def months_ago(now_local: datetime.datetime, n: int, day: int = 15) -> datetime.datetime:
    year, month = now_local.year, now_local.month - n
    while month < 1:
        year, month = year - 1, month + 12
    return datetime.datetime(year, month, day, 10, 0, tzinfo=WITA)


@pytest.fixture
def world(province):
    """The hand-counted data. Expected figures for province 99 are written out in each test."""
    reporter = user_with(Role.OPERATOR_KABKOTA, "63")
    today = timezone.localdate(timezone=WITA)
    now = timezone.now()
    now_local = timezone.localtime(now, WITA)

    # PPKS. Ani holds AT and FM; Budi AT; Cici's LUT ended yesterday, her PD is current; Dodi (AT) was
    # merged into Ani; Euis holds nothing; the Keluarga Hulu holds FM; Fahmi (AT) lives in Banjarmasin.
    ani = person("Ani Rahasia", "99.01.01.2001")
    hold(ani, 2)
    hold(ani, 24)
    budi = person("Budi Rahasia", "99.01.02.2001")
    hold(budi, 2)
    cici = person("Cici Rahasia", "99.02.01.2001")
    hold(cici, 8, ended_on=today - datetime.timedelta(days=1))
    hold(cici, 9, recorded_on=today)
    dodi = Person.objects.create(name="Dodi Rahasia", sex="L", wilayah_id="99.01.01.2002", merged_into=ani)
    hold(dodi, 2)
    person("Euis Rahasia", "99.02.01.2002")
    hold(Household.objects.create(wilayah_id="99.02.01.2001"), 24)
    fahmi = person("Fahmi Rahasia", "63.71.01.1001")
    hold(fahmi, 2)

    # Cases. Open: Ani's (this month) and Cici's (13 months ago); Budi's opened two months ago and was
    # closed this month; Fahmi's (open, this month) is in another province.
    case(reporter, ani, stage=Stage.INTERVENSI, opened_at=now)
    case(reporter, budi, stage=Stage.DITUTUP, opened_at=months_ago(now_local, 2), closed_at=now)
    case(reporter, cici, opened_at=months_ago(now_local, 13))
    case(reporter, fahmi, opened_at=now)

    # LKS. Counted: Panti Satu (anak + disabilitas, A in force), Panti Dua (lansia, B expired yesterday),
    # Panti Lima (anak, C in force after an A that expired). Not counted: Panti Tiga (tidak aktif) and
    # the Banjarmasin one.
    one = lks("Panti Satu", "99.01.01.2001", ["anak", "disabilitas"])
    accredit(one, "A", reporter, on=datetime.date(2024, 1, 1), until=today + datetime.timedelta(days=300))
    two = lks("Panti Dua", "99.02.01.2001", ["lansia"])
    accredit(two, "B", reporter, on=datetime.date(2022, 1, 1), until=today - datetime.timedelta(days=1))
    lks("Panti Tiga", "99.01.02.2001", ["anak"], status="tidak_aktif")
    five = lks("Panti Lima", "99.02.01.2002", ["anak"])
    accredit(five, "A", reporter, on=datetime.date(2018, 1, 1), until=datetime.date(2023, 1, 1))
    accredit(five, "C", reporter, on=datetime.date(2023, 6, 1), until=today + datetime.timedelta(days=30))
    lks("Panti Banjarmasin", "63.71.01.1001", ["anak"])

    # Pillars. Counted: the TKSK of Hulu. Not counted: Hilir's posting ended today, Tengah's TKSK is
    # non-aktif, the Banjarmasin TKSK. A Karang Taruna serves Desa Hulu 1.
    post("tksk", "99.01.01", "Tenaga Hulu")
    post("tksk", "99.01.02", "Tenaga Hilir", ends_on=today)
    post("tksk", "99.02.01", "Tenaga Tengah", status=MemberStatus.NON_AKTIF)
    post("tksk", "63.71.01", "Tenaga Banjarmasin")
    post("karang_taruna", "99.01.01.2001", "Karang Taruna Hulu")
    return {"now_local": now_local}


def number(page: str, testid: str) -> str:
    found = re.search(rf'data-testid="{re.escape(testid)}">([^<]*)<', page)
    assert found, f"{testid} tidak ada di halaman"
    return found.group(1).strip()


def get(client, user, **query):
    client.force_login(user)
    return client.get(URL, query)


# --- The figures --------------------------------------------------------------------------------------
def test_the_province_totals_count_only_current_holders_open_cases_active_lks_and_serving_tksk(client, world):
    page = get(client, user_with(Role.PIMPINAN, "99")).content.decode()
    assert number(page, "wilayah-dasbor") == "Provinsi Uji"
    assert number(page, "total-orang") == "3"  # Ani, Budi, Cici
    assert number(page, "total-keluarga") == "1"
    assert number(page, "total-kasus-terbuka") == "2"
    assert number(page, "total-dibuka") == "2" and number(page, "total-ditutup") == "1"
    assert number(page, "total-lks") == "3"
    assert number(page, "total-tksk") == "1"


def test_ppks_are_counted_per_category_with_a_holder_of_two_in_each(client, world):
    page = get(client, user_with(Role.PIMPINAN, "99")).content.decode()
    assert number(page, "jenis-orang-PPKS-02") == "2"  # Ani and Budi; Dodi is merged, Fahmi elsewhere
    assert number(page, "jenis-orang-PPKS-24") == "1" and number(page, "jenis-keluarga-PPKS-24") == "1"
    assert number(page, "jenis-orang-PPKS-09") == "1"
    assert number(page, "jenis-orang-PPKS-08") == "0"  # Cici's LUT ended yesterday
    assert page.count('data-testid="jenis-orang-PPKS-') == 26


def test_each_kabkota_row_counts_its_own_records(client, world):
    page = get(client, user_with(Role.PIMPINAN, "99")).content.decode()
    columns = ("orang", "keluarga", "kasus", "lks", "tksk")
    assert [number(page, f"{k}-99.01") for k in columns] == ["2", "0", "1", "1", "1"]
    assert [number(page, f"{k}-99.02") for k in columns] == ["1", "1", "1", "2", "0"]
    assert page.count('data-testid="baris-wilayah"') == 2  # no row for old codes: nothing is there


def test_lks_are_counted_per_type_and_per_grade_in_force_today(client, world):
    page = get(client, user_with(Role.PIMPINAN, "99")).content.decode()
    assert number(page, "lks-jenis-lksa") == "2"
    assert number(page, "lks-jenis-lks-pd") == "1" and number(page, "lks-jenis-lks-lu") == "1"
    assert number(page, "lks-jenis-lks-napza") == "0"
    grades = [number(page, f"akreditasi-{g}") for g in ("A", "B", "C", "Belum")]
    assert grades == ["1", "0", "1", "1"]


def test_pillar_coverage_counts_kecamatan_with_a_serving_tksk_and_desa_with_karang_taruna(client, world):
    page = get(client, user_with(Role.PIMPINAN, "99")).content.decode()
    assert number(page, "cakupan-tksk") == "1/3" and number(page, "cakupan-kt") == "1/6"
    assert number(page, "cakupan-tksk-99.01") == "1/2" and number(page, "cakupan-tksk-99.02") == "0/1"


def test_cases_are_counted_in_the_month_they_were_opened_and_closed(client, world):
    now_local = world["now_local"]
    this_month, two_ago = f"{now_local:%Y-%m}", f"{months_ago(now_local, 2):%Y-%m}"
    page = get(client, user_with(Role.PIMPINAN, "99")).content.decode()
    assert number(page, f"dibuka-{this_month}") == "1" and number(page, f"ditutup-{this_month}") == "1"
    assert number(page, f"dibuka-{two_ago}") == "1" and number(page, f"ditutup-{two_ago}") == "0"
    assert page.count('data-testid="dibuka-') == 12  # Cici's case, 13 months old, is outside the chart


def test_a_case_opened_late_in_the_evening_utc_falls_in_the_next_month_of_the_office(province):
    reporter = user_with(Role.OPERATOR_KABKOTA, "99")
    now = datetime.datetime(2025, 11, 20, 3, 0, tzinfo=datetime.UTC)
    subject = person("Gina Rahasia", "99.01.01.2001")
    # 31 October 2025, 20:00 UTC is 1 November 04:00 WITA.
    case(reporter, subject, opened_at=datetime.datetime(2025, 10, 31, 20, 0, tzinfo=datetime.UTC))
    with timezone.override(WITA):
        d = dashboard(region=province, now=now)
    counts = {m.month: m.opened for m in d.months}
    assert counts[datetime.date(2025, 11, 1)] == 1 and counts[datetime.date(2025, 10, 1)] == 0
    assert [m.month for m in d.months][0] == datetime.date(2024, 12, 1)


def test_the_twelve_months_run_up_to_the_current_one():
    now = datetime.datetime(2026, 1, 1, 1, 0, tzinfo=WITA)  # still 31 December in UTC
    months = month_starts(now, WITA)
    assert months[-1] == datetime.date(2026, 1, 1) and months[0] == datetime.date(2025, 2, 1) and len(months) == 12


# --- Drill-down --------------------------------------------------------------------------------------
def test_a_kabkota_links_to_its_own_dashboard_which_shows_its_kecamatan(client, world):
    pimpinan = user_with(Role.PIMPINAN, "99")
    page = get(client, pimpinan).content.decode()
    assert 'href="/dasbor/?wilayah=99.01"' in page
    page = get(client, pimpinan, wilayah="99.01").content.decode()
    assert number(page, "wilayah-dasbor") == "Kabupaten Satu"
    assert number(page, "buka-99.01.01") == "Hulu" and number(page, "buka-99.01.02") == "Hilir"
    assert [number(page, f"orang-99.01.0{k}") for k in (1, 2)] == ["1", "1"]
    assert [number(page, f"kasus-99.01.0{k}") for k in (1, 2)] == ["1", "0"]
    assert number(page, "total-orang") == "2" and number(page, "total-lks") == "1"
    assert number(page, "wilayah-induk-99") == "Provinsi Uji"  # the way back up


def test_a_kecamatan_is_the_last_level_and_shows_its_desa_without_links(client, world):
    page = get(client, user_with(Role.PIMPINAN, "99"), wilayah="99.01.01").content.decode()
    assert number(page, "wilayah-dasbor") == "Kecamatan Hulu"
    assert number(page, "orang-99.01.01.2001") == "1" and number(page, "orang-99.01.01.2002") == "0"  # Dodi merged
    assert "?wilayah=99.01.01.2001" not in page
    assert number(page, "total-tksk") == "1" and number(page, "cakupan-tksk") == "1/1"
    assert number(page, "wilayah-induk-99.01") == "Kabupaten Satu"


def test_the_breadcrumb_stops_at_the_users_own_region(client, world):
    page = get(client, user_with(Role.OPERATOR_KABKOTA, "99.01"), wilayah="99.01.02").content.decode()
    assert 'data-testid="wilayah-induk-99.01"' in page and 'data-testid="wilayah-induk-99"' not in page


def test_a_desa_is_not_a_dashboard(client, world):
    assert get(client, user_with(Role.PIMPINAN, "99"), wilayah="99.01.01.2001").status_code == 404


def test_records_with_an_old_region_code_are_gathered_in_one_row(client, world):
    Wilayah.objects.filter(code="99.02").update(active=False)
    page = get(client, user_with(Role.PIMPINAN, "99")).content.decode()
    assert number(page, "orang-lama") == "1" and number(page, "lks-lama") == "2"
    assert number(page, "total-orang") == "3"


# --- Scope and roles ---------------------------------------------------------------------------------
def test_a_kabkota_operator_gets_their_kabkota_and_a_404_for_anywhere_else(client, world):
    operator = user_with(Role.OPERATOR_KABKOTA, "99.02")
    page = get(client, operator).content.decode()
    assert number(page, "wilayah-dasbor") == "Kabupaten Dua" and number(page, "total-orang") == "1"
    for elsewhere in ("99", "99.01", "99.01.01", "63", "tidak-ada"):
        assert get(client, operator, wilayah=elsewhere).status_code == 404


def test_an_admin_of_another_province_cannot_open_this_one(client, world):
    assert get(client, user_with(Role.ADMIN_PROVINSI, "63"), wilayah="99").status_code == 404


@pytest.mark.parametrize(
    ("role", "region"),
    [(Role.TKSK, "99.01.01"), (Role.PEKERJA_SOSIAL, "99.01"), (Role.OPERATOR_LKS, None), (Role.AUDITOR, "99")],
)
def test_roles_without_aggregates_are_refused(client, province, role, region):
    user = UserFactory(office=None)
    if role == Role.OPERATOR_LKS:
        AssignmentFactory(user=user, role=role, wilayah=None, lks=lks("Panti Operator", "99.01.01.2001", ["anak"]))
    else:
        AssignmentFactory(user=user, role=role, wilayah_id=region)
    assert get(client, user).status_code == 403
    assert get(client, user, wilayah="99").status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client, province):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_pimpinan_sees_numbers_and_never_a_name(client, world):
    response = get(client, user_with(Role.PIMPINAN, "99"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Rahasia" not in page and "Panti" not in page and "Tenaga" not in page and "Karang Taruna Hulu" not in page


def test_the_home_page_offers_the_dashboard_to_aggregate_roles_only(client, province):
    client.force_login(user_with(Role.PIMPINAN, "99"))
    assert 'data-testid="buka-dasbor"' in client.get(reverse("home")).content.decode()
    client.force_login(user_with(Role.TKSK, "99.01.01"))
    assert 'data-testid="buka-dasbor"' not in client.get(reverse("home")).content.decode()


# --- The page and its charts -------------------------------------------------------------------------
def test_the_chart_numbers_go_to_the_page_as_json_and_equal_the_tables(client, world):
    page = get(client, user_with(Role.PIMPINAN, "99")).content.decode()
    data = json.loads(page.split('<script id="dasbor-data" type="application/json">')[1].split("</script>")[0])
    areas = data["grafik-wilayah"]
    assert areas["labels"] == ["Kabupaten Satu", "Kabupaten Dua"]
    assert areas["links"] == ["/dasbor/?wilayah=99.01", "/dasbor/?wilayah=99.02"]
    assert areas["datasets"][0]["data"] == [2, 1]
    assert data["grafik-lks-akreditasi"]["datasets"][0]["data"] == [1, 0, 1, 1]
    assert sum(data["grafik-kasus-bulan"]["datasets"][0]["data"]) == 2
    assert "<script>" not in page and " style=" not in page  # the CSP allows neither
    assert "vendor/chartjs/chart.umd.min.js" in page and "kesos/dashboard.js" in page


def test_the_number_of_queries_does_not_grow_with_the_data(client, world):
    pimpinan = user_with(Role.PIMPINAN, "99")
    client.force_login(pimpinan)
    province = Wilayah.objects.get(code="99")
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    with CaptureQueriesContext(connection) as builder_few:
        dashboard(region=province)

    reporter = user_with(Role.OPERATOR_KABKOTA, "99")
    now = timezone.now()
    for i in range(30):
        code = f"99.0{i % 2 + 1}.01.200{i % 2 + 1}"
        extra = person(f"Orang {i}", code)
        hold(extra, i % 26 + 1)
        case(reporter, extra, opened_at=now - datetime.timedelta(days=20 * i))
        lks(f"Lembaga {i}", code, ["anak", "lansia"])
        post("tksk", code[:8], f"TKSK {i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    with CaptureQueriesContext(connection) as builder_many:
        dashboard(region=province)
    assert len(many) == len(few)
    # Areas, categories, LKS types, 2 PPKS, 3 case, 2 LKS, 2 TKSK and 7 coverage queries.
    assert len(builder_many) == len(builder_few) == 19
