"""R1 (PPKS per jenis per kabupaten/kota) and R5 (arus kasus per periode), docs/domain.md

R1 counts persons (jiwa) on the as-of date (the period's last day, or today while the year runs):
- a person counts in a category when they hold it personally (`PersonCategory.person`), the holding is
  verified, recorded on or before the as-of date and not ended by then (`ended_on` is the first day the
  category no longer holds, so it counts only when later than the as-of date);
- a person with two categories counts in both, so "Jumlah" is the sum of the category columns (holdings,
  not distinct persons);
- the row is the kab/kota (or kecamatan) of the person's current desa; merged records are left out;
- categories recorded on a household (FM, KAT per KK) are not spread to its members here;
- "Sudah ditangani": the person has a case carrying that category which reached Asesmen or a later stage
  of casework on or before the as-of date (verification alone is not handling; a case rejected as "tidak
  memenuhi kriteria" never got there). "Belum ditangani" = Jumlah − Sudah.
- `verified` carries no date: a holding verified after the as-of date still counts in an older recap.

R5 follows cases through the period [period_start, period_end] (whole days, local time), per area of the
case's region × each PPKS category of the case (a case with two categories is a row in both):
- Saldo awal: opened before the period and not closed (stage ditutup or a side exit) before it;
- Kasus baru: opened within the period;
- Diverifikasi … Bimbingan lanjut: cases that entered that stage within the period (a case that went to
  Dirujuk twice counts once); they are flows, not stocks, and do not add up to anything;
- Ditutup/keluar: closed within the period (ditutup, tidak memenuhi kriteria, meninggal, pindah);
- Saldo akhir: opened by the end of the period and still open at its end.
So Saldo awal + Kasus baru − Ditutup/keluar = Saldo akhir on every row.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from kesos.reports.recap import MONTHS, Column, Params, Recap, as_of_line, long_date, region_heading
from kesos.reports.recaps.lks import Breakdown, as_of_date, breakdown
from kesos.wilayah.models import prefix_q
from ppks.models import Case, CaseTransition, PersonCategory, PpksCategory
from ppks.workflow import Stage

# Stages that mean casework began: a case that reached any of them was handled.
HANDLED_STAGES = (
    Stage.ASESMEN,
    Stage.RENCANA,
    Stage.INTERVENSI,
    Stage.DIRUJUK,
    Stage.RESOSIALISASI,
    Stage.TERMINASI,
    Stage.BIMBINGAN_LANJUT,
)
# R5 flow columns: cases that entered the stage within the period.
FLOW_STAGES = (
    (Stage.DIVERIFIKASI, "Diverifikasi"),
    (Stage.ASESMEN, "Asesmen"),
    (Stage.INTERVENSI, "Intervensi"),
    (Stage.DIRUJUK, "Dirujuk"),
    (Stage.TERMINASI, "Terminasi"),
    (Stage.BIMBINGAN_LANJUT, "Bimbingan lanjut"),
)


def categories() -> list[PpksCategory]:
    """The active PPKS categories in regulation order (PPKS-01 … PPKS-26). One query."""
    return list(PpksCategory.objects.filter(active=True).order_by("code"))


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day`, local time (the office's time zone)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def sums(rows: list[list], start: int) -> list[int]:
    width = len(rows[0]) if rows else start
    return [sum(row[i] for row in rows) for i in range(start, width)]


# --- R1 --------------------------------------------------------------------------------------------


def r1_counts(b: Breakdown, on: datetime.date, *, handled: bool) -> dict[tuple[str, int, str], dict[str, int]]:
    """(area code, category id, sex) → persons holding the category ("n") and, with `handled`, how many of
    them were handled. One query, two with `handled`: the handled holdings are counted apart with EXISTS in
    the WHERE clause, which PostgreSQL runs as one hash semi-join instead of a subquery per holding."""
    holdings = (
        PersonCategory.objects.filter(person__isnull=False, verified=True, recorded_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        .filter(person__merged_into__isnull=True)
        .filter(prefix_q(b.region.code, "person__wilayah__code"))
    )

    def grouped(queryset, key: str) -> dict[tuple[str, int, str], dict[str, int]]:
        rows = (
            queryset.annotate(area=b.area_of("person__wilayah_id"), sex=F("person__sex"))
            .values("area", "category_id", "sex")
            .annotate(n=Count("person_id", distinct=True))
            .order_by()
        )
        return {(row["area"], row["category_id"], row["sex"]): {key: row["n"]} for row in rows}

    counts = grouped(holdings, "n")
    if handled:
        reached = CaseTransition.objects.filter(
            case__person_id=OuterRef("person_id"),
            case__categories=OuterRef("category_id"),
            to_stage__in=HANDLED_STAGES,
            at__lt=day_start(on + datetime.timedelta(days=1)),
        )
        for key, found in grouped(holdings.filter(Exists(reached)), "handled").items():
            counts.setdefault(key, {}).update(found)
    return counts


def r1_columns(b: Breakdown, cats: list[PpksCategory], params: Params) -> list[Column]:
    columns = [Column("No", "int"), Column("Kode Wilayah"), Column(b.area_label)]
    if params.split_sex:
        for cat in cats:
            columns += [Column("L", "int", group=cat.abbreviation), Column("P", "int", group=cat.abbreviation)]
        columns += [Column(label, "int", group="Jumlah") for label in ("L", "P", "L+P")]
    else:
        columns += [Column(cat.abbreviation, "int") for cat in cats]
        columns.append(Column("Jumlah", "int"))
    if params.handled:
        columns += [Column("Sudah ditangani", "int"), Column("Belum ditangani", "int")]
    return columns


def r1_row(area_code: str, cats: list[PpksCategory], counts: dict, params: Params) -> list[int]:
    """The number cells of one area's row."""
    cells: list[int] = []
    total = {"L": 0, "P": 0}
    handled = 0
    for cat in cats:
        for sex in ("L", "P"):
            found = counts.get((area_code, cat.pk, sex), {})
            total[sex] += found.get("n", 0)
            handled += found.get("handled", 0)
        if params.split_sex:
            cells += [counts.get((area_code, cat.pk, sex), {}).get("n", 0) for sex in ("L", "P")]
        else:
            cells.append(sum(counts.get((area_code, cat.pk, sex), {}).get("n", 0) for sex in ("L", "P")))
    everyone = total["L"] + total["P"]
    cells += [total["L"], total["P"], everyone] if params.split_sex else [everyone]
    if params.handled:
        cells += [handled, everyone - handled]
    return cells


def build_r1(params: Params, *, user=None) -> Recap:
    """R1 for `params.region` on the as-of date: persons per PPKS category per kab/kota (or kecamatan).

    Counting rule in the module docstring. Four queries whatever the number of rows (five with `handled`):
    the region, its areas, the categories, and the aggregates grouped by area, category and sex.
    """
    b = breakdown(params)
    cats = categories()
    on = as_of_date(params)
    counts = r1_counts(b, on, handled=params.handled)
    rows = [
        [number, area.code, area.name, *r1_row(area.code, cats, counts, params)]
        for number, area in enumerate(b.areas, start=1)
    ]
    notes = [
        "Dihitung per jiwa: kategori PPKS terverifikasi yang tercatat pada orang s.d. tanggal keadaan dan belum "
        "berakhir; orang dengan dua jenis PPKS dihitung pada kedua kolom, sehingga Jumlah = jumlah kolom jenis. "
        "Wilayah menurut desa/kelurahan tempat tinggal sekarang; kategori yang dicatat pada keluarga (KK) tidak "
        "termasuk.",
    ]
    if params.handled:
        notes.append(
            "Sudah ditangani: ada kasus dengan jenis PPKS itu yang sudah sampai tahap asesmen atau sesudahnya "
            "s.d. tanggal keadaan; Belum ditangani = Jumlah − Sudah ditangani."
        )
    return Recap(
        title=f"REKAPITULASI PENYANDANG MASALAH KESEJAHTERAAN SOSIAL (PPKS) PER JENIS {b.per}",
        region=region_heading(b.region),
        period=f"TAHUN {params.year}",
        as_of=as_of_line(params),
        columns=r1_columns(b, cats, params),
        rows=rows,
        totals=[[None, None, "Jumlah", *sums(rows, 3)]],
        notes=notes,
    )


# --- R5 --------------------------------------------------------------------------------------------

R5_KEYS = ["awal", "baru", *(stage for stage, _ in FLOW_STAGES), "keluar", "akhir"]


def r5_balances(b: Breakdown, start: datetime.datetime, end: datetime.datetime) -> dict[tuple[str, int], dict]:
    """One query: (area, category id) → saldo awal, kasus baru, closed in the period, saldo akhir.

    Only cases open at some moment of [start, end) take part, so every one is either open at the start or
    new, and either closed within the period or open at its end.
    """
    rows = (
        Case.objects.filter(prefix_q(b.region.code, "wilayah__code"), opened_at__lt=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))
        .annotate(area=b.area_of("wilayah_id"), category=F("categories__id"))
        .values("area", "category")
        .annotate(
            awal=Count("id", filter=Q(opened_at__lt=start)),
            baru=Count("id", filter=Q(opened_at__gte=start)),
            keluar=Count("id", filter=Q(closed_at__lt=end)),
            akhir=Count("id", filter=Q(closed_at__isnull=True) | Q(closed_at__gte=end)),
        )
        .order_by()
    )
    return {(row.pop("area"), row.pop("category")): row for row in rows}


def r5_flows(b: Breakdown, start: datetime.datetime, end: datetime.datetime) -> dict[tuple[str, int], dict]:
    """One query: (area, category id) → cases that entered each flow stage within the period."""
    rows = (
        CaseTransition.objects.filter(at__gte=start, at__lt=end, to_stage__in=[stage for stage, _ in FLOW_STAGES])
        .filter(prefix_q(b.region.code, "case__wilayah__code"))
        .annotate(area=b.area_of("case__wilayah_id"), category=F("case__categories__id"))
        .values("area", "category", "to_stage")
        .annotate(n=Count("case_id", distinct=True))
        .order_by()
    )
    flows: dict[tuple[str, int], dict] = {}
    for row in rows:
        flows.setdefault((row["area"], row["category"]), {})[row["to_stage"]] = row["n"]
    return flows


def period_label(params: Params) -> str:
    """ "TAHUN 2025", "BULAN NOVEMBER 2025", or "1 JANUARI S.D. 30 JUNI 2025" for a chosen range."""
    if params.date_from or params.date_to:
        start, end = params.period_start, params.period_end
        first = f"{start.day} {MONTHS[start.month - 1]}" if start.year == end.year else long_date(start)
        return f"{first} S.D. {long_date(end)}".upper()
    if params.month:
        return f"BULAN {MONTHS[params.month - 1]} {params.year}".upper()
    return f"TAHUN {params.year}"


def build_r5(params: Params, *, user=None) -> Recap:
    """R5 for `params.region` over the period: case balances and stage flows per area × PPKS category.

    Semantics in the module docstring. Five queries: the region, its areas, the categories, the balances
    and the stage flows. Only (area, category) rows with a non-zero cell are listed.
    """
    b = breakdown(params)
    cats = categories()
    start, end = day_start(params.period_start), day_start(params.period_end + datetime.timedelta(days=1))
    counts = r5_balances(b, start, end)
    for key, flows in r5_flows(b, start, end).items():
        counts.setdefault(key, {}).update(flows)
    rows = []
    for area in b.areas:
        for cat in cats:
            found = counts.get((area.code, cat.pk))
            cells = [(found or {}).get(key) or 0 for key in R5_KEYS]
            if any(cells):
                rows.append([len(rows) + 1, area.name, f"{cat.abbreviation} — {cat.name}", *cells])
    columns = [
        Column("No", "int"),
        Column(b.area_label),
        Column("Jenis PPKS"),
        Column("Saldo awal", "int"),
        Column("Kasus baru", "int"),
        *(Column(label, "int") for _, label in FLOW_STAGES),
        Column("Ditutup/keluar", "int"),
        Column("Saldo akhir", "int"),
    ]
    return Recap(
        title=f"REKAPITULASI ARUS KASUS PPKS PER JENIS {b.per}",
        region=region_heading(b.region),
        period=period_label(params),
        as_of=as_of_line(params),
        columns=columns,
        rows=rows,
        totals=[[None, "Jumlah", None, *sums(rows, 3)]],
        notes=[
            "Saldo awal: kasus yang terbuka pada awal periode; Kasus baru: dibuka dalam periode; Diverifikasi s.d. "
            "Bimbingan lanjut: kasus yang masuk tahap itu dalam periode; Ditutup/keluar: ditutup, tidak memenuhi "
            "kriteria, meninggal atau pindah dalam periode; Saldo akhir: masih terbuka pada akhir periode.",
            "Saldo awal + Kasus baru − Ditutup/keluar = Saldo akhir. Kasus dengan dua jenis PPKS dihitung pada "
            "kedua jenisnya; wilayah menurut wilayah kasus.",
        ],
    )
