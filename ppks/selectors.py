"""Scoped reads of beneficiaries. Every page, API view and export of persons starts here."""

import re

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone

from kesos.accounts.permissions import can
from kesos.audit.services import audit_not_found
from kesos.wilayah.models import prefix_q
from kesos.wilayah.nik import normalize_digits

from .models import (
    Assessment,
    Attachment,
    Case,
    CaseNote,
    CaseTransition,
    Household,
    HouseholdMember,
    Person,
    PersonCategory,
    PlanItem,
    PpksCategory,
    Referensi,
    Referral,
    ServiceDelivery,
)


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
    """One person in the user's scope; anything else is 404, so existence does not leak, and is
    audited (the same event whether the id is out of scope or unknown), so id probing shows."""
    try:
        return Person.objects.visible_to(user).select_related("wilayah", "created_by").get(pk=pk)
    except (Person.DoesNotExist, ValueError):
        audit_not_found(actor=user, model=Person, pk=pk)
        raise Http404("Data orang tidak ditemukan.") from None


def person_find_by_nik(nik: str) -> Person | None:
    """Unscoped lookup by NIK for duplicate checks and data-subject reports. Never render its result
    to a user who could not see it through `person_get`."""
    return Person.objects.filter(nik=nik).select_related("wilayah").first()


def person_similar(key: str, birth_date=None, limit: int = 10):
    """Unscoped near-duplicate candidates: same normalised name, and the same birth date when both
    are known. Served by the (name_key, birth_date) index. Callers split them by the user's scope."""
    if not key:
        return []
    qs = Person.objects.filter(name_key=key)
    if birth_date:
        qs = qs.filter(Q(birth_date=birth_date) | Q(birth_date__isnull=True))
    return list(qs.only("pk", "name", "wilayah_id", "birth_date")[:limit])


def household_list(*, user, q: str = "", wilayah: str = ""):
    """Households in scope, each with its head's name (one subquery, not one query per row)."""
    head = HouseholdMember.objects.filter(household=OuterRef("pk"), left_on__isnull=True, relation__code="kepala")
    qs = (
        Household.objects.visible_to(user)
        .select_related("wilayah")
        .annotate(head_name=Subquery(head.values("person__name")[:1]))
    )
    q = normalize_digits(q or "")
    if len(q) == 16:
        qs = qs.filter(no_kk=q)
    if wilayah:
        qs = qs.filter(prefix_q(wilayah, "wilayah__code"))
    return qs


def household_get(*, user, pk) -> Household:
    try:
        return Household.objects.visible_to(user).select_related("wilayah").get(pk=pk)
    except (Household.DoesNotExist, ValueError):
        audit_not_found(actor=user, model=Household, pk=pk)
        raise Http404("Data keluarga tidak ditemukan.") from None


def household_find_by_kk(no_kk: str) -> Household | None:
    """Unscoped lookup for the duplicate check; never render its result to someone who could not see it."""
    return Household.objects.filter(no_kk=no_kk).first()


def household_members(household):
    return household.members.select_related("person", "relation").order_by("left_on", "relation__order", "id")


def person_memberships(person):
    return person.memberships.select_related("household", "relation").order_by("-joined_on", "-id")


def person_categories(person):
    return person.categories.select_related("category", "verified_by").order_by("ended_on", "-recorded_on")


def household_categories(household):
    return household.categories.select_related("category", "verified_by").order_by("ended_on", "-recorded_on")


def person_by_nik(*, user, nik: str) -> Person | None:
    return Person.objects.visible_to(user).filter(nik=nik).first()


def category_get(*, user, pk) -> PersonCategory:
    """A category holding whose person or household the user may see; else 404."""
    holding = PersonCategory.objects.select_related("category", "person", "household").filter(pk=pk).first()
    holder = holding.holder if holding else None
    if holder is None or not type(holder).objects.visible_to(user).filter(pk=holder.pk).exists():
        raise Http404("Data tidak ditemukan.")
    return holding


def ppks_categories():
    return PpksCategory.objects.filter(active=True).order_by("code")


def referensi(*, kind: str = ""):
    qs = Referensi.objects.filter(active=True)
    return qs.filter(kind=kind) if kind else qs


CASE_NUMBER = re.compile(r"^\d{4}-\d{4}-\d+$")  # 6371-2026-000042


# --- Cases --------------------------------------------------------------------------------------------
def case_list(*, user, q: str = "", stage: str = "", category: str = "", worker=None, wilayah: str = "",
              open_only: bool = False, overdue: bool = False):  # fmt: skip
    """Cases in scope, searchable by case number, the person's NIK or No. KK, or name."""
    qs = Case.objects.visible_to(user).select_related("person", "household", "wilayah", "assigned_worker")
    q = (q or "").strip()
    if q:
        digits = normalize_digits(q)
        if len(digits) == 16:
            # Resolve the few matching ids first (two indexed lookups), then filter the cases by them.
            # An OR across joins scanned the person table (1.2 s at a million cases); IN-subqueries
            # walked the case index by date looking for matches (0.6-0.9 s). Ids: a few ms.
            people = list(Person.objects.filter(Q(nik=digits) | Q(no_kk=digits)).values_list("pk", flat=True)[:50])
            households = list(Household.objects.filter(no_kk=digits).values_list("pk", flat=True)[:5])
            qs = qs.filter(Q(person_id__in=people) | Q(household_id__in=households))
        elif CASE_NUMBER.match(q):
            qs = qs.filter(number=q)
        else:
            qs = qs.filter(person__name__icontains=q)
    if stage:
        qs = qs.filter(stage=stage)
    if category:
        qs = qs.filter(categories__code=category)
    if worker:
        qs = qs.filter(assigned_worker=worker)
    if wilayah:
        qs = qs.filter(prefix_q(wilayah, "wilayah__code"))
    if open_only:
        qs = qs.open()
    if overdue:
        today = timezone.localdate()
        late_plan = PlanItem.objects.filter(case=OuterRef("pk"), done_on__isnull=True, target_date__lt=today)
        late_referral = Referral.objects.filter(case=OuterRef("pk"), status="dikirim", acknowledge_by__lt=today)
        qs = qs.open().filter(Exists(late_plan) | Exists(late_referral))
    return qs


def case_get(*, user, pk) -> Case:
    try:
        return (
            Case.objects.visible_to(user)
            .select_related("person", "household", "wilayah", "assigned_worker", "reported_by")
            .get(pk=pk)
        )
    except (Case.DoesNotExist, ValueError):
        audit_not_found(actor=user, model=Case, pk=pk)
        raise Http404("Kasus tidak ditemukan.") from None


def case_transitions(case, *, user):
    """The stage history, for anyone who sees the case; each with `note_visible`: its note is case work."""
    q = casework_q(user=user, cases=[case], model=CaseTransition)
    return (
        case.transitions.select_related("actor")
        .annotate(note_visible=ExpressionWrapper(q, output_field=BooleanField()))
        .order_by("at", "id")
    )


def case_worker_choices(case):
    """Users who may be assigned the case: social workers and operators whose region covers it."""
    from django.contrib.auth import get_user_model

    from kesos.accounts.models import Assignment, Role

    parts = case.wilayah_id.split(".")
    regions = [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
    ids = (
        Assignment.objects.current()
        .filter(role__in=[Role.PEKERJA_SOSIAL, Role.OPERATOR_KABKOTA], wilayah_id__in=regions)
        .values("user_id")
    )
    return get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("full_name")


def person_cases(*, user, person):
    return Case.objects.visible_to(user).filter(person=person).prefetch_related("categories")


# --- Case work: who reads it ---------------------------------------------------------------------------
CASEWORK_HIDDEN = "Catatan kerja kasus hanya terlihat oleh pekerja yang ditugaskan dan penyelianya."

# Who wrote each kind of case-work row (the case's reporter reads the rows they wrote themselves).
CASEWORK_AUTHOR = {
    Assessment: "author",
    PlanItem: "author",
    ServiceDelivery: "author",
    Referral: "author",
    CaseNote: "author",
    Attachment: "uploaded_by",
    CaseTransition: "actor",  # only its note is case work; the stage itself is for everyone who sees the case
}


def casework_q(*, user, cases, model) -> Q:
    """Q for the rows of `model` on `cases` whose text `user` may read: every row of a case whose case work
    they see in full (ppks.view_others_casework: the assigned worker, the supervisors of its region), the
    rows they wrote on a case they reported (ppks.view_casework), nothing else. No query per case."""
    full = [c.pk for c in cases if can(user, "ppks.view_others_casework", c)]
    own = [c.pk for c in cases if c.pk not in full and can(user, "ppks.view_casework", c)]
    return Q(case_id__in=full) | Q(case_id__in=own, **{CASEWORK_AUTHOR[model]: user})


def casework_visible(*, user, case, rows):
    """The rows of one kind of case work of `case` (a queryset) that `user` may read."""
    return rows.filter(casework_q(user=user, cases=[case], model=rows.model))


def casework_require(*, user, case) -> None:
    """403 for a case whose case work the user may not read (the case itself they may see: not a 404)."""
    if not can(user, "ppks.view_casework", case):
        raise PermissionDenied(CASEWORK_HIDDEN)


def case_work(case, *, user) -> dict:
    """Assessments, plan, services and notes of a case that the user may read, each one query."""
    return {
        "assessments": casework_visible(user=user, case=case, rows=case.assessments.select_related("author")),
        "plan_items": casework_visible(user=user, case=case, rows=case.plan_items.select_related("responsible")),
        "services": casework_visible(
            user=user, case=case, rows=case.services.select_related("programme", "atensi_component")
        ),
        "notes": casework_visible(user=user, case=case, rows=case.notes.select_related("author")),
    }
