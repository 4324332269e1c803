"""State changes of the LKS registry. Forms, API, imports and tasks call these; nothing else writes.

Re-exports the registration, accreditation and resident services, so callers import from `lks.services`.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kesos.accounts.permissions import can, require
from kesos.audit import actions
from kesos.audit.services import audit_record
from kesos.core.uploads import check_upload
from kesos.core.versioning import STALE_MESSAGE, StaleEdit, save_versioned

from ..choices import ChangeStatus, DocumentKind, LegalStatus
from ..models import Assistance, BoardMember, ChangeRequest, Lks, LksDocument, StaffMember
from .registration import (
    accreditation_record,
    registration_apply,
    registration_check,
    registration_issue,
    registration_record,
    registration_reject,
    registration_visit,
)
from .residents import OverCapacity, occupancy, placement_create, placement_exit, placement_update

__all__ = [
    "STALE_MESSAGE",
    "OverCapacity",
    "StaleEdit",
    "accreditation_record",
    "assistance_add",
    "board_member_add",
    "board_member_end",
    "change_request_decide",
    "document_upload",
    "lks_create",
    "lks_update",
    "occupancy",
    "placement_create",
    "placement_exit",
    "placement_update",
    "registration_apply",
    "registration_check",
    "registration_issue",
    "registration_record",
    "registration_reject",
    "registration_visit",
    "staff_add",
    "staff_end",
]

# Profile fields anyone who keeps the LKS's data may change at once.
PROFILE_FIELDS = (
    "service_mode", "capacity", "wilayah", "address", "latitude", "longitude", "phone", "email", "head_name",
    "head_phone", "facilities", "services_offered", "funding_sources",
)  # fmt: skip
# Identity, legal and bank data: changed by an LKS operator, they wait for the Dinsos to verify them.
LEGAL_FIELDS = (
    "name", "lingkup", "legal_status", "legal_form", "deed_number", "deed_date", "sk_kemenkumham", "npwp",
    "bank_name", "bank_account", "bank_account_name",
)  # fmt: skip
# The status (aktif, tidak aktif, dibekukan) is the Dinsos's decision.
DINSOS_FIELDS = ("status",)
LKS_FIELDS = PROFILE_FIELDS + LEGAL_FIELDS + DINSOS_FIELDS
# Fields validated as a whole (a legal entity needs its deed; GPS needs both coordinates).
CHECKED_TOGETHER = ("legal_status", "legal_form", "deed_number", "sk_kemenkumham", "latitude", "longitude")


def _check_region(actor, wilayah) -> None:
    if wilayah is not None and not can(actor, "lks.add", Lks(wilayah=wilayah)):
        raise ValidationError({"wilayah": "Desa/kelurahan ini di luar wilayah kerja Anda."})


def _check_legal(data: dict) -> None:
    errors = {}
    if data.get("legal_status") == LegalStatus.BERBADAN_HUKUM:
        if not data.get("legal_form"):
            errors["legal_form"] = "Pilih bentuk badan hukum (yayasan atau perkumpulan)."
        if not data.get("deed_number"):
            errors["deed_number"] = "Isi nomor akta notaris lembaga berbadan hukum."
        if not data.get("sk_kemenkumham"):
            errors["sk_kemenkumham"] = "Isi nomor SK Kemenkumham lembaga berbadan hukum."
    if (data.get("latitude") is None) != (data.get("longitude") is None):
        errors["longitude"] = "Isi lintang dan bujur bersama-sama, atau kosongkan keduanya."
    if errors:
        raise ValidationError(errors)


def _check_types(types) -> None:
    if not types:
        raise ValidationError({"types": "Pilih sedikitnya satu jenis layanan (sasaran)."})


@transaction.atomic
def lks_create(*, actor, types, **data) -> Lks:
    """Register an LKS in the registry (its Tanda Daftar comes through registration_apply)."""
    require(actor, "lks.add")
    data = {k: v for k, v in data.items() if k in LKS_FIELDS}
    if not (data.get("name") or "").strip():
        raise ValidationError({"name": "Isi nama LKS."})
    if data.get("wilayah") is None:
        raise ValidationError({"wilayah": "Pilih desa/kelurahan tempat LKS berada."})
    _check_region(actor, data["wilayah"])
    _check_types(types)
    _check_legal(data)
    lks = Lks.objects.create(created_by=actor, **data)
    lks.types.set(types)
    audit_record(action=actions.CREATE, actor=actor, obj=lks, wilayah_code=lks.wilayah_id)
    return lks


def _json(value):
    if value is None:
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return str(value)


@transaction.atomic
def lks_update(*, actor, lks: Lks, version: int, types=None, **changes) -> ChangeRequest | None:
    """Change the profile. A Dinsos supervisor's changes take effect at once; an LKS operator's changes
    to identity, legal or bank data become a ChangeRequest that waits for verification (returned)."""
    require(actor, "lks.change", lks)
    supervisor = can(actor, "lks.verify", lks)
    changes = {k: v for k, v in changes.items() if k in LKS_FIELDS}
    if not supervisor:
        changes.pop("status", None)
    if "wilayah" in changes and supervisor:
        _check_region(actor, changes["wilayah"])
    if types is not None:
        _check_types(types)
    _check_legal({f: changes.get(f, getattr(lks, f)) for f in CHECKED_TOGETHER})
    pending = {}
    if not supervisor:
        pending = {
            f: {"old": _json(getattr(lks, f)), "new": _json(changes.pop(f))}
            for f in LEGAL_FIELDS + ("wilayah",)
            if f in changes and _json(changes[f]) != _json(getattr(lks, f))
        }
        for f in LEGAL_FIELDS + ("wilayah",):
            changes.pop(f, None)
    changed = save_versioned(lks, version=version, changes=changes)
    if types is not None and set(types) != set(lks.types.all()):
        lks.types.set(types)
        changed.append("types")
    request = None
    if pending:
        request = ChangeRequest.objects.create(
            lks=lks, changes=pending, requested_by=actor, requested_at=timezone.now()
        )
        audit_record(action=actions.LKS_CHANGE_REQUEST, actor=actor, obj=lks, detail={"fields": sorted(pending)})
        _notify_supervisors(lks, request)
    if changed:
        audit_record(action=actions.UPDATE, actor=actor, obj=lks, detail={"fields": changed})
    return request


def _notify_supervisors(lks: Lks, request: ChangeRequest) -> None:
    from django.urls import reverse

    from kesos.accounts.notifications import notify

    from ..selectors import supervisors_of

    notify(
        user_ids=supervisors_of(lks),
        key=f"lks-perubahan:{request.pk}",
        title=f"Usulan perubahan data {lks.name} menunggu verifikasi",
        body=", ".join(sorted(request.changes)),
        url=reverse("lks:lks", kwargs={"pk": lks.pk}) + "#usulan",
    )


def _revive(lks: Lks, field: str, value):
    """A ChangeRequest's JSON value back into the field's Python value."""
    model_field = Lks._meta.get_field(field)
    if value is None:
        return None
    if model_field.is_relation:
        return model_field.related_model.objects.get(pk=value)
    return model_field.to_python(value)


@transaction.atomic
def change_request_decide(*, actor, request: ChangeRequest, approve: bool, reason: str = "") -> ChangeRequest:
    """Verify an LKS operator's change: approved values take effect, a rejection keeps the old ones."""
    require(actor, "lks.verify", request)
    request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ChangeStatus.MENUNGGU:
        raise ValidationError({"reason": "Usulan ini sudah diputuskan."})
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": "Tuliskan alasan penolakan."})
    lks = request.lks
    if approve:
        values = {f: _revive(lks, f, v["new"]) for f, v in request.changes.items()}
        if "wilayah" in values:
            _check_region(actor, values["wilayah"])
        _check_legal({f: values.get(f, getattr(lks, f)) for f in CHECKED_TOGETHER})
        save_versioned(lks, version=lks.version, changes=values)
    request.status = ChangeStatus.DISETUJUI if approve else ChangeStatus.DITOLAK
    request.decided_by, request.decided_at, request.reason = actor, timezone.now(), reason[:300]
    request.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    audit_record(
        action=actions.LKS_CHANGE_DECIDE, actor=actor, obj=lks,
        detail={"request": request.pk, "approved": approve, "fields": sorted(request.changes)},
    )  # fmt: skip
    return request


# --- Board, staff, assistance, documents ------------------------------------------------------------
@transaction.atomic
def board_member_add(*, actor, lks: Lks, **data) -> BoardMember:
    require(actor, "lks.change", lks)
    if data.get("nik") and (len(data["nik"]) != 16 or not data["nik"].isdigit()):
        raise ValidationError({"nik": "NIK terdiri dari 16 angka."})
    member = BoardMember.objects.create(lks=lks, **data)
    audit_record(action=actions.UPDATE, actor=actor, obj=lks, detail={"board_member_added": member.pk})
    return member


@transaction.atomic
def board_member_end(*, actor, member: BoardMember, term_end: datetime.date | None = None) -> BoardMember:
    require(actor, "lks.change", member.lks)
    member.term_end = term_end or timezone.localdate()
    member.save(update_fields=["term_end", "updated_at"])
    audit_record(action=actions.UPDATE, actor=actor, obj=member.lks, detail={"board_member_ended": member.pk})
    return member


@transaction.atomic
def staff_add(*, actor, lks: Lks, **data) -> StaffMember:
    require(actor, "lks.change", lks)
    staff = StaffMember.objects.create(lks=lks, **data)
    audit_record(action=actions.UPDATE, actor=actor, obj=lks, detail={"staff_added": staff.pk})
    return staff


@transaction.atomic
def staff_end(*, actor, staff: StaffMember, ended_on: datetime.date | None = None) -> StaffMember:
    require(actor, "lks.change", staff.lks)
    staff.ended_on = ended_on or timezone.localdate()
    staff.save(update_fields=["ended_on", "updated_at"])
    audit_record(action=actions.UPDATE, actor=actor, obj=staff.lks, detail={"staff_ended": staff.pk})
    return staff


@transaction.atomic
def assistance_add(*, actor, lks: Lks, **data) -> Assistance:
    """Record assistance the LKS received (the Dinsos records what it gave; the LKS what it got)."""
    require(actor, "lks.change", lks)
    if data.get("amount") is None and not (data.get("in_kind") or "").strip():
        raise ValidationError({"amount": "Isi jumlah uang atau uraian bantuan barang."})
    assistance = Assistance.objects.create(lks=lks, recorded_by=actor, **data)
    audit_record(action=actions.UPDATE, actor=actor, obj=lks, detail={"assistance_added": assistance.pk})
    return assistance


@transaction.atomic
def document_upload(
    *, actor, lks: Lks, kind: str, title: str, upload, year: int | None = None, registration=None
) -> LksDocument:
    """Store an annual activity report, application file, photo or certificate of the LKS."""
    require(actor, "lks.apply" if kind != DocumentKind.FOTO_VERIFIKASI else "lks.verify", lks)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": "Jenis dokumen tidak dikenal."})
    if kind == DocumentKind.LAPORAN_TAHUNAN and not year:
        raise ValidationError({"year": "Isi tahun laporan kegiatan."})
    checked = check_upload(upload)
    document = LksDocument(
        lks=lks, registration=registration, kind=kind, title=(title or checked.original_name).strip()[:200],
        year=year, stored_name=checked.stored_name, original_name=checked.original_name,
        content_type=checked.content_type, size=checked.size, uploaded_by=actor, uploaded_at=timezone.now(),
    )  # fmt: skip
    document.file.save(document.stored_name, checked.content, save=False)
    try:
        document.save()
        audit_record(action=actions.UPDATE, actor=actor, obj=lks, detail={"document_added": document.pk})
    except Exception:
        document.file.delete(save=False)
        raise
    return document
