import contextlib
import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kesos.wilayah import nik as nik_module
from kesos.wilayah.models import Wilayah
from kesos.wilayah.nik import (
    KkField,
    NikField,
    clear_region_cache,
    normalize_digits,
    parse_kk,
    parse_nik,
    validate_kk,
    validate_nik,
)
from kesos.wilayah.zones import TIME_ZONE_BY_PROVINCE

FAST = settings(max_examples=200, deadline=None)
TODAY = datetime.date(2026, 6, 15)

# A small region table: kecamatan as (PP, KK, CC); the lookup knows them and their kab/kota.
REGIONS = [("63", "72", "03"), ("63", "71", "01"), ("35", "15", "14"), ("93", "01", "05"), ("11", "01", "01")]
KNOWN = {f"{p}.{k}" for p, k, _ in REGIONS} | {f"{p}.{k}.{c}" for p, k, c in REGIONS}


def known(code: str) -> bool:
    return code in KNOWN


def make_nik(region, birth: datetime.date, sex: str, serial: int) -> str:
    day = birth.day + (40 if sex == "P" else 0)
    return "".join(region) + f"{day:02}{birth:%m%y}{serial:04}"


def make_kk(region, issued_on: datetime.date, serial: int) -> str:
    return "".join(region) + f"{issued_on:%d%m%y}{serial:04}"


def parse(value, **kwargs):
    return parse_nik(value, today=TODAY, region_exists=known, **kwargs)


def rejected_code(func, value, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        func(value, today=TODAY, region_exists=known, **kwargs)
    return caught.value.code


def unambiguous(d: datetime.date) -> bool:
    """20YY would be in the future, so the two-digit year can only mean d's century."""
    return d.year >= 2000 or d.replace(year=d.year + 100) > TODAY


regions = st.sampled_from(REGIONS)
sexes = st.sampled_from(["L", "P"])
serials = st.integers(1, 9999)
birth_dates = st.dates(datetime.date(1926, 1, 1), TODAY)
valid_niks = st.builds(make_nik, regions, birth_dates, sexes, serials)


# --- Properties ------------------------------------------------------------------------------------
@FAST
@given(regions, birth_dates.filter(unambiguous), sexes, serials)
def test_a_built_nik_reads_back_its_birth_date_sex_kecamatan_and_serial(region, birth, sex, serial):
    info = parse(make_nik(region, birth, sex, serial))

    assert info.birth_date == birth
    assert info.sex == sex
    assert info.kecamatan_code == ".".join(region)
    assert info.province_code == region[0]
    assert info.serial == f"{serial:04}"
    assert info.warnings == ()


@FAST
@given(regions, birth_dates, sexes, serials)
def test_a_two_digit_year_is_read_as_the_only_date_in_the_last_hundred_years(region, birth, sex, serial):
    info = parse(make_nik(region, birth, sex, serial))

    assert f"{info.birth_date:%d%m%y}" == f"{birth:%d%m%y}"
    assert TODAY.replace(year=TODAY.year - 100) < info.birth_date <= TODAY


@FAST
@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_any_sixteen_digits_either_parse_or_raise_a_validation_error(value):
    try:
        info = parse(value)
    except ValidationError as error:
        assert error.code.startswith("nik_")
    else:
        assert info.nik == value


@FAST
@given(st.text(max_size=30))
def test_any_text_at_all_either_parses_or_raises_a_validation_error(value):
    for func in (parse_nik, parse_kk):
        with contextlib.suppress(ValidationError):
            func(value, today=TODAY, region_exists=known)


@FAST
@given(valid_niks, st.lists(st.sampled_from([" ", ".", "-"]), min_size=1, max_size=4), st.data())
def test_the_spaces_dots_and_hyphens_people_type_are_ignored(nik, separators, data):
    typed = nik
    for separator in separators:
        at = data.draw(st.integers(0, len(typed)))
        typed = typed[:at] + separator + typed[at:]

    assert normalize_digits(typed) == nik
    assert parse(typed) == parse(nik)


@FAST
@given(regions, birth_dates, sexes)
def test_serial_0000_is_rejected(region, birth, sex):
    assert rejected_code(parse_nik, make_nik(region, birth, sex, 0)) == "nik_serial"


@FAST
@given(valid_niks, st.sampled_from([0, *range(32, 41), *range(72, 100)]))
def test_a_day_that_is_neither_a_man_s_nor_a_woman_s_is_rejected(nik, day):
    assert rejected_code(parse_nik, nik[:6] + f"{day:02}" + nik[8:]) == "nik_day"


@FAST
@given(valid_niks, st.integers(0, 15), st.characters(exclude_categories=["Nd"], exclude_characters=" .-\t\n\r"))
def test_a_nik_with_a_character_that_is_not_a_digit_is_rejected(nik, at, char):
    assume(not char.isspace())
    assert rejected_code(parse_nik, nik[:at] + char + nik[at + 1 :]) == "nik_digits"


@FAST
@given(st.text(alphabet="0123456789", max_size=30).filter(lambda s: len(s) != 16))
def test_too_few_or_too_many_digits_are_rejected(value):
    with pytest.raises(ValidationError) as caught:
        parse(value)
    assert caught.value.code == "nik_length"
    assert f"(sekarang {len(value)} digit)" in caught.value.message


@FAST
@given(valid_niks, st.integers(0, 99).map(lambda n: f"{n:02}").filter(lambda p: p not in TIME_ZONE_BY_PROVINCE))
def test_an_unknown_province_is_rejected(nik, province):
    assert rejected_code(parse_nik, province + nik[2:]) == "nik_province"
    assert rejected_code(parse_kk, province + "72031506100001") == "kk_province"


@FAST
@given(valid_niks, st.sampled_from(["kabupaten/kota", "kecamatan"]))
def test_an_unknown_kab_kota_or_kecamatan_is_a_warning_not_an_error(nik, level):
    def lookup(code):
        return code.count(".") == 1 if level == "kecamatan" else False

    info = parse_nik(nik, today=TODAY, region_exists=lookup)

    assert info.nik == nik
    code = info.kecamatan_code if level == "kecamatan" else info.kecamatan_code[:5]
    assert info.warnings == (
        f"Kode {level} {code} pada NIK tidak ada di data wilayah terbaru; "
        "mungkin kode lama sebelum pemekaran. Periksa kembali.",
    )


@FAST
@given(valid_niks)
def test_a_lookup_that_cannot_tell_gives_no_warning(nik):
    assert parse_nik(nik, today=TODAY, region_exists=lambda code: None).warnings == ()


@FAST
@given(regions, st.dates(datetime.date(2000, 1, 1), TODAY), serials)
def test_a_built_kk_reads_back_its_region_date_and_serial(region, issued_on, serial):
    info = parse_kk(make_kk(region, issued_on, serial), today=TODAY, region_exists=known)

    assert (info.region_code, info.province_code) == (".".join(region), region[0])
    assert info.issued_on == issued_on
    assert info.serial == f"{serial:04}"
    assert info.warnings == ()


@FAST
@given(regions, st.dates(datetime.date(2000, 1, 1), TODAY), serials)
def test_a_kk_has_no_forty_added_to_the_day(region, issued_on, serial):
    kk = make_kk(region, issued_on, serial)
    assert rejected_code(parse_kk, kk[:6] + f"{issued_on.day + 40}" + kk[8:]) == "kk_date"


@FAST
@given(regions, st.dates(TODAY + datetime.timedelta(days=1), datetime.date(2099, 12, 31)), serials)
def test_a_kk_recorded_in_the_future_is_rejected(region, issued_on, serial):
    assert rejected_code(parse_kk, make_kk(region, issued_on, serial)) == "kk_future"


@FAST
@given(regions, st.dates(datetime.date(2000, 1, 1), TODAY))
def test_a_kk_with_family_serial_0000_is_rejected(region, issued_on):
    assert rejected_code(parse_kk, make_kk(region, issued_on, 0)) == "kk_serial"


# --- Examples --------------------------------------------------------------------------------------
def test_a_woman_s_nik_has_forty_added_to_the_day():
    info = parse_nik("6372034105900001", region_exists=known)

    assert (info.birth_date, info.sex) == (datetime.date(1990, 5, 1), "P")
    assert (info.kecamatan_code, info.province_code, info.serial) == ("63.72.03", "63", "0001")


def test_a_man_s_nik_has_the_plain_day():
    info = parse_nik("6372030105900001", region_exists=known)

    assert (info.birth_date, info.sex, info.kecamatan_code) == (datetime.date(1990, 5, 1), "L", "63.72.03")


def test_a_nik_typed_in_groups_is_read_as_its_sixteen_digits():
    assert parse("6372 0341 0590 0001").nik == "6372034105900001"
    assert parse("63.72.03-410590-0001").nik == "6372034105900001"


def test_a_two_digit_year_is_this_century_unless_that_is_in_the_future():
    assert parse("6372030105200001").birth_date == datetime.date(2020, 5, 1)
    assert parse("6372030107260001").birth_date == datetime.date(1926, 7, 1)
    # A person over 100 cannot be told from a child by the NIK alone: read as the child.
    assert parse("6372030105240001").birth_date == datetime.date(2024, 5, 1)


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("637203410590001", "nik_length", "NIK harus 16 digit angka (sekarang 15 digit)."),
        ("63720341O5900001", "nik_digits", "NIK hanya boleh berisi angka."),
        ("9972034105900001", "nik_province", "Kode provinsi 99 pada NIK tidak dikenal."),
        ("6300034105900001", "nik_kabkota", "Kode kabupaten/kota pada NIK tidak boleh 00."),
        ("6372004105900001", "nik_kecamatan", "Kode kecamatan pada NIK tidak boleh 00."),
        ("6372033102900001", "nik_date", "Tanggal lahir pada NIK tidak valid (31-02-1990)."),
        ("6372036902010001", "nik_date", "Tanggal lahir pada NIK tidak valid (29-02-2001)."),
        ("6372030113900001", "nik_date", "Tanggal lahir pada NIK tidak valid (01-13-1990)."),
        ("6372030105900000", "nik_serial", "Nomor urut pada NIK tidak boleh 0000."),
    ],
)
def test_a_rejected_nik_says_why_in_indonesian(value, code, message):
    with pytest.raises(ValidationError) as caught:
        validate_nik(value)
    assert (caught.value.code, caught.value.message) == (code, message)


def test_29_february_is_accepted_in_a_leap_year_after_removing_forty():
    info = parse("6372036902000001")

    assert (info.birth_date, info.sex) == (datetime.date(2000, 2, 29), "P")


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("63720315061000", "kk_length", "No. KK harus 16 digit angka (sekarang 14 digit)."),
        ("9972031506100001", "kk_province", "Kode provinsi 99 pada No. KK tidak dikenal."),
        ("6372033102100001", "kk_date", "Tanggal pencatatan pada No. KK tidak valid (31-02-2010)."),
        ("6372030107990001", "kk_future", "Tanggal pencatatan pada No. KK (01-07-2099) ada di masa depan."),
        ("6372031506100000", "kk_serial", "Nomor urut keluarga pada No. KK tidak boleh 0000."),
    ],
)
def test_a_rejected_kk_says_why_in_indonesian(value, code, message):
    with pytest.raises(ValidationError) as caught:
        validate_kk(value)
    assert (caught.value.code, caught.value.message) == (code, message)


def test_a_kk_reads_its_recording_date():
    info = parse_kk("6372 0315 0610 0001", region_exists=known)

    assert (info.kk, info.region_code, info.issued_on, info.serial) == (
        "6372031506100001",
        "63.72.03",
        datetime.date(2010, 6, 15),
        "0001",
    )


def test_the_django_validators_ignore_warnings_and_need_no_database():
    validate_nik("9101024105900001")  # 91.01 is Merauke's code before the 2022 split: a warning only
    validate_kk("9101021506100001")


# --- Form field ------------------------------------------------------------------------------------
class PersonForm(forms.Form):
    nik = NikField(label="NIK")
    kk = KkField(label="No. KK", required=False)


def test_the_nik_field_cleans_to_digits_reports_errors_and_keeps_warnings(monkeypatch):
    monkeypatch.setattr(nik_module, "region_in_table", known)

    form = PersonForm({"nik": "6372 0341 0590 0001", "kk": "6372-0315-0610-0001"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"nik": "6372034105900001", "kk": "6372031506100001"}
    assert form.fields["nik"].warnings == []

    form = PersonForm({"nik": "6372 0331 0290 0001"})
    assert not form.is_valid()
    assert form.errors["nik"] == ["Tanggal lahir pada NIK tidak valid (31-02-1990)."]

    form = PersonForm({"nik": ""})
    assert form.errors["nik"] == ["NIK wajib diisi."]

    form = PersonForm({"nik": "9101024105900001"})
    assert form.is_valid()
    assert form.fields["nik"].warnings == [
        "Kode kabupaten/kota 91.01 pada NIK tidak ada di data wilayah terbaru; "
        "mungkin kode lama sebelum pemekaran. Periksa kembali."
    ]
    assert PersonForm.base_fields["nik"].warnings == []  # the class's field is not touched

    html = str(PersonForm()["nik"])
    assert 'inputmode="numeric"' in html and "maxlength" not in html


# --- The region table ------------------------------------------------------------------------------
@pytest.fixture
def fresh_cache():
    clear_region_cache()
    yield
    clear_region_cache()


@pytest.mark.django_db
def test_the_default_lookup_warns_about_a_code_from_before_the_papua_split(fresh_cache):
    assert parse_nik("6372034105900001").warnings == ()
    assert parse_nik("9301054105900001").warnings == ()  # Merauke's kecamatan under its new code
    assert parse_nik("9101024105900001").warnings == (
        "Kode kabupaten/kota 91.01 pada NIK tidak ada di data wilayah terbaru; "
        "mungkin kode lama sebelum pemekaran. Periksa kembali.",
    )
    assert parse_kk("6372991506100001").warnings == (
        "Kode kecamatan 63.72.99 pada No. KK tidak ada di data wilayah terbaru; "
        "mungkin kode lama sebelum pemekaran. Periksa kembali.",
    )


@pytest.mark.django_db
def test_the_region_codes_are_cached_until_the_cache_is_cleared(fresh_cache, django_assert_num_queries):
    with django_assert_num_queries(1):
        parse_nik("6372034105900001")
        parse_nik("6372034105900002")
    Wilayah.objects.filter(code="63.72.03").update(active=False)
    assert parse_nik("6372034105900001").warnings == ()

    clear_region_cache()

    assert "63.72.03" in parse_nik("6372034105900001").warnings[0]


@pytest.mark.django_db
def test_an_empty_region_table_gives_no_warnings_and_is_not_cached(fresh_cache):
    Wilayah.objects.filter(level__in=[2, 3]).update(active=False)
    assert parse_nik("9101024105900001").warnings == ()

    Wilayah.objects.filter(code__in=["63.72", "63.72.03"]).update(active=True)
    assert parse_nik("9101024105900001").warnings != ()
