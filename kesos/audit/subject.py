"""The data-subject report (UU PDP Pasal 32): everything Kesos holds about one person, and who accessed it.

Each app registers the sections it holds about a person (`register_section`); the report builder
writes one worksheet per section. A new model holding personal data adds a section here.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from .checks import history_enabled
from .models import AuditEvent


@dataclass(frozen=True)
class Section:
    title: str
    header: list[str]
    rows: Iterable[list]


SectionBuilder = Callable[[object], Section]
SECTIONS: list[SectionBuilder] = []


def register_section(builder: SectionBuilder) -> SectionBuilder:
    SECTIONS.append(builder)
    return builder


def local(dt):
    """Office-local naive datetime: Excel cannot store a time zone."""
    return timezone.localtime(dt).replace(tzinfo=None) if dt else None


def change_history(model_label: str, object_ids: list) -> Section:
    from pghistory.models import Events

    rows = []
    if history_enabled():
        events = Events.objects.filter(pgh_obj_model=model_label, pgh_obj_id__in=[str(i) for i in object_ids])
        for e in events.order_by("pgh_created_at"):
            context = e.pgh_context or {}
            changes = e.pgh_diff or e.pgh_data or {}
            rows.append(
                [
                    local(e.pgh_created_at),
                    e.pgh_label,
                    context.get("user"),
                    context.get("url", ""),
                    context.get("ip", ""),
                    "; ".join(f"{k}: {v}" for k, v in sorted(changes.items())),
                ]
            )
    else:
        rows.append([None, "-", None, "", "", "Riwayat perubahan tidak tercatat: basis data SQLite (lihat README)."])
    return Section(
        title=f"Riwayat {model_label}"[:31],
        header=["Waktu", "Peristiwa", "ID pengguna", "Halaman", "Alamat IP", "Perubahan"],
        rows=rows,
    )


def _listed(person_id: int, household_ids: list[int]) -> Q:
    """List reads whose page held the person (or one of their households). On PostgreSQL the GIN index
    on `detail` answers the containment tests; SQLite (the quick start) cannot, so it compares ids."""
    from .actions import LIST

    if not history_enabled():
        ids = [
            pk
            for pk, detail in AuditEvent.objects.filter(action=LIST).values_list("pk", "detail")
            if person_id in detail.get("person_ids", [])
            or (detail.get("list") == "ppks.household" and set(household_ids) & set(detail.get("ids", [])))
        ]
        return Q(pk__in=ids)
    listed = Q(detail__contains={"person_ids": [person_id]})
    for household_id in household_ids:
        listed |= Q(detail__contains={"list": "ppks.household", "ids": [household_id]})
    return Q(action=LIST) & listed


def access_log(person) -> Section:
    """Who viewed or changed the person's records, the list pages they appeared on, and by-name
    exports that covered their region."""
    from .actions import EXPORT

    code = person.scope_region
    # An export event carries the region it covered; the person's region or any ancestor of it counts.
    parts = code.split(".")
    regions = [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
    covering_exports = Q(action=EXPORT, wilayah_code__in=regions)
    # A list read names the persons on its page (and the households, for the household list).
    households = list(person.memberships.values_list("household_id", flat=True))
    events = AuditEvent.objects.filter(
        Q(subject_person_id=person.pk) | covering_exports | _listed(person.pk, households)
    ).select_related("actor")
    rows = (
        [
            local(e.at),
            e.action_label,
            e.username,
            e.actor.get_full_name() if e.actor else "",
            e.ip or "",
            e.path,
            e.object_repr,
        ]
        for e in events.order_by("at", "id")
    )
    return Section(
        title="Akses dan pemrosesan",
        header=["Waktu", "Aksi", "Nama pengguna", "Nama", "Alamat IP", "Halaman", "Data"],
        rows=rows,
    )
