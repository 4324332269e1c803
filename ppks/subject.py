"""What the PPKS app holds about a person, for the data-subject report."""

from kesos.audit.subject import Section, change_history, local, register_section


@register_section
def person_record(person) -> Section:
    fields = [f for f in person._meta.concrete_fields if f.name not in ("version",)]
    rows = []
    for f in fields:
        value = getattr(person, f.attname)
        if hasattr(value, "tzinfo"):
            value = local(value)
        rows.append([str(f.verbose_name).capitalize(), value if value not in (None, "") else "—"])
    rows.append(["Desa/kelurahan (nama)", person.wilayah.label])
    return Section(title="Data pribadi", header=["Data", "Isi"], rows=rows)


@register_section
def person_history(person) -> Section:
    return change_history("ppks.Person", [person.pk])


@register_section
def person_categories_and_households(person) -> Section:
    rows = [
        ["Jenis PPKS", f"{c.category}", c.get_source_display(), c.recorded_on, c.ended_on or "—",
         "ya" if c.verified else "belum"]
        for c in person.categories.select_related("category")
    ]  # fmt: skip
    rows += [
        ["Keluarga", f"Keluarga #{m.household_id} (KK {m.household.no_kk or '—'})", str(m.relation),
         m.joined_on or "—", m.left_on or "—", ""]
        for m in person.memberships.select_related("household", "relation")
    ]  # fmt: skip
    return Section(title="PPKS dan keluarga", header=["Jenis", "Isi", "Keterangan", "Sejak", "Sampai", "Verifikasi"],
                   rows=rows)  # fmt: skip


@register_section
def person_cases(person) -> Section:
    """Everything recorded in the person's cases: stages, assessments, plan, services, referrals, notes."""
    from .models import Case

    rows = []
    for case in Case.objects.filter(person=person).prefetch_related(
        "categories", "transitions__actor", "assessments", "plan_items", "services__programme", "referrals", "notes"
    ):
        kinds = ", ".join(c.abbreviation for c in case.categories.all())
        rows.append(
            [case.number, local(case.opened_at), "Kasus", f"{kinds}: {case.summary} — tahap {case.get_stage_display()}"]
        )
        if case.sensitive_notes:
            rows.append([case.number, None, "Catatan khusus", case.sensitive_notes])
        rows += [[case.number, local(t.at), "Tahap", f"{t.get_to_stage_display()} ({t.actor}) {t.note}"]
                 for t in case.transitions.all()]  # fmt: skip
        rows += [[case.number, a.assessed_on, "Asesmen", a.findings] for a in case.assessments.all()]
        rows += [[case.number, p.target_date, "Rencana", f"{p.goal}: {p.service}"] for p in case.plan_items.all()]
        rows += [[case.number, s.delivered_on, "Layanan", f"{s.description}, {s.programme}, {s.provider}"]
                 for s in case.services.all()]  # fmt: skip
        rows += [[case.number, r.sent_on, "Rujukan", f"{r.target_name}: {r.get_status_display()} {r.outcome}"]
                 for r in case.referrals.all()]  # fmt: skip
        rows += [[case.number, local(n.at), "Catatan", n.text] for n in case.notes.all()]
    return Section(title="Kasus", header=["Nomor kasus", "Tanggal", "Jenis", "Isi"], rows=rows)
