"""Scoped reads of beneficiaries. Every page, API view and export of persons starts here."""

from django.db.models import Q
from django.http import Http404

from kesos.wilayah.models import prefix_q
from kesos.wilayah.nik import normalize_digits

from .models import Person


def person_list(*, user, q: str = "", wilayah: str = ""):
    """Persons the user may see, optionally searched (name, or a full NIK/No. KK) and narrowed to a region."""
    qs = Person.objects.visible_to(user).select_related("wilayah")
    q = (q or "").strip()
    if q:
        digits = normalize_digits(q)
        qs = qs.filter(Q(nik=digits) | Q(no_kk=digits)) if len(digits) == 16 else qs.filter(name__icontains=q)
    if wilayah:
        qs = qs.filter(prefix_q(wilayah, "wilayah__code"))
    return qs


def person_get(*, user, pk) -> Person:
    """One person in the user's scope; anything else is 404, so existence does not leak."""
    try:
        return Person.objects.visible_to(user).select_related("wilayah", "created_by").get(pk=pk)
    except (Person.DoesNotExist, ValueError):
        raise Http404("Data orang tidak ditemukan.") from None


def person_find_by_nik(nik: str) -> Person | None:
    """Unscoped lookup by NIK for duplicate checks and data-subject reports. Never render its result
    to a user who could not see it through `person_get`."""
    return Person.objects.filter(nik=nik).select_related("wilayah").first()
