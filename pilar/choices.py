"""Fixed vocabularies of the pilar app (docs/domain.md). Pillar types themselves are a table (PilarType)."""

from django.db import models


class MemberKind(models.TextChoices):
    PERSON = "orang", "Perorangan"
    ORGANISATION = "organisasi", "Organisasi/lembaga"


class MemberStatus(models.TextChoices):
    AKTIF = "aktif", "Aktif"
    NON_AKTIF = "non_aktif", "Non-aktif"
    DIBERHENTIKAN = "diberhentikan", "Diberhentikan"


class Classification(models.TextChoices):
    """Karang Taruna classes set by the Dinsos kab/kota (common labels; docs/domain.md)."""

    TUMBUH = "tumbuh", "Tumbuh"
    BERKEMBANG = "berkembang", "Berkembang"
    MAJU = "maju", "Maju"
    PERCONTOHAN = "percontohan", "Percontohan"


class Grade(models.TextChoices):
    """Tagana grades."""

    MUDA = "muda", "Muda"
    MADYA = "madya", "Madya"
    UTAMA = "utama", "Utama"


class SkIssuer(models.TextChoices):
    KEMENSOS = "kemensos", "Kementerian Sosial"
    GUBERNUR = "gubernur", "Gubernur"
    BUPATI = "bupati", "Bupati/Wali Kota"
    KADIS_PROVINSI = "kadis_provinsi", "Kepala Dinas Sosial Provinsi"
    KADIS_KABKOTA = "kadis_kabkota", "Kepala Dinas Sosial Kabupaten/Kota"
    LAINNYA = "lainnya", "Lainnya"


class EventKind(models.TextChoices):
    BIMTEK = "bimtek", "Bimbingan teknis (Bimtek)"
    RAKOR = "rakor", "Rapat koordinasi (Rakor)"
    SOSIALISASI = "sosialisasi", "Sosialisasi"
    DIKLAT = "diklat", "Pendidikan dan pelatihan (Diklat)"
    TEMU_KARYA = "temu_karya", "Temu karya"
    SELEKSI = "seleksi", "Seleksi pilar sosial berprestasi/teladan"


# Events whose attendance is training: it flows into each participant's training history.
TRAINING_KINDS = (EventKind.BIMTEK, EventKind.DIKLAT)


class SelectionStatus(models.TextChoices):
    TERBUKA = "terbuka", "Penilaian berjalan"
    DITUTUP = "ditutup", "Ditutup (pemenang ditetapkan)"


class ActivityKind(models.TextChoices):
    IDENTIFIKASI = "identifikasi", "Identifikasi PPKS"
    PENDAMPINGAN = "pendampingan", "Pendampingan program"
    PENYALURAN = "penyaluran", "Penyaluran bantuan"
    KOORDINASI = "koordinasi", "Koordinasi"
    BENCANA = "bencana", "Penanganan bencana"
    RUJUKAN = "rujukan", "Rujukan"


class ReportStatus(models.TextChoices):
    DRAF = "draf", "Draf"
    DIKIRIM = "dikirim", "Dikirim"
    DITERIMA = "diterima", "Diterima Dinas Sosial"
