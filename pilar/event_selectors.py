"""Small reads for the event and selection pages: the regions a user may organise an event for, the
kab/kota of their province, and a selection's criteria and judges' progress. Events, participants,
recaps and nominations themselves are read through `pilar.selectors`."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count

from kesos.accounts.scope import SUPERVISOR_ROLES, scope_of
from kesos.wilayah.models import Level, Wilayah
from kesos.wilayah.selectors import wilayah_visible

from .models import Criterion, Nomination, Score, Selection


def organiser_regions(user) -> list[Wilayah]:
    """Provinces and kab/kota the user may organise an event for: those they supervise and, under a
    province, its kab/kota."""
    scope = scope_of(user)
    regions = scope.regions_for(*SUPERVISOR_ROLES)
    if not regions:
        return []
    qs = Wilayah.objects.filter(active=True, level__in=(Level.PROVINSI, Level.KABKOTA)).order_by("code")
    qs = qs.filter(code__in=[r for r in regions if r.count(".") <= 1]) | qs.filter(
        parent_id__in=[r for r in regions if "." not in r]
    )
    return list(qs.only("code", "name", "kind", "level"))


def kabkota_choices(user) -> list[Wilayah]:
    """The active kab/kota of the user's province (every one for a user tied to no province)."""
    return list(wilayah_visible(user=user).filter(level=Level.KABKOTA, active=True).only("code", "name", "kind"))


def criteria_of(selection: Selection) -> list[Criterion]:
    return list(Criterion.objects.filter(selection=selection).order_by("order", "id"))


def judge_progress(selection: Selection) -> dict[int, list[tuple[str, int]]]:
    """nomination id → [(judge's name, criteria scored)], one query."""
    rows = (
        Score.objects.filter(nomination__selection=selection)
        .values("nomination_id", "judge_id", "judge__full_name", "judge__username")
        .annotate(n=Count("id"))
        .order_by("nomination_id", "judge__full_name", "judge_id")
    )
    progress: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for r in rows:
        progress[r["nomination_id"]].append((r["judge__full_name"] or r["judge__username"], r["n"]))
    return dict(progress)


def scores_by(nomination: Nomination, judge) -> dict[int, Decimal]:
    """criterion id → the judge's current score of the nominee."""
    return dict(Score.objects.filter(nomination=nomination, judge=judge).values_list("criterion_id", "value"))
