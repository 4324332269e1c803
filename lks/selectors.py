"""Scoped reads of the LKS registry. Every page, API view and export of LKS data starts here."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from kesos.accounts.models import Assignment, Role
from kesos.wilayah.models import prefix_q

from .choices import ChangeStatus, PermitKind
from .models import (
    Accreditation,
    Assistance,
    BoardMember,
    ChangeRequest,
    Lks,
    LksDocument,
    LksType,
    Placement,
    Registration,
    StaffMember,
)

EXPIRY_DAYS = 90

# Filter values of the list (page and API share them).
REGISTRATION_STATES = {
    "berlaku": "Tanda Daftar berlaku",
    "kedaluwarsa": "Tanda Daftar kedaluwarsa",
    "belum": "Belum terdaftar",
}
GRADE_FILTERS = {"A": "A", "B": "B", "C": "C", "belum": "Belum/tidak lagi terakreditasi"}


def _get(qs, pk, message):
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404(message) from None


def lks_list(
    *, user, q: str = "", wilayah: str = "", type: str = "", legal_status: str = "", registration: str = "",
    grade: str = "", expiring: bool = False, status: str = "", today: datetime.date | None = None,
):  # fmt: skip
    """LKS the user may see, searched by name and narrowed by the list's filters."""
    today = today or timezone.localdate()
    qs = Lks.objects.visible_to(user).select_related("wilayah", "tanda_daftar", "accreditation")
    if q := (q or "").strip():
        qs = qs.filter(name__icontains=q)
    if wilayah:
        qs = qs.filter(prefix_q(wilayah, "wilayah__code"))
    if type:
        qs = qs.filter(Exists(Lks.types.through.objects.filter(lks_id=OuterRef("pk"), lkstype__code=type)))
    if legal_status:
        qs = qs.filter(legal_status=legal_status)
    if status:
        qs = qs.filter(status=status)
    if registration == "berlaku":
        qs = qs.filter(tanda_daftar__valid_until__gte=today)
    elif registration == "kedaluwarsa":
        qs = qs.filter(tanda_daftar__valid_until__lt=today)
    elif registration == "belum":
        qs = qs.filter(tanda_daftar__isnull=True)
    if grade == "belum":
        qs = qs.filter(Q(accreditation__isnull=True) | Q(accreditation__valid_until__lt=today))
    elif grade:
        qs = qs.filter(accreditation__grade=grade, accreditation__valid_until__gte=today)
    if expiring:
        qs = qs.filter(expiring_q(today))
    return qs


def lks_get(*, user, pk) -> Lks:
    """One LKS in the user's scope; anything else is 404, so existence does not leak."""
    qs = Lks.objects.visible_to(user).select_related(
        "wilayah", "tanda_daftar", "izin_operasional", "accreditation", "created_by"
    )
    return _get(qs, pk, "LKS tidak ditemukan.")


def lks_types():
    return LksType.objects.filter(active=True)


def lks_choices(*, user):
    """LKS a form may offer the user (placements, referrals, operator assignments)."""
    return Lks.objects.visible_to(user).only("pk", "name").order_by("name", "pk")


def lks_parts(lks: Lks) -> dict:
    """What the detail page shows beside the profile: each list in one query."""
    return {
        "types": list(lks.types.all()),
        "registrations": list(Registration.objects.filter(lks=lks).select_related("applied_by", "decided_by")),
        "accreditations": list(Accreditation.objects.filter(lks=lks)),
        "board": list(BoardMember.objects.filter(lks=lks)),
        "staff": list(StaffMember.objects.filter(lks=lks)),
        "assistance": list(Assistance.objects.filter(lks=lks)),
        "documents": list(LksDocument.objects.filter(lks=lks, registration__isnull=True).select_related("uploaded_by")),
        "change_requests": list(ChangeRequest.objects.filter(lks=lks).select_related("requested_by", "decided_by")),
    }


def registration_get(*, user, pk) -> Registration:
    qs = Registration.objects.visible_to(user).select_related("lks", "lks__wilayah", "applied_by", "checked_by")
    return _get(qs, pk, "Permohonan tidak ditemukan.")


def registration_files(registration: Registration):
    return LksDocument.objects.filter(registration=registration).select_related("uploaded_by")


def registration_queue(*, user):
    """Applications waiting for a Dinsos step, oldest first."""
    from .choices import OPEN_REGISTRATION

    return (
        Registration.objects.visible_to(user)
        .filter(status__in=OPEN_REGISTRATION)
        .select_related("lks", "lks__wilayah")
        .order_by("applied_on", "id")
    )


def change_request_get(*, user, pk) -> ChangeRequest:
    return _get(ChangeRequest.objects.visible_to(user).select_related("lks"), pk, "Usulan tidak ditemukan.")


def pending_change_requests(*, user):
    return (
        ChangeRequest.objects.visible_to(user)
        .filter(status=ChangeStatus.MENUNGGU)
        .select_related("lks", "requested_by")
        .order_by("requested_at", "id")
    )


def document_get(*, user, lks: Lks, pk) -> LksDocument:
    return _get(LksDocument.objects.visible_to(user).filter(lks=lks), pk, "Dokumen tidak ditemukan.")


def board_member_get(*, user, lks: Lks, pk) -> BoardMember:
    return _get(BoardMember.objects.filter(lks__in=Lks.objects.visible_to(user), lks=lks), pk, "Data tidak ditemukan.")


def staff_get(*, user, lks: Lks, pk) -> StaffMember:
    return _get(StaffMember.objects.filter(lks__in=Lks.objects.visible_to(user), lks=lks), pk, "Data tidak ditemukan.")


# --- Residents ----------------------------------------------------------------------------------------
def resident_list(*, user, lks: Lks, current: bool = True):
    """The LKS's residents and clients (current ones, or those who left)."""
    qs = (
        Placement.objects.visible_to(user)
        .filter(lks=lks, exit_on__isnull=current)
        .select_related("person", "person__wilayah", "case")
    )
    return qs.order_by("person__name", "id") if current else qs.order_by("-exit_on", "id")


def placement_get(*, user, pk) -> Placement:
    qs = Placement.objects.visible_to(user).select_related("lks", "person", "person__wilayah", "case", "created_by")
    return _get(qs, pk, "Data penghuni tidak ditemukan.")


def person_placements(*, user, person):
    """A person's placements the user may see (for the person's page)."""
    return Placement.objects.visible_to(user).filter(person=person).select_related("lks").order_by("-admitted_on")


def occupancy_of(queryset):
    """Annotate LKS rows with their current residents in the panti (one query for a page)."""
    return queryset.annotate(
        occupancy=Count("placements", filter=Q(placements__exit_on__isnull=True, placements__residential=True))
    )


# --- Expiry watch ---------------------------------------------------------------------------------------
def expiring_q(today: datetime.date, within: int = EXPIRY_DAYS, prefix: str = "") -> Q:
    limit = today + datetime.timedelta(days=within)
    return (
        Q(**{f"{prefix}tanda_daftar__valid_until__lte": limit})
        | Q(**{f"{prefix}izin_operasional__valid_until__lte": limit})
        | Q(**{f"{prefix}accreditation__valid_until__lte": limit})
    )


@dataclass
class Expiry:
    lks: Lks
    what: str  # "Tanda Daftar LKS", "Izin operasional", "Akreditasi"
    kind: str  # tanda_daftar, izin_operasional, akreditasi
    number: str
    valid_until: datetime.date
    days_left: int  # negative: already expired
    record_pk: int

    @property
    def expired(self) -> bool:
        return self.days_left < 0


def expiries_of(lks: Lks, today: datetime.date, within: int = EXPIRY_DAYS) -> list[Expiry]:
    """The current documents of one LKS that expire within `within` days or have expired."""
    rows = []
    documents = [
        (lks.tanda_daftar, PermitKind.TANDA_DAFTAR.label, "tanda_daftar"),
        (lks.izin_operasional, PermitKind.IZIN_OPERASIONAL.label, "izin_operasional"),
        (lks.accreditation, "Akreditasi", "akreditasi"),
    ]
    for document, what, kind in documents:
        if document is None or document.valid_until is None:
            continue
        days = (document.valid_until - today).days
        if days <= within:
            number = getattr(document, "number", None) or getattr(document, "certificate_number", "")
            if kind == "akreditasi":
                what = f"Akreditasi {document.grade}"
            rows.append(Expiry(lks, what, kind, number, document.valid_until, days, document.pk))
    return rows


def expiring_lks(*, user=None, today: datetime.date | None = None, within: int = EXPIRY_DAYS):
    """LKS with a current document expiring soon or expired: the user's, or every one (user=None, for
    the daily job). Ordered by name; `expiries_of` lists the documents of each."""
    today = today or timezone.localdate()
    qs = Lks.objects.visible_to(user) if user is not None else Lks.objects.all()
    return (
        qs.filter(expiring_q(today, within))
        .select_related("wilayah", "tanda_daftar", "izin_operasional", "accreditation")
        .order_by("name", "id")
    )


def supervisors_of(lks: Lks, on: datetime.date | None = None) -> list[int]:
    """Users who supervise the LKS today: Operator Dinsos of its kab/kota and Admin Provinsi of its province."""
    code = lks.wilayah_id
    current = Assignment.objects.current(on).filter(user__is_active=True)
    return list(
        current.filter(
            Q(role=Role.OPERATOR_KABKOTA, wilayah_id=code[:5]) | Q(role=Role.ADMIN_PROVINSI, wilayah_id=code[:2])
        )
        .values_list("user_id", flat=True)
        .distinct()
    )


def operators_of(lks: Lks, on: datetime.date | None = None) -> list[int]:
    """The LKS's own operators today."""
    current = Assignment.objects.current(on).filter(user__is_active=True)
    return list(current.filter(role=Role.OPERATOR_LKS, lks=lks).values_list("user_id", flat=True).distinct())
