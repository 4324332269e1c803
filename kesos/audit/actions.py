"""The catalogue of audit actions. One registry: registering a code twice fails at import."""

from django.core.exceptions import ImproperlyConfigured

ACTIONS: dict[str, str] = {}


def register(code: str, label: str) -> str:
    if code in ACTIONS:
        raise ImproperlyConfigured(f"Aksi audit '{code}' didaftarkan dua kali.")
    ACTIONS[code] = label
    return code


# Authentication and authorisation
LOGIN = register("auth.login", "Berhasil masuk")
LOGIN_FAILED = register("auth.login_failed", "Gagal masuk")
LOCKED_OUT = register("auth.locked_out", "Akun dikunci sementara")
LOGOUT = register("auth.logout", "Keluar")
DENIED = register("auth.denied", "Akses ditolak")
OTP_ENROLLED = register("auth.otp_enrolled", "Mendaftarkan verifikasi dua langkah")
OTP_VERIFIED = register("auth.otp_verified", "Lolos verifikasi dua langkah")
OTP_FAILED = register("auth.otp_failed", "Gagal verifikasi dua langkah")

# Access to personal data
VIEW = register("data.view", "Melihat data perorangan")
# One event per list page read (page or API): its row count, region and the persons on it.
LIST = register("data.list", "Melihat daftar data perorangan")
# A by-name route asked for a record the user may not see, or one that does not exist (both are 404).
NOT_FOUND = register("data.not_found", "Akses ditolak/tidak ditemukan")
EXPORT = register("data.export", "Mengekspor data perorangan")
PRINT = register("data.print", "Mencetak data perorangan")
NUMBER_SEARCH = register("data.number_search", "Mencari data dengan NIK/No. KK")
EXISTS_ELSEWHERE = register("data.exists_elsewhere", "Diberi tahu: data sudah terdaftar di luar wilayahnya")
SUBJECT_REPORT = register("data.subject_report", "Membuat laporan subjek data (UU PDP Pasal 32)")

# Changes made through services (field-level history is in the change log)
CREATE = register("record.create", "Membuat data")
UPDATE = register("record.update", "Mengubah data")
DELETE = register("record.delete", "Menghapus data")

# User management
USER_CREATE = register("user.create", "Membuat akun pengguna")
USER_UPDATE = register("user.update", "Mengubah akun pengguna")
USER_DEACTIVATE = register("user.deactivate", "Menonaktifkan akun pengguna")
USER_ACTIVATE = register("user.activate", "Mengaktifkan kembali akun pengguna")
USER_PASSWORD_RESET = register("user.password_reset", "Mengatur ulang kata sandi")
USER_OTP_RESET = register("user.otp_reset", "Mengatur ulang verifikasi dua langkah")
ASSIGNMENT_ADD = register("assignment.add", "Memberi penugasan")
ASSIGNMENT_END = register("assignment.end", "Mengakhiri penugasan")
PERSON_MERGE = register("person.merge", "Menggabungkan data orang")
PERSON_MERGE_UNDO = register("person.merge_undo", "Membatalkan penggabungan data orang")

# Welfare institutions (LKS)
LKS_CHANGE_REQUEST = register("lks.change_request", "Mengusulkan perubahan data LKS")
LKS_CHANGE_DECIDE = register("lks.change_decide", "Memutuskan usulan perubahan data LKS")
LKS_REGISTRATION = register("lks.registration", "Memproses pendaftaran/izin LKS")
LKS_ACCREDITATION = register("lks.accreditation", "Mencatat akreditasi LKS")
LKS_PLACEMENT = register("lks.placement", "Menempatkan/mengeluarkan penghuni LKS")

# Social pillars
PILAR_SELECTION_CLOSE = register("pilar.selection_close", "Menutup seleksi dan menetapkan pilar teladan")
PILAR_REPORT = register("pilar.report", "Mengirim/menerima laporan TKSK")

# Recaps and reports
REPORT_REQUEST = register("report.request", "Meminta laporan/rekapitulasi")
REPORT_DOWNLOAD = register("report.download", "Mengunduh laporan/rekapitulasi")
