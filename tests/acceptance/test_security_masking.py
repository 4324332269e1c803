"""Issue 13, "Done when" (item 2): for every person a TKSK or a Pekerja Sosial sees with a masked NIK,
nothing on the page, print, API or export lets the full NIK be computed.

A NIK is the kecamatan code (6 digits), the birth date as DDMMYY (DD + 40 for women) and a 4-digit
serial. The test does what the attacker did: it collects everything the persona is shown (pages, print
sheets, API lists and records, exports where the role may export, the LKS resident pages), takes every
region code, every date and every masked NIK's visible digits from it, and tries every combination.
"""

import contextlib
import datetime
import itertools
import re

import pytest
from django.urls import reverse

from kesos.accounts.models import Role
from kesos.wilayah.models import Wilayah
from lks import services as lks_services
from lks.models import LksType
from ppks.models import Case, Household, HouseholdMember, Person, Referensi
from tests.acceptance.test_access import login, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

CEMPAKA = "63.72.03.1001"  # a desa of kecamatan Cempaka, Banjarbaru
MANTUIL = "63.71.01.1001"  # a desa of Banjarmasin Selatan, another kab/kota
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]  # fmt: skip


def nik_of(desa: str, born: datetime.date, sex: str, serial: str) -> str:
    day = born.day + (40 if sex == "P" else 0)
    return desa.replace(".", "")[:6] + f"{day:02d}{born.month:02d}{born.year % 100:02d}" + serial


def person(name, desa, born, sex, serial, **extra) -> Person:
    return Person.objects.create(
        name=name, sex=sex, birth_date=born, birth_place="Banjarbaru", nik=nik_of(desa, born, sex, serial),
        wilayah_id=desa, address="Jl. Uji", **extra,
    )  # fmt: skip


# --- What an attacker gets out of the responses ---------------------------------------------------------
def dates_in(text: str) -> set[datetime.date]:
    found = set()
    patterns = [
        (r"\b(\d{1,2})[/-](\d{1,2})[/-](\d{4})\b", lambda d, m, y: (y, m, d)),
        (r"\b(\d{4})-(\d{2})-(\d{2})\b", lambda y, m, d: (y, m, d)),
    ]
    for pattern, order in patterns:
        for match in re.finditer(pattern, text):
            y, m, d = order(*match.groups())
            with contextlib.suppress(ValueError):  # 31/02/...: not a date
                found.add(datetime.date(int(y), int(m), int(d)))
    for d, month, y in re.findall(rf"\b(\d{{1,2}}) ({'|'.join(MONTHS)}) (\d{{4}})\b", text):
        found.add(datetime.date(int(y), MONTHS.index(month) + 1, int(d)))
    return found


def region_codes_in(text: str) -> set[str]:
    """Kecamatan codes: from dotted region codes (63.72.03...), from any run of 6+ digits, from a mask's head."""
    codes = {"".join(m) for m in re.findall(r"\b(\d\d)\.(\d\d)\.(\d\d)\b", text)}
    codes |= {run[:6] for run in re.findall(r"\d{6,}", text)}
    return codes


def serials_in(text: str) -> set[str]:
    return set(re.findall(r"\*+(\d{4})\b", text))


def reconstructions(text: str) -> set[str]:
    """Every NIK the shown region codes, dates (either sex) and visible serials can make."""
    return {
        f"{region}{born.day + plus:02d}{born.month:02d}{born.year % 100:02d}{serial}"
        for region, born, plus, serial in itertools.product(
            region_codes_in(text), dates_in(text), (0, 40), serials_in(text)
        )
    }


def date_forms(born: datetime.date) -> list[str]:
    return [born.strftime("%d/%m/%Y"), born.strftime("%d-%m-%Y"), born.isoformat(),
            f"{born.day} {MONTHS[born.month - 1]} {born.year}"]  # fmt: skip


def age(born: datetime.date) -> int:
    today = datetime.date.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def collect(client, urls: list[str]) -> str:
    """What the persona is shown at `urls`; each answers (200, or 403 for an export the role may not make)."""
    texts = []
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403), (url, response.status_code)
        if response.status_code == 200:
            texts.append(body(response))
    return "\n".join(texts)


# --- The masking_world ----------------------------------------------------------------------------------------------
@pytest.fixture
def masking_world():
    admin = make_user("admin.kalsel", "63", Role.ADMIN_PROVINSI, "63")
    make_user("operator.banjarbaru", "63.72", Role.OPERATOR_KABKOTA, "63.72")
    tksk = make_user("tksk.cempaka", "63.72", Role.TKSK, "63.72.03")
    make_user("peksos.banjarbaru", "63.72", Role.PEKERJA_SOSIAL, "63.72")

    cempaka = [
        person("Jumberi", CEMPAKA, datetime.date(1965, 12, 14), "L", "0002"),
        person("Raudah", CEMPAKA, datetime.date(1999, 5, 5), "P", "0003"),
        person("Siti Aisyah", CEMPAKA, datetime.date(1987, 8, 21), "P", "0004", no_kk="6372031503100007"),
        person("Abdul Gani", CEMPAKA, datetime.date(1958, 3, 14), "L", "0005", no_kk="6372031503100007"),
    ]
    # The TKSK sees in full the NIK of the person they reported: not part of what must stay masked.
    reported = person("Masrani", CEMPAKA, datetime.date(1970, 1, 30), "L", "0006", created_by=tksk)
    family = Household.objects.create(no_kk="6372031503100007", wilayah_id=CEMPAKA, address="Jl. Uji")
    for member, relation in ((cempaka[3], "kepala"), (cempaka[2], "istri")):
        HouseholdMember.objects.create(
            household=family, person=member, relation=Referensi.objects.get(kind="hubungan", code=relation)
        )
    case = Case.objects.create(
        number="6372-2026-000001", person=cempaka[0], wilayah_id=CEMPAKA, source="datang", reported_by=admin,
        summary="Lansia terlantar", opened_at=datetime.datetime(2026, 2, 2, 9, tzinfo=datetime.UTC),
    )  # fmt: skip

    # Residents of a Banjarbaru LKS who come from Banjarmasin, and one from Cempaka.
    banjarmasin = [
        person("Ahmad Rizki", MANTUIL, datetime.date(2012, 7, 9), "L", "0011"),
        person("Nur Hidayah", MANTUIL, datetime.date(2010, 11, 27), "P", "0012"),
    ]
    lks = lks_services.lks_create(
        actor=admin, name="LKSA Cempaka", wilayah=Wilayah.objects.get(code=CEMPAKA), address="Jl. Panti",
        capacity=10, types=[LksType.objects.get(code="anak")],
    )  # fmt: skip
    placements = [
        lks_services.placement_create(actor=admin, lks=lks, person=p, admitted_on=datetime.date(2026, 1, 5))
        for p in [*banjarmasin, cempaka[1]]
    ]
    return {
        "cempaka": cempaka, "reported": reported, "banjarmasin": banjarmasin, "household": family, "case": case,
        "lks": lks, "placements": placements,
    }  # fmt: skip


def person_urls(p) -> list[str]:
    return [reverse("ppks:person", args=[p.pk]), reverse("ppks:person_print", args=[p.pk]),
            reverse("ppks-api:person-detail", args=[p.pk])]  # fmt: skip


def everything_shown_to_the_tksk(masking_world) -> str:
    client = login("tksk.cempaka")
    urls = [reverse("ppks:person_list"), reverse("ppks-api:person-list"), reverse("ppks:person_export"),
            reverse("ppks:household_list"), reverse("ppks:household", args=[masking_world["household"].pk]),
            reverse("ppks-api:household-detail", args=[masking_world["household"].pk]),
            reverse("ppks:case", args=[masking_world["case"].pk])]  # fmt: skip
    for p in [*masking_world["cempaka"], masking_world["reported"]]:
        urls += person_urls(p)
    return collect(client, urls)


def everything_shown_to_the_social_worker(masking_world) -> str:
    client = login("peksos.banjarbaru")
    lks = masking_world["lks"]
    urls = [reverse("lks:resident_list", args=[lks.pk]), reverse("lks-api:lks-residents", args=[lks.pk]),
            reverse("lks:resident_export", args=[lks.pk]), reverse("ppks:person_list"),
            reverse("ppks-api:person-list"), reverse("ppks:person_export")]  # fmt: skip
    urls += [reverse("lks:placement", args=[p.pk]) for p in masking_world["placements"]]
    for p in masking_world["cempaka"]:
        urls += person_urls(p)
    # The residents from Banjarmasin are outside the social worker's kab/kota: only the LKS shows them.
    for p in masking_world["banjarmasin"]:
        assert client.get(reverse("ppks:person", args=[p.pk])).status_code == 404
    return collect(client, urls)


def assert_no_masked_nik_can_be_recovered(shown: str, persons: list[Person]):
    candidates = reconstructions(shown)
    masked = [p for p in persons if p.nik not in shown]
    for p in masked:
        assert p.nik not in candidates, f"NIK of {p.name} reconstructed from what the persona is shown"
        assert f"{'*' * 12}{p.nik[-4:]}" in shown, p.name  # the person is there, with a masked NIK
        for form in date_forms(p.birth_date):
            assert form not in shown, f"birth date of {p.name} shown as {form}"
        assert re.search(rf"\b{age(p.birth_date)} (tahun|th)\b", shown), p.name  # what they get instead
    # Only the last four digits of a mask are shown: never the region prefix in front of the stars.
    assert not re.search(r"\d\*", shown)
    return masked


def test_the_api_gives_masked_roles_an_age_instead_of_a_birth_date(masking_world):
    jumberi = masking_world["cempaka"][0]
    record = login("tksk.cempaka").get(reverse("ppks-api:person-detail", args=[jumberi.pk])).json()
    assert record["nik"] == "************0002"
    assert record["birth_date"] is None and record["umur"] == age(jumberi.birth_date)
    residents = login("peksos.banjarbaru").get(reverse("lks-api:lks-residents", args=[masking_world["lks"].pk])).json()
    rizki = next(r for r in residents if r["person_name"] == "Ahmad Rizki")
    assert rizki["nik"] == "************0011" and rizki["birth_date"] is None
    assert rizki["umur"] == age(datetime.date(2012, 7, 9))


def test_the_kab_kota_operator_still_sees_the_full_nik_and_birth_date(masking_world):
    operator = login("operator.banjarbaru")
    jumberi = masking_world["cempaka"][0]
    page = body(operator.get(reverse("ppks:person", args=[jumberi.pk])))
    assert jumberi.nik in page and "14 Desember 1965" in page
    assert jumberi.nik in body(operator.get(reverse("ppks:person_print", args=[jumberi.pk])))
    record = operator.get(reverse("ppks-api:person-detail", args=[jumberi.pk])).json()
    assert record["nik"] == jumberi.nik and record["birth_date"] == "1965-12-14"
    export = body(operator.get(reverse("ppks:person_export")))
    assert jumberi.nik in export and "14/12/1965" in export and "6372031503100007" in export
    residents = operator.get(reverse("lks-api:lks-residents", args=[masking_world["lks"].pk])).json()
    raudah = next(r for r in residents if r["person_name"] == "Raudah")
    assert raudah["nik"] == masking_world["cempaka"][1].nik and raudah["birth_date"] == "1999-05-05"
    resident_export = body(operator.get(reverse("lks:resident_export", args=[masking_world["lks"].pk])))
    assert masking_world["banjarmasin"][0].nik in resident_export and "09/07/2012" in resident_export
