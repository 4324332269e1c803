"""R3 pilar sosial per kab/kota, R6 event participants per unsur, R7 TKSK monthly reports (docs/domain.md).

None of them depends on the requester: they read `params.region`, which the request already checked
against the requester's scope, so a scheduled run (user=None) gives the same recap.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.db.models.functions import Substr

from kesos.reports.recap import Column, Params, Recap, as_of_line, long_date, region_heading
from kesos.wilayah.models import prefix_q
from pilar.choices import MemberStatus, ReportStatus
from pilar.models import Event, Posting
from pilar.selectors import Submission, coverage, event_recap, event_recap_by_kabkota, tksk_submissions

from .lks import Breakdown, active_lks, as_of_date, breakdown, column_sums, recap_region

# --- R3 ------------------------------------------------------------------------------------------------

# Roster columns → PilarType codes. The PKH column takes the pendamping and their kecamatan and kab/kota
# coordinators (posted inside a kab/kota); the Korwil covers several kab/kota and has no row of its own.
PILLAR_COLUMNS: list[tuple[str, str, tuple[str, ...]]] = [
    ("tksk", "TKSK", ("tksk",)),
    ("karang_taruna", "Karang Taruna", ("karang_taruna",)),
    ("psm", "PSM", ("psm",)),
    ("tagana", "Tagana", ("tagana",)),
    ("lks", "LKS", ()),  # from the LKS registry, not the roster
    ("lk3", "LK3", ("lk3",)),
    ("wksbm", "WKSBM", ("wksbm",)),
    ("pkh", "Pendamping PKH", ("pendamping_pkh", "korcam_pkh", "korkab_pkh")),
    ("penyuluh", "Penyuluh Sosial", ("penyuluh_sosial",)),
    ("peksos", "Pekerja Sosial", ("peksos",)),
]
COUNTED = [key for key, _, _ in PILLAR_COLUMNS]


def pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def pillar_counts(within: str, code_len: int, on: datetime.date) -> dict[str, dict]:
    """One query: per area, active members of each roster column with a posting in force on `on`."""
    codes = [code for _, _, type_codes in PILLAR_COLUMNS for code in type_codes]
    rows = (
        Posting.objects.current(on)
        .filter(member__status=MemberStatus.AKTIF, member__type__code__in=codes)
        .filter(prefix_q(within, "wilayah__code"))
        .annotate(area=Substr("wilayah_id", 1, code_len))
        .values("area")
        .annotate(
            **{
                key: Count("member", filter=Q(member__type__code__in=type_codes), distinct=True)
                for key, _, type_codes in PILLAR_COLUMNS
                if type_codes
            }
        )
        .order_by()
    )
    return {row.pop("area"): row for row in rows}


def lks_counts(b: Breakdown) -> dict[str, int]:
    """One query: active LKS per area (the registry's current status, as R2 counts them)."""
    rows = active_lks(b).annotate(area=b.area_of("wilayah_id")).values("area").annotate(n=Count("pk")).order_by()
    return {row["area"]: row["n"] for row in rows}


def build_r3(params: Params, *, user=None) -> Recap:
    """R3 for `params.region` on the as-of date. Kecamatan and desa/kelurahan counts come from the region
    table (`pilar.selectors.coverage`); TKSK/Kec (%) is the share of kecamatan with an active TKSK and
    KT/Desa (%) of desa/kelurahan with a Karang Taruna. Eleven queries whatever the number of areas."""
    b = breakdown(params)
    on = as_of_date(params)
    cover = {row.code: row for row in coverage(within=b.region.code, on=on)}
    members = pillar_counts(b.region.code, b.code_len, on)
    lks = lks_counts(b)
    rows, covered_kec, covered_desa = [], 0, 0
    for number, area in enumerate(b.areas, start=1):
        c = cover.get(area.code)
        kec, with_tksk = (c.kecamatan, c.kecamatan_with_tksk) if c else (0, 0)
        desa, with_kt = (c.desa, c.desa_with_kt) if c else (0, 0)
        covered_kec, covered_desa = covered_kec + with_tksk, covered_desa + with_kt
        values = {key: members.get(area.code, {}).get(key) or 0 for key in COUNTED} | {"lks": lks.get(area.code, 0)}
        rows.append([
            number, area.name, kec, values["tksk"], pct(with_tksk, kec), desa, values["karang_taruna"],
            pct(with_kt, desa), *(values[key] for key in COUNTED[2:]), sum(values.values()),
        ])  # fmt: skip
    # Pillars posted on the region itself (a Tagana of the kab/kota in a per-kecamatan recap): a row of
    # their own, so that the Jumlah row holds every counted member.
    if own := members.get(b.region.code):
        values = {key: own.get(key) or 0 for key in COUNTED}
        level = "provinsi" if b.area_label != "Kecamatan" else "kabupaten/kota"
        rows.append([
            None, f"Tingkat {level}", None, values["tksk"], None, None, values["karang_taruna"], None,
            *(values[key] for key in COUNTED[2:]), sum(values.values()),
        ])  # fmt: skip
    sums = column_sums(rows, 2)
    if sums:
        # Percentages are recomputed from the summed parts, never summed.
        sums[2] = pct(covered_kec, sums[0])
        sums[5] = pct(covered_desa, sums[3])
    columns = [
        Column("No", "int"),
        Column(b.area_label),
        Column("Jml Kecamatan", "int"),
        Column("TKSK", "int"),
        Column("TKSK/Kec (%)", "percent"),
        Column("Jml Desa/Kel", "int"),
        Column("Karang Taruna", "int"),
        Column("KT/Desa (%)", "percent"),
        *(Column(label, "int") for key, label, _ in PILLAR_COLUMNS[2:]),
        Column("Jumlah", "int"),
    ]
    return Recap(
        title=f"REKAPITULASI PILAR SOSIAL {b.per}",
        region=region_heading(b.region),
        period=f"TAHUN {params.year}",
        as_of=as_of_line(params),
        columns=columns,
        rows=rows,
        totals=[[None, "Jumlah", *sums]],
        notes=[
            "Anggota pilar berstatus aktif dengan penugasan yang berlaku pada tanggal keadaan, dihitung di wilayah "
            "penugasannya.",
            "TKSK/Kec (%): kecamatan yang memiliki TKSK aktif dibagi jumlah kecamatan; KT/Desa (%): desa/kelurahan "
            "yang memiliki Karang Taruna dibagi jumlah desa/kelurahan (tabel wilayah Kemendagri).",
            "LKS: LKS berstatus aktif dari daftar LKS. Pendamping PKH termasuk Korcam dan Korkab PKH.",
            "Jumlah: jumlah anggota pilar dan LKS pada baris itu (tanpa jumlah kecamatan dan desa/kelurahan).",
        ],
    )


# --- R6 ------------------------------------------------------------------------------------------------


def event_of(params: Params) -> Event:
    """The event of `params.event`, organised inside `params.region`. One query."""
    event = Event.objects.select_related("wilayah").filter(pk=params.event).first() if params.event else None
    if event is None:
        raise ValidationError("Kegiatan tidak ditemukan.")
    if not (event.wilayah_id == params.region or event.wilayah_id.startswith(f"{params.region}.")):
        raise ValidationError("Kegiatan ini diselenggarakan di luar wilayah rekap.")
    return event


def _event_period(event: Event) -> str:
    if event.starts_on == event.ends_on:
        return long_date(event.starts_on).upper()
    return f"{long_date(event.starts_on)} S.D. {long_date(event.ends_on)}".upper()


def build_r6(params: Params, *, user=None) -> Recap:
    """Participants (role peserta) of `params.event` per unsur, article 004's layout. Two queries."""
    event = event_of(params)
    recap, total = event_recap(event)
    return Recap(
        title=f"REKAPITULASI PESERTA {event.name.upper()}",
        region=region_heading(event.wilayah),
        period=_event_period(event),
        as_of=as_of_line(params),
        columns=[Column("No", "int"), Column("Unsur"), Column("Jumlah peserta", "int")],
        rows=[[number, row.label, row.count] for number, row in enumerate(recap, start=1)],
        totals=[[None, "Jumlah", total]],
        notes=["Hanya peserta; narasumber dan panitia tidak dihitung."],
    )


def build_r6_matrix(params: Params, *, user=None) -> Recap:
    """The kab/kota × unsur matrix of `params.event` (provincial Bimtek). Only kab/kota that sent someone
    have a row; participants without a kab/kota come last. Two queries."""
    event = event_of(params)
    labels, matrix, totals = event_recap_by_kabkota(event)
    return Recap(
        title=f"REKAPITULASI PESERTA {event.name.upper()} PER KABUPATEN/KOTA DAN UNSUR",
        region=region_heading(event.wilayah),
        period=_event_period(event),
        as_of=as_of_line(params),
        columns=[
            Column("No", "int"),
            Column("Kabupaten/Kota"),
            *(Column(label, "int", group="Unsur") for label in labels),
            Column("Jumlah", "int"),
        ],
        rows=[[number, name, *values, total] for number, (name, values, total) in enumerate(matrix, start=1)],
        totals=[[None, "Jumlah", *totals, sum(totals)]],
        notes=["Hanya peserta; narasumber dan panitia tidak dihitung."],
    )


# --- R7 ------------------------------------------------------------------------------------------------


def region_submissions(*, within: str, month: datetime.date) -> list[Submission]:
    """R7's rows for a region, whoever asks."""
    return tksk_submissions(where=prefix_q(within, "wilayah__code"), month=month)


def _remark(s: Submission) -> str:
    if s.report is None:
        return "Belum ada laporan"
    if s.report.status == ReportStatus.DRAF:
        return "Masih draf, belum dikirim"
    if s.report.status == ReportStatus.DIKIRIM:
        return "Dikirim, belum diterima Dinas Sosial"
    return "Diterima Dinas Sosial"


def build_r7(params: Params, *, user=None) -> Recap:
    """R7 for `params.region` and the month: every TKSK posted there during the month. A report counts as
    received once sent (dikirim or diterima); the figures of a draft are not counted. Five queries."""
    if not params.month:
        raise ValidationError("Bulan wajib diisi untuk rekap laporan bulanan TKSK.")
    region = recap_region(params)
    month = datetime.date(params.year, params.month, 1)
    rows = []
    for number, s in enumerate(region_submissions(within=region.code, month=month), start=1):
        counted = (s.activities, s.ppks, s.referrals) if s.received else (0, 0, 0)
        rows.append([number, s.kabkota, s.kecamatan, s.member.name, "Y" if s.received else "T", *counted, _remark(s)])
    totals = [
        None, "Jumlah", None, f"{len(rows)} TKSK", sum(row[4] == "Y" for row in rows),
        *(sum(row[i] for row in rows) for i in (5, 6, 7)), None,
    ]  # fmt: skip
    return Recap(
        title="REKAPITULASI LAPORAN BULANAN TKSK",
        region=region_heading(region),
        period=f"BULAN {long_date(month).split(' ', 1)[1].upper()}",
        as_of=as_of_line(params),
        columns=[
            Column("No", "int"),
            Column("Kab/Kota"),
            Column("Kecamatan"),
            Column("Nama TKSK"),
            Column("Laporan diterima (Y/T)"),
            Column("Kegiatan", "int"),
            Column("PPKS teridentifikasi", "int"),
            Column("Kasus dirujuk", "int"),
            Column("Keterangan"),
        ],
        rows=rows,
        totals=[totals],
        notes=[
            "TKSK yang memiliki penugasan di kecamatan pada bulan itu. Laporan diterima (Y): sudah dikirim ke "
            "Dinas Sosial; angka laporan yang masih draf tidak dihitung.",
            "Jumlah pada kolom Laporan diterima: banyaknya TKSK yang laporannya diterima (Y).",
        ],
    )
