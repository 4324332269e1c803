"""Events: participants with their group and kab/kota, daily attendance (which, for a Bimtek or
Diklat, becomes training history), and the selection of exemplary pillars."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg
from django.utils import timezone

from kesos.accounts.permissions import can, require
from kesos.audit import actions
from kesos.audit.services import audit_record
from kesos.wilayah.models import Level, Wilayah

from ..choices import TRAINING_KINDS, EventKind, SelectionStatus
from ..models import (
    Attendance,
    Criterion,
    Event,
    Member,
    Nomination,
    Participant,
    PilarType,
    Score,
    Selection,
    Training,
)

EVENT_FIELDS = ("kind", "name", "starts_on", "ends_on", "venue", "organiser", "budget_line", "speakers", "description")


def _check_event(actor, data: dict, wilayah: Wilayah | None) -> None:
    errors = {}
    if wilayah is None or wilayah.level not in (Level.PROVINSI, Level.KABKOTA):
        errors["wilayah"] = "Pilih provinsi atau kabupaten/kota penyelenggara."
    elif not can(actor, "pilar.event", Event(wilayah=wilayah)):
        errors["wilayah"] = "Wilayah ini di luar wilayah kerja Anda."
    if data.get("kind") not in EventKind.values:
        errors["kind"] = "Pilih jenis kegiatan."
    if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
        errors["ends_on"] = "Tanggal selesai tidak boleh sebelum tanggal mulai."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def event_create(*, actor, wilayah: Wilayah, **data) -> Event:
    """Record an event; a Seleksi gets its selection (criteria, nominations, scores) at once."""
    require(actor, "pilar.event")
    data = {k: v for k, v in data.items() if k in EVENT_FIELDS}
    _check_event(actor, data, wilayah)
    event = Event.objects.create(wilayah=wilayah, created_by=actor, **data)
    if event.kind == EventKind.SELEKSI:
        Selection.objects.create(event=event)
    audit_record(action=actions.CREATE, actor=actor, obj=event, wilayah_code=wilayah.code)
    return event


@transaction.atomic
def event_update(*, actor, event: Event, **changes) -> Event:
    require(actor, "pilar.event", event)
    changes = {k: v for k, v in changes.items() if k in EVENT_FIELDS and k != "kind"}
    merged = {f: changes.get(f, getattr(event, f)) for f in EVENT_FIELDS}
    _check_event(actor, merged, event.wilayah)
    outside = Attendance.objects.filter(participant__event=event).exclude(
        day__range=(merged["starts_on"], merged["ends_on"])
    )
    if outside.exists():
        raise ValidationError({"ends_on": "Ada kehadiran di luar tanggal baru; hapus dahulu kehadiran itu."})
    for field, value in changes.items():
        setattr(event, field, value)
    event.save()
    audit_record(action=actions.UPDATE, actor=actor, obj=event, detail={"fields": sorted(changes)})
    return event


@transaction.atomic
def participant_add(
    *, actor, event: Event, group: PilarType, name: str = "", member: Member | None = None, lks=None,
    kabkota: Wilayah | None = None, position: str = "", phone: str = "", role: str = "peserta",
) -> Participant:  # fmt: skip
    """Add someone to the event: a pillar from the roster (name, group and kab/kota follow the
    record), an LKS delegate, a Dinsos employee or a guest."""
    require(actor, "pilar.event", event)
    errors = {}
    if member is not None:
        if not Member.objects.visible_to(actor).filter(pk=member.pk).exists():
            errors["member"] = "Anggota pilar ini di luar wilayah kerja Anda."
        name = name or member.name
        group = member.type
        kabkota = kabkota or Wilayah.objects.filter(code=member.wilayah_id[:5]).first()
    if lks is not None:
        name = name or lks.name
        kabkota = kabkota or Wilayah.objects.filter(code=lks.wilayah_id[:5]).first()
    if not (name or "").strip():
        errors["name"] = "Isi nama peserta."
    if kabkota is not None and kabkota.level != Level.KABKOTA:
        errors["kabkota"] = "Pilih kabupaten/kota."
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            participant = Participant.objects.create(
                event=event, member=member, lks=lks, name=name.strip(), group=group, kabkota=kabkota,
                position=position.strip(), phone=phone.strip(), role=role,
            )  # fmt: skip
    except IntegrityError as exc:
        raise ValidationError({"member": f"{member} sudah terdaftar sebagai peserta."}) from exc
    audit_record(action=actions.UPDATE, actor=actor, obj=event, detail={"participant_added": participant.pk})
    return participant


@transaction.atomic
def participant_remove(*, actor, participant: Participant) -> None:
    require(actor, "pilar.event", participant)
    event = participant.event
    Training.objects.filter(event=event, member_id=participant.member_id).delete()
    participant.delete()
    audit_record(action=actions.UPDATE, actor=actor, obj=event, detail={"participant_removed": participant.pk})


@transaction.atomic
def attendance_record(*, actor, event: Event, day: datetime.date, present_ids) -> int:
    """Set who was present on one day of the event (the list replaces that day's). For a Bimtek or
    Diklat, everyone from the roster present at least once gets the training in their history."""
    require(actor, "pilar.event", event)
    if day not in event.days:
        raise ValidationError({"day": f"{day:%d-%m-%Y} bukan hari kegiatan ini."})
    present = set(event.participants.filter(pk__in=list(present_ids)).values_list("pk", flat=True))
    Attendance.objects.filter(participant__event=event, day=day).exclude(participant_id__in=present).delete()
    existing = set(
        Attendance.objects.filter(participant__event=event, day=day).values_list("participant_id", flat=True)
    )
    Attendance.objects.bulk_create([Attendance(participant_id=pid, day=day) for pid in present - existing])
    if event.kind in TRAINING_KINDS:
        _sync_trainings(event)
    audit_record(
        action=actions.UPDATE, actor=actor, obj=event, detail={"attendance": day.isoformat(), "present": len(present)}
    )
    return len(present)


def _sync_trainings(event: Event) -> None:
    attended = set(
        Attendance.objects.filter(participant__event=event, participant__member__isnull=False)
        .values_list("participant__member_id", flat=True)
        .distinct()
    )
    Training.objects.filter(event=event).exclude(member_id__in=attended).delete()
    have = set(Training.objects.filter(event=event).values_list("member_id", flat=True))
    organiser = event.organiser or f"Dinas Sosial {event.wilayah.name}"
    Training.objects.bulk_create(
        [
            Training(
                member_id=mid,
                event=event,
                title=event.name,
                organiser=organiser,
                starts_on=event.starts_on,
                ends_on=event.ends_on,
                venue=event.venue,
            )  # fmt: skip
            for mid in attended - have
        ]
    )


# --- Selection of exemplary pillars ------------------------------------------------------------------
def _open_selection(selection: Selection) -> None:
    # Read the status from the database: the caller's object may predate the closing.
    if not Selection.objects.filter(pk=selection.pk, status=SelectionStatus.TERBUKA).exists():
        raise ValidationError({"__all__": "Seleksi ini sudah ditutup; hasilnya tidak dapat diubah."})


@transaction.atomic
def criterion_add(*, actor, selection: Selection, name: str, weight: int) -> Criterion:
    require(actor, "pilar.event", selection)
    _open_selection(selection)
    total = sum(selection.criteria.values_list("weight", flat=True))
    if not (name or "").strip():
        raise ValidationError({"name": "Isi nama kriteria."})
    if weight is None or weight <= 0 or total + weight > 100:
        raise ValidationError({"weight": f"Bobot harus 1–{100 - total} (jumlah bobot paling banyak 100%)."})
    criterion = Criterion.objects.create(selection=selection, name=name.strip(), weight=weight, order=total + weight)
    audit_record(action=actions.UPDATE, actor=actor, obj=selection.event, detail={"criterion_added": criterion.pk})
    return criterion


@transaction.atomic
def nomination_add(*, actor, selection: Selection, member: Member, kabkota: Wilayah | None = None) -> Nomination:
    """A kab/kota nominates one of its pillars."""
    require(actor, "pilar.event", selection)
    _open_selection(selection)
    if not Member.objects.visible_to(actor).filter(pk=member.pk).exists():
        raise ValidationError({"member": "Anggota pilar ini di luar wilayah kerja Anda."})
    kabkota = kabkota or Wilayah.objects.get(code=member.wilayah_id[:5])
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(selection=selection, member=member, kabkota=kabkota)
    except IntegrityError as exc:
        raise ValidationError({"member": f"{member} sudah diusulkan."}) from exc
    audit_record(action=actions.UPDATE, actor=actor, obj=selection.event, detail={"nominated": member.pk})
    return nomination


@transaction.atomic
def nomination_visit(*, actor, nomination: Nomination, notes: str) -> Nomination:
    require(actor, "pilar.judge", nomination)
    _open_selection(nomination.selection)
    nomination.visit_notes = (notes or "").strip()
    nomination.save(update_fields=["visit_notes", "updated_at"])
    return nomination


@transaction.atomic
def scores_record(*, actor, nomination: Nomination, values: dict) -> int:
    """A judge's scores (0–100) for one nominee, criterion → value; a judge may revise them until closing."""
    require(actor, "pilar.judge", nomination)
    selection = nomination.selection
    _open_selection(selection)
    criteria = {c.pk: c for c in selection.criteria.all()}
    errors = {}
    for criterion_id, value in values.items():
        if criterion_id not in criteria:
            errors["__all__"] = "Kriteria tidak dikenal."
        elif value is None or not (0 <= Decimal(value) <= 100):
            errors[f"kriteria_{criterion_id}"] = "Nilai 0–100."
    if errors:
        raise ValidationError(errors)
    for criterion_id, value in values.items():
        Score.objects.update_or_create(
            nomination=nomination, criterion_id=criterion_id, judge=actor, defaults={"value": Decimal(value)}
        )
    audit_record(action=actions.UPDATE, actor=actor, obj=selection.event, detail={"scored": nomination.pk})
    return len(values)


def nomination_totals(selection: Selection) -> dict[int, Decimal]:
    """Each nominee's weighted score: per criterion the judges' mean, times the weight, summed (0–100)."""
    weights = {c.pk: c.weight for c in selection.criteria.all()}
    totals: dict[int, Decimal] = {}
    means = (
        Score.objects.filter(nomination__selection=selection)
        .values("nomination_id", "criterion_id")
        .annotate(mean=Avg("value"))
    )
    for row in means:
        part = Decimal(row["mean"]) * weights[row["criterion_id"]] / 100
        totals[row["nomination_id"]] = totals.get(row["nomination_id"], Decimal(0)) + part
    return {k: v.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) for k, v in totals.items()}


@transaction.atomic
def selection_close(*, actor, selection: Selection) -> list[Nomination]:
    """Rank the nominees within each pillar type, mark the winners, and close the selection (audited).
    Refused while the criteria do not weigh 100% or a nominee has no score."""
    require(actor, "pilar.judge", selection)
    selection = Selection.objects.select_for_update().get(pk=selection.pk)
    _open_selection(selection)
    if sum(selection.criteria.values_list("weight", flat=True)) != 100:
        raise ValidationError({"__all__": "Jumlah bobot kriteria harus 100% sebelum seleksi ditutup."})
    nominations = list(selection.nominations.select_related("member", "member__type"))
    totals = nomination_totals(selection)
    unscored = [str(n.member) for n in nominations if n.pk not in totals]
    if unscored:
        raise ValidationError({"__all__": "Belum dinilai: " + ", ".join(unscored) + "."})
    by_type: dict[int, list[Nomination]] = {}
    for n in nominations:
        n.total = totals[n.pk]
        by_type.setdefault(n.member.type_id, []).append(n)
    for group in by_type.values():
        group.sort(key=lambda n: (-n.total, n.member.name))
        for rank, n in enumerate(group, start=1):
            n.rank, n.winner = rank, rank <= selection.winners_per_type
    Nomination.objects.bulk_update(nominations, ["total", "rank", "winner"])
    selection.status, selection.closed_at, selection.closed_by = SelectionStatus.DITUTUP, timezone.now(), actor
    selection.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    audit_record(
        action=actions.PILAR_SELECTION_CLOSE, actor=actor, obj=selection.event,
        detail={"winners": [n.member_id for n in nominations if n.winner]},
    )  # fmt: skip
    return sorted(nominations, key=lambda n: (n.member.type.order, n.rank))
