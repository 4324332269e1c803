"""State changes of the pillar roster. Forms, API, imports and tasks call these; nothing else writes.

Events and selections are in `pilar.services.events`, TKSK field work in `pilar.services.fieldwork`.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kesos.accounts.permissions import can, require
from kesos.audit import actions
from kesos.audit.services import audit_record
from kesos.core import existence
from kesos.core.races import insert_unique
from kesos.core.versioning import STALE_MESSAGE, StaleEdit, save_versioned
from kesos.wilayah.models import Level, Wilayah
from kesos.wilayah.nik import validate_nik

from ..choices import MemberKind, MemberStatus
from ..models import Allowance, Award, Member, PilarType, Posting, Training

__all__ = [
    "STALE_MESSAGE",
    "StaleEdit",
    "allowance_add",
    "award_add",
    "member_create",
    "member_update",
    "posting_end",
    "posting_move",
    "training_add",
]

PERSON_FIELDS = ("nik", "sex", "birth_date", "education", "occupation")
ORGANISATION_FIELDS = ("chair_name", "member_count", "classification", "business_units")
MEMBER_FIELDS = (
    "name", "phone", "email", "address", "sk_number", "sk_date", "sk_issuer", "member_number", "grade", "status",
    "active_from", "active_until", "user", *PERSON_FIELDS, *ORGANISATION_FIELDS,
)  # fmt: skip


def _check_area(actor, type: PilarType, wilayah: Wilayah | None, field: str = "wilayah") -> None:
    """The posting area must be at the type's level (a TKSK per kecamatan…) and in the actor's region."""
    if wilayah is None:
        raise ValidationError({field: "Pilih wilayah tugas."})
    if type.level and wilayah.level != type.level:
        raise ValidationError({field: f"{type.abbreviation} ditugaskan per {Level(type.level).label.lower()}."})
    if not wilayah.active:
        raise ValidationError({field: "Wilayah ini sudah tidak aktif."})
    if not can(actor, "pilar.manage", Member(wilayah=wilayah)):
        raise ValidationError({field: "Wilayah ini di luar wilayah kerja Anda."})


def _clean(type: PilarType, data: dict) -> dict:
    errors = {}
    if not (data.get("name") or "").strip():
        errors["name"] = "Isi nama."
    if type.kind == MemberKind.PERSON:
        for f in ORGANISATION_FIELDS:
            data.pop(f, None)
        if data.get("nik"):
            try:
                validate_nik(data["nik"])
            except ValidationError as exc:
                errors["nik"] = exc.messages
    else:
        for f in PERSON_FIELDS:
            data.pop(f, None)
    if not type.has_grade:
        data.pop("grade", None)
    if not type.has_classification:
        data.pop("classification", None)
    if not type.has_member_number:
        data.pop("member_number", None)
    if data.get("active_from") and data.get("active_until") and data["active_until"] < data["active_from"]:
        errors["active_until"] = "Tanggal akhir tidak boleh sebelum tanggal mulai."
    if errors:
        raise ValidationError(errors)
    return data


def _check_unique_nik(actor, type: PilarType, nik: str, exclude_pk=None) -> None:
    """One NIK once per pillar type, nationwide; about a member the actor cannot see, kesos.core.existence
    decides how much the refusal says (and audits and counts it)."""
    if not nik:
        return
    existence.guard(actor, "nik")
    existing = Member.objects.filter(type=type, nik=nik).exclude(pk=exclude_pk).first()
    if existing is None:
        return
    if Member.objects.visible_to(actor).filter(pk=existing.pk).exists():
        raise ValidationError({"nik": f"NIK ini sudah terdaftar sebagai {type.abbreviation}."})
    raise ValidationError(
        {"nik": existence.taken_elsewhere(actor=actor, field="nik", what="NIK", holder=existing, value=nik)}
    )


@transaction.atomic
def member_create(
    *, actor, type: PilarType, wilayah: Wilayah, starts_on: datetime.date | None = None, **data
) -> Member:
    """Add a pillar to the roster with its first posting (from `starts_on`, by default the SK date or today)."""
    require(actor, "pilar.manage")
    if not type.roster:
        raise ValidationError({"type": f"{type.abbreviation} tidak dicatat sebagai anggota pilar."})
    data = _clean(type, {k: v for k, v in data.items() if k in MEMBER_FIELDS})
    _check_area(actor, type, wilayah)
    _check_unique_nik(actor, type, data.get("nik", ""))
    starts_on = starts_on or data.get("active_from") or data.get("sk_date") or timezone.localdate()
    member = insert_unique(
        lambda: Member.objects.create(type=type, wilayah=wilayah, created_by=actor, **data),
        check=lambda: _check_unique_nik(actor, type, data.get("nik", "")),
    )
    Posting.objects.create(member=member, wilayah=wilayah, starts_on=starts_on, sk_number=data.get("sk_number", ""))
    audit_record(action=actions.CREATE, actor=actor, obj=member, wilayah_code=wilayah.code)
    return member


@transaction.atomic
def member_update(*, actor, member: Member, version: int, **changes) -> Member:
    require(actor, "pilar.manage", member)
    changes = _clean(
        member.type,
        {k: v for k, v in changes.items() if k in MEMBER_FIELDS} | {"name": changes.get("name", member.name)},
    )
    if "nik" in changes:
        _check_unique_nik(actor, member.type, changes["nik"], exclude_pk=member.pk)
    changed = insert_unique(
        lambda: save_versioned(member, version=version, changes=changes),
        check=lambda: _check_unique_nik(actor, member.type, changes.get("nik", ""), exclude_pk=member.pk),
    )
    if changed:
        audit_record(action=actions.UPDATE, actor=actor, obj=member, detail={"fields": changed})
    return member


def _current_posting(member: Member, on: datetime.date) -> Posting | None:
    return member.postings.current(on).order_by("-starts_on", "-id").first()


@transaction.atomic
def posting_move(
    *, actor, member: Member, wilayah: Wilayah, starts_on: datetime.date, sk_number: str = "", note: str = ""
) -> Posting:
    """Reassign a member: the current posting ends the day the new one starts."""
    require(actor, "pilar.manage", member)
    _check_area(actor, member.type, wilayah)
    current = _current_posting(member, starts_on)
    if current is not None:
        if current.wilayah_id == wilayah.code:
            raise ValidationError({"wilayah": "Anggota ini sudah bertugas di wilayah tersebut."})
        if starts_on <= current.starts_on:
            raise ValidationError({"starts_on": f"Tanggal mulai harus sesudah {current.starts_on:%d-%m-%Y}."})
        current.ends_on = starts_on
        current.save(update_fields=["ends_on", "updated_at"])
    posting = Posting.objects.create(
        member=member, wilayah=wilayah, starts_on=starts_on, sk_number=sk_number, note=note
    )
    save_versioned(member, version=member.version, changes={"wilayah": wilayah, "status": MemberStatus.AKTIF})
    audit_record(
        action=actions.UPDATE, actor=actor, obj=member, wilayah_code=wilayah.code,
        detail={"posting": posting.pk, "from": getattr(current, "wilayah_id", None), "to": wilayah.code},
    )  # fmt: skip
    return posting


@transaction.atomic
def posting_end(
    *, actor, member: Member, ends_on: datetime.date | None = None, status: str = MemberStatus.NON_AKTIF,
    note: str = "",
) -> Posting:  # fmt: skip
    """End the member's current posting (`ends_on`, today by default, is the first day without it);
    the area is uncovered from that day. The member becomes non-aktif or diberhentikan."""
    require(actor, "pilar.manage", member)
    ends_on = ends_on or timezone.localdate()
    current = _current_posting(member, ends_on - datetime.timedelta(days=1)) or _current_posting(member, ends_on)
    if current is None or (current.ends_on is not None and current.ends_on <= ends_on):
        raise ValidationError({"ends_on": "Anggota ini tidak sedang bertugas."})
    if ends_on < current.starts_on:
        raise ValidationError({"ends_on": f"Tanggal berakhir tidak boleh sebelum {current.starts_on:%d-%m-%Y}."})
    if status not in (MemberStatus.NON_AKTIF, MemberStatus.DIBERHENTIKAN):
        raise ValidationError({"status": "Pilih non-aktif atau diberhentikan."})
    current.ends_on = ends_on
    current.note = (note or current.note)[:300]
    current.save(update_fields=["ends_on", "note", "updated_at"])
    save_versioned(member, version=member.version, changes={"status": status, "active_until": ends_on})
    audit_record(action=actions.UPDATE, actor=actor, obj=member, detail={"posting_ended": current.pk, "status": status})
    return current


@transaction.atomic
def training_add(*, actor, member: Member, **data) -> Training:
    require(actor, "pilar.manage", member)
    if data.get("ends_on") and data.get("starts_on") and data["ends_on"] < data["starts_on"]:
        raise ValidationError({"ends_on": "Tanggal selesai tidak boleh sebelum tanggal mulai."})
    training = Training.objects.create(member=member, **data)
    audit_record(action=actions.UPDATE, actor=actor, obj=member, detail={"training_added": training.pk})
    return training


@transaction.atomic
def award_add(*, actor, member: Member, **data) -> Award:
    require(actor, "pilar.manage", member)
    award = Award.objects.create(member=member, **data)
    audit_record(action=actions.UPDATE, actor=actor, obj=member, detail={"award_added": award.pk})
    return award


@transaction.atomic
def allowance_add(*, actor, member: Member, month: datetime.date, **data) -> Allowance:
    """Record a tali asih payment for a month (once per month and funding source)."""
    require(actor, "pilar.manage", member)
    month = month.replace(day=1)
    if Allowance.objects.filter(member=member, month=month, source=data.get("source", "")).exists():
        raise ValidationError({"month": f"Tali asih {month:%m/%Y} dari sumber ini sudah tercatat."})
    allowance = insert_unique(
        lambda: Allowance.objects.create(member=member, month=month, **data),
        check=lambda: None,
        message={"month": f"Tali asih {month:%m/%Y} dari sumber ini sudah tercatat."},
    )
    audit_record(action=actions.UPDATE, actor=actor, obj=member, detail={"allowance_added": allowance.pk})
    return allowance
