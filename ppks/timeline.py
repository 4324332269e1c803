"""One timeline per person and per household: everything recorded about them, in order, with who did it.

A handful of queries whatever the length (one per kind of entry); cases come only from those the
viewer may see, and their case work only as far as the viewer may read it (ppks.selectors.casework_q).
"""

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper
from django.urls import reverse
from django.utils import timezone

from .models import (
    Assessment,
    Case,
    CaseNote,
    CaseTransition,
    HouseholdMember,
    PersonCategory,
    PersonMerge,
    PlanItem,
    Referral,
    ServiceDelivery,
)
from .selectors import casework_q


@dataclass(frozen=True)
class Entry:
    at: datetime.datetime
    kind: str  # a short label shown as a badge
    text: str
    actor: str = ""
    url: str = ""


def _day(date) -> datetime.datetime:
    """A date-only event, placed at the start of that day in the office's time zone."""
    return datetime.datetime.combine(date, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _name(user) -> str:
    return user.get_full_name() if user else ""


def _case_entries(cases, user) -> list[Entry]:
    """The cases' stages for everyone who sees the cases; their case work only as far as `user` may read it."""
    ids = [c.pk for c in cases]
    number = {c.pk: c.number for c in cases}
    url = {c.pk: reverse("ppks:case", args=[c.pk]) for c in cases}

    def readable(model):
        return model.objects.filter(casework_q(user=user, cases=cases, model=model))

    entries = []
    note_visible = ExpressionWrapper(casework_q(user=user, cases=cases, model=CaseTransition), BooleanField())
    transitions = CaseTransition.objects.filter(case_id__in=ids).annotate(note_visible=note_visible)
    for t in transitions.select_related("actor"):
        label = "Kasus dibuka" if not t.from_stage else f"Tahap: {t.get_to_stage_display()}"
        text = f"{number[t.case_id]} — {label}" + (f". {t.note}" if t.note and t.note_visible else "")
        entries.append(Entry(t.at, "kasus", text, _name(t.actor), url[t.case_id]))
    for a in readable(Assessment).select_related("author"):
        entries.append(Entry(a.created_at, "asesmen", f"{number[a.case_id]} — {a}: {a.findings[:120]}",
                             _name(a.author), url[a.case_id]))  # fmt: skip
    for p in readable(PlanItem).select_related("author", "responsible"):
        entries.append(Entry(p.created_at, "rencana", f"{number[p.case_id]} — {p.goal} ({p.service}), target "
                             f"{p.target_date:%d/%m/%Y}", _name(p.author), url[p.case_id]))  # fmt: skip
    for s in readable(ServiceDelivery).select_related("author", "programme"):
        entries.append(Entry(s.created_at, "layanan", f"{number[s.case_id]} — {s.description}, {s.programme} "
                             f"({s.get_form_display()}), {s.delivered_on:%d/%m/%Y}", _name(s.author),
                             url[s.case_id]))  # fmt: skip
    for r in readable(Referral).select_related("author"):
        entries.append(Entry(r.created_at, "rujukan", f"{number[r.case_id]} — rujukan ke {r.target_name}: "
                             f"{r.get_status_display()}", _name(r.author), url[r.case_id]))  # fmt: skip
    for n in readable(CaseNote).select_related("author"):
        entries.append(Entry(n.at, "catatan", f"{number[n.case_id]} — {n.text[:160]}", _name(n.author), url[n.case_id]))
    return entries


def _visible_cases(user, **holder) -> list[Case]:
    # The fields the case-work rules look at (region, worker, reporter), so checking them costs no query.
    fields = ("pk", "number", "wilayah_id", "assigned_worker_id", "reported_by_id")
    return list(Case.objects.visible_to(user).filter(**holder).only(*fields))


def person_timeline(*, user, person) -> list[Entry]:
    entries = [Entry(person.created_at, "registrasi", "Data orang dicatat", _name(person.created_by))]
    for c in PersonCategory.objects.filter(person=person).select_related("category", "created_by", "verified_by"):
        text = f"Jenis PPKS {c.category.abbreviation} ({c.get_source_display()})"
        entries.append(Entry(c.created_at, "PPKS", text, _name(c.created_by)))
        if c.verified:
            entries.append(Entry(c.updated_at, "PPKS", f"{c.category.abbreviation} diverifikasi", _name(c.verified_by)))
    for m in HouseholdMember.objects.filter(person=person).select_related("household", "relation"):
        link = reverse("ppks:household", args=[m.household_id])
        entries.append(Entry(_day(m.joined_on) if m.joined_on else m.created_at, "keluarga",
                             f"Masuk keluarga #{m.household_id} sebagai {m.relation}", url=link))  # fmt: skip
        if m.left_on:
            entries.append(Entry(_day(m.left_on), "keluarga", f"Keluar dari keluarga #{m.household_id}", url=link))
    for g in PersonMerge.objects.filter(kept=person).select_related("actor", "undone_by"):
        entries.append(Entry(g.at, "gabung", f"Data orang #{g.merged_id} digabungkan ke data ini: {g.reason}",
                             _name(g.actor)))  # fmt: skip
        if g.undone_at:
            entries.append(Entry(g.undone_at, "gabung", f"Penggabungan data #{g.merged_id} dibatalkan",
                                 _name(g.undone_by)))  # fmt: skip
    entries += _case_entries(_visible_cases(user, person=person), user)
    return sorted(entries, key=lambda e: e.at)


def household_timeline(*, user, household) -> list[Entry]:
    entries = [Entry(household.created_at, "registrasi", "Keluarga dicatat", _name(household.created_by))]
    for m in HouseholdMember.objects.filter(household=household).select_related("person", "relation"):
        entries.append(Entry(_day(m.joined_on) if m.joined_on else m.created_at, "anggota",
                             f"{m.person.name} masuk sebagai {m.relation}"))  # fmt: skip
        if m.left_on:
            entries.append(Entry(_day(m.left_on), "anggota", f"{m.person.name} keluar"))
    for c in PersonCategory.objects.filter(household=household).select_related("category", "created_by"):
        entries.append(Entry(c.created_at, "PPKS", f"Jenis PPKS {c.category.abbreviation}", _name(c.created_by)))
    entries += _case_entries(_visible_cases(user, household=household), user)
    return sorted(entries, key=lambda e: e.at)
