"""State changes of beneficiaries and households. Forms, API, imports and tasks call these; nothing else writes."""

import datetime
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kesos.accounts.permissions import can, require
from kesos.audit import actions
from kesos.audit.services import audit_record
from kesos.core import existence
from kesos.core.races import insert_unique
from kesos.core.versioning import STALE_MESSAGE, StaleEdit

from .. import workflow
from ..models import Case, CaseTransition, Household, HouseholdMember, Person, PersonCategory, RefKind
from ..names import name_key
from ..selectors import household_find_by_kk, person_find_by_nik, person_similar
from ..workflow import SUPERVISOR_MOVES, Stage

PERSON_FIELDS = (
    "nik", "no_kk", "name", "aliases", "sex", "birth_place", "birth_date", "wilayah", "address", "rt", "rw",
    "phone", "religion", "marital_status", "education", "occupation", "disability", "dtsen_desil", "dtsen_period",
    "legal_basis",
)  # fmt: skip
HOUSEHOLD_FIELDS = ("no_kk", "wilayah", "address", "rt", "rw")
# An id out of the actor's reach is answered like an id that does not exist (the API says the same).
PERSON_NOT_FOUND = "Data dengan ID ini tidak ditemukan di wilayah Anda."
WORKER_NOT_FOUND = "Tidak ada pekerja sosial dengan ID ini yang bertugas di wilayah kasus."


@dataclass
class Similar:
    visible: list  # candidates the user may open
    elsewhere: int  # candidates in the user's province but outside their scope: only counted
    # Candidates in other provinces (only with a birth date): said to exist at another office.
    other_offices: list = field(default_factory=list)
    contact: str = ""  # whom to ask about those: the user's own provincial Dinsos
    outside: list = field(default_factory=list)  # every candidate reported but not shown


class PossibleDuplicate(ValidationError):
    """Persons with the same normalised name (and birth date) exist; saving needs a confirmation."""

    def __init__(self, similar: Similar):
        self.similar = similar
        parts = [f"{p.name} (ID {p.pk})" for p in similar.visible]
        if similar.elsewhere:
            parts.append(f"{similar.elsewhere} data di wilayah lain")
        if similar.other_offices:
            parts.append(
                f"data dengan nama dan tanggal lahir ini di kantor lain (hubungi {similar.contact} untuk koordinasi)"
            )
        super().__init__(
            {
                "confirm_not_duplicate": "Mungkin sudah terdaftar: "
                + "; ".join(parts)
                + ". Periksa dahulu; bila memang orang yang berbeda, centang 'Bukan duplikat' lalu simpan lagi."
            }
        )


def _taken_message(user, existing, what: str, field: str, value: str) -> str:
    """Exact NIK/KK match: lead to the record if the user may see it, else say whom to ask, nothing more
    (kesos.core.existence decides how much, audits the answer and counts it)."""
    if type(existing).objects.visible_to(user).filter(pk=existing.pk).exists():
        return f"{what} ini sudah terdaftar: {existing} (ID {existing.pk}). Buka data yang ada."
    return existence.taken_elsewhere(actor=user, field=field, what=what, holder=existing, value=value)


def _check_unique_nik(actor, nik, exclude_pk=None):
    if not nik:
        return
    existence.guard(actor, "nik")
    existing = person_find_by_nik(nik)
    if existing is not None and existing.pk != exclude_pk:
        raise ValidationError({"nik": _taken_message(actor, existing, "NIK", "nik", nik)})


def _check_region(actor, wilayah, action="ppks.view_person"):
    if not can(actor, action, Person(wilayah=wilayah)):
        raise ValidationError({"wilayah": "Desa/kelurahan ini di luar wilayah tugas Anda."})


def _check_nik_matches(data):
    """The NIK carries the birth date and sex: a mismatch with what was typed is a typing error somewhere."""
    from kesos.wilayah.nik import parse_nik

    if not data.get("nik"):
        return
    info = parse_nik(data["nik"])
    errors = {}
    if data.get("birth_date") and info.birth_date != data["birth_date"]:
        errors["birth_date"] = f"Tanggal lahir tidak cocok dengan NIK ({info.birth_date:%d/%m/%Y})."
    if data.get("sex") and info.sex != data["sex"]:
        errors["sex"] = "Jenis kelamin tidak cocok dengan NIK (tanggal lahir perempuan ditambah 40)."
    if errors:
        raise ValidationError(errors)


def similar_persons(*, actor, name, birth_date=None, exclude_pk=None) -> Similar:
    candidates = [p for p in person_similar(name_key(name), birth_date) if p.pk != exclude_pk]
    visible_ids = set(
        Person.objects.visible_to(actor).filter(pk__in=[p.pk for p in candidates]).values_list("pk", flat=True)
    )
    hidden = [p for p in candidates if p.pk not in visible_ids]
    nearby = [p for p in hidden if existence.same_province(actor, p.wilayah_id)]
    # Across provinces a bare name matches strangers; with the birth date it points at one person.
    far = [p for p in hidden if p not in nearby] if birth_date else []
    return Similar(
        visible=[p for p in candidates if p.pk in visible_ids],
        elsewhere=len(nearby),
        other_offices=far,
        contact=existence.own_province_contact(actor) if far else "",
        outside=nearby + far,
    )


@transaction.atomic
def person_create(*, actor, confirm_not_duplicate: bool = False, **data) -> Person:
    """Register a person. An exact NIK match stops it; a near-duplicate name asks for confirmation."""
    require(actor, "ppks.add_person")
    data = {k: v for k, v in data.items() if k in PERSON_FIELDS}
    data["nik"] = data.get("nik") or None
    _check_region(actor, data["wilayah"])
    _check_unique_nik(actor, data["nik"])
    _check_nik_matches(data)
    if not confirm_not_duplicate and not data["nik"]:
        birth_date = data.get("birth_date")
        if birth_date:
            existence.guard(actor, "name")
        similar = similar_persons(actor=actor, name=data["name"], birth_date=birth_date)
        if similar.visible or similar.elsewhere or similar.other_offices:
            if birth_date and similar.outside:  # name and birth date point at a person: audited, counted
                existence.record(actor=actor, field="name", what="Nama dan tanggal lahir", holders=similar.outside)
            raise PossibleDuplicate(similar)
    # Two registrations of one NIK at once: the loser gets the NIK message, as it would a moment later.
    person = insert_unique(
        lambda: Person.objects.create(created_by=actor, name_key=name_key(data["name"]), **data),
        check=lambda: _check_unique_nik(actor, data["nik"]),
    )
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
    _check_nik_matches({f: changes.get(f, getattr(person, f)) for f in ("nik", "birth_date", "sex")})
    if "name" in changes:
        changes["name_key"] = name_key(changes["name"])
    before = {field: getattr(person, field) for field in changes}
    updated = insert_unique(
        lambda: Person.objects.filter(pk=person.pk, version=version).update(
            **changes, version=F("version") + 1, updated_at=timezone.now()
        ),
        check=lambda: _check_unique_nik(actor, changes.get("nik"), exclude_pk=person.pk),
    )
    if not updated:
        raise StaleEdit(STALE_MESSAGE)
    person.refresh_from_db()
    changed = sorted(f for f in changes if f != "name_key" and before[f] != getattr(person, f))
    audit_record(action=actions.UPDATE, actor=actor, obj=person, detail={"fields": changed})
    return person


# --- Households -----------------------------------------------------------------------------------
def _check_unique_kk(actor, no_kk, exclude_pk=None):
    if not no_kk:
        return
    existence.guard(actor, "no_kk")
    existing = household_find_by_kk(no_kk)
    if existing is not None and existing.pk != exclude_pk:
        raise ValidationError({"no_kk": _taken_message(actor, existing, "No. KK", "no_kk", no_kk)})


@transaction.atomic
def household_create(*, actor, **data) -> Household:
    require(actor, "ppks.add_person")
    data = {k: v for k, v in data.items() if k in HOUSEHOLD_FIELDS}
    data["no_kk"] = data.get("no_kk") or None
    _check_region(actor, data["wilayah"])
    _check_unique_kk(actor, data["no_kk"])
    household = insert_unique(
        lambda: Household.objects.create(created_by=actor, **data), check=lambda: _check_unique_kk(actor, data["no_kk"])
    )
    audit_record(action=actions.CREATE, actor=actor, obj=household)
    return household


def _check_not_member(person: Person, household: Household) -> None:
    if HouseholdMember.objects.filter(person=person, household=household, left_on__isnull=True).exists():
        raise ValidationError({"person": "Orang ini sudah menjadi anggota keluarga ini."})


@transaction.atomic
def household_add_member(*, actor, household: Household, person: Person, relation, joined_on=None) -> HouseholdMember:
    """Put a person in a household. Their current household, if any, ends the same day."""
    require(actor, "ppks.change_person", household)
    if relation.kind != RefKind.HUBUNGAN:
        raise ValidationError({"relation": "Pilih hubungan dalam keluarga."})
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise ValidationError({"person": PERSON_NOT_FOUND})
    day = joined_on or timezone.localdate()
    if relation.code == "kepala" and household.members.filter(left_on__isnull=True, relation__code="kepala").exists():
        raise ValidationError({"relation": "Keluarga ini sudah punya kepala keluarga."})
    current = HouseholdMember.objects.filter(person=person, left_on__isnull=True).select_for_update().first()
    if current is not None:
        if current.household_id == household.pk:
            raise ValidationError({"person": "Orang ini sudah menjadi anggota keluarga ini."})
        current.left_on = day
        current.save(update_fields=["left_on", "updated_at"])
    # Added to two households at once: one_current_household_per_person lets one through.
    member = insert_unique(
        lambda: HouseholdMember.objects.create(household=household, person=person, relation=relation, joined_on=day),
        check=lambda: _check_not_member(person, household),
        message={"person": "Orang ini baru saja dicatat di keluarga lain oleh pengguna lain. Muat ulang lalu periksa."},
    )
    if household.no_kk and person.no_kk != household.no_kk:
        Person.objects.filter(pk=person.pk).update(no_kk=household.no_kk, version=F("version") + 1)
    audit_record(
        action=actions.UPDATE, actor=actor, obj=household,
        detail={"member_added": person.pk, "relation": relation.code},
    )  # fmt: skip
    return member


@transaction.atomic
def household_end_member(*, actor, member: HouseholdMember, left_on: datetime.date | None = None) -> HouseholdMember:
    require(actor, "ppks.change_person", member.household)
    member.left_on = left_on or timezone.localdate()
    if member.joined_on and member.left_on < member.joined_on:
        raise ValidationError({"left_on": "Tanggal keluar sebelum tanggal masuk."})
    member.save(update_fields=["left_on", "updated_at"])
    audit_record(action=actions.UPDATE, actor=actor, obj=member.household, detail={"member_left": member.person_id})
    return member


# --- PPKS categories ----------------------------------------------------------------------------
@transaction.atomic
def category_add(*, actor, category, source, recorded_on=None, person=None, household=None, note="") -> PersonCategory:
    """Record that a person or a household holds a PPKS category from a date, and from which source."""
    holder = person or household
    if (person is None) == (household is None):
        raise ValueError("Tepat satu dari person atau household.")
    require(actor, "ppks.change_person", holder)
    # The holder's row lock makes "not recorded yet, so record it" one step for concurrent requests.
    type(holder).objects.select_for_update().filter(pk=holder.pk).first()
    if PersonCategory.objects.filter(
        person=person, household=household, category=category, ended_on__isnull=True
    ).exists():
        raise ValidationError({"category": f"{category.abbreviation} sudah tercatat dan masih berlaku."})
    holding = PersonCategory.objects.create(
        person=person, household=household, category=category, source=source,
        recorded_on=recorded_on or timezone.localdate(), note=note, created_by=actor,
    )  # fmt: skip
    audit_record(
        action=actions.UPDATE, actor=actor, obj=holder, detail={"category_added": category.code, "source": source}
    )
    return holding


@transaction.atomic
def category_verify(*, actor, holding: PersonCategory) -> PersonCategory:
    holder = holding.holder
    require(actor, "ppks.verify", holder)
    holding.verified, holding.verified_by = True, actor
    holding.save(update_fields=["verified", "verified_by", "updated_at"])
    audit_record(action=actions.UPDATE, actor=actor, obj=holder, detail={"category_verified": holding.category.code})
    return holding


@transaction.atomic
def category_end(*, actor, holding: PersonCategory, ended_on=None) -> PersonCategory:
    holder = holding.holder
    require(actor, "ppks.change_person", holder)
    holding.ended_on = ended_on or timezone.localdate()
    if holding.ended_on < holding.recorded_on:
        raise ValidationError({"ended_on": "Tanggal berakhir sebelum tanggal dicatat."})
    holding.save(update_fields=["ended_on", "updated_at"])
    audit_record(action=actions.UPDATE, actor=actor, obj=holder, detail={"category_ended": holding.category.code})
    return holding


# --- Cases --------------------------------------------------------------------------------------------
@transaction.atomic
def case_open(
    *, actor, summary: str, categories, source: str, person=None, household=None, priority="sedang",
    reporter_name="", sensitive_notes="", assigned_worker=None,
) -> Case:  # fmt: skip
    """Open a case for a person or a household in the actor's scope. It starts as 'dilaporkan'."""
    holder = person or household
    if (person is None) == (household is None):
        raise ValueError("Tepat satu dari person atau household.")
    require(actor, "ppks.open_case", holder)
    if not type(holder).objects.visible_to(actor).filter(pk=holder.pk).exists():
        raise ValidationError({"person": PERSON_NOT_FOUND})
    categories = list(categories)
    if not categories:
        raise ValidationError({"categories": "Pilih sedikitnya satu jenis PPKS."})
    now = timezone.now()
    case = Case.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:24]}", person=person, household=household,
        wilayah_id=holder.wilayah_id, source=source, reporter_name=reporter_name, reported_by=actor,
        priority=priority, summary=summary, sensitive_notes=sensitive_notes, opened_at=now,
    )  # fmt: skip
    # The number shows the year and the kab/kota; the id makes it unique without a counter to lock.
    case.number = f"{holder.wilayah_id[:5].replace('.', '')}-{timezone.localtime(now):%Y}-{case.pk:06d}"
    case.save(update_fields=["number"])
    case.categories.set(categories)
    CaseTransition.objects.create(case=case, from_stage="", to_stage=Stage.DILAPORKAN, actor=actor, at=now)
    audit_record(action=actions.CREATE, actor=actor, obj=case, detail={"categories": [c.code for c in categories]})
    if assigned_worker is not None:
        case_assign(actor=actor, case=case, worker=assigned_worker)
    return case


def worker_can_take(worker, case) -> bool:
    """A case goes to a social worker (or an operator) whose region covers it."""
    from kesos.accounts.models import Role
    from kesos.accounts.scope import scope_of

    return scope_of(worker).covers(case.wilayah_id, Role.PEKERJA_SOSIAL, Role.OPERATOR_KABKOTA, Role.ADMIN_PROVINSI)


@transaction.atomic
def case_assign(*, actor, case: Case, worker) -> Case:
    require(actor, "ppks.assign_case", case)
    if not worker_can_take(worker, case):
        raise ValidationError({"worker": WORKER_NOT_FOUND})
    previous = case.assigned_worker_id
    Case.objects.filter(pk=case.pk).update(assigned_worker=worker, version=F("version") + 1, updated_at=timezone.now())
    case.refresh_from_db()
    audit_record(
        action=actions.UPDATE, actor=actor, obj=case, detail={"assigned_from": previous, "assigned_to": worker.pk}
    )
    return case


@transaction.atomic
def case_transition(*, actor, case: Case, to_stage: str, note: str = "", version: int | None = None) -> Case:
    """Move a case to the next stage, if the workflow allows it and the actor may make the move."""
    require(actor, "ppks.verify" if to_stage in SUPERVISOR_MOVES else "ppks.work_case", case)
    if not workflow.allowed(case.stage, to_stage):
        raise ValidationError(
            {"to_stage": f"Dari tahap {case.get_stage_display()} kasus tidak dapat pindah ke {Stage(to_stage).label}."}
        )
    if to_stage in (Stage.TIDAK_MEMENUHI_KRITERIA, Stage.MENINGGAL, Stage.PINDAH) and not note.strip():
        raise ValidationError({"note": "Tuliskan alasannya."})
    now = timezone.now()
    changes = {"stage": to_stage, "updated_at": now, "closed_at": now if to_stage in workflow.FINAL else None}
    locked = Case.objects.filter(pk=case.pk, stage=case.stage)
    if version is not None:
        locked = locked.filter(version=version)
    if not locked.update(**changes, version=F("version") + 1):
        raise StaleEdit(STALE_MESSAGE)
    CaseTransition.objects.create(case=case, from_stage=case.stage, to_stage=to_stage, actor=actor, at=now, note=note)
    case.refresh_from_db()
    audit_record(action=actions.UPDATE, actor=actor, obj=case, detail={"stage": to_stage})
    return case
