"""SPM targets (R4's sasaran, anggaran, realisasi, permasalahan, solusi): scoped reads and the one write.

The Dinsos of a region enters, once a year, the five basic services' targets for its province or
kab/kota (rule `reports.spm`: Admin Provinsi, Operator Kab/Kota). A region outside the user's
supervisor regions is a 404, like any other object out of scope.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from kesos.accounts.permissions import require
from kesos.accounts.scope import SUPERVISOR_ROLES, scope_of
from kesos.audit import actions
from kesos.audit.services import audit_record
from kesos.wilayah.models import Level, Wilayah, prefix_q

from .models import SpmTarget

Service = SpmTarget.Service
SPM_LEVELS = (Level.PROVINSI, Level.KABKOTA)
FIRST_YEAR = 2019  # PP 2/2018 took effect for the 2019 budget year
TEXT_FIELDS = ("problems", "solutions")
NUMBER_FIELDS = ("target", "budget", "spent")
FIELDS = NUMBER_FIELDS + TEXT_FIELDS


def last_year(today: datetime.date | None = None) -> int:
    """Targets may be planned for next year at most."""
    return (today or timezone.localdate()).year + 1


# --- Selectors ------------------------------------------------------------------------------------
def spm_regions(*, user):
    """Provinces and kab/kota within the user's supervisor regions, by code: the regions they keep targets for."""
    scope = scope_of(user)
    return (
        Wilayah.objects.filter(level__in=SPM_LEVELS, active=True)
        .filter(scope.region_q("code", *SUPERVISOR_ROLES))
        .order_by("code")
    )


def spm_region_get(*, user, code: str) -> Wilayah:
    """A province or kab/kota the user keeps SPM targets for; anything else is 404."""
    if not scope_of(user).covers(code, *SUPERVISOR_ROLES):
        raise Http404("Wilayah tidak ditemukan.")
    region = Wilayah.objects.filter(code=code, level__in=SPM_LEVELS).first()
    if region is None:
        raise Http404("Wilayah tidak ditemukan.")
    return region


def spm_target_list(*, user, year: int, region: str = ""):
    """Targets of `year` in the user's supervisor regions (narrowed to `region` and below), with their region."""
    scope = scope_of(user)
    qs = SpmTarget.objects.filter(scope.region_q("region__code", *SUPERVISOR_ROLES), year=year).select_related("region")
    if region:
        qs = qs.filter(prefix_q(region, "region__code"))
    return qs.order_by("region_id", "service")


def spm_targets_of(*, region: Wilayah, year: int) -> dict[str, SpmTarget]:
    """The saved targets of one region and year by service (the region comes from `spm_region_get`)."""
    return {t.service: t for t in SpmTarget.objects.filter(region=region, year=year)}


# --- Services -------------------------------------------------------------------------------------
def _check_region(actor, region: Wilayah) -> None:
    require(actor, "reports.spm")
    if region.level not in SPM_LEVELS:
        raise ValidationError({"region": "Target SPM diisi untuk provinsi atau kabupaten/kota."})
    if not scope_of(actor).covers(region.code, *SUPERVISOR_ROLES):
        raise ValidationError({"region": "Wilayah ini di luar wilayah kerja Anda."})


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= last_year():
        raise ValidationError({"year": f"Tahun harus antara {FIRST_YEAR} dan {last_year()}."})


def _check_values(values: dict) -> None:
    errors = {}
    if values.get("target") is None:
        errors["target"] = "Isi jumlah penerima yang harus dilayani (sasaran)."
    for field in NUMBER_FIELDS:
        if values.get(field) is not None and values[field] < 0:
            errors[field] = "Isi bilangan 0 atau lebih."
    if not errors and values["spent"] > values["budget"]:
        errors["spent"] = "Realisasi tidak boleh melebihi anggaran."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def spm_target_save(
    *,
    actor,
    region: Wilayah,
    year: int,
    service: str,
    target: int | None,
    budget: int | None = 0,
    spent: int | None = 0,
    problems: str = "",
    solutions: str = "",
) -> SpmTarget:
    """Create or change one service's target for a region and year; audited as created or changed (with
    the fields that changed). Nothing is written, and nothing audited, when nothing changed."""
    _check_region(actor, region)
    _check_year(year)
    if service not in Service.values:
        raise ValidationError({"service": "Jenis pelayanan dasar tidak dikenal."})
    values = {
        "target": target,
        "budget": budget or 0,
        "spent": spent or 0,
        "problems": (problems or "").strip(),
        "solutions": (solutions or "").strip(),
    }
    _check_values(values)
    existing = SpmTarget.objects.select_for_update().filter(region=region, year=year, service=service).first()
    if existing is None:
        created = SpmTarget.objects.create(region=region, year=year, service=service, **values)
        audit_record(action=actions.CREATE, actor=actor, obj=created, wilayah_code=region.code)
        return created
    changed = sorted(field for field, value in values.items() if getattr(existing, field) != value)
    if changed:
        for field in changed:
            setattr(existing, field, values[field])
        existing.save(update_fields=[*changed, "updated_at"])
        audit_record(action=actions.UPDATE, actor=actor, obj=existing, wilayah_code=region.code,
                     detail={"fields": changed})  # fmt: skip
    return existing


@transaction.atomic
def spm_target_delete(*, actor, target: SpmTarget) -> None:
    """Remove one service's target (entered by mistake); audited."""
    _check_region(actor, target.region)
    audit_record(action=actions.DELETE, actor=actor, obj=target, wilayah_code=target.region_id)
    target.delete()


@transaction.atomic
def spm_targets_save(*, actor, region: Wilayah, year: int, entries: dict[str, dict | None]) -> list[SpmTarget]:
    """The five-service page in one step: each service's values are saved (`spm_target_save`); a service
    left blank (None) loses its saved target. Errors come back keyed `<service>_<field>`, all at once,
    and nothing is saved when there is one."""
    _check_region(actor, region)
    _check_year(year)
    saved, errors = [], {}
    existing = spm_targets_of(region=region, year=year)
    for service in Service.values:
        entry = entries.get(service)
        if entry is None:
            if service in existing:
                spm_target_delete(actor=actor, target=existing[service])
            continue
        try:
            saved.append(spm_target_save(actor=actor, region=region, year=year, service=service, **entry))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(f"{service}_{field}", []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return saved
