"""Merging two person records found to be one person, and undoing it.

A merge never deletes anything. `merged` stays whole (it only leaves the lists: `merged_into` is
set), `kept` takes the fields the supervisor chose, and the rows that pointed at `merged` point at
`kept`. The `PersonMerge` row keeps what an undo needs: each taken field with the value it brought
and the value `kept` had before, and the ids of every row moved or ended.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kesos.accounts.permissions import require
from kesos.audit import actions
from kesos.audit.services import audit_record

from ..models import Case, HouseholdMember, Person, PersonCategory, PersonMerge
from ..names import name_key
from . import PERSON_FIELDS, PERSON_NOT_FOUND, STALE_MESSAGE, StaleEdit, _check_nik_matches

# The rows that point at a person, by their key in PersonMerge.moved.
RELATED = {"cases": Case, "memberships": HouseholdMember, "categories": PersonCategory}


def _field(name):
    return Person._meta.get_field(name)


def _raw(person: Person, name: str):
    """The field's stored value (a foreign key's id, not the object)."""
    return getattr(person, _field(name).attname)


def _to_json(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def _from_json(name: str, value):
    return None if value is None else _field(name).to_python(value)


def _lock(*persons: Person) -> list[Person]:
    """Fresh copies of the persons, locked for the rest of the transaction (in id order: no deadlock)."""
    rows = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[p.pk for p in persons]).order_by("pk")}
    return [rows[p.pk] for p in persons]


def _check_visible(actor, kept: Person, merged: Person):
    for person, key in ((kept, "kept"), (merged, "merged")):
        if person.merged_into_id:
            raise ValidationError(
                {key: f"{person.name} (ID {person.pk}) sudah digabung ke data ID {person.merged_into_id}."}
            )
    visible = set(Person.objects.visible_to(actor).filter(pk__in=[kept.pk, merged.pk]).values_list("pk", flat=True))
    for person, key in ((kept, "kept"), (merged, "merged")):
        if person.pk not in visible:
            raise ValidationError({key: PERSON_NOT_FOUND})


@transaction.atomic
def person_merge(
    *,
    actor,
    kept: Person,
    merged: Person,
    take_from_merged: list[str],
    reason: str,
    kept_version: int | None = None,
    merged_version: int | None = None,
) -> PersonMerge:
    """Merge `merged` into `kept`: `kept` takes the fields named in `take_from_merged` from `merged`,
    and every case, PPKS category and household membership of `merged` moves to `kept`.

    `kept_version`/`merged_version` are the versions the supervisor compared; if either record
    changed since, the merge is refused (StaleEdit) rather than made on values nobody saw.
    """
    require(actor, "ppks.merge", kept)
    require(actor, "ppks.merge", merged)
    if kept.pk == merged.pk:
        raise ValidationError({"merged": "Data orang tidak dapat digabung dengan dirinya sendiri."})
    kept, merged = _lock(kept, merged)
    _check_visible(actor, kept, merged)
    # Checked again on the fresh rows: a record may have moved to another region since it was loaded.
    require(actor, "ppks.merge", kept)
    require(actor, "ppks.merge", merged)
    if (kept_version is not None and kept.version != kept_version) or (
        merged_version is not None and merged.version != merged_version
    ):
        raise StaleEdit(STALE_MESSAGE)
    if kept.nik and merged.nik and kept.nik != merged.nik:
        raise ValidationError({"nik": "NIK berbeda: bukan orang yang sama."})
    unknown = sorted(set(take_from_merged) - set(PERSON_FIELDS))
    if unknown:
        raise ValidationError({"take_from_merged": f"Isian tidak dikenal: {', '.join(unknown)}."})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Tuliskan alasan penggabungan."})
    # Fields with the same value on both records need no provenance: nothing changes.
    taken = [f for f in PERSON_FIELDS if f in take_from_merged and _raw(kept, f) != _raw(merged, f)]
    if "nik" in taken and not merged.nik:
        raise ValidationError({"nik": "Data yang digabung tidak punya NIK: NIK data yang dipertahankan tetap dipakai."})
    if {"nik", "birth_date", "sex"} & set(taken):
        _check_nik_matches({f: getattr(merged if f in taken else kept, f) for f in ("nik", "birth_date", "sex")})

    now = timezone.now()
    fields, changes = {}, {}
    for name in taken:
        fields[name] = {
            "from": "merged",
            "kept_before": _to_json(_raw(kept, name)),
            "value": _to_json(_raw(merged, name)),
        }
        changes[_field(name).attname] = _raw(merged, name)
    if "name" in taken:
        fields["name"]["kept_name_key_before"] = kept.name_key
        changes["name_key"] = name_key(merged.name)
    merged_changes = {"merged_into": kept}
    if "nik" in taken:
        # NIK is unique: it leaves `merged` before `kept` takes it. Undo gives it back.
        fields["nik"]["merged_cleared"] = True
        merged_changes["nik"] = None
        Person.objects.filter(pk=merged.pk).update(nik=None)

    # One current household per person: if both have one, `merged`'s ends today instead of moving.
    memberships = list(HouseholdMember.objects.select_for_update().filter(person=merged).order_by("pk"))
    kept_has_household = HouseholdMember.objects.filter(person=kept, left_on__isnull=True).exists()
    ended = [m.pk for m in memberships if m.left_on is None and kept_has_household]
    moved = {
        "cases": list(Case.objects.filter(person=merged).order_by("pk").values_list("pk", flat=True)),
        "memberships": [m.pk for m in memberships if m.pk not in ended],
        "categories": list(PersonCategory.objects.filter(person=merged).order_by("pk").values_list("pk", flat=True)),
        "memberships_ended": ended,
    }
    HouseholdMember.objects.filter(pk__in=ended).update(left_on=timezone.localdate(), updated_at=now)
    for key, model in RELATED.items():
        model.objects.filter(pk__in=moved[key]).update(person=kept, updated_at=now)

    Person.objects.filter(pk=merged.pk).update(**merged_changes, version=F("version") + 1, updated_at=now)
    Person.objects.filter(pk=kept.pk).update(**changes, version=F("version") + 1, updated_at=now)
    merge = PersonMerge.objects.create(
        kept=kept, merged=merged, fields=fields, moved=moved, actor=actor, at=now, reason=reason
    )
    kept.refresh_from_db()
    merged.refresh_from_db()
    counts = {key: len(ids) for key, ids in moved.items()}
    for person, role, other in ((kept, "kept", merged), (merged, "merged", kept)):
        audit_record(
            action=actions.PERSON_MERGE, actor=actor, obj=person, subject_person_id=person.pk,
            detail={"merge": merge.pk, "role": role, "other": other.pk, "fields": taken, "moved": counts,
                    "reason": reason},
        )  # fmt: skip
    return merge


@transaction.atomic
def person_merge_undo(*, actor, merge: PersonMerge) -> PersonMerge:
    """Put both records back as they were before `merge`, keeping what was changed since on `kept`.

    Refused when a field taken from `merged` was changed on `kept` since (undoing would overwrite
    that change), when `kept` was itself merged into another record since (undo that one first),
    or when a moved row no longer belongs to `kept`.
    """
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    kept, merged = _lock(merge.kept, merge.merged)
    require(actor, "ppks.merge", kept)
    require(actor, "ppks.merge", merged)
    if merge.undone_at is not None:
        raise ValidationError({"merge": "Penggabungan ini sudah dibatalkan."})
    if kept.merged_into_id:
        raise ValidationError(
            {"merge": f"{kept.name} (ID {kept.pk}) sudah digabung lagi ke data ID {kept.merged_into_id}. "
                      "Batalkan penggabungan itu lebih dahulu."}
        )  # fmt: skip
    if merged.merged_into_id != kept.pk:
        raise ValidationError({"merge": "Data yang digabung tidak lagi menunjuk ke data yang dipertahankan."})
    if not Person.objects.visible_to(actor).filter(pk=kept.pk).exists():
        raise ValidationError({"kept": PERSON_NOT_FOUND})

    changed = {}
    for name, entry in merge.fields.items():
        if _raw(kept, name) != _from_json(name, entry["value"]):
            label = _field(name).verbose_name
            changed[name] = (
                f"Isian “{label}” telah diubah sejak penggabungan. Pembatalan akan menimpa perubahan itu, "
                f"jadi ditolak; kembalikan dahulu isian “{label}” ke nilai hasil penggabungan bila memang perlu."
            )
    if changed:
        raise ValidationError(changed)
    moved = merge.moved
    for key, model in RELATED.items():
        ids = moved.get(key, [])
        if model.objects.filter(pk__in=ids, person=kept).count() != len(ids):
            raise ValidationError(
                {"merge": f"Sebagian {model._meta.verbose_name_plural} yang dipindahkan tidak lagi melekat pada "
                          f"{kept.name} (ID {kept.pk}); pembatalan ditolak."}
            )  # fmt: skip
    ended = moved.get("memberships_ended", [])
    if HouseholdMember.objects.filter(pk__in=ended, person=merged, left_on__isnull=False).count() != len(ended):
        raise ValidationError({"merge": "Keanggotaan keluarga yang diakhiri saat penggabungan sudah berubah."})

    now = timezone.now()
    restore = {_field(name).attname: _from_json(name, entry["kept_before"]) for name, entry in merge.fields.items()}
    if "name" in merge.fields:
        restore["name_key"] = merge.fields["name"].get("kept_name_key_before", name_key(kept.name))
    # `kept` gives the NIK back before `merged` takes it again (NIK is unique).
    Person.objects.filter(pk=kept.pk).update(**restore, version=F("version") + 1, updated_at=now)
    merged_restore = {"merged_into": None}
    if merge.fields.get("nik", {}).get("merged_cleared"):
        merged_restore["nik"] = merge.fields["nik"]["value"]
    Person.objects.filter(pk=merged.pk).update(**merged_restore, version=F("version") + 1, updated_at=now)
    for key, model in RELATED.items():
        model.objects.filter(pk__in=moved.get(key, [])).update(person=merged, updated_at=now)
    HouseholdMember.objects.filter(pk__in=ended).update(left_on=None, updated_at=now)

    merge.undone_at, merge.undone_by = now, actor
    merge.save(update_fields=["undone_at", "undone_by"])
    kept.refresh_from_db()
    merged.refresh_from_db()
    for person, role, other in ((kept, "kept", merged), (merged, "merged", kept)):
        audit_record(
            action=actions.PERSON_MERGE_UNDO, actor=actor, obj=person, subject_person_id=person.pk,
            detail={"merge": merge.pk, "role": role, "other": other.pk, "fields": sorted(merge.fields)},
        )  # fmt: skip
    return merge
