"""State changes of beneficiaries. Forms, API, imports and tasks call these; nothing else writes."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kesos.accounts.models import Office
from kesos.accounts.permissions import can, require
from kesos.audit import actions
from kesos.audit.services import audit_record

from .models import Person
from .selectors import person_find_by_nik

PERSON_FIELDS = ("nik", "no_kk", "name", "sex", "birth_place", "birth_date", "wilayah", "address", "rt", "rw")
STALE_MESSAGE = "Data ini telah diubah oleh pengguna lain sejak Anda membukanya. Muat ulang halaman lalu ulangi."


class StaleEdit(ValidationError):
    """The record changed since the user loaded it (optimistic locking)."""


def _nik_taken_message(user, existing: Person) -> str:
    if Person.objects.visible_to(user).filter(pk=existing.pk).exists():
        return f"NIK ini sudah terdaftar atas nama {existing.name} (ID {existing.pk}). Buka data yang ada."
    # Out of the user's scope: say it exists and whom to ask, reveal nothing else.
    office = (
        Office.objects.filter(wilayah_id=existing.wilayah_id[:5]).first()
        or Office.objects.filter(wilayah_id=existing.wilayah_id[:2]).first()
    )
    whom = office.name if office else "Dinas Sosial setempat"
    return f"NIK ini sudah terdaftar di wilayah lain. Hubungi {whom} untuk data tersebut."


def _check_unique_nik(actor, nik, exclude_pk=None):
    if not nik:
        return
    existing = person_find_by_nik(nik)
    if existing is not None and existing.pk != exclude_pk:
        raise ValidationError({"nik": _nik_taken_message(actor, existing)})


def _check_region(actor, wilayah):
    probe = Person(wilayah=wilayah)
    if not can(actor, "ppks.view_person", probe):
        raise ValidationError({"wilayah": "Desa/kelurahan ini di luar wilayah tugas Anda."})


@transaction.atomic
def person_create(*, actor, **data) -> Person:
    require(actor, "ppks.add_person")
    data = {k: v for k, v in data.items() if k in PERSON_FIELDS}
    data["nik"] = data.get("nik") or None
    _check_region(actor, data["wilayah"])
    _check_unique_nik(actor, data["nik"])
    person = Person.objects.create(created_by=actor, **data)
    audit_record(action=actions.CREATE, actor=actor, obj=person)
    return person


@transaction.atomic
def person_update(*, actor, person: Person, version: int, **changes) -> Person:
    """Apply `changes` if nobody saved since `version`; otherwise refuse with StaleEdit."""
    require(actor, "ppks.change_person", person)
    changes = {k: v for k, v in changes.items() if k in PERSON_FIELDS}
    if "nik" in changes:
        changes["nik"] = changes["nik"] or None
        _check_unique_nik(actor, changes["nik"], exclude_pk=person.pk)
    if "wilayah" in changes:
        _check_region(actor, changes["wilayah"])
    before = {field: getattr(person, field) for field in changes}
    updated = Person.objects.filter(pk=person.pk, version=version).update(
        **changes, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise StaleEdit(STALE_MESSAGE)
    person.refresh_from_db()
    changed = sorted(f for f in changes if before[f] != getattr(person, f))
    audit_record(action=actions.UPDATE, actor=actor, obj=person, detail={"fields": changed})
    return person
