"""What the LKS registry holds about a person, for the data-subject report: their placements as a
resident or client of an LKS, and the change history of those placements."""

from kesos.audit.subject import Section, change_history, local, register_section


def _placements(person):
    from .models import Placement

    return list(Placement.objects.filter(person=person).select_related("lks", "case").order_by("admitted_on", "id"))


@register_section
def person_placements(person) -> Section:
    rows = [
        [
            p.lks.name,
            p.admitted_on,
            p.exit_on or "—",
            p.get_exit_reason_display() or "—",
            p.exit_note or "",
            p.case.number if p.case_id else "—",
            "ya" if p.residential else "tidak (di luar panti)",
            p.programme or "",
            p.get_family_status_display() or "",
            p.guardian_name,
            p.guardian_phone,
            p.schooling,
            p.health_note,
            local(p.created_at),
        ]
        for p in _placements(person)
    ]
    return Section(
        title="Penghuni LKS",
        header=[
            "LKS", "Tanggal masuk", "Tanggal keluar", "Alasan keluar", "Keterangan keluar", "Kasus asal",
            "Tinggal di panti", "Program", "Status keluarga", "Wali/keluarga", "HP wali", "Sekolah",
            "Catatan kesehatan", "Dicatat",
        ],
        rows=rows,
    )  # fmt: skip


@register_section
def person_placement_history(person) -> Section:
    return change_history("lks.Placement", [p.pk for p in _placements(person)])
