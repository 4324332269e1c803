"""Reads of the region table, limited to the province the user works in."""

from django.http import Http404

from .models import Wilayah


def allowed_province(user) -> str | None:
    """The province code a user's pickers are limited to; None means every province."""
    if user.is_superuser:
        return None
    return user.province_code


def wilayah_visible(*, user):
    qs = Wilayah.objects.all()
    province = allowed_province(user)
    return qs.within(province) if province else qs


def wilayah_children(*, user, parent: str | None):
    """Active children of a region (provinces when parent is empty), or 404 outside the user's province."""
    qs = wilayah_visible(user=user).active()
    if not parent:
        return qs.filter(level=1)
    if not qs.filter(code=parent).exists():
        raise Http404("Wilayah tidak ditemukan.")
    return qs.filter(parent_id=parent)


def wilayah_get(*, user, code: str) -> Wilayah:
    try:
        return wilayah_visible(user=user).get(code=code)
    except Wilayah.DoesNotExist:
        raise Http404("Wilayah tidak ditemukan.") from None
