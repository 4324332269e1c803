"""Bounds shared by models, forms, serializers and services: dates, coordinates, text, names.

Validators here are attached to model fields where they can be, so forms, the API (DRF turns model
validators into serializer validators) and services calling `full_clean` all get them; the date
range check is also used by filters and report periods, whose dates are never stored.
"""

import datetime
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.deconstruct import deconstructible

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)
NOTE_MAX = 5000
REASON_MAX = 2000
ADDRESS_MAX = 500


def validate_date_in_range(value):
    """Dates the system can compute with (a day or a month later still exists): 1900 to 2100."""
    if value is not None and not (EARLIEST <= value <= LATEST):
        raise ValidationError("Tanggal harus antara 01/01/1900 dan 31/12/2100.", code="date_range")


def validate_birth_date(value):
    """A birth date lies between 1 January 1900 and today."""
    if value is None:
        return
    if value < EARLIEST:
        raise ValidationError("Tanggal lahir tidak boleh sebelum 01/01/1900.", code="birth_date_range")
    if value > timezone.localdate():
        raise ValidationError("Tanggal lahir tidak boleh di masa depan.", code="birth_date_future")


LATITUDE_VALIDATORS = [
    MinValueValidator(-90, message="Lintang harus antara -90 dan 90."),
    MaxValueValidator(90, message="Lintang harus antara -90 dan 90."),
]
LONGITUDE_VALIDATORS = [
    MinValueValidator(-180, message="Bujur harus antara -180 dan 180."),
    MaxValueValidator(180, message="Bujur harus antara -180 dan 180."),
]


@deconstructible
class TextLengthValidator:
    """A cap on a TextField (Django enforces TextField.max_length in forms only), with its message."""

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, value):
        if value is not None and len(value) > self.limit:
            raise ValidationError(
                f"Teks terlalu panjang: paling banyak {self.limit} karakter (sekarang {len(value)}).",
                code="max_length",
            )

    def __eq__(self, other):
        return isinstance(other, TextLengthValidator) and other.limit == self.limit


# Invisible format and control characters (right-to-left override U+202E, zero-width space U+200B,
# isolates U+2066..U+2069, ...) let a name display differently from what is stored and searched.
def strip_invisible(text: str, *, multiline: bool = False) -> str:
    """Remove Unicode control (Cc) and format (Cf) characters; keep newlines and tabs in multiline text."""
    if not text:
        return text
    keep = {"\n", "\t", "\r"} if multiline else set()
    return "".join(ch for ch in text if ch in keep or unicodedata.category(ch) not in {"Cc", "Cf"})


def clean_name(value):
    """A name as stored and searched: no invisible characters, single spaces, nothing around it."""
    if not isinstance(value, str):
        return value
    return " ".join(strip_invisible(value).split())
