"""Residents and clients: a PPKS person placed in an LKS, their details, and their exit."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kesos.accounts.permissions import require
from kesos.audit import actions
from kesos.audit.services import audit_record
from kesos.core.races import insert_unique
from kesos.core.versioning import save_versioned

from ..choices import ExitReason, LksStatus
from ..models import Lks, Placement

DETAIL_FIELDS = (
    "residential", "programme", "family_status", "guardian_name", "guardian_phone", "schooling", "health_note",
)  # fmt: skip


class OverCapacity(ValidationError):
    """The placement would put more residents in the panti than its capacity; saving needs a confirmation."""

    def __init__(self, lks: Lks, current: int):
        self.current = current
        super().__init__(
            {
                "confirm_over_capacity": (
                    f"Melebihi kapasitas: {lks.name} berkapasitas {lks.capacity} orang dan sudah dihuni {current} "
                    "orang. Bila penempatan ini tetap disetujui, centang 'Tetap tempatkan melebihi kapasitas' "
                    "lalu simpan lagi."
                )
            }
        )


def occupancy(lks: Lks) -> int:
    """Residents living in the panti now (clients served outside it do not take a bed)."""
    return Placement.objects.filter(lks=lks, exit_on__isnull=True, residential=True).count()


def _check_person(actor, person, case):
    from ppks.models import Case, Person

    errors = {}
    if person is None or not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        errors["person"] = "Orang ini tidak ditemukan di wilayah kerja Anda."
    elif case is not None:
        if not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
            errors["case"] = "Kasus ini tidak ditemukan di wilayah kerja Anda."
        elif case.person_id != person.pk:
            errors["case"] = f"Kasus {case.number} bukan kasus {person.name}."
    if errors:
        raise ValidationError(errors)
    _check_not_placed(person)


def _check_not_placed(person) -> None:
    """One current placement per person (constraint one_current_placement): say where they live now."""
    current = Placement.objects.filter(person=person, exit_on__isnull=True).select_related("lks").first()
    if current is not None:
        raise ValidationError(
            {
                "person": f"{person.name} masih tercatat sebagai penghuni {current.lks.name} sejak "
                f"{current.admitted_on:%d-%m-%Y}. Catat dahulu tanggal keluarnya dari sana."
            }
        )


@transaction.atomic
def placement_create(
    *, actor, lks: Lks, person, admitted_on: datetime.date, case=None, residential: bool = True,
    confirm_over_capacity: bool = False, **details,
) -> Placement:  # fmt: skip
    """Admit a person (usually from a case) to an LKS. A placement beyond the panti's capacity is
    refused with a warning unless the officer confirms it."""
    require(actor, "lks.place", lks)
    # Lock the LKS row: two officers placing the last bed at once must not both see it free.
    lks = Lks.objects.select_for_update().get(pk=lks.pk)
    if lks.status != LksStatus.AKTIF:
        raise ValidationError({"__all__": f"{lks.name} berstatus {lks.get_status_display()}: tidak menerima penghuni."})
    if admitted_on is None:
        raise ValidationError({"admitted_on": "Isi tanggal masuk."})
    if admitted_on > timezone.localdate():
        raise ValidationError({"admitted_on": "Tanggal masuk tidak boleh di masa depan."})
    _check_person(actor, person, case)
    current = occupancy(lks)
    if residential and current + 1 > lks.capacity and not confirm_over_capacity:
        raise OverCapacity(lks, current)
    details = {k: v for k, v in details.items() if k in DETAIL_FIELDS and k != "residential"}
    # Placed in two LKS at once (each LKS row is locked, not the person): the constraint lets one through,
    # the other gets the same message as a placement a moment later.
    placement = insert_unique(
        lambda: Placement.objects.create(
            lks=lks, person=person, case=case, residential=residential, admitted_on=admitted_on, created_by=actor,
            **details,
        ),
        check=lambda: _check_not_placed(person),
    )  # fmt: skip
    audit_record(
        action=actions.LKS_PLACEMENT, actor=actor, obj=placement, wilayah_code=lks.wilayah_id,
        detail={"step": "admit", "lks": lks.pk, "case": getattr(case, "pk", None),
                "over_capacity": residential and current + 1 > lks.capacity},
    )  # fmt: skip
    if person.wilayah_id != lks.wilayah_id:
        # The person's own region keeps a trace too, for their data-subject report.
        audit_record(
            action=actions.LKS_PLACEMENT, actor=actor, obj=placement, wilayah_code=person.wilayah_id,
            detail={"step": "admit", "lks": lks.pk},
        )  # fmt: skip
    return placement


@transaction.atomic
def placement_update(*, actor, placement: Placement, version: int, **changes) -> Placement:
    """Keep the resident's details (guardian, schooling, health, programme) up to date."""
    require(actor, "lks.change_resident", placement)
    changes = {k: v for k, v in changes.items() if k in DETAIL_FIELDS}
    changed = save_versioned(placement, version=version, changes=changes)
    if changed:
        audit_record(action=actions.UPDATE, actor=actor, obj=placement, detail={"fields": changed})
    return placement


@transaction.atomic
def placement_exit(
    *, actor, placement: Placement, exit_on: datetime.date, reason: str, note: str = "", version: int | None = None
) -> Placement:
    """Record that the resident left the LKS, when and why (returned to family, adopted, died…)."""
    require(actor, "lks.change_resident", placement)
    errors = {}
    if placement.exit_on is not None:
        errors["exit_on"] = f"Penghuni ini sudah keluar pada {placement.exit_on:%d-%m-%Y}."
    elif exit_on is None:
        errors["exit_on"] = "Isi tanggal keluar."
    elif exit_on < placement.admitted_on:
        errors["exit_on"] = f"Tanggal keluar tidak boleh sebelum tanggal masuk ({placement.admitted_on:%d-%m-%Y})."
    elif exit_on > timezone.localdate():
        errors["exit_on"] = "Tanggal keluar tidak boleh di masa depan."
    if reason not in ExitReason.values:
        errors["exit_reason"] = "Pilih alasan keluar."
    elif reason == ExitReason.LAINNYA and not (note or "").strip():
        errors["exit_note"] = "Tuliskan keterangan alasan keluar."
    if errors:
        raise ValidationError(errors)
    save_versioned(
        placement, version=placement.version if version is None else version,
        changes={"exit_on": exit_on, "exit_reason": reason, "exit_note": (note or "").strip()[:300]},
    )  # fmt: skip
    audit_record(
        action=actions.LKS_PLACEMENT, actor=actor, obj=placement, wilayah_code=placement.lks.wilayah_id,
        detail={"step": "exit", "reason": reason, "exit_on": exit_on.isoformat()},
    )  # fmt: skip
    return placement
