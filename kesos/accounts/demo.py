"""Demo offices and accounts. The heads of office are the ones named in the source articles."""

import datetime

from kesos.core.demo import DEMO_PASSWORD, DemoReport
from kesos.wilayah.models import Wilayah

from .models import Assignment, Office, Role, User

START = datetime.date(2026, 1, 2)

OFFICES = [
    # (region, name, head of office, seat)
    ("63", "Dinas Sosial Provinsi Kalimantan Selatan", "Siti Nuriyani", "Banjarbaru"),
    ("63.71", "Dinas Sosial Kota Banjarmasin", "", "Banjarmasin"),
    ("63.72", "Dinas Sosial Kota Banjarbaru", "", "Banjarbaru"),
    ("62", "Dinas Sosial Provinsi Kalimantan Tengah", "Suhaemi", "Palangka Raya"),
    ("16.03", "Dinas Sosial Kabupaten Muara Enim", "Drs. Bhakti, M.Si.", "Muara Enim"),
]

ACCOUNTS = [
    # (username, full name, office region, role, assignment region)
    ("admin.kalsel", "Rahmat Hidayat", "63", Role.ADMIN_PROVINSI, "63"),
    ("pimpinan.kalsel", "Siti Nuriyani", "63", Role.PIMPINAN, "63"),
    ("auditor.kalsel", "Nurul Hasanah", "63", Role.AUDITOR, "63"),
    ("operator.banjarmasin", "Muhammad Rizky Ramadhan", "63.71", Role.OPERATOR_KABKOTA, "63.71"),
    ("peksos.banjarmasin", "Dewi Lestari", "63.71", Role.PEKERJA_SOSIAL, "63.71"),
    ("operator.banjarbaru", "Ahmad Fauzi", "63.72", Role.OPERATOR_KABKOTA, "63.72"),
    ("tksk.cempaka", "Akhmad Syarifudin", "63.72", Role.TKSK, "63.72.03"),
    ("admin.kalteng", "Yohanes Dwi Saputra", "62", Role.ADMIN_PROVINSI, "62"),
    ("operator.muaraenim", "Soni Prihartono", "16.03", Role.OPERATOR_KABKOTA, "16.03"),
]


def load_accounts(report: DemoReport) -> None:
    if not Wilayah.objects.filter(code="63").exists():
        raise RuntimeError("Data wilayah belum dimuat: jalankan `python manage.py load_wilayah` dahulu.")
    offices = {}
    for code, name, head, city in OFFICES:
        offices[code], _ = Office.objects.update_or_create(
            name=name, defaults={"wilayah_id": code, "head_name": head, "city": city}
        )
    report.lines.append(f"{len(offices)} dinas sosial")

    admin, _ = User.objects.update_or_create(
        username="admin",
        defaults={"full_name": "Administrator Sistem", "office": offices["63"], "is_staff": True, "is_superuser": True},
    )
    admin.set_password(DEMO_PASSWORD)
    admin.save(update_fields=["password"])
    report.accounts.append(("admin", "Administrator sistem (Django admin)"))

    for username, full_name, office, role, region in ACCOUNTS:
        user, _ = User.objects.update_or_create(
            username=username, defaults={"full_name": full_name, "office": offices[office], "is_active": True}
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        Assignment.objects.get_or_create(user=user, role=role, wilayah_id=region, defaults={"starts_on": START})
        where = Wilayah.objects.get(code=region)
        report.accounts.append((username, f"{role.label} — {where.label}"))
