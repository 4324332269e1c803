"""NIK and No. KK: the two 16-digit numbers on every Indonesian family's papers.

NIK  = PP KK CC DDMMYY SSSS: kecamatan of first registration, birth date (day + 40 for women), serial.
No. KK = PP KK CC DDMMYY SSSS: kecamatan of issue, date the KK was recorded, family serial.

A number is rejected only when it cannot be right. A kab/kota or kecamatan code missing from the
current region table is merely a warning: the code is fixed at registration and never follows the
person, so NIKs issued before a pemekaran keep the old code (NIKs starting 91.01, Merauke, are now
93.01 in the table).
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from .zones import TIME_ZONE_BY_PROVINCE

RegionExists = Callable[[str], bool | None]

_SEPARATORS = re.compile(r"[\s.\-]")


@dataclass(frozen=True)
class NikInfo:
    nik: str
    kecamatan_code: str
    province_code: str
    birth_date: datetime.date
    sex: str  # "L" laki-laki, "P" perempuan
    serial: str
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class KkInfo:
    kk: str
    region_code: str
    province_code: str
    issued_on: datetime.date
    serial: str
    warnings: tuple[str, ...]


def normalize_digits(value: str) -> str:
    """Drop the spaces, dots and hyphens people type to group the digits ("6372 0341 0590 0001")."""
    return _SEPARATORS.sub("", str(value))


# --- Region table ----------------------------------------------------------------------------------
_region_codes: frozenset[str] | None = None


def clear_region_cache() -> None:
    """Forget the cached codes. Only this process's cache: other workers see a reload after a restart
    (a stale cache can only add or miss a warning, never reject a number)."""
    global _region_codes
    _region_codes = None


def region_in_table(code: str) -> bool | None:
    """Whether an active kab/kota or kecamatan has this dotted code; None while the table is empty."""
    global _region_codes
    if _region_codes is None:
        from kesos.wilayah.models import Wilayah  # lazily, so this module imports before apps are ready

        codes = frozenset(Wilayah.objects.filter(active=True, level__in=[2, 3]).values_list("code", flat=True))
        if not codes:
            return None  # not cached: the table may be loaded later in this process
        _region_codes = codes
    return code in _region_codes


# --- Parsing ---------------------------------------------------------------------------------------
def _digits(value: str, label: str, prefix: str) -> str:
    digits = normalize_digits(value)
    if digits and not (digits.isascii() and digits.isdigit()):
        raise ValidationError(f"{label} hanya boleh berisi angka.", code=f"{prefix}_digits")
    if len(digits) != 16:
        raise ValidationError(f"{label} harus 16 digit angka (sekarang {len(digits)} digit).", code=f"{prefix}_length")
    return digits


def _region(digits: str, label: str, prefix: str, region_exists: RegionExists | None) -> tuple[str, tuple[str, ...]]:
    """Check PPKKCC; return the dotted kecamatan code and any warning about it."""
    province, kabkota, kecamatan = digits[0:2], digits[2:4], digits[4:6]
    if province not in TIME_ZONE_BY_PROVINCE:
        raise ValidationError(f"Kode provinsi {province} pada {label} tidak dikenal.", code=f"{prefix}_province")
    if kabkota == "00":
        raise ValidationError(f"Kode kabupaten/kota pada {label} tidak boleh 00.", code=f"{prefix}_kabkota")
    if kecamatan == "00":
        raise ValidationError(f"Kode kecamatan pada {label} tidak boleh 00.", code=f"{prefix}_kecamatan")
    exists = region_exists or region_in_table
    kabkota_code = f"{province}.{kabkota}"
    kecamatan_code = f"{kabkota_code}.{kecamatan}"
    # One warning, for the higher level that is missing: an unknown kab/kota has no known kecamatan.
    for level, code in (("kabupaten/kota", kabkota_code), ("kecamatan", kecamatan_code)):
        if exists(code) is False:
            return kecamatan_code, (
                f"Kode {level} {code} pada {label} tidak ada di data wilayah terbaru; "
                "mungkin kode lama sebelum pemekaran. Periksa kembali.",
            )
    return kecamatan_code, ()


def _serial(digits: str, message: str, code: str) -> str:
    serial = digits[12:16]
    if serial == "0000":
        raise ValidationError(message, code=code)
    return serial


def parse_nik(value: str, *, today: datetime.date | None = None, region_exists: RegionExists | None = None) -> NikInfo:
    """Read a NIK, raising ValidationError when it cannot be right.

    A two-digit year is 20YY when that date is not after today, else 19YY; so a person over 100
    is read as a child (the NIK alone cannot tell them apart).
    """
    nik = _digits(value, "NIK", "nik")
    kecamatan_code, warnings = _region(nik, "NIK", "nik", region_exists)
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if not (1 <= day <= 31 or 41 <= day <= 71):
        raise ValidationError(
            f"Tanggal lahir pada NIK tidak valid: angka hari {nik[6:8]} harus 01–31 (laki-laki) "
            "atau 41–71 (perempuan).",
            code="nik_day",
        )
    sex = "P" if day > 40 else "L"
    day = day - 40 if day > 40 else day
    today = today or timezone.localdate()
    year = 2000 + yy if (2000 + yy, month, day) <= (today.year, today.month, today.day) else 1900 + yy
    try:
        birth_date = datetime.date(year, month, day)
    except ValueError:
        raise ValidationError(
            f"Tanggal lahir pada NIK tidak valid ({day:02}-{month:02}-{year}).", code="nik_date"
        ) from None
    serial = _serial(nik, "Nomor urut pada NIK tidak boleh 0000.", "nik_serial")
    return NikInfo(nik, kecamatan_code, nik[:2], birth_date, sex, serial, warnings)


def parse_kk(value: str, *, today: datetime.date | None = None, region_exists: RegionExists | None = None) -> KkInfo:
    """Read a No. KK, raising ValidationError when it cannot be right.

    The year is always 20YY: KK numbers are issued by SIAK, which dates from the 2000s; so a date
    after today is a typo (often a birth date typed in), not a KK from the 1900s.
    """
    kk = _digits(value, "No. KK", "kk")
    region_code, warnings = _region(kk, "No. KK", "kk", region_exists)
    day, month, year = int(kk[6:8]), int(kk[8:10]), 2000 + int(kk[10:12])
    try:
        issued_on = datetime.date(year, month, day)
    except ValueError:
        raise ValidationError(
            f"Tanggal pencatatan pada No. KK tidak valid ({day:02}-{month:02}-{year}).", code="kk_date"
        ) from None
    if issued_on > (today or timezone.localdate()):
        raise ValidationError(
            f"Tanggal pencatatan pada No. KK ({issued_on:%d-%m-%Y}) ada di masa depan.", code="kk_future"
        )
    serial = _serial(kk, "Nomor urut keluarga pada No. KK tidak boleh 0000.", "kk_serial")
    return KkInfo(kk, region_code, kk[:2], issued_on, serial, warnings)


def _no_lookup(code: str) -> None:
    return None


def validate_nik(value) -> None:
    """Django validator. Warnings are ignored, so the region table is not consulted."""
    parse_nik(value, region_exists=_no_lookup)


def validate_kk(value) -> None:
    """Django validator. Warnings are ignored, so the region table is not consulted."""
    parse_kk(value, region_exists=_no_lookup)


# --- Form fields -----------------------------------------------------------------------------------
class _SixteenDigitField(forms.CharField):
    """Cleans to the 16 normalised digits; `self.warnings` holds the warnings of the last clean.

    There is no max_length on the raw input (an HTML maxlength of 16 would cut off "6372 0341 0590
    0001"); the 16-digit rule is checked on the normalised value.
    """

    parse: Callable = staticmethod(parse_nik)

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)
        super().__init__(**kwargs)
        self.warnings: list[str] = []

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if not widget.is_hidden:
            attrs.setdefault("inputmode", "numeric")  # the digit keypad on a phone
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_digits(value) if value else value

    def clean(self, value):
        self.warnings = []  # reassigned, never mutated: form copies of the field share the list
        return super().clean(value)

    def validate(self, value):
        super().validate(value)
        if value not in self.empty_values:
            self.warnings = list(self.parse(value).warnings)


class NikField(_SixteenDigitField):
    parse = staticmethod(parse_nik)
    default_error_messages = {"required": "NIK wajib diisi."}


class KkField(_SixteenDigitField):
    parse = staticmethod(parse_kk)
    default_error_messages = {"required": "No. KK wajib diisi."}
