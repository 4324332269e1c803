"""Scoped reads for merging person records (ppks.services.merge writes)."""

from django.db.models import Q
from django.http import Http404

from kesos.accounts.permissions import can

from .models import Person, PersonMerge

# Every foreign key a side-by-side comparison shows by name.
PERSON_RELATED = ("wilayah", "religion", "marital_status", "education", "disability", "legal_basis")


def merge_candidate(*, user, kept: Person, pk=None, nik: str = "") -> Person | None:
    """The other record of a merge, by id or full NIK, among the persons the user may see."""
    qs = Person.objects.visible_to(user).select_related(*PERSON_RELATED).exclude(pk=kept.pk)
    if pk is not None:
        return qs.filter(pk=pk).first()
    if nik:
        return qs.filter(nik=nik).first()
    return None


def merge_person_get(*, user, pk) -> Person:
    """The record a merge page is about, with what the comparison shows; out of scope is 404."""
    try:
        return Person.objects.visible_to(user).select_related(*PERSON_RELATED).get(pk=pk)
    except (Person.DoesNotExist, ValueError):
        raise Http404("Data orang tidak ditemukan.") from None


def person_merges(*, user, person: Person):
    """Merges in which `person` was kept or merged, newest first (the person is already in scope)."""
    return (
        PersonMerge.objects.filter(Q(kept=person) | Q(merged=person))
        .select_related("kept", "merged", "actor", "undone_by")
        .order_by("-at", "-id")
    )


def person_merge_get(*, user, pk) -> PersonMerge:
    """A merge whose kept record the user sees and whose merged record lies in the user's region.

    The merged record is out of every list while merged, so its region is checked by rule, not by
    `visible_to`. Anything else is 404.
    """
    merge = PersonMerge.objects.select_related("kept", "merged").filter(pk=pk).first()
    if (
        merge is None
        or not Person.objects.visible_to(user).filter(pk=merge.kept_id).exists()
        or not can(user, "ppks.view_person", merge.merged)
    ):
        raise Http404("Data penggabungan tidak ditemukan.")
    return merge


def person_related_counts(person: Person) -> dict[str, int]:
    """How many rows a merge would move: shown beside the comparison (counts only, no content)."""
    return {
        "cases": person.cases.count(),
        "categories": person.categories.count(),
        "memberships": person.memberships.count(),
    }
