"""By-name lists (daftar nama): PPKS persons, cases, LKS residents of a region, for the Dinsos office.

Personal data, so every list reads through the requester's scope (`visible_to(user)` / the existing
selectors) narrowed to `params.region`; the NIK is masked (`kesos.core.masking.mask_number`), and the
birth date replaced by the age, unless the requester may see them in full (`ppks.view_full_nik` for
persons and cases, `lks.view_resident_nik` for residents), decided per row from the row's region without a query.

Rows are an iterator over one `values_list(...).iterator(chunk_size=2000)`: constant memory however
long the list, and a fixed number of queries (the region, the PPKS category labels, the count, the
rows). The PPKS categories of a row come from one correlated subquery that joins their codes.

Which rows, for the period of `params` (the year unless dates are given):
- persons: persons (not merged away) living in the region who hold a PPKS category current at some
  time in the period; the categories listed are those current in the period;
- cases: cases of the region open at some time in the period (opened by its end, not closed before it);
- residents: placements in the region's LKS current at some time in the period (admitted by its end,
  not exited before it), in the panti or served outside it.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Aggregate, CharField, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from kesos.accounts.permissions import can
from kesos.core.masking import birth_shown, mask_number
from kesos.reports.recap import Column, Params, Recap, as_of_line, long_date, region_heading
from kesos.wilayah.models import Wilayah, prefix_q
from lks.choices import ExitReason
from lks.models import Placement
from ppks.models import Case, HouseholdMember, PersonCategory, PpksCategory, Sex
from ppks.selectors import case_list, person_list
from ppks.workflow import Stage

CHUNK = 2000
SEPARATOR = ","
NOTE_NIK = "NIK disamarkan, dan tanggal lahir diganti umur, bagi pengguna yang tidak berwenang melihat NIK utuh."


class CodeList(Aggregate):
    """The values of a group joined with commas: STRING_AGG on PostgreSQL, GROUP_CONCAT on SQLite.
    Unordered; `_labels` sorts them."""

    function = "STRING_AGG"
    template = f"%(function)s(%(expressions)s, '{SEPARATOR}')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def _codes_of(queryset, group_by: str, code: str) -> Subquery:
    """A correlated subquery: the codes of `queryset`'s rows for one outer row, joined."""
    return Subquery(queryset.order_by().values(group_by).annotate(codes=CodeList(code)).values("codes")[:1])


class _Row:
    """What the access rules need to know about a row: where it is, who recorded it, which LKS."""

    __slots__ = ("created_by_id", "scope_lks_id", "scope_region")

    def __init__(self, scope_region, created_by_id=None, scope_lks_id=None):
        self.scope_region, self.created_by_id, self.scope_lks_id = scope_region, created_by_id, scope_lks_id


class NikRule:
    """The NIK as the user may see it, per row. The answer depends only on the row's region, creator (is it
    the user?) and LKS, so it is remembered per such key: the rules run once per desa, not once per row."""

    def __init__(self, user, action: str):
        self.user, self.action = user, action
        self.known: dict[tuple, bool] = {}

    def allowed(self, region: str | None, created_by_id=None, lks_id=None) -> bool:
        key = (region, created_by_id == self.user.pk, lks_id)
        if key not in self.known:
            row = _Row(region, self.user.pk if key[1] else None, lks_id)
            self.known[key] = can(self.user, self.action, row)
        return self.known[key]

    def __call__(self, nik: str | None, region: str | None, created_by_id=None, lks_id=None) -> str:
        if not nik:
            return ""
        return nik if self.allowed(region, created_by_id, lks_id) else mask_number(nik)

    def birth(self, born, region: str | None, created_by_id=None, lks_id=None) -> str:
        """The birth date (dd/mm/yyyy) alongside a full NIK; else the age ("45 tahun"): the same decision."""
        return birth_shown(born, full=self.allowed(region, created_by_id, lks_id)).display("d/m/Y")


def _labels(codes: str | None, names: dict[str, str]) -> str:
    """ "PPKS-09,PPKS-08" → "LUT, PD": in the regulation's order, each once."""
    if not codes:
        return ""
    return ", ".join(names.get(c, c) for c in sorted(set(codes.split(SEPARATOR))))


def _date(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):  # a datetime: the day it was in the office's time zone
        value = timezone.localtime(value).date()
    return value.strftime("%d/%m/%Y")


def _category_names() -> dict[str, str]:
    return dict(PpksCategory.objects.values_list("code", "abbreviation"))


def _heading(params: Params) -> tuple[str, str, str]:
    """(region, period, as-of) lines of the heading block."""
    region = Wilayah.objects.get(code=params.region)
    if params.date_from or params.date_to:
        period = f"{long_date(params.period_start)} S.D. {long_date(params.period_end)}".upper()
    else:
        period = f"TAHUN {params.year}"
    return region_heading(region), period, as_of_line(params)


PLACE_COLUMNS = [Column("Desa/Kelurahan"), Column("Kecamatan"), Column("Kabupaten/Kota")]
SEX = dict(Sex.choices)


# --- Persons ----------------------------------------------------------------------------------------
PERSON_COLUMNS = [
    Column("No", "int"), Column("NIK"), Column("Nama"), Column("Jenis kelamin"), Column("Tempat lahir"),
    Column("Tanggal lahir"), Column("Alamat"), Column("Kode wilayah"), *PLACE_COLUMNS, Column("Jenis PPKS"),
]  # fmt: skip


def _current(start, end, prefix: str = "") -> Q:
    """A category holding current at some time between start and end."""
    return Q(**{f"{prefix}recorded_on__lte": end}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": start})
    )


def build_persons(params: Params, *, user) -> Recap:
    """Daftar nama PPKS: persons of the region holding a PPKS category in the period, by desa and name."""
    start, end = params.period_start, params.period_end
    categories = PersonCategory.objects.filter(_current(start, end), person=OuterRef("pk"))
    qs = (
        person_list(user=user, wilayah=params.region)
        .filter(Exists(categories))
        .annotate(codes=_codes_of(categories, "person", "category__code"))
        .order_by("wilayah_id", "name", "id")
    )
    region, period, as_of = _heading(params)
    names = _category_names()
    nik = NikRule(user, "ppks.view_full_nik")
    fields = ("nik", "wilayah_id", "created_by_id", "name", "sex", "birth_place", "birth_date", "address", "rt",
              "rw", "wilayah__name", "wilayah__parent__name", "wilayah__parent__parent__name", "codes")  # fmt: skip

    def rows() -> Iterator[list]:
        values = qs.values_list(*fields).iterator(chunk_size=CHUNK)
        for number, (n, code, creator, name, sex, place, born, address, rt, rw, desa, kec, kab, codes) in enumerate(
            values, start=1
        ):
            rt_rw = f" RT {rt}/RW {rw}" if rt or rw else ""
            yield [number, nik(n, code, creator), name, SEX.get(sex, sex), place, nik.birth(born, code, creator),
                   f"{address}{rt_rw}".strip(), code, desa, kec, kab, _labels(codes, names)]  # fmt: skip

    return Recap(
        title="DAFTAR NAMA PPKS", region=region, period=period, as_of=as_of, columns=PERSON_COLUMNS, rows=rows(),
        notes=[NOTE_NIK, "Orang yang memiliki jenis PPKS yang berlaku pada periode ini."], row_count=qs.count(),
    )  # fmt: skip


# --- Cases ------------------------------------------------------------------------------------------
CASE_COLUMNS = [
    Column("No", "int"), Column("Nomor kasus"), Column("NIK"), Column("Nama"), Column("Jenis kelamin"),
    Column("Tanggal lahir"), *PLACE_COLUMNS, Column("Jenis PPKS"), Column("Tahap"), Column("Dibuka"),
    Column("Ditutup"), Column("Pendamping"),
]  # fmt: skip
STAGES = dict(Stage.choices)


def build_cases(params: Params, *, user) -> Recap:
    """Daftar nama kasus: cases of the region open at some time in the period, by desa and opening date."""
    start, end = params.period_start, params.period_end
    case_categories = Case.categories.through.objects.filter(case_id=OuterRef("pk"))
    head = HouseholdMember.objects.filter(household=OuterRef("household_id"), left_on__isnull=True,
                                          relation__code="kepala")  # fmt: skip
    qs = (
        case_list(user=user, wilayah=params.region)
        .filter(opened_at__date__lte=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__date__gte=start))
        .annotate(
            codes=_codes_of(case_categories, "case_id", "ppkscategory__code"),
            head_name=Subquery(head.values("person__name")[:1]),
        )
        .order_by("wilayah_id", "opened_at", "id")
    )
    region, period, as_of = _heading(params)
    names = _category_names()
    nik = NikRule(user, "ppks.view_full_nik")
    fields = ("number", "person__nik", "person__wilayah_id", "person__created_by_id", "person__name", "head_name",
              "person__sex", "person__birth_date", "wilayah__name", "wilayah__parent__name",
              "wilayah__parent__parent__name", "codes", "stage", "opened_at", "closed_at",
              "assigned_worker__full_name", "assigned_worker__username")  # fmt: skip

    def rows() -> Iterator[list]:
        values = qs.values_list(*fields).iterator(chunk_size=CHUNK)
        for number, row in enumerate(values, start=1):
            (case_no, n, home, creator, name, head_name, sex, born, desa, kec, kab, codes, stage, opened, closed,
             worker, username) = row  # fmt: skip
            if name is None:  # a case about a household
                name = f"Keluarga {head_name}" if head_name else "Keluarga"
            yield [number, case_no, nik(n, home, creator), name, SEX.get(sex, sex or ""),
                   nik.birth(born, home, creator), desa, kec, kab, _labels(codes, names), STAGES.get(stage, stage),
                   _date(opened), _date(closed), worker or username or ""]  # fmt: skip

    return Recap(
        title="DAFTAR NAMA KASUS", region=region, period=period, as_of=as_of, columns=CASE_COLUMNS, rows=rows(),
        notes=[NOTE_NIK, "Kasus yang terbuka pada suatu waktu dalam periode ini."], row_count=qs.count(),
    )  # fmt: skip


# --- Residents ----------------------------------------------------------------------------------------
RESIDENT_COLUMNS = [
    Column("No", "int"), Column("LKS"), Column("NIK"), Column("Nama"), Column("Jenis kelamin"),
    Column("Tanggal lahir"), Column("Desa/Kelurahan asal"), Column("Kecamatan"), Column("Kabupaten/Kota"),
    Column("Jenis PPKS"), Column("Dalam panti"), Column("Masuk"), Column("Keluar"), Column("Status"),
]  # fmt: skip
EXIT_REASONS = dict(ExitReason.choices)


def build_residents(params: Params, *, user) -> Recap:
    """Daftar nama penghuni LKS: placements in the region's LKS current at some time in the period, by LKS
    and name. Status is as of the period's end: still there, or left (with the reason)."""
    start, end = params.period_start, params.period_end
    categories = PersonCategory.objects.filter(_current(start, end), person=OuterRef("person_id"))
    qs = (
        Placement.objects.visible_to(user)
        .filter(prefix_q(params.region, "lks__wilayah__code"), admitted_on__lte=end)
        .filter(Q(exit_on__isnull=True) | Q(exit_on__gte=start))
        .annotate(codes=_codes_of(categories, "person", "category__code"))
        .order_by("lks__name", "lks_id", "person__name", "id")
    )
    region, period, as_of = _heading(params)
    names = _category_names()
    nik = NikRule(user, "lks.view_resident_nik")
    fields = ("lks__name", "lks__wilayah_id", "lks_id", "person__nik", "person__name", "person__sex",
              "person__birth_date", "person__wilayah__name", "person__wilayah__parent__name",
              "person__wilayah__parent__parent__name", "codes", "residential", "admitted_on", "exit_on",
              "exit_reason")  # fmt: skip

    def status(exit_on, reason) -> str:
        if exit_on is None or exit_on > end:
            return "Masih dilayani"
        return f"Keluar: {EXIT_REASONS[reason]}" if reason in EXIT_REASONS else "Keluar"

    def rows() -> Iterator[list]:
        values = qs.values_list(*fields).iterator(chunk_size=CHUNK)
        for number, row in enumerate(values, start=1):
            (lks, lks_region, lks_id, n, name, sex, born, desa, kec, kab, codes, residential, admitted, exit_on,
             reason) = row  # fmt: skip
            left = exit_on if exit_on is not None and exit_on <= end else None
            yield [number, lks, nik(n, lks_region, lks_id=lks_id), name, SEX.get(sex, sex),
                   nik.birth(born, lks_region, lks_id=lks_id), desa, kec, kab, _labels(codes, names),
                   "Ya" if residential else "Tidak", _date(admitted), _date(left), status(exit_on, reason)]  # fmt: skip

    return Recap(
        title="DAFTAR NAMA PENGHUNI DAN KLIEN LKS", region=region, period=period, as_of=as_of,
        columns=RESIDENT_COLUMNS, rows=rows(), row_count=qs.count(),
        notes=[NOTE_NIK, "Penghuni dan klien yang dilayani LKS pada suatu waktu dalam periode ini."],
    )  # fmt: skip
