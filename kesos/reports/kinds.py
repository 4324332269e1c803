"""The catalogue of reports a user can request: who may ask for each, what it needs, how it is built.

Builders are named by dotted path and imported when a report runs, so this catalogue stays a
plain table. Region rule: a request's region must lie in the requester's regions for the kind's
roles (a kab/kota operator asks for their kab/kota; an Admin Provinsi for the province or any of
its kab/kota).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.module_loading import import_string

from kesos.accounts.scope import AGGREGATE_ROLES, SUPERVISOR_ROLES


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    builder: str  # dotted path of `build(params, *, user) -> Recap`
    roles: tuple[str, ...]  # who may request it, over which regions
    by_name: bool = False  # personal data: restricted, audited, NIK masked per role
    needs: tuple[str, ...] = ()  # Params fields the request must fill
    formats: tuple[str, ...] = ("xlsx", "pdf", "csv")
    description: str = ""

    def build(self, params, *, user):
        return import_string(self.builder)(params, user=user)


KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in [
        Kind("r1", "R1 PPKS per jenis per kabupaten/kota", "kesos.reports.recaps.ppks.build_r1", AGGREGATE_ROLES,
             description="26 jenis PPKS per kab/kota (per kecamatan untuk satu kab/kota), pilihan L/P dan "
                         "sudah/belum ditangani."),
        Kind("r2", "R2 LKS per jenis per kabupaten/kota", "kesos.reports.recaps.lks.build_r2", AGGREGATE_ROLES,
             description="LKS per jenis, berbadan hukum, Tanda Daftar berlaku, akreditasi, klien."),
        Kind("r3", "R3 Pilar sosial per kabupaten/kota", "kesos.reports.recaps.pilar.build_r3", AGGREGATE_ROLES,
             description="Cakupan TKSK per kecamatan dan Karang Taruna per desa/kelurahan, jumlah per jenis pilar."),
        Kind("r4", "R4 SPM bidang sosial", "kesos.reports.recaps.spm.build_r4", AGGREGATE_ROLES,
             description="Lima pelayanan dasar: sasaran, terlayani, capaian, anggaran dan realisasi."),
        Kind("r5", "R5 Arus kasus per periode", "kesos.reports.recaps.ppks.build_r5", AGGREGATE_ROLES,
             description="Saldo awal, kasus baru, per tahap, terminasi, saldo akhir per kab/kota dan jenis PPKS."),
        Kind("r6", "R6 Peserta kegiatan per unsur", "kesos.reports.recaps.pilar.build_r6", AGGREGATE_ROLES,
             needs=("event",), description="Peserta Bimtek/Rakor per unsur (tata letak berita 004)."),
        Kind("r6_matrix", "R6 Peserta kegiatan per kab/kota × unsur", "kesos.reports.recaps.pilar.build_r6_matrix",
             AGGREGATE_ROLES, needs=("event",), description="Matriks peserta per kab/kota dan unsur."),
        Kind("r7", "R7 Laporan bulanan TKSK", "kesos.reports.recaps.pilar.build_r7", SUPERVISOR_ROLES,
             needs=("month",), description="Setiap TKSK yang bertugas: laporan diterima, kegiatan, PPKS, rujukan."),
        Kind("nama_ppks", "Daftar nama PPKS", "kesos.reports.recaps.byname.build_persons", SUPERVISOR_ROLES,
             by_name=True, formats=("xlsx", "csv"),
             description="Data pribadi: terbatas, dicatat di jejak audit."),
        Kind("nama_kasus", "Daftar nama kasus", "kesos.reports.recaps.byname.build_cases", SUPERVISOR_ROLES,
             by_name=True, formats=("xlsx", "csv"),
             description="Data pribadi: terbatas, dicatat di jejak audit."),
        Kind("nama_penghuni", "Daftar nama penghuni LKS", "kesos.reports.recaps.byname.build_residents",
             SUPERVISOR_ROLES, by_name=True, formats=("xlsx", "csv"),
             description="Data pribadi anak, lansia dan penyandang disabilitas: terbatas, dicatat di jejak audit."),
    ]
}  # fmt: skip

# The monthly schedule produces these for the office's province (KESOS_PROVINCE_CODE).
MONTHLY = (("r1", "xlsx"), ("r2", "xlsx"), ("r3", "xlsx"), ("r7", "xlsx"))
