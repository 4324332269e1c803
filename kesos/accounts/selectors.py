"""Scoped reads for user management: an Admin Provinsi manages the field and office staff of their province.

A user is manageable when every role they hold or are about to hold (assignments not yet ended) lies
in a region where the actor holds Admin Provinsi, or, holding no role at all, when their office lies
there. Never manageable here: superusers and staff (the Django admin's), and anyone holding Admin
Provinsi, Auditor or Pimpinan (the system administrator's), the actor included. An ended assignment
links a user to nothing. Anything else is a 404, never a 403, so the page does not confirm that an
account exists.
"""

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .models import Assignment, Office, Role, User
from .scope import scope_of

PAGE_SIZE = 25

# Accounts an Admin Provinsi never manages, wherever they lie: they oversee or audit the admins themselves.
RESERVED_ROLES = (Role.ADMIN_PROVINSI, Role.AUDITOR, Role.PIMPINAN)


def user_visible(*, actor) -> QuerySet[User]:
    """Every user the actor may manage. Empty for anyone without Admin Provinsi."""
    scope = scope_of(actor)
    today = timezone.localdate()
    # Current and upcoming assignments: a role starting next month already belongs to its province.
    live = Assignment.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))
    inside = scope.region_q("wilayah__code", Role.ADMIN_PROVINSI) & (
        Q(lks__isnull=True) | scope.region_q("lks__wilayah__code", Role.ADMIN_PROVINSI)
    )
    return (
        User.objects.filter(is_staff=False, is_superuser=False)
        .exclude(pk=actor.pk)
        .exclude(pk__in=live.filter(role__in=RESERVED_ROLES).values("user_id"))
        .exclude(pk__in=live.exclude(inside).values("user_id"))
        .filter(Q(pk__in=live.values("user_id")) | scope.region_q("office__wilayah__code", Role.ADMIN_PROVINSI))
    )


def user_list(*, actor, filters: dict | None = None, page: int | str = 1) -> Page:
    """One page of visible users, with their office and current assignments in three queries in all."""
    filters = filters or {}
    qs = user_visible(actor=actor)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(nip__icontains=q))
    if role := filters.get("role"):
        qs = qs.filter(pk__in=Assignment.objects.current().filter(role=role).values("user_id"))
    active = filters.get("active")
    if active in ("1", "0", True, False):
        qs = qs.filter(is_active=active in ("1", True))
    qs = (
        qs.select_related("office")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.current().select_related("wilayah", "lks").order_by("role", "wilayah_id"),
                to_attr="current_assignments",
            )
        )
        .order_by("username")
    )
    return Paginator(qs, PAGE_SIZE).get_page(page)


def user_get(*, actor, pk) -> User:
    try:
        return user_visible(actor=actor).select_related("office", "office__wilayah").get(pk=pk)
    except (User.DoesNotExist, ValueError):
        raise Http404("Pengguna tidak ditemukan.") from None


def user_assignments(*, actor, user) -> list[Assignment]:
    """All of a visible user's assignments, newest first (the caller got `user` from `user_get`)."""
    return list(user.assignments.select_related("wilayah", "lks").order_by("-starts_on", "-pk"))


def assignment_get(*, actor, user, pk) -> Assignment:
    """One assignment of a user the actor can see; 404 otherwise."""
    try:
        return Assignment.objects.select_related("wilayah").get(pk=pk, user__in=user_visible(actor=actor), user=user)
    except (Assignment.DoesNotExist, ValueError):
        raise Http404("Penugasan tidak ditemukan.") from None


def office_choices(*, actor) -> QuerySet[Office]:
    """Offices the actor may put a user in: those inside their Admin Provinsi regions."""
    scope = scope_of(actor)
    return Office.objects.filter(scope.region_q("wilayah__code", Role.ADMIN_PROVINSI)).select_related("wilayah")


def admin_province(*, actor) -> str | None:
    """The single province the actor administers, to start the region picker there; None if several."""
    provinces = {code[:2] for code in scope_of(actor).regions_for(Role.ADMIN_PROVINSI)}
    return provinces.pop() if len(provinces) == 1 else None
