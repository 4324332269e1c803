"""The shape every recap takes between the query that builds it and the file that carries it.

A builder (`kesos/reports/recaps/*.py`) runs its aggregates in SQL and returns a `Recap`: the
heading block every recap shares (docs/domain.md), typed columns, data rows and the "Jumlah" rows it
computed itself. The writers (`kesos/reports/writers.py`) turn one `Recap` into XLSX, CSV or PDF
without knowing which recap it is.

Builders have one signature: `build(params: Params, *, user) -> Recap`. `params.region` has already
been checked against the requester's scope when the request was made; `user` is the requester (None
for a scheduled recap), which by-name lists pass to their `visible_to` selectors.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from django.utils import dates
from django.utils.formats import date_format

SOURCE = "Sumber: Dinas Sosial Kab/Kota, diolah"


@dataclass(frozen=True)
class Column:
    label: str
    # text: left-aligned string; int: a whole number (numeric cell); percent: a number 0–100 with one
    # decimal; money: rupiah as an integer.
    kind: Literal["text", "int", "percent", "money"] = "text"
    # Columns with the same non-empty group are headed together, e.g. "ABT" over L | P.
    group: str = ""


@dataclass
class Recap:
    title: str  # "REKAPITULASI PPKS PER JENIS PER KABUPATEN/KOTA"
    region: str  # "PROVINSI KALIMANTAN SELATAN", "KOTA BANJARMASIN"
    period: str  # "TAHUN 2025", "BULAN NOVEMBER 2025", "1 JANUARI S.D. 30 JUNI 2025"
    as_of: str  # "Keadaan s.d. 31 Desember 2025"
    columns: list[Column]
    # Data rows, one list per row, one value per column (None prints empty). A list for aggregate
    # recaps; an iterator for by-name lists, which are written as they are read.
    rows: Iterable[list]
    totals: list[list] = field(default_factory=list)  # the "Jumlah" row(s), computed by the builder
    source: str = SOURCE
    notes: list[str] = field(default_factory=list)  # printed under the table
    row_count: int | None = None  # known length of `rows` when it is an iterator (for progress)

    @property
    def heading(self) -> list[str]:
        return [" ".join(part for part in (self.title, self.region, self.period) if part), self.source, self.as_of]


@dataclass(frozen=True)
class Params:
    """What a request asks for. Stored as JSON on the ReportRequest (`Params.from_json`)."""

    region: str  # the kode wilayah the recap covers: a province ("63") or a kab/kota ("63.71")
    year: int
    month: int | None = None  # R7 (required) and a monthly R5
    date_from: datetime.date | None = None  # R5's period (defaults to the year)
    date_to: datetime.date | None = None
    split_sex: bool = False  # R1: each category as L | P
    handled: bool = False  # R1: extra columns Sudah ditangani | Belum ditangani
    event: int | None = None  # R6: the event's id

    def as_json(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if v not in (None, False)}
        for key in ("date_from", "date_to"):
            if key in data:
                data[key] = data[key].isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict) -> Params:
        data = dict(data)
        for key in ("date_from", "date_to"):
            if data.get(key):
                data[key] = datetime.date.fromisoformat(data[key])
        return cls(**data)

    @property
    def period_start(self) -> datetime.date:
        if self.date_from:
            return self.date_from
        return datetime.date(self.year, self.month or 1, 1)

    @property
    def period_end(self) -> datetime.date:
        """The last day of the period: date_to, the month's last day, or 31 December."""
        if self.date_to:
            return self.date_to
        if self.month:
            following = datetime.date(self.year + self.month // 12, self.month % 12 + 1, 1)
            return following - datetime.timedelta(days=1)
        return datetime.date(self.year, 12, 31)


# Month names in the active language (Indonesian: "Januari" … "Desember"), as Django's date formats use them.
MONTHS = [dates.MONTHS[n] for n in range(1, 13)]


def long_date(day: datetime.date) -> str:
    """ "31 Desember 2025", as official letters write it (the same format as kesos.core.pdf's dates)."""
    return date_format(day, "j F Y")


def as_of_line(params: Params, today: datetime.date | None = None) -> str:
    """ "Keadaan s.d. 31 Desember 2025", or today's date while the period is still running."""
    from django.utils import timezone

    today = today or timezone.localdate()
    return f"Keadaan s.d. {long_date(min(params.period_end, today))}"


def region_heading(wilayah) -> str:
    """ "PROVINSI KALIMANTAN SELATAN", "KOTA BANJARMASIN", "KABUPATEN BANJAR"."""
    from kesos.wilayah.models import Kind

    name = wilayah.label.upper()
    if wilayah.kind == Kind.PROVINSI and not name.startswith("PROVINSI "):
        name = f"PROVINSI {name}"
    return name
