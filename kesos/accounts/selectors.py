"""Scoped reads for user management: an Admin Provinsi sees the users of their own province(s).

A user is visible when their office, or any of their assignments (current or past), lies in a region
where the actor holds Admin Provinsi. Anything else is a 404, never a 403, so the page does not
confirm that an account exists in another province.
"""

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from .models import Assignment, Office, Role, User
from .scope import scope_of

PAGE_SIZE = 25


def user_visible(*, actor) -> QuerySet[User]:
    """Every user the actor may manage. Empty for anyone without Admin Provinsi."""
    scope = scope_of(actor)
    return User.objects.filter(
        scope.region_q("office__wilayah__code", Role.ADMIN_PROVINSI)
        | scope.region_q("assignments__wilayah__code", Role.ADMIN_PROVINSI)
    ).distinct()


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
