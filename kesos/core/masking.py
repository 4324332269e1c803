"""One masking rule for a person's identity numbers (NIK, No. KK) and birth date, used by pages, prints,
serializers, exports and logs.

A NIK is the kecamatan code (6 digits), the birth date as DDMMYY (DD + 40 for women) and a 4-digit
serial; a No. KK is the kecamatan code, the issue date and a serial. So a mask that keeps the region
prefix, shown next to the person's region, sex and birth date, lets anyone fill the hidden digits back
in. Hence two sides, decided together by one permission per kind of record (`full_identity_rule`):
- the mask keeps only the last four digits (`************0007`), never the region prefix;
- whoever sees the NIK masked sees an age ("45 tahun"), never the birth date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import dateformat, timezone

MASK = "*"

# The permission that shows a record's NIK, No. KK and birth date in full; by default `<app>.view_full_nik`.
FULL_IDENTITY_RULES = {
    "lks.placement": "lks.view_resident_nik",  # a resident, seen from the LKS registry
    "pilar.member": "pilar.manage",  # a social pillar's own record
}


def mask_number(value: str | None) -> str:
    """'6371015807900001' → '************0001': only the last four digits stay (the length too).
    The region prefix is hidden as well: with the region shown beside it, it is no secret and narrows
    the search."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 8:
        return MASK * len(value)
    return MASK * (len(value) - 4) + value[-4:]


def age_on(birth_date: datetime.date | None, today: datetime.date) -> int | None:
    """Full years on `today` (None when the birth date is not known)."""
    if birth_date is None:
        return None
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


@dataclass(frozen=True)
class Birth:
    """A birth date as one user may see it: `date` for those who see the NIK in full, else only `age`."""

    date: datetime.date | None
    age: int | None

    def display(self, fmt: str = "j F Y") -> str:
        """The date in Django's date format `fmt` ("14 Maret 1958"), else "45 tahun", else ""."""
        if self.date is not None:
            return dateformat.format(self.date, fmt)
        return "" if self.age is None else f"{self.age} tahun"

    def __str__(self) -> str:
        return self.display()

    def __bool__(self) -> bool:
        return self.date is not None or self.age is not None


def birth_shown(birth_date: datetime.date | None, *, full: bool, today: datetime.date | None = None) -> Birth:
    """The birth date when `full`, else the age only: for callers that have already decided `full`."""
    age = age_on(birth_date, today or timezone.localdate())
    return Birth(birth_date if full else None, age)


def full_identity_rule(obj) -> str:
    meta = obj._meta
    return FULL_IDENTITY_RULES.get(meta.label_lower, f"{meta.app_label}.view_full_nik")


def sees_full_identity(user, obj) -> bool:
    """The one decision: may `user` see the full NIK, No. KK and birth date of the person `obj` is about?"""
    from kesos.accounts.permissions import can

    return can(user, full_identity_rule(obj), obj)


def _value(obj, field: str):
    for name in field.split("."):  # "person.nik" on a placement
        obj = getattr(obj, name, None) if obj is not None else None
    return obj


def nik_for(user, obj, field: str = "nik") -> str:
    """The NIK/No. KK of `obj` as `user` may see it: full for those who need it, masked for the rest."""
    value = _value(obj, field) or ""
    if value and sees_full_identity(user, obj):
        return value
    return mask_number(value)


def birth_for(user, obj, field: str = "birth_date") -> Birth:
    """The birth date of `obj` as `user` may see it: the date alongside a full NIK, else the age."""
    born = _value(obj, field)
    return birth_shown(born, full=born is not None and sees_full_identity(user, obj))
