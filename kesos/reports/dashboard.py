"""The dashboard's figures (/dasbor/): counts of one region and of each area under it, aggregated in SQL.

A region is a province (areas: its kab/kota), a kab/kota (areas: its kecamatan) or a kecamatan (areas:
its desa/kelurahan, the last level). Every figure is an aggregate: the dashboard is for the Pimpinan
too, who never sees a name, so nothing here reads a person's, LKS's or pillar's name.

What is counted, as of today (the office's day) or over the last 12 months:
- PPKS: people (not merged away) and households holding a PPKS category today (recorded by today, not
  ended); a holder of two categories counts in each category but once in the per-area totals;
- open cases: cases whose stage is not final (ditutup, tidak memenuhi kriteria, meninggal, pindah);
- cases opened and closed per calendar month over the last 12 months, months in the office time zone;
- LKS: active LKS (R2 counts every registered one and notes how many are not active); per type an LKS
  serving two groups counts in each; the accreditation grade is that of the latest accreditation in force
  today, "Belum" for the rest, so A + B + C + Belum = LKS;
- TKSK: active TKSK with a posting in force today; pillar coverage comes from `pilar.selectors.coverage`.

`dashboard()` runs the same number of queries whatever the number of rows or areas.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Substr, TruncMonth
from django.http import Http404
from django.utils import timezone

from kesos.accounts.scope import AGGREGATE_ROLES, scope_of
from kesos.wilayah.models import Level, Wilayah, prefix_q
from lks.choices import LksStatus
from lks.models import Accreditation, Lks, LksType
from pilar.choices import MemberStatus
from pilar.models import Posting
from pilar.roster_selectors import coverage_total
from pilar.selectors import CoverageRow, coverage
from ppks.models import Case, PersonCategory, PpksCategory
from ppks.workflow import FINAL

MONTHS_SHOWN = 12
SHORT_MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
GRADES = ("A", "B", "C")
NO_GRADE = "Belum"
# The level below each level a dashboard can show, and how people call it.
CHILD = {
    Level.PROVINSI: (Level.KABKOTA, "Kabupaten/Kota"),
    Level.KABKOTA: (Level.KECAMATAN, "Kecamatan"),
    Level.KECAMATAN: (Level.DESA, "Desa/Kelurahan"),
}
TKSK = "tksk"


# --- Which region ------------------------------------------------------------------------------------
def dashboard_region(*, user, code: str = "") -> Wilayah:
    """The region the user asked for (their first aggregate region by default): a province, kab/kota or
    kecamatan inside their scope. Anything else, a desa included, is a 404."""
    scope = scope_of(user)
    regions = scope.regions_for(*AGGREGATE_ROLES)
    code = code or (regions[0] if regions else "")
    if not code or not scope.covers(code, *AGGREGATE_ROLES):
        raise Http404("Wilayah tidak ditemukan.")
    region = Wilayah.objects.filter(code=code, level__lte=Level.KECAMATAN).first()
    if region is None:
        raise Http404("Wilayah tidak ditemukan.")
    return region


def dashboard_trail(*, user, region: Wilayah) -> list[tuple[str, str]]:
    """(code, label) of the regions above `region` the user may open, province first. One query."""
    scope = scope_of(user)
    return [(w.code, w.label) for w in region.ancestors() if scope.covers(w.code, *AGGREGATE_ROLES)]


def other_regions(*, user, region: Wilayah) -> list[tuple[str, str]]:
    """The user's other top regions (an office over two kab/kota), as (code, label). One query at most."""
    codes = [c for c in scope_of(user).regions_for(*AGGREGATE_ROLES) if c != region.code]
    if not codes:
        return []
    labels = {w.code: w.label for w in Wilayah.objects.filter(code__in=codes)}
    return [(c, labels.get(c, c)) for c in codes]


# --- The figures -------------------------------------------------------------------------------------
@dataclass
class AreaRow:
    """One area under the region. `code` is empty for the row gathering inactive (old) codes."""

    code: str
    label: str
    persons: int = 0
    households: int = 0
    open_cases: int = 0
    lks: int = 0
    tksk: int = 0


@dataclass
class CategoryRow:
    code: str
    abbreviation: str
    name: str
    persons: int = 0
    households: int = 0

    @property
    def total(self) -> int:
        return self.persons + self.households


@dataclass
class MonthRow:
    month: datetime.date  # the 1st of the month
    opened: int = 0
    closed: int = 0

    @property
    def label(self) -> str:
        return f"{SHORT_MONTHS[self.month.month - 1]} {self.month.year}"


@dataclass
class Totals:
    persons: int = 0
    households: int = 0
    open_cases: int = 0
    lks: int = 0
    tksk: int = 0
    opened: int = 0  # over the months shown
    closed: int = 0


@dataclass
class Dashboard:
    region: Wilayah
    child_label: str  # what the areas are: "Kabupaten/Kota", "Kecamatan", "Desa/Kelurahan"
    drill: bool  # the areas can be opened in turn (not below kecamatan)
    today: datetime.date
    totals: Totals
    areas: list[AreaRow]
    categories: list[CategoryRow]
    months: list[MonthRow]
    lks_types: list[tuple[str, str, int]]  # (abbreviation, name, LKS)
    lks_grades: list[tuple[str, int]]  # ("A", n) … ("Belum", n)
    coverage: list[CoverageRow] = field(default_factory=list)
    coverage_total: CoverageRow | None = None


def child_code_length(region: Wilayah) -> int:
    """Length of an area code under the region: 63 → 63.71 (5), 63.71 → 63.71.01 (8), kecamatan → desa (13)."""
    return 13 if region.level == Level.KECAMATAN else len(region.code) + 3


def month_starts(now: datetime.datetime, tz) -> list[datetime.date]:
    """The first day of each of the last MONTHS_SHOWN months, the current one last, in `tz`."""
    local = timezone.localtime(now, tz).date().replace(day=1)
    months = []
    year, month = local.year, local.month
    for _ in range(MONTHS_SHOWN):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _as_date(value, tz) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value, tz) if timezone.is_aware(value) else value).date()
    return value


def _per_area(rows, key: str = "n") -> dict[str, int]:
    return {row["area"]: row[key] for row in rows}


def dashboard(*, region: Wilayah, now: datetime.datetime | None = None) -> Dashboard:
    """Every figure of the dashboard of `region`. A fixed number of queries (about 20)."""
    tz = timezone.get_current_timezone()
    now = now or timezone.now()
    today = timezone.localtime(now, tz).date()
    code = region.code
    child_level, child_label = CHILD[Level(region.level)]
    length = child_code_length(region)

    def area(field_name):
        return Substr(field_name, 1, length)

    areas = [
        AreaRow(w.code, w.name)
        for w in Wilayah.objects.filter(active=True, level=child_level).filter(prefix_q(code)).order_by("code")
    ]

    # PPKS: current holdings of a category, by a person (not merged away) or a household, in the region.
    holdings = (
        PersonCategory.objects.filter(recorded_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .filter(
            (prefix_q(code, "person__wilayah__code") & Q(person__merged_into__isnull=True))
            | prefix_q(code, "household__wilayah__code")
        )
        .annotate(area=area(Coalesce("person__wilayah__code", "household__wilayah__code")))
    )
    holders = {"persons": Count("person_id", distinct=True), "households": Count("household_id", distinct=True)}
    by_category = {row["category_id"]: row for row in holdings.values("category_id").annotate(**holders).order_by()}
    ppks_by_area = {row["area"]: row for row in holdings.values("area").annotate(**holders).order_by()}
    categories = [
        CategoryRow(c.code, c.abbreviation, c.name, **{k: by_category.get(c.pk, {}).get(k, 0) for k in holders})
        for c in PpksCategory.objects.order_by("code")
        if c.active or c.pk in by_category
    ]

    cases = Case.objects.filter(prefix_q(code, "wilayah__code"))
    open_by_area = _per_area(
        cases.exclude(stage__in=FINAL)
        .annotate(area=area("wilayah_id"))
        .values("area")
        .annotate(n=Count("pk"))
        .order_by()
    )
    months = [MonthRow(m) for m in month_starts(now, tz)]
    start = datetime.datetime(months[0].month.year, months[0].month.month, 1, tzinfo=tz)
    by_month = {m.month: m for m in months}
    for field_name, attr in (("opened_at", "opened"), ("closed_at", "closed")):
        per_month = (
            cases.filter(**{f"{field_name}__gte": start, f"{field_name}__lte": now})
            .annotate(month=TruncMonth(field_name, tzinfo=tz))
            .values("month")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in per_month:
            if (found := by_month.get(_as_date(row["month"], tz))) is not None:
                setattr(found, attr, row["n"])

    # LKS: the active ones, their accreditation in force today, their types.
    lks = Lks.objects.filter(status=LksStatus.AKTIF).filter(prefix_q(code, "wilayah__code"))
    grade_now = (
        Accreditation.objects.filter(lks=OuterRef("pk"), accredited_on__lte=today, valid_until__gte=today)
        .order_by("-accredited_on", "-id")
        .values("grade")[:1]
    )
    lks_rows = (
        lks.annotate(grade=Subquery(grade_now), area=area("wilayah_id"))
        .values("area")
        .annotate(
            n=Count("pk"),
            none=Count("pk", filter=Q(grade__isnull=True)),
            **{g: Count("pk", filter=Q(grade=g)) for g in GRADES},
        )
        .order_by()
    )
    lks_by_area = {row["area"]: row for row in lks_rows}
    grade_counts = {g: sum(row[g] for row in lks_by_area.values()) for g in GRADES}
    grade_counts[NO_GRADE] = sum(row["none"] for row in lks_by_area.values())
    per_type = dict(lks.values("types").annotate(n=Count("pk", distinct=True)).values_list("types", "n").order_by())
    lks_types = [
        (t.abbreviation, t.name, per_type.get(t.pk, 0))
        for t in LksType.objects.order_by("order", "code")
        if t.active or t.pk in per_type
    ]
    if per_type.get(None):
        lks_types.append(("Belum diisi", "Jenis layanan belum diisi", per_type[None]))

    # TKSK: active members of the type with a posting in force today.
    postings = (
        Posting.objects.current(today)
        .filter(member__type__code=TKSK, member__status=MemberStatus.AKTIF)
        .filter(prefix_q(code, "wilayah__code"))
    )
    tksk_by_area = _per_area(
        postings.annotate(area=area("wilayah_id")).values("area").annotate(n=Count("member", distinct=True)).order_by()
    )
    tksk_total = postings.aggregate(n=Count("member", distinct=True))["n"]

    # Areas: one row each; counts under codes no longer active are gathered in one more row.
    counted = {
        "persons": {a: r["persons"] for a, r in ppks_by_area.items()},
        "households": {a: r["households"] for a, r in ppks_by_area.items()},
        "open_cases": open_by_area,
        "lks": {a: r["n"] for a, r in lks_by_area.items()},
        "tksk": tksk_by_area,
    }
    known = {row.code for row in areas}
    for row in areas:
        for attr, values in counted.items():
            setattr(row, attr, values.get(row.code, 0))
    # TKSK are posted on a kecamatan: below a kecamatan they have no desa to fall in.
    leftover_keys = [k for k in counted if not (k == "tksk" and child_level == Level.DESA)]
    leftover = AreaRow("", "Kode wilayah lama/tidak aktif")
    for attr in leftover_keys:
        setattr(leftover, attr, sum(n for a, n in counted[attr].items() if a not in known))
    if any(getattr(leftover, attr) for attr in leftover_keys):
        areas.append(leftover)

    totals = Totals(
        persons=sum(counted["persons"].values()),
        households=sum(counted["households"].values()),
        open_cases=sum(open_by_area.values()),
        lks=sum(counted["lks"].values()),
        tksk=tksk_total,
        opened=sum(m.opened for m in months),
        closed=sum(m.closed for m in months),
    )
    rows = coverage(within=code, on=today)
    return Dashboard(
        region=region,
        child_label=child_label,
        drill=child_level <= Level.KECAMATAN,
        today=today,
        totals=totals,
        areas=areas,
        categories=categories,
        months=months,
        lks_types=lks_types,
        lks_grades=[(g, grade_counts[g]) for g in (*GRADES, NO_GRADE)],
        coverage=rows,
        coverage_total=coverage_total(region, rows),
    )
