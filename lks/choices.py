"""Fixed vocabularies of the LKS registry (docs/domain.md). Lists that offices edit are tables (LksType)."""

from django.db import models


class Lingkup(models.TextChoices):
    KABKOTA = "kabkota", "Kabupaten/kota"
    PROVINSI = "provinsi", "Provinsi (lintas kabupaten/kota)"
    NASIONAL = "nasional", "Nasional (lintas provinsi)"


class ServiceMode(models.TextChoices):
    PANTI = "panti", "Dalam panti (residensial)"
    LUAR_PANTI = "luar_panti", "Luar panti (non-residensial)"
    KEDUANYA = "keduanya", "Dalam dan luar panti"


class LegalStatus(models.TextChoices):
    BERBADAN_HUKUM = "berbadan_hukum", "Berbadan hukum"
    TIDAK = "tidak", "Tidak berbadan hukum"


class LegalForm(models.TextChoices):
    YAYASAN = "yayasan", "Yayasan"
    PERKUMPULAN = "perkumpulan", "Perkumpulan"


class LksStatus(models.TextChoices):
    AKTIF = "aktif", "Aktif"
    TIDAK_AKTIF = "tidak_aktif", "Tidak aktif"
    DIBEKUKAN = "dibekukan", "Dibekukan"


class PermitKind(models.TextChoices):
    TANDA_DAFTAR = "tanda_daftar", "Tanda Daftar LKS"
    IZIN_OPERASIONAL = "izin_operasional", "Izin operasional"


class RegistrationStatus(models.TextChoices):
    DIAJUKAN = "diajukan", "Diajukan"
    BERKAS_LENGKAP = "berkas_lengkap", "Berkas lengkap"
    DIVERIFIKASI = "diverifikasi", "Sudah diverifikasi lapangan"
    TERBIT = "terbit", "Terbit"
    DITOLAK = "ditolak", "Ditolak"


OPEN_REGISTRATION = (RegistrationStatus.DIAJUKAN, RegistrationStatus.BERKAS_LENGKAP, RegistrationStatus.DIVERIFIKASI)

# The files a Tanda Daftar application carries (Kalsel, Sumut, Semarang, Cilegon and Magelang SOPs).
# (code, label, required)
APPLICATION_DOCUMENTS = [
    ("permohonan", "Surat permohonan", True),
    ("akta", "Akta notaris dan SK Kemenkumham, atau catatan pendirian yang dilegalisasi", True),
    ("adart", "AD/ART", True),
    ("pengurus", "Susunan pengurus dengan KTP ketua, sekretaris dan bendahara", True),
    ("domisili", "Surat keterangan domisili", True),
    ("npwp", "NPWP", True),
    ("rekening", "Rekening bank atas nama lembaga", True),
    ("program", "Program pelayanan", True),
    ("rekap_klien", "Rekap klien dan rekap SDM", True),
    ("aset", "Inventaris aset dan denah lokasi", True),
    ("rekomendasi", "Rekomendasi kelurahan/kecamatan", True),
    ("laporan", "Laporan kegiatan 3 tahun terakhir", True),
    ("akreditasi", "Sertifikat akreditasi (bila ada)", False),
]
DOCUMENT_LABELS = {code: label for code, label, _ in APPLICATION_DOCUMENTS}
REQUIRED_DOCUMENTS = [code for code, _, required in APPLICATION_DOCUMENTS if required]


class Grade(models.TextChoices):
    A = "A", "A (sangat baik)"
    B = "B", "B (baik)"
    C = "C", "C (cukup)"


# Stated validity of an accreditation by grade (P4S head, 2020): A 5 years, B 3 years, C 2 years.
GRADE_YEARS = {Grade.A: 5, Grade.B: 3, Grade.C: 2}


class BoardRole(models.TextChoices):
    PEMBINA = "pembina", "Pembina"
    PENGAWAS = "pengawas", "Pengawas"
    KETUA = "ketua", "Ketua"
    WAKIL = "wakil", "Wakil ketua"
    SEKRETARIS = "sekretaris", "Sekretaris"
    BENDAHARA = "bendahara", "Bendahara"
    ANGGOTA = "anggota", "Anggota"


class StaffKind(models.TextChoices):
    PEKSOS = "peksos", "Pekerja sosial"
    PENGASUH = "pengasuh", "Pengasuh"
    RELAWAN = "relawan", "Relawan sosial"
    KESEHATAN = "kesehatan", "Tenaga kesehatan"
    PENDIDIK = "pendidik", "Pendidik/instruktur"
    ADMINISTRASI = "administrasi", "Tenaga administrasi"
    LAINNYA = "lainnya", "Lainnya"


class FundingSource(models.TextChoices):
    APBN = "apbn", "APBN"
    ATENSI = "atensi", "APBN — ATENSI"
    APBD_PROVINSI = "apbd_provinsi", "APBD provinsi"
    APBD_KABKOTA = "apbd_kabkota", "APBD kabupaten/kota"
    CSR = "csr", "CSR / dunia usaha"
    MASYARAKAT = "masyarakat", "Donatur/masyarakat"
    LAINNYA = "lainnya", "Lainnya"


class FamilyStatus(models.TextChoices):
    YATIM = "yatim", "Yatim"
    PIATU = "piatu", "Piatu"
    YATIM_PIATU = "yatim_piatu", "Yatim piatu"
    LENGKAP = "lengkap", "Orang tua lengkap"
    DHUAFA = "dhuafa", "Dhuafa"
    TIDAK_DIKETAHUI = "tidak_diketahui", "Tidak diketahui"


class ExitReason(models.TextChoices):
    KEMBALI_KELUARGA = "kembali_keluarga", "Kembali ke keluarga"
    PENGASUHAN = "pengasuhan", "Pengasuhan alternatif (orang tua asuh)"
    ADOPSI = "adopsi", "Adopsi"
    MANDIRI = "mandiri", "Mandiri"
    DIRUJUK = "dirujuk", "Dirujuk ke lembaga lain"
    MENINGGAL = "meninggal", "Meninggal dunia"
    LAINNYA = "lainnya", "Lainnya"


class DocumentKind(models.TextChoices):
    LAPORAN_TAHUNAN = "laporan_tahunan", "Laporan kegiatan tahunan"
    BERKAS_PENDAFTARAN = "berkas_pendaftaran", "Berkas pendaftaran"
    FOTO_VERIFIKASI = "foto_verifikasi", "Foto verifikasi lapangan"
    SERTIFIKAT = "sertifikat", "Sertifikat/SK"
    LAINNYA = "lainnya", "Lainnya"


class ChangeStatus(models.TextChoices):
    MENUNGGU = "menunggu", "Menunggu verifikasi"
    DISETUJUI = "disetujui", "Disetujui"
    DITOLAK = "ditolak", "Ditolak"
