"""Scoped reads of the pillar roster, events and TKSK reports; the coverage and participation
figures are aggregated in SQL."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from kesos.accounts.scope import AGGREGATE_ROLES, scope_of
from kesos.wilayah.models import Level, Wilayah, prefix_q

from .choices import MemberStatus, ReportStatus
from .models import (
    Attendance,
    Event,
    Member,
    MonthlyReport,
    Nomination,
    Participant,
    PilarType,
    Posting,
    Selection,
)


def _get(qs, pk, message):
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404(message) from None


# --- Roster ---------------------------------------------------------------------------------------
def pilar_types(*, roster_only: bool = False):
    qs = PilarType.objects.filter(active=True)
    return qs.filter(roster=True) if roster_only else qs


def member_list(*, user, q: str = "", type: str = "", wilayah: str = "", status: str = ""):
    qs = Member.objects.visible_to(user).select_related("type", "wilayah")
    if q := (q or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(nik=q) | Q(member_number=q))
    if type:
        qs = qs.filter(type__code=type)
    if wilayah:
        qs = qs.filter(prefix_q(wilayah, "wilayah__code"))
    if status:
        qs = qs.filter(status=status)
    return qs


def member_get(*, user, pk) -> Member:
    qs = Member.objects.visible_to(user).select_related("type", "wilayah", "user", "created_by")
    return _get(qs, pk, "Data pilar tidak ditemukan.")


def member_parts(member: Member) -> dict:
    return {
        "postings": list(member.postings.select_related("wilayah")),
        "trainings": list(member.trainings.all()),
        "awards": list(member.awards.all()),
        "allowances": list(member.allowances.all()),
    }


# --- Coverage ---------------------------------------------------------------------------------------
@dataclass
class CoverageRow:
    code: str
    name: str
    kecamatan: int = 0
    kecamatan_with_tksk: int = 0
    desa: int = 0
    desa_with_kt: int = 0
    desa_with_psm: int = 0
    uncovered: list = field(default_factory=list)  # kecamatan without an active TKSK (drill-down)

    @staticmethod
    def pct(part: int, whole: int) -> float:
        return round(100 * part / whole, 1) if whole else 0.0

    @property
    def tksk_pct(self) -> float:
        return self.pct(self.kecamatan_with_tksk, self.kecamatan)

    @property
    def kt_pct(self) -> float:
        return self.pct(self.desa_with_kt, self.desa)


def covered_areas(type_code: str, within: str, on: datetime.date, level: int) -> set[str]:
    """Codes of the areas (at `level`) under `within` with an active member of the type posted there on `on`."""
    return set(
        Posting.objects.current(on)
        .filter(member__type__code=type_code, member__status=MemberStatus.AKTIF, wilayah__level=level)
        .filter(prefix_q(within, "wilayah__code"))
        .values_list("wilayah_id", flat=True)
        .distinct()
    )


def coverage(*, within: str, on: datetime.date | None = None) -> list[CoverageRow]:
    """Per kab/kota of a province (or per kecamatan of a kab/kota): kecamatan with an active TKSK,
    desa/kelurahan with a Karang Taruna or PSM, against the region table's counts."""
    on = on or timezone.localdate()
    by_kabkota = len(within) == 2
    group_len = 5 if by_kabkota else 8
    children = Wilayah.objects.filter(active=True, level=Level.KABKOTA if by_kabkota else Level.KECAMATAN).filter(
        prefix_q(within)
    )
    rows = {w.code: CoverageRow(w.code, w.name) for w in children.order_by("code")}

    def counts(level):
        return (
            Wilayah.objects.filter(active=True, level=level)
            .filter(prefix_q(within))
            .annotate(group_code=Substr("code", 1, group_len))
            .values("group_code")
            .annotate(n=Count("code"))
            .values_list("group_code", "n")
        )

    for parent, n in counts(Level.KECAMATAN) if by_kabkota else []:
        if parent in rows:
            rows[parent].kecamatan = n
    for parent, n in counts(Level.DESA):
        if parent in rows:
            rows[parent].desa = n
    tksk = covered_areas("tksk", within, on, Level.KECAMATAN)
    kecamatan_names = dict(
        Wilayah.objects.filter(active=True, level=Level.KECAMATAN).filter(prefix_q(within)).values_list("code", "name")
    )
    for code in sorted(kecamatan_names):
        row = rows.get(code[:group_len])
        if row is None:
            continue
        if not by_kabkota:
            row.kecamatan = 1
        if code in tksk:
            row.kecamatan_with_tksk += 1
        else:
            row.uncovered.append((code, kecamatan_names[code]))
    for type_code, attr in (("karang_taruna", "desa_with_kt"), ("psm", "desa_with_psm")):
        for code in covered_areas(type_code, within, on, Level.DESA):
            if (row := rows.get(code[:group_len])) is not None:
                setattr(row, attr, getattr(row, attr) + 1)
    return list(rows.values())


def coverage_region(*, user, code: str = "") -> Wilayah:
    """The region a user may see coverage for: their own province or kab/kota, or one inside it."""
    scope = scope_of(user)
    regions = scope.regions_for(*AGGREGATE_ROLES)
    code = code or (regions[0] if regions else "")
    if not code or not scope.covers(code, *AGGREGATE_ROLES):
        raise Http404("Wilayah tidak ditemukan.")
    region = Wilayah.objects.filter(code=code, level__lte=Level.KABKOTA).first()
    if region is None:
        raise Http404("Wilayah tidak ditemukan.")
    return region


# --- Events ---------------------------------------------------------------------------------------------
def event_list(*, user, q: str = "", kind: str = "", year: int | None = None):
    qs = Event.objects.visible_to(user).select_related("wilayah").annotate(participant_count=Count("participants"))
    if q := (q or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(venue__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(starts_on__year=year)
    return qs.order_by("-starts_on", "-id")


def event_get(*, user, pk) -> Event:
    return _get(Event.objects.visible_to(user).select_related("wilayah", "created_by"), pk, "Kegiatan tidak ditemukan.")


def participants(event: Event):
    return (
        Participant.objects.filter(event=event)
        .select_related("group", "kabkota", "member", "lks")
        .order_by("group__recap_order", "group__order", "name", "id")
    )


def participant_get(*, user, event: Event, pk) -> Participant:
    return _get(Participant.objects.filter(event=event, event__in=Event.objects.visible_to(user)), pk,
                "Peserta tidak ditemukan.")  # fmt: skip


@dataclass
class RecapRow:
    label: str
    count: int


def event_recap(event: Event) -> tuple[list[RecapRow], int]:
    """Participants by group (unsur), in the layout of article 004: one row per recap label."""
    rows = (
        Participant.objects.filter(event=event, role="peserta")
        .values("group__recap_label", "group__recap_order")
        .annotate(n=Count("id"))
        .order_by("group__recap_order", "group__recap_label")
    )
    recap = [RecapRow(r["group__recap_label"], r["n"]) for r in rows]
    return recap, sum(r.count for r in recap)


def event_recap_by_kabkota(event: Event) -> tuple[list[str], list[tuple[str, list[int], int]], list[int]]:
    """The kab/kota × group matrix of a provincial event: (groups, rows of (kab/kota, counts, total), totals)."""
    rows = (
        Participant.objects.filter(event=event, role="peserta")
        .values("kabkota__name", "kabkota_id", "group__recap_label", "group__recap_order")
        .annotate(n=Count("id"))
    )
    groups = sorted({(r["group__recap_order"], r["group__recap_label"]) for r in rows})
    labels = [label for _, label in groups]
    table: dict[tuple, dict[str, int]] = {}
    for r in rows:
        table.setdefault((r["kabkota_id"] or "~", r["kabkota__name"] or "Tanpa kabupaten/kota"), {})[
            r["group__recap_label"]
        ] = r["n"]
    out = []
    for (_, name), counts in sorted(table.items()):
        values = [counts.get(label, 0) for label in labels]
        out.append((name, values, sum(values)))
    totals = [sum(row[1][i] for row in out) for i in range(len(labels))]
    return labels, out, totals


def attendance_days(event: Event) -> dict[int, set]:
    """participant id → the days they were present."""
    present: dict[int, set] = {}
    for pid, day in Attendance.objects.filter(participant__event=event).values_list("participant_id", "day"):
        present.setdefault(pid, set()).add(day)
    return present


def selection_of(event: Event) -> Selection | None:
    return Selection.objects.filter(event=event).first()


def nominations(selection: Selection):
    return Nomination.objects.filter(selection=selection).select_related("member", "member__type", "kabkota")


def nomination_get(*, user, pk) -> Nomination:
    qs = Nomination.objects.filter(selection__event__in=Event.objects.visible_to(user)).select_related(
        "selection", "selection__event", "member", "member__type"
    )
    return _get(qs, pk, "Calon tidak ditemukan.")


# --- TKSK reports --------------------------------------------------------------------------------------------
def report_list(*, user, month: datetime.date | None = None, status: str = "", wilayah: str = ""):
    qs = MonthlyReport.objects.visible_to(user).select_related("member", "wilayah")
    if month:
        qs = qs.filter(month=month)
    if status:
        qs = qs.filter(status=status)
    if wilayah:
        qs = qs.filter(prefix_q(wilayah, "wilayah__code"))
    return qs.annotate(activity_count=Count("activities", distinct=True)).order_by("-month", "wilayah_id", "id")


def report_get(*, user, pk) -> MonthlyReport:
    qs = MonthlyReport.objects.visible_to(user).select_related("member", "member__user", "wilayah", "acknowledged_by")
    return _get(qs, pk, "Laporan tidak ditemukan.")


def report_parts(report: MonthlyReport) -> dict:
    return {
        "activities": list(report.activities.select_related("desa")),
        "findings": list(report.findings.select_related("desa", "category")),
        "photos": list(report.photos.all()),
    }


@dataclass
class Submission:
    member: Member
    kecamatan: str
    kabkota: str
    report: MonthlyReport | None
    activities: int
    ppks: int
    referrals: int

    @property
    def received(self) -> bool:
        return self.report is not None and self.report.status in (ReportStatus.DIKIRIM, ReportStatus.DITERIMA)


def submissions(*, user, month: datetime.date, wilayah: str = "") -> list[Submission]:
    """R7: every TKSK posted in the user's region during the month, and whether their report came in."""
    where = scope_of(user).region_q("wilayah__code", *AGGREGATE_ROLES)
    if wilayah:
        where &= prefix_q(wilayah, "wilayah__code")
    return tksk_submissions(where=where, month=month)


def tksk_submissions(*, where: Q, month: datetime.date) -> list[Submission]:
    """Every TKSK with a posting (matching `where`) during the month, and what their report holds.

    Shared by the R7 page (the user's regions) and the R7 recap (a region, whoever asks; also the
    scheduled one). Four queries whatever the number of TKSK.
    """
    month = month.replace(day=1)
    next_month = (month + datetime.timedelta(days=32)).replace(day=1)
    postings = list(
        Posting.objects.filter(member__type__code="tksk", starts_on__lt=next_month)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=month))
        .filter(where)
        .select_related("member", "wilayah")
        .order_by("wilayah_id", "member__name", "-starts_on", "id")
    )
    member_ids = {p.member_id for p in postings}
    reports = {
        r.member_id: r
        for r in MonthlyReport.objects.filter(month=month, member_id__in=member_ids).annotate(
            n_activities=Count("activities", distinct=True),
            n_referrals=Count("activities", filter=Q(activities__kind="rujukan"), distinct=True),
        )
    }
    # Findings summed apart: joined with the activities they would be counted once per activity.
    ppks = dict(
        MonthlyReport.objects.filter(month=month, member_id__in=member_ids)
        .annotate(total=Sum("findings__count"))
        .values_list("member_id", "total")
    )
    kabkota = dict(Wilayah.objects.filter(code__in={p.wilayah_id[:5] for p in postings}).values_list("code", "name"))
    seen, rows = set(), []
    for p in postings:
        if p.member_id in seen:
            continue
        seen.add(p.member_id)
        report = reports.get(p.member_id)
        rows.append(
            Submission(
                member=p.member,
                kecamatan=p.wilayah.name,
                kabkota=kabkota.get(p.wilayah_id[:5], ""),
                report=report,
                activities=getattr(report, "n_activities", 0),
                ppks=ppks.get(p.member_id) or 0,
                referrals=getattr(report, "n_referrals", 0),
            )  # fmt: skip
        )
    return rows
