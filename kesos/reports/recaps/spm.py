"""R4: SPM bidang sosial (PP 2/2018 Pasal 10(2), Permensos 9/2018), docs/domain.md

Five basic services, in the order of `SpmTarget.Service`. The target (sasaran), budget, realisation,
problems and solutions are what the Dinsos entered for the region and year (`SpmTarget`); "Terlayani"
is counted from the casework and placement records:

A person is *served* for a service in the year when they hold the service's PPKS category and got
the service the region is responsible for:

- the category: a `PersonCategory` of the person that was current at some time in the year (recorded
  by 31 December, not ended before 1 January), or a case of the person listing the category that was
  open at some time in the year. Categories per service (docs/domain.md, "Recap layouts"):
  disabilitas telantar = PD; anak telantar = ABT, AT; lanjut usia telantar = LUT; tuna sosial =
  Gelandangan, Pengemis; bencana = KBA, KBS;
- rows 1–4 for a **province** ("di dalam panti"): a residential placement (`Placement.residential`)
  in an LKS located in the province, current at some time in the year;
- rows 1–4 for a **kab/kota** ("di luar panti"): a service delivered in the year
  (`ServiceDelivery.delivered_on`) on a case of the person whose region lies in the kab/kota, or a
  placement as a client served outside the panti (`residential=False`) by an LKS in the kab/kota,
  current at some time in the year;
- row 5 (bencana), both levels: a service delivered in the year on a case in the region.

Each person counts once per row however many services or placements they had; a person in two
categories (an elderly person with a disability) counts in both rows. Cases about a household (not a
person) are not counted: SPM counts persons. Merged person records are left out (their rows moved
to the kept record).

Capaian = Terlayani / Sasaran × 100, empty when there is no target (or a target of 0).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q

from kesos.reports.models import SpmTarget
from kesos.reports.recap import Column, Params, Recap, as_of_line, region_heading
from kesos.wilayah.models import Level, Wilayah, prefix_q
from lks.models import Placement
from ppks.models import Case, Person, PersonCategory, ServiceDelivery

Service = SpmTarget.Service

# PPKS category codes (PPKS-01 … PPKS-26, docs/domain.md) whose holders each service is for.
CATEGORIES: dict[str, tuple[str, ...]] = {
    Service.DISABILITAS: ("PPKS-09",),  # PD
    Service.ANAK: ("PPKS-01", "PPKS-02"),  # ABT, AT
    Service.LANSIA: ("PPKS-08",),  # LUT
    Service.TUNA_SOSIAL: ("PPKS-11", "PPKS-12"),  # Gelandangan, Pengemis
    Service.BENCANA: ("PPKS-21", "PPKS-22"),  # KBA, KBS
}
REHABILITATION = (Service.DISABILITAS, Service.ANAK, Service.LANSIA, Service.TUNA_SOSIAL)

COLUMNS = [
    Column("No", "int"),
    Column("Jenis Pelayanan Dasar"),
    Column("Penerima yang harus dilayani (sasaran)", "int"),
    Column("Terlayani", "int"),
    Column("Capaian (%)", "percent"),
    Column("Anggaran (Rp)", "money"),
    Column("Realisasi (Rp)", "money"),
    Column("Permasalahan"),
    Column("Solusi"),
]

NOTE_PROVINCE = (
    "Terlayani: orang (dihitung sekali per jenis pelayanan) yang memiliki jenis PPKS terkait (PD; ABT/AT; LUT; "
    "gelandangan/pengemis; KBA/KBS) dan pada tahun ini tinggal di panti LKS di provinsi (baris 1–4), atau "
    "menerima layanan pada kasus di provinsi (baris 5)."
)
NOTE_KABKOTA = (
    "Terlayani: orang (dihitung sekali per jenis pelayanan) yang memiliki jenis PPKS terkait (PD; ABT/AT; LUT; "
    "gelandangan/pengemis; KBA/KBS) dan pada tahun ini menerima layanan pada kasus di kabupaten/kota atau "
    "dilayani LKS di kabupaten/kota di luar panti (baris 1–4), atau menerima layanan pada kasus di "
    "kabupaten/kota (baris 5)."
)
NOTE_CAPAIAN = "Capaian (%) = Terlayani / Sasaran × 100; kosong bila sasaran belum diisi."


def service_label(service: str, *, province: bool) -> str:
    """The row's name as the SPM tables write it: "… di dalam panti" for a province, "… di luar panti" for a
    kab/kota; the disaster row names the level of the disaster."""
    label = str(Service(service).label)
    if service == Service.BENCANA:
        return f"{label} bagi korban bencana {'provinsi' if province else 'kabupaten/kota'}"
    where = "di dalam panti" if province else "di luar panti"
    return f"{label}, {where}" if service == Service.TUNA_SOSIAL else f"{label} {where}"


def capaian(served: int, target: int | None) -> float | None:
    """Terlayani / Sasaran × 100 with one decimal; None without a (non-zero) target."""
    if not target:
        return None
    return round(served * 100 / target, 1)


def served_counts(region: str, year: int, *, province: bool) -> dict[str, int]:
    """One query: distinct persons served per SPM service in `year` within `region` (rule in the module doc)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    services_in_year = ServiceDelivery.objects.filter(delivered_on__gte=start, delivered_on__lte=end).filter(
        prefix_q(region, "case__wilayah__code")
    )
    placements_in_year = (
        Placement.objects.filter(admitted_on__lte=end)
        .filter(Q(exit_on__isnull=True) | Q(exit_on__gte=start))
        .filter(prefix_q(region, "lks__wilayah__code"))
    )
    services = services_in_year.filter(case__person=OuterRef("pk"))
    placements = placements_in_year.filter(person=OuterRef("pk"))
    got_service = Exists(services)
    if province:
        rehabilitated = Exists(placements.filter(residential=True))
    else:
        rehabilitated = got_service | Exists(placements.filter(residential=False))

    def holds(codes: tuple[str, ...]) -> Q:
        held = PersonCategory.objects.filter(
            person=OuterRef("pk"), category__code__in=codes, recorded_on__lte=end
        ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        on_case = Case.objects.filter(
            person=OuterRef("pk"), categories__code__in=codes, opened_at__date__lte=end
        ).filter(Q(closed_at__isnull=True) | Q(closed_at__date__gte=start))
        return Q(Exists(held)) | Q(Exists(on_case))

    counts = {
        service: Count("pk", filter=holds(CATEGORIES[service]) & Q(rehabilitated if service in REHABILITATION
                                                                      else got_service))
        for service in Service.values
    }  # fmt: skip
    # Narrow to the persons served at all in the year (two uncorrelated sets, hashed once) before the
    # per-row tests, so the correlated subqueries run for them only.
    candidates = Person.objects.filter(merged_into__isnull=True).filter(
        Q(pk__in=services_in_year.values("case__person_id")) | Q(pk__in=placements_in_year.values("person_id"))
    )
    return candidates.aggregate(**counts)


def build_r4(params: Params, *, user=None) -> Recap:
    """Three queries: the region, its targets for the year, the served counts."""
    region = Wilayah.objects.filter(code=params.region).first()
    if region is None or region.level not in (Level.PROVINSI, Level.KABKOTA):
        raise ValidationError("Wilayah SPM harus provinsi atau kabupaten/kota.")
    province = region.level == Level.PROVINSI
    targets = {t.service: t for t in SpmTarget.objects.filter(region=region, year=params.year)}
    served = served_counts(region.code, params.year, province=province)

    rows = []
    for number, service in enumerate(Service.values, start=1):
        target = targets.get(service)
        sasaran = target.target if target else None
        rows.append(
            [
                number,
                service_label(service, province=province),
                sasaran,
                served[service],
                capaian(served[service], sasaran),
                target.budget if target else None,
                target.spent if target else None,
                target.problems if target else "",
                target.solutions if target else "",
            ]
        )

    def total(index: int) -> int | None:
        values = [row[index] for row in rows if row[index] is not None]
        return sum(values) if values else None

    # Capaian is per service: summing people of different services into one percentage means nothing.
    totals = [[None, "Jumlah", total(2), total(3), None, total(5), total(6), None, None]]
    return Recap(
        title="CAPAIAN STANDAR PELAYANAN MINIMAL (SPM) BIDANG SOSIAL",
        region=region_heading(region),
        period=f"TAHUN {params.year}",
        as_of=as_of_line(params),
        columns=COLUMNS,
        rows=rows,
        totals=totals,
        notes=[NOTE_PROVINCE if province else NOTE_KABKOTA, NOTE_CAPAIAN],
    )
