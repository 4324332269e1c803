"""R2: LKS per type per kabupaten/kota (per kecamatan inside one kab/kota), docs/domain.md

Counted on the as-of date (the period's last day, or today while the year runs):
- every LKS the Dinsos has registered in the area, whatever its status: article 001's 135 LKS of Kalsel
  (the figure the issue asks R2 to reproduce from the demo) count the registry, and the demo registry
  holds a few *tidak aktif* and *dibekukan* LKS among them. The registry keeps no dated status, so a
  status filter could only use today's status anyway; a note under the table says how many of the
  counted LKS are not *aktif*. (R3, a count of working pillars, takes only the *aktif* LKS.)
- an LKS that serves two groups counts in each type column but once in "Jumlah LKS";
- "Tanda Daftar berlaku": a Tanda Daftar issued and in force on the as-of date; akreditasi: the grade of
  the latest accreditation in force on that date, "Belum" for the rest (never accredited or expired),
  so A + B + C + Belum = Jumlah LKS;
- clients: placements admitted by the as-of date and not yet exited (in the panti or served outside it).

The area helpers (`breakdown`, `area_rows`) are shared with the pilar recaps.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Substr
from django.utils import timezone

from kesos.reports.recap import Column, Params, Recap, as_of_line, region_heading
from kesos.wilayah.models import Level, Wilayah, prefix_q
from lks.choices import LegalStatus, LksStatus, PermitKind, RegistrationStatus
from lks.models import Accreditation, Lks, Placement, Registration

# --- Areas of a recap (shared with pilar.py) ------------------------------------------------------


@dataclass(frozen=True)
class Breakdown:
    """The region a recap covers and the areas its rows are: kab/kota of a province, kecamatan of a kab/kota."""

    region: Wilayah
    areas: list[Wilayah]  # active children of the region, ordered by code
    area_label: str  # "Kabupaten/Kota" or "Kecamatan"
    per: str  # "PER KABUPATEN/KOTA" or "PER KECAMATAN", for the title

    @property
    def code_len(self) -> int:
        """Length of an area's code: "63" → "63.01" (5), "63.01" → "63.01.01" (8)."""
        return len(self.region.code) + 3

    def area_of(self, field: str) -> Substr:
        """SQL expression: the area code a region-code column lies in."""
        return Substr(field, 1, self.code_len)


def recap_region(params: Params) -> Wilayah:
    """The province or kab/kota a recap covers. One query; refuses any other region."""
    region = Wilayah.objects.filter(code=params.region).first()
    if region is None or region.level not in (Level.PROVINSI, Level.KABKOTA):
        raise ValidationError("Wilayah rekap harus provinsi atau kabupaten/kota.")
    return region


def breakdown(params: Params) -> Breakdown:
    """Two queries: the region and its child areas."""
    region = recap_region(params)
    province = region.level == Level.PROVINSI
    child = Level.KABKOTA if province else Level.KECAMATAN
    areas = list(Wilayah.objects.filter(active=True, level=child).filter(prefix_q(region.code)).order_by("code"))
    if province:
        return Breakdown(region, areas, "Kabupaten/Kota", "PER KABUPATEN/KOTA")
    return Breakdown(region, areas, "Kecamatan", "PER KECAMATAN")


def as_of_date(params: Params, today: datetime.date | None = None) -> datetime.date:
    """The day the recap describes: the period's last day, or today while it is still running."""
    return min(params.period_end, today or timezone.localdate())


def area_rows(areas: Iterable[Wilayah], counts: dict[str, dict], keys: list[str]) -> list[list]:
    """`No | name | counts…` for every area, zero rows included."""
    rows = []
    for number, area in enumerate(areas, start=1):
        found = counts.get(area.code, {})
        rows.append([number, area.name, *(found.get(key) or 0 for key in keys)])
    return rows


def column_sums(rows: list[list], start: int) -> list:
    """Sums of the numeric columns from `start` on (empty cells count as zero)."""
    return [sum(row[i] or 0 for row in rows) for i in range(start, len(rows[0]))] if rows else []


# --- R2 --------------------------------------------------------------------------------------------

# Type column → LksType codes. LPKS (anak berhadapan dengan hukum) serve children, so they are counted
# with the LKSA: the layout has no column of their own, and "Lainnya" is for non-target-group services.
TYPE_COLUMNS: list[tuple[str, str, tuple[str, ...]]] = [
    ("lksa", "LKSA", ("anak", "abh")),
    ("lu", "LKS-LU", ("lansia",)),
    ("pd", "LKS-PD", ("disabilitas",)),
    ("napza", "LKS NAPZA", ("napza",)),
    ("tuna", "LKS Tuna Sosial/KPO", ("tuna_sosial",)),
    ("lk3", "LK3", ("keluarga",)),
    ("lain", "Lainnya", ("lainnya",)),
]
GRADES = ("A", "B", "C")
R2_KEYS = (
    [key for key, _, _ in TYPE_COLUMNS]
    + ["total", "legal", "td"]
    + [f"grade_{g}" for g in GRADES]
    + [
        "grade_none",
        "inside",
        "outside",
    ]
)


def registered_lks(b: Breakdown):
    """Every LKS of the region (R2)."""
    return Lks.objects.filter(prefix_q(b.region.code, "wilayah__code"))


def active_lks(b: Breakdown):
    """The LKS of the region whose status is aktif (R3)."""
    return registered_lks(b).filter(status=LksStatus.AKTIF)


def r2_lks_counts(b: Breakdown, on: datetime.date) -> dict[str, dict]:
    """One query: per area, LKS per type column, in total, with legal status, Tanda Daftar and grade."""
    td_in_force = Registration.objects.filter(
        lks=OuterRef("pk"), kind=PermitKind.TANDA_DAFTAR, status=RegistrationStatus.TERBIT, issued_on__lte=on
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
    grade_in_force = (
        Accreditation.objects.filter(lks=OuterRef("pk"), accredited_on__lte=on, valid_until__gte=on)
        .order_by("-accredited_on", "-id")
        .values("grade")[:1]
    )
    # Counts are DISTINCT: the join to the types repeats an LKS once per type it serves.
    one = {"distinct": True}
    aggregates = {key: Count("pk", filter=Q(types__code__in=codes), **one) for key, _, codes in TYPE_COLUMNS}
    aggregates |= {
        "total": Count("pk", **one),
        "legal": Count("pk", filter=Q(legal_status=LegalStatus.BERBADAN_HUKUM), **one),
        "td": Count("pk", filter=Q(td_valid=True), **one),
        "grade_none": Count("pk", filter=Q(grade__isnull=True), **one),
        "not_active": Count("pk", filter=~Q(status=LksStatus.AKTIF), **one),
    }
    aggregates |= {f"grade_{g}": Count("pk", filter=Q(grade=g), **one) for g in GRADES}
    rows = (
        registered_lks(b)
        .annotate(td_valid=Exists(td_in_force), grade=Subquery(grade_in_force), area=b.area_of("wilayah_id"))
        .values("area")
        .annotate(**aggregates)
        .order_by()
    )
    return {row.pop("area"): row for row in rows}


def r2_client_counts(b: Breakdown, on: datetime.date) -> dict[str, dict]:
    """One query: per area, clients of the LKS on the as-of date, in and outside the panti."""
    rows = (
        Placement.objects.filter(prefix_q(b.region.code, "lks__wilayah__code"), admitted_on__lte=on)
        .filter(Q(exit_on__isnull=True) | Q(exit_on__gt=on))
        .annotate(area=b.area_of("lks__wilayah__code"))
        .values("area")
        .annotate(
            inside=Count("person", filter=Q(residential=True), distinct=True),
            outside=Count("person", filter=Q(residential=False), distinct=True),
        )
        .order_by()
    )
    return {row.pop("area"): row for row in rows}


def build_r2(params: Params, *, user=None) -> Recap:
    """R2 for `params.region` on the as-of date. Four queries whatever the number of areas."""
    b = breakdown(params)
    on = as_of_date(params)
    counts = r2_lks_counts(b, on)
    for area, clients in r2_client_counts(b, on).items():
        counts.setdefault(area, {}).update(clients)
    columns = [
        Column("No", "int"),
        Column(b.area_label),
        *(Column(label, "int") for _, label, _ in TYPE_COLUMNS),
        Column("Jumlah LKS", "int"),
        Column("Berbadan hukum", "int"),
        Column("Tanda Daftar berlaku", "int"),
        *(Column(g, "int", group="Akreditasi") for g in GRADES),
        Column("Belum", "int", group="Akreditasi"),
        Column("Klien dalam panti", "int"),
        Column("Klien luar panti", "int"),
    ]
    rows = area_rows(b.areas, counts, R2_KEYS)
    codes = {area.code for area in b.areas}
    not_active = sum(found.get("not_active") or 0 for area, found in counts.items() if area in codes)
    return Recap(
        title=f"REKAPITULASI LKS PER JENIS {b.per}",
        region=region_heading(b.region),
        period=f"TAHUN {params.year}",
        as_of=as_of_line(params),
        columns=columns,
        rows=rows,
        totals=[[None, "Jumlah", *column_sums(rows, 2)]],
        notes=[
            f"Jumlah LKS: semua LKS yang terdaftar di Dinas Sosial, termasuk {not_active} LKS berstatus tidak "
            "aktif atau dibekukan.",
            "LKS yang melayani lebih dari satu jenis dihitung pada setiap kolom jenisnya, tetapi satu kali pada "
            "Jumlah LKS.",
            "LKSA termasuk LPKS (anak berhadapan dengan hukum).",
            "Tanda Daftar berlaku dan akreditasi: yang berlaku pada tanggal keadaan; Belum = belum pernah "
            "terakreditasi atau akreditasinya sudah habis masa berlakunya.",
            "Klien: penghuni/klien yang tercatat masuk dan belum keluar pada tanggal keadaan.",
        ],
    )
