"""Scoped reads for the Reports page: whose requests a user sees, and what they may ask for."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from kesos.accounts.scope import scope_of
from kesos.wilayah.models import Wilayah, prefix_q

from .kinds import KINDS, Kind
from .models import ReportRequest


def kinds_for(user) -> list[Kind]:
    scope = scope_of(user)
    return [kind for kind in KINDS.values() if scope.has_role(*kind.roles)]


def report_list(*, user):
    """The user's own requests, and the scheduled recaps of regions they may request that kind for."""
    return (
        ReportRequest.objects.visible_to(user).select_related("region", "requested_by").order_by("-created_at", "-id")
    )


def report_get(*, user, pk) -> ReportRequest:
    if not str(pk).isdigit():  # /laporan/abc/ from the API router: not an id, so not found
        raise Http404("Laporan tidak ditemukan.")
    report = report_list(user=user).filter(pk=pk).first()
    if report is None:
        raise Http404("Laporan tidak ditemukan.")
    return report


def region_choices(user) -> list[Wilayah]:
    """The provinces and kab/kota a user may request recaps for: their regions and the kab/kota in them."""
    q = Q(pk__in=[])
    for kind in kinds_for(user):
        for code in scope_of(user).regions_for(*kind.roles):
            q |= prefix_q(code) if len(code) <= 2 else Q(code=code)
    return list(Wilayah.objects.filter(q, level__lte=2).order_by("code"))


def event_choices(user):
    """Events organised within the user's aggregate regions (for R6)."""
    from kesos.accounts.scope import AGGREGATE_ROLES
    from pilar.models import Event

    return Event.objects.filter(scope_of(user).region_q("wilayah__code", *AGGREGATE_ROLES)).order_by("-starts_on")[:200]
