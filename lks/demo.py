"""Kalimantan Selatan's 135 LKS for the quick start's demo (article 001: 120 anak, 3 lanjut usia,
9 disabilitas, 3 NAPZA), spread over its 13 kab/kota roughly by population.

Institution names, heads, numbers and addresses are invented; the desa codes are real. Each demo LKS
serves exactly one group, so a recap by type gives the article's figures. Tanda Daftar, izin
operasional and accreditations are dated relative to the day the demo is first loaded, so the expiry
page always has something to show. Rows are written in bulk (demo data, not a user's act: no audit
events); the Lks pointers to the current documents follow the same rule as the services.

Idempotent: LKS are keyed by name; documents by the stable part of their number; the Operator LKS
account, the residents and the board of the featured LKSA by their natural keys. Running it again
restores the demo LKS's profile and adds only what is missing.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from kesos.accounts.models import Assignment, Office, Role, User
from kesos.core.demo import DEMO_PASSWORD, DemoReport
from kesos.wilayah.models import Level, Wilayah

from .choices import (
    APPLICATION_DOCUMENTS,
    GRADE_YEARS,
    REQUIRED_DOCUMENTS,
    BoardRole,
    FamilyStatus,
    FundingSource,
    Grade,
    LegalForm,
    LegalStatus,
    Lingkup,
    LksStatus,
    PermitKind,
    RegistrationStatus,
    ServiceMode,
    StaffKind,
)
from .models import Accreditation, Assistance, BoardMember, Lks, LksType, Placement, Registration, StaffMember

PROVINCE = "63"
TD_ISSUER = "Dinas Sosial Provinsi Kalimantan Selatan"
TD_YEARS = 3  # Tanda Daftar validity: set by regional rules (docs/domain.md); 3 years assumed for the demo
IO_YEARS = 5  # izin operasional from the kab/kota: likewise an assumption of the demo
START = datetime.date(2026, 1, 2)

# How many LKS of each type in each kab/kota: Banjarmasin and Banjar most, as their population.
# (kab/kota code, anak, lansia, disabilitas, napza)
DISTRIBUTION = [
    ("63.71", 24, 1, 3, 1),  # Kota Banjarmasin
    ("63.03", 18, 1, 1, 0),  # Kabupaten Banjar
    ("63.72", 9, 1, 1, 1),  # Kota Banjarbaru
    ("63.01", 10, 0, 1, 0),  # Tanah Laut
    ("63.10", 9, 0, 0, 1),  # Tanah Bumbu
    ("63.02", 8, 0, 1, 0),  # Kotabaru
    ("63.04", 8, 0, 0, 0),  # Barito Kuala
    ("63.07", 8, 0, 0, 0),  # Hulu Sungai Tengah
    ("63.08", 7, 0, 0, 0),  # Hulu Sungai Utara
    ("63.09", 6, 0, 1, 0),  # Tabalong
    ("63.06", 6, 0, 1, 0),  # Hulu Sungai Selatan
    ("63.05", 4, 0, 0, 0),  # Tapin
    ("63.11", 3, 0, 0, 0),  # Balangan
]
TYPE_LABELS = {"anak": "anak", "lansia": "lanjut usia", "disabilitas": "disabilitas", "napza": "NAPZA"}

# Approximate centre of each kab/kota's capital, for the optional GPS point.
CENTRES = {
    "63.01": (-3.7994, 114.7646), "63.02": (-3.2436, 116.2197), "63.03": (-3.4134, 114.8550),
    "63.04": (-2.9886, 114.7589), "63.05": (-2.9360, 115.1640), "63.06": (-2.7778, 115.2700),
    "63.07": (-2.5826, 115.3837), "63.08": (-2.4186, 115.2495), "63.09": (-2.1640, 115.3822),
    "63.10": (-3.4517, 115.9982), "63.11": (-2.3340, 115.4580), "63.71": (-3.3186, 114.5944),
    "63.72": (-3.4572, 114.8103),
}  # fmt: skip

ANAK_PREFIXES = ["LKSA Panti Asuhan", "Yayasan Panti Asuhan", "LKSA", "Panti Asuhan"]
ANAK_THEMES = [
    "Al-Ikhlas", "Nurul Hidayah", "Darul Aitam", "Budi Mulia", "Al-Hidayah", "Mutiara Hati", "Baitul Yatama",
    "Rahmatullah", "Al-Falah", "Nurul Iman", "Siti Khadijah", "Al-Munawwarah", "Darul Hikmah", "Al-Amin",
    "Bina Harapan", "Kasih Ibu", "Harapan Bangsa", "Al-Mubarak", "Nurul Jannah", "Al-Kautsar", "Raudhatul Jannah",
    "Baitul Hikmah", "Ar-Rahman", "Al-Husna", "Tunas Harapan", "Cahaya Ummat", "Darussalam", "Nurul Falah",
    "Al-Furqan", "Miftahul Jannah", "Babussalam", "Al-Muttaqin", "Ar-Raudhah", "Nurul Huda", "Al-Istiqomah",
    "Baitur Rahman", "Bina Insani", "Kasih Bunda", "Pelita Hati", "Mawaddah", "Al-Barakah", "Sabilul Muhtadin",
    "Nurul Amin", "Darul Ulum", "Al-Anshor", "Asy-Syifa", "Bustanul Athfal", "Permata Hati", "Insan Mulia",
    "Ummul Quro", "Nurul Ilmi", "Al-Hasanah", "Baitussalam", "Darul Ihsan", "Madinatul Ilmi", "An-Nur",
    "Al-Fattah", "Anak Sholeh", "Cahaya Harapan", "Bina Sejahtera",
]  # fmt: skip
LANSIA_NAMES = [
    "LKS Lanjut Usia Griya Lansia Al-Ma'wa",
    "Yayasan Rumah Lansia Kasih Bunda",
    "Yayasan Panti Sosial Tresna Werdha Budi Sejahtera",
]
DISABILITAS_NAMES = [
    "LKS Disabilitas Bina Daksa Mandiri",
    "Yayasan Tunanetra Cahaya Hati",
    "LKS Disabilitas Rungu Wicara Suara Hati",
    "Yayasan Bina Grahita Pelita Kasih",
    "LKS Disabilitas Mental Rumah Harapan",
    "Yayasan Peduli Disabilitas Banua",
    "LKS Disabilitas Intelektual Mutiara Bunda",
    "Yayasan Disabilitas Netra Mata Hati",
    "LKS Penyandang Disabilitas Harapan Kita",
]
NAPZA_NAMES = [
    "Yayasan Rehabilitasi NAPZA Bina Mandiri",
    "Yayasan Rehabilitasi NAPZA Jalan Pulang",
    "Yayasan Rehabilitasi NAPZA Sahabat Banua",
]
# The LKSA with residents and an Operator LKS account (the first anak LKS of Banjarmasin).
FEATURED = "LKSA Panti Asuhan Al-Ikhlas"

MEN = ["Ahmad", "Muhammad", "Abdul Rahman", "Rusdi", "Syahrani", "Fahmi", "Yusran", "Zainal", "Hairani",
       "Gusti Rahmat", "Akhmad", "Khairul", "Bahrudin", "Mukhlis", "Junaidi"]  # fmt: skip
WOMEN = ["Siti", "Rahmah", "Mariana", "Halimah", "Aminah", "Jamilah", "Salmah", "Fauziah", "Khairunnisa",
         "Noor Aida", "Rusmilawati", "Mahmudah"]  # fmt: skip
SURNAMES = ["Arsyad", "Ansari", "Fadillah", "Rahman", "Hidayat", "Saputra", "Yusuf", "Ramli", "Hasan", "Effendi",
            "Syarifuddin", "Mahmud", "Nafarin", "Rifani", "Hamdani", "Maulana"]  # fmt: skip
STREETS = ["Jl. Ahmad Yani", "Jl. Pramuka", "Jl. Veteran", "Jl. Sultan Adam", "Jl. Pangeran Antasari",
           "Jl. Lambung Mangkurat", "Jl. Pendidikan", "Jl. Masjid Raya", "Jl. Pasar Baru", "Jl. Kenanga",
           "Jl. Perintis Kemerdekaan", "Jl. Brigjen H. Hasan Basry", "Jl. Trikora", "Jl. Melati"]  # fmt: skip
BANKS = ["Bank Kalsel", "Bank Kalsel Syariah", "BRI", "BNI", "Bank Syariah Indonesia", "Bank Mandiri"]

BY_TYPE = {
    "anak": {
        "capacity": (20, 60),
        "facilities": "Asrama putra dan putri, ruang belajar, musala, dapur dan ruang makan, ruang konseling",
        "services": "Pengasuhan dalam panti, dukungan pendidikan formal, bimbingan keagamaan dan keterampilan, "
        "penguatan keluarga dan reunifikasi",
        "funding": "Donatur tetap dan infak masyarakat, bantuan APBD, program ATENSI Kementerian Sosial",
    },
    "lansia": {
        "capacity": (30, 80),
        "facilities": "Wisma lansia, ruang perawatan, ruang keterampilan, musala, taman",
        "services": "Perawatan sosial lanjut usia, pemeriksaan kesehatan berkala, bimbingan rohani, "
        "pendampingan lansia di keluarga (home care)",
        "funding": "APBD provinsi, program ATENSI Kementerian Sosial, donatur",
    },
    "disabilitas": {
        "capacity": (15, 50),
        "facilities": "Asrama, ruang terapi, ruang keterampilan kerja, aksesibilitas kursi roda",
        "services": "Rehabilitasi sosial penyandang disabilitas, terapi, pelatihan vokasional, advokasi keluarga",
        "funding": "Program ATENSI Kementerian Sosial, donatur, CSR",
    },
    "napza": {
        "capacity": (20, 40),
        "facilities": "Asrama residen, ruang konseling, ruang kelompok, klinik",
        "services": "Rehabilitasi sosial korban penyalahgunaan NAPZA (Institusi Penerima Wajib Lapor), "
        "konseling adiksi, bimbingan lanjut",
        "funding": "Program ATENSI Kementerian Sosial, APBD, swadaya",
    },
}


@dataclass
class Document:
    """One demo Tanda Daftar, izin operasional or accreditation, keyed by the stable part of its number."""

    kind: str  # PermitKind value or "akreditasi"
    number: str
    issued_on: datetime.date
    valid_until: datetime.date
    issuer: str = ""
    grade: str = ""
    renewal: bool = False

    @property
    def key(self) -> str:
        return self.number.rsplit("/", 1)[0]


@dataclass
class Spec:
    name: str
    type: str
    fields: dict
    documents: list[Document] = field(default_factory=list)
    application: str = ""  # an open Tanda Daftar application: "" or a RegistrationStatus value


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _person_name(rng: random.Random) -> str:
    if rng.random() < 0.6:
        title = rng.choice(["H. ", "H. ", "", "Drs. H. ", "Ustadz "])
        return f"{title}{rng.choice(MEN)} {rng.choice(SURNAMES)}"
    title = rng.choice(["Hj. ", "", "Dra. Hj. "])
    return f"{title}{rng.choice(WOMEN)} {rng.choice(SURNAMES)}"


def _phone(rng: random.Random) -> str:
    return f"08{rng.choice(['11', '12', '13', '21', '52', '53'])}5{rng.randrange(10**7):07d}"


def _plan(rng: random.Random, count: int, states: dict[str, int], rest: str) -> list[str]:
    plan = [state for state, n in states.items() for _ in range(n)]
    plan += [rest] * (count - len(plan))
    rng.shuffle(plan)
    return plan


def _pin(plan: list[str], i: int, state: str) -> None:
    """Give slot `i` the `state`, swapping with a slot that had it, so the plan's counts stay."""
    if plan[i] != state:
        j = next(j for j, s in enumerate(plan) if s == state)
        plan[i], plan[j] = plan[j], plan[i]


def _desa_by_kabkota() -> dict[str, list[Wilayah]]:
    desa: dict[str, list[Wilayah]] = {}
    for w in Wilayah.objects.active().filter(level=Level.DESA).within(PROVINCE).only("code", "name", "kind"):
        desa.setdefault(w.code[:5], []).append(w)
    for rows in desa.values():
        rows.sort(key=lambda w: w.code)
    return desa


def build_specs(today: datetime.date) -> list[Spec]:
    """The 135 demo LKS, always the same for the same day (a seeded generator, regions in code order)."""
    rng = random.Random("kesos-demo-lks-kalsel")  # noqa: S311 - demo data, not secrets
    kabkota = {w.code: w for w in Wilayah.objects.filter(code__in=[code for code, *_ in DISTRIBUTION])}
    desa = _desa_by_kabkota()
    specs: list[Spec] = []
    used: set[str] = set()
    named = {"lansia": iter(LANSIA_NAMES), "disabilitas": iter(DISABILITAS_NAMES), "napza": iter(NAPZA_NAMES)}
    anak_no = 0
    for code, *counts in DISTRIBUTION:
        region = kabkota[code]
        kinds = [t for t, n in zip(("anak", "lansia", "disabilitas", "napza"), counts, strict=True) for _ in range(n)]
        villages = desa[code]
        for j, type_code in enumerate(kinds):
            village = villages[(j * len(villages)) // len(kinds)]
            if type_code == "anak":
                cycle, theme = divmod(anak_no, len(ANAK_THEMES))
                name = f"{ANAK_PREFIXES[(anak_no + cycle) % len(ANAK_PREFIXES)]} {ANAK_THEMES[theme]}"
                anak_no += 1
            else:
                name = next(named[type_code])
            if name in used:
                name = f"{name} {village.name}"
            while name in used:
                name += " II"
            used.add(name)
            specs.append(_spec(rng, name, type_code, region, village))
    _registrations(rng, specs, today, kabkota)
    return specs


def _spec(rng: random.Random, name: str, type_code: str, region: Wilayah, village: Wilayah) -> Spec:
    profile = BY_TYPE[type_code]
    mode = ServiceMode.PANTI
    if type_code in ("anak", "disabilitas"):
        mode = rng.choices([ServiceMode.PANTI, ServiceMode.KEDUANYA, ServiceMode.LUAR_PANTI], [75, 15, 10])[0]
    if name == FEATURED:
        mode = ServiceMode.PANTI
    low, high = profile["capacity"]
    capacity = 0 if mode == ServiceMode.LUAR_PANTI else rng.randrange(low, high + 1, 5)
    legal = rng.random() < 0.87 or name == FEATURED
    legal_fields = {"legal_status": LegalStatus.TIDAK}
    if legal:
        deed_year = rng.randrange(1985, 2022)
        legal_fields = {
            "legal_status": LegalStatus.BERBADAN_HUKUM,
            "legal_form": LegalForm.PERKUMPULAN if rng.random() < 0.1 else LegalForm.YAYASAN,
            "deed_number": str(rng.randrange(1, 120)),
            "deed_date": datetime.date(deed_year, rng.randrange(1, 13), rng.randrange(1, 29)),
            "sk_kemenkumham": f"AHU-{rng.randrange(10**7):07d}.AH.01.04.Tahun {max(deed_year, 2013)}",
            "npwp": f"{rng.randrange(1, 99):02d}.{rng.randrange(1000):03d}.{rng.randrange(1000):03d}."
            f"{rng.randrange(10)}-{rng.randrange(700, 740)}.000",
            "bank_name": rng.choice(BANKS),
            "bank_account": f"{rng.randrange(10**9, 10**10)}{rng.randrange(100):02d}",
            "bank_account_name": name,
        }
    gps = {}
    if rng.random() < 0.5 or name == FEATURED:
        lat, lon = CENTRES[region.code]
        gps = {
            "latitude": Decimal(f"{lat + rng.uniform(-0.04, 0.04):.6f}"),
            "longitude": Decimal(f"{lon + rng.uniform(-0.04, 0.04):.6f}"),
        }
    status = LksStatus.AKTIF
    if name != FEATURED:
        status = rng.choices([LksStatus.AKTIF, LksStatus.TIDAK_AKTIF, LksStatus.DIBEKUKAN], [96, 3, 1])[0]
    lingkup = Lingkup.PROVINSI if type_code in ("lansia", "napza") and region.code == "63.72" else Lingkup.KABKOTA
    fields = {
        "lingkup": lingkup,
        "service_mode": mode,
        "capacity": capacity,
        "wilayah_id": village.code,
        "address": f"{rng.choice(STREETS)} No. {rng.randrange(1, 150)} RT {rng.randrange(1, 30):03d}, {village.label}",
        "phone": _phone(rng) if rng.random() < 0.6 else "",
        "head_name": _person_name(rng),
        "head_phone": _phone(rng),
        "facilities": profile["facilities"],
        "services_offered": profile["services"],
        "funding_sources": profile["funding"],
        "status": status,
        "legal_form": "",
        "deed_number": "",
        "deed_date": None,
        "sk_kemenkumham": "",
        "npwp": "",
        "bank_name": "",
        "bank_account": "",
        "bank_account_name": "",
        "latitude": None,
        "longitude": None,
        **legal_fields,
        **gps,
    }
    return Spec(name=name, type=type_code, fields=fields)


def _registrations(rng: random.Random, specs: list[Spec], today: datetime.date, kabkota: dict) -> None:
    """Tanda Daftar, izin operasional and accreditations: most current, a handful expiring within
    90 days, a few expired, some LKS never registered or still applying."""
    days = datetime.timedelta
    n = len(specs)
    featured = next(i for i, s in enumerate(specs) if s.name == FEATURED)
    td = _plan(rng, n, {"none": 9, "diajukan": 2, "berkas_lengkap": 1, "expired": 5, "soon": 6}, "valid")
    _pin(td, featured, "valid")
    # Kalsel registers an LKS only once it holds the kab/kota's izin operasional; some unregistered
    # LKS hold one too.
    io = ["none"] * n
    permitted = [i for i in range(n) if td[i] != "none" or rng.random() < 0.5]
    for i, state in zip(permitted, _plan(rng, len(permitted), {"soon": 2, "expired": 1}, "valid"), strict=True):
        io[i] = state
    _pin(io, featured, "valid")
    # Accreditation needs legal standing and registration (BALKS prerequisites).
    acc = ["none"] * n
    eligible = [
        i for i in range(n)
        if i != featured and td[i] in ("valid", "soon", "expired")
        and specs[i].fields["legal_status"] == LegalStatus.BERBADAN_HUKUM
    ]  # fmt: skip
    plan = _plan(rng, len(eligible), {"soon": 1, "expired": 3, "A": 6, "B": 17, "C": 12}, "none")
    for i, state in zip(eligible, plan, strict=True):
        acc[i] = state
    acc[featured] = "featured"
    for i, spec in enumerate(specs):
        serial = 1000 + 3 * i
        region = kabkota[spec.fields["wilayah_id"][:5]]
        # Tanda Daftar (the current one, and for some a renewal history).
        state = td[i]
        if state in (RegistrationStatus.DIAJUKAN, RegistrationStatus.BERKAS_LENGKAP):
            spec.application = state
        elif state != "none":
            if state == "soon":
                until = today + days(rng.randrange(5, 86))
            elif state == "expired":
                until = today - days(rng.randrange(10, 300))
            else:
                until = today + days(rng.randrange(200, 1000))
            issued = _add_years(until, -TD_YEARS)
            renewed = rng.random() < 0.3
            if renewed:
                old_issued = _add_years(issued, -TD_YEARS)
                old = f"460/{serial}/TD-LKS/Dinsos/{old_issued.year}"
                spec.documents.append(Document(PermitKind.TANDA_DAFTAR, old, old_issued, issued, TD_ISSUER))
            number = f"460/{serial + 1}/TD-LKS/Dinsos/{issued.year}"
            spec.documents.append(Document(PermitKind.TANDA_DAFTAR, number, issued, until, TD_ISSUER, renewal=renewed))
            if state == "expired" and i % 3 == 0:
                spec.application = RegistrationStatus.DIAJUKAN  # the renewal is being applied for
        # Izin operasional from the kab/kota's one-stop permit office.
        if io[i] != "none":
            if io[i] == "soon":
                until = today + days(rng.randrange(20, 80))
            elif io[i] == "expired":
                until = today - days(rng.randrange(30, 200))
            else:
                until = today + days(rng.randrange(120, 1700))
            issued = _add_years(until, -IO_YEARS)
            issuer = f"Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu {region.name}"
            number = f"503/{serial + 2}/IO-LKS/DPMPTSP/{issued.year}"
            spec.documents.append(Document(PermitKind.IZIN_OPERASIONAL, number, issued, until, issuer))
        # Accreditation (BALKS): validity by grade, A 5, B 3, C 2 years.
        state = acc[i]
        if state == "none":
            continue
        if state == "featured":  # ends within 30 days: the expiry watch and its operator's inbox show it
            grade, until = Grade.B, today + days(28)
        elif state == "soon":
            grade, until = Grade.C, today + days(rng.randrange(40, 85))
        elif state == "expired":
            grade, until = Grade.C, today - days(rng.randrange(60, 400))
        else:
            grade = Grade(state)
            until = today + days(rng.randrange(120, GRADE_YEARS[grade] * 365 - 30))
        accredited = _add_years(until, -GRADE_YEARS[grade])
        if grade in (Grade.A, Grade.B) and rng.random() < 0.25:  # an earlier, lower grade
            earlier = _add_years(accredited, -GRADE_YEARS[Grade.C])
            spec.documents.append(
                Document("akreditasi", f"{serial}/BALKS/SERT/C/{earlier.year}", earlier, accredited, grade=Grade.C)
            )
        spec.documents.append(
            Document("akreditasi", f"{serial + 1}/BALKS/SERT/{grade}/{accredited.year}", accredited, until, grade=grade)
        )


# --- Writing ----------------------------------------------------------------------------------------------
def _upsert_lks(specs: list[Spec], actor) -> dict[str, Lks]:
    existing = {lks.name: lks for lks in Lks.objects.filter(name__in=[s.name for s in specs])}
    to_create, to_update, changed_fields = [], [], set()
    for spec in specs:
        lks = existing.get(spec.name)
        if lks is None:
            to_create.append(Lks(name=spec.name, created_by=actor, **spec.fields))
            continue
        changed = [f for f, value in spec.fields.items() if getattr(lks, f) != value]
        if changed:
            for f in changed:
                setattr(lks, f, spec.fields[f])
            lks.version += 1
            lks.updated_at = timezone.now()
            changed_fields.update(changed)
            to_update.append(lks)
    Lks.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Lks.objects.bulk_update(to_update, [*changed_fields, "version", "updated_at"], batch_size=500)
    lks_by_name = {lks.name: lks for lks in Lks.objects.filter(name__in=[s.name for s in specs])}
    _set_types(specs, lks_by_name)
    return lks_by_name


def _set_types(specs: list[Spec], lks_by_name: dict[str, Lks]) -> None:
    """Each demo LKS serves exactly its one group."""
    through = Lks.types.through
    types = {t.code: t.pk for t in LksType.objects.filter(code__in=TYPE_LABELS)}
    wanted = {(lks_by_name[s.name].pk, types[s.type]) for s in specs}
    ids = [pk for pk, _ in wanted]
    have = set(through.objects.filter(lks_id__in=ids).values_list("lks_id", "lkstype_id"))
    extra = have - wanted
    if extra:
        for lks_id, type_id in extra:
            through.objects.filter(lks_id=lks_id, lkstype_id=type_id).delete()
    through.objects.bulk_create([through(lks_id=a, lkstype_id=b) for a, b in sorted(wanted - have)], batch_size=500)


def _write_documents(specs: list[Spec], lks_by_name: dict[str, Lks], actor, today: datetime.date) -> None:
    ids = [lks.pk for lks in lks_by_name.values()]
    registrations = list(Registration.objects.filter(lks_id__in=ids))
    have_numbers = {(r.lks_id, r.number.rsplit("/", 1)[0]) for r in registrations if r.number}
    have_certificates = {
        (lks_id, number.rsplit("/", 1)[0])
        for lks_id, number in Accreditation.objects.filter(lks_id__in=ids).values_list("lks_id", "certificate_number")
    }
    now = timezone.now()
    new_registrations, new_accreditations = [], []
    for spec in specs:
        lks = lks_by_name[spec.name]
        for doc in spec.documents:
            if doc.kind == "akreditasi":
                if (lks.pk, doc.key) not in have_certificates:
                    new_accreditations.append(
                        Accreditation(lks=lks, grade=doc.grade, certificate_number=doc.number,
                                      accredited_on=doc.issued_on, valid_until=doc.valid_until, recorded_by=actor)
                    )  # fmt: skip
                continue
            if (lks.pk, doc.key) in have_numbers:
                continue
            decided_at = timezone.make_aware(datetime.datetime.combine(doc.issued_on, datetime.time(10)))
            if doc.kind == PermitKind.TANDA_DAFTAR:
                workflow = {
                    "applied_on": doc.issued_on - datetime.timedelta(days=12),
                    "documents": [code for code, _, _ in APPLICATION_DOCUMENTS],
                    "checked_documents": list(REQUIRED_DOCUMENTS),
                    "checked_by": actor,
                    "checked_at": decided_at - datetime.timedelta(days=9),
                    "visit_on": doc.issued_on - datetime.timedelta(days=4),
                    "visit_officers": "Tim Verifikasi Bidang Pemberdayaan Sosial",
                    "visit_findings": "Pengurus, sarana dan klien sesuai dengan berkas permohonan.",
                    "visit_recorded_by": actor,
                }
            else:
                workflow = {"applied_on": doc.issued_on, "application_note": "Dicatat dari surat yang sudah terbit."}
            new_registrations.append(
                Registration(lks=lks, kind=doc.kind, status=RegistrationStatus.TERBIT, renewal=doc.renewal,
                             applied_by=actor, number=doc.number, issuer=doc.issuer, issued_on=doc.issued_on,
                             valid_until=doc.valid_until, decided_by=actor, decided_at=min(decided_at, now),
                             **workflow)
            )  # fmt: skip
        # An open Tanda Daftar application (a first one, or a renewal), unless the LKS has any Tanda
        # Daftar record of its own beside the demo's (the workflow may have moved it on since).
        demo_keys = {d.key for d in spec.documents if d.kind == PermitKind.TANDA_DAFTAR}
        if spec.application and not any(
            r.lks_id == lks.pk and r.kind == PermitKind.TANDA_DAFTAR and r.number.rsplit("/", 1)[0] not in demo_keys
            for r in registrations
        ):
            application = Registration(
                lks=lks, kind=PermitKind.TANDA_DAFTAR, status=spec.application, applied_by=actor,
                applied_on=today - datetime.timedelta(days=5 + len(spec.name) % 10), renewal=bool(demo_keys),
                documents=[code for code, _, _ in APPLICATION_DOCUMENTS if code != "akreditasi"],
                application_note="Permohonan diantar langsung oleh pengurus.",
            )  # fmt: skip
            if spec.application == RegistrationStatus.BERKAS_LENGKAP:
                application.checked_documents = list(REQUIRED_DOCUMENTS)
                application.checked_by = actor
                application.checked_at = now
                application.check_note = "Berkas lengkap; jadwalkan verifikasi lapangan."
            new_registrations.append(application)
    Registration.objects.bulk_create(new_registrations, batch_size=500)
    Accreditation.objects.bulk_create(new_accreditations, batch_size=500)


def _point_to_latest(lks_by_name: dict[str, Lks]) -> None:
    """The Lks pointers, by the services' rule: the issued document with the latest validity, the
    latest accreditation."""
    ids = [lks.pk for lks in lks_by_name.values()]
    latest: dict[tuple[int, str], int] = {}
    issued = (
        Registration.objects.filter(lks_id__in=ids, status=RegistrationStatus.TERBIT)
        .order_by("lks_id", "kind", "-valid_until", "-issued_on", "-id")
        .values_list("lks_id", "kind", "pk")
    )
    for lks_id, kind, pk in issued:
        latest.setdefault((lks_id, kind), pk)
    accredited = (
        Accreditation.objects.filter(lks_id__in=ids)
        .order_by("lks_id", "-accredited_on", "-id")
        .values_list("lks_id", "pk")
    )
    for lks_id, pk in accredited:
        latest.setdefault((lks_id, "akreditasi"), pk)
    to_update = []
    for lks in lks_by_name.values():
        pointers = {
            "tanda_daftar_id": latest.get((lks.pk, PermitKind.TANDA_DAFTAR)),
            "izin_operasional_id": latest.get((lks.pk, PermitKind.IZIN_OPERASIONAL)),
            "accreditation_id": latest.get((lks.pk, "akreditasi")),
        }
        if any(getattr(lks, f) != v for f, v in pointers.items()):
            for f, v in pointers.items():
                setattr(lks, f, v)
            to_update.append(lks)
    if to_update:
        Lks.objects.bulk_update(to_update, ["tanda_daftar", "izin_operasional", "accreditation"], batch_size=500)


# --- The featured LKSA: its board, staff, assistance, residents and operator ---------------------------------
BOARD = [
    (BoardRole.PEMBINA, "H. Abdul Rahman Ansari"),
    (BoardRole.KETUA, "Hj. Rahmah Fadillah"),
    (BoardRole.SEKRETARIS, "Muhammad Yusran Hidayat"),
    (BoardRole.BENDAHARA, "Siti Mahmudah"),
]
STAFF = [
    (StaffKind.PEKSOS, "Nurul Fitriani, S.Sos.", "S1 Kesejahteraan Sosial", "Sertifikat Pekerja Sosial Profesional"),
    (StaffKind.PENGASUH, "Rusmilawati", "SMA", "Pelatihan pengasuhan berbasis keluarga (SNPA)"),
    (StaffKind.PENGASUH, "Akhmad Junaidi", "SMA", "Pelatihan pengasuhan berbasis keluarga (SNPA)"),
    (StaffKind.RELAWAN, "Fahmi Maulana", "S1 Pendidikan", ""),
]
# (serial of the person in ppks.demo.PERSONS, days since admission, family status, schooling, guardian)
RESIDENTS = [
    (2, 420, FamilyStatus.YATIM, "SMP Negeri 6 Banjarmasin, kelas VIII", "Hj. Rusmini (nenek)"),
    (5, 250, FamilyStatus.DHUAFA, "SMA Negeri 2 Banjarmasin, kelas X", "Norhayati (bibi)"),
    (9, 60, FamilyStatus.YATIM_PIATU, "SD Negeri Mantuil 3, kelas V", "Jumberi (paman)"),
]
OPERATOR = ("operator.lks", "Noor Aida Rahmawati")


def _featured_parts(lks: Lks, actor, today: datetime.date) -> int:
    for role, name in BOARD:
        BoardMember.objects.get_or_create(
            lks=lks, role=role, name=name, defaults={"term_start": datetime.date(2023, 1, 1),
                                                     "term_end": datetime.date(2027, 12, 31)}
        )  # fmt: skip
    for kind, name, education, certification in STAFF:
        StaffMember.objects.get_or_create(
            lks=lks, kind=kind, name=name,
            defaults={"education": education, "certification": certification, "started_on": datetime.date(2021, 7, 1)},
        )  # fmt: skip
    Assistance.objects.get_or_create(
        lks=lks, year=2025, programme="Bantuan ATENSI anak", source=FundingSource.ATENSI,
        defaults={"amount": Decimal("45000000"), "received_on": datetime.date(2025, 8, 14), "recorded_by": actor},
    )  # fmt: skip
    Assistance.objects.get_or_create(
        lks=lks, year=2025, programme="Bantuan sembako dan perlengkapan sekolah", source=FundingSource.APBD_PROVINSI,
        defaults={"in_kind": "Beras 500 kg, seragam dan tas sekolah 40 paket", "received_on": datetime.date(2025, 7, 7),
                  "recorded_by": actor},
    )  # fmt: skip
    return _place_residents(lks, actor, today)


def _place_residents(lks: Lks, actor, today: datetime.date) -> int:
    from ppks.demo import PERSONS, demo_nik
    from ppks.models import Person

    from .services import placement_create

    placed = 0
    for serial, days, family, schooling, guardian in RESIDENTS:
        _name, sex, born, code, *_ = PERSONS[serial - 1]
        person = Person.objects.filter(nik=demo_nik(code, sex, datetime.date.fromisoformat(born), serial)).first()
        if person is None or Placement.objects.filter(person=person).exists():
            continue
        placement_create(
            actor=actor, lks=lks, person=person, admitted_on=today - datetime.timedelta(days=days),
            programme="Pengasuhan dalam panti", family_status=family, schooling=schooling, guardian_name=guardian,
        )  # fmt: skip
        placed += 1
    return placed


def _operator_account(lks: Lks, report: DemoReport) -> None:
    username, full_name = OPERATOR
    # The account form asks every user for a Dinas: an LKS operator's is the one that supervises the LKS.
    office = Office.objects.filter(wilayah_id=lks.wilayah_id[:5]).order_by("pk").first()
    user, _ = User.objects.update_or_create(
        username=username, defaults={"full_name": full_name, "office": office, "is_active": True}
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    Assignment.objects.get_or_create(
        user=user, role=Role.OPERATOR_LKS, lks=lks, defaults={"wilayah_id": lks.wilayah_id[:5], "starts_on": START}
    )
    report.accounts.append((username, f"{Role.OPERATOR_LKS.label} — {lks.name} (Kota Banjarmasin)"))


def load_lks(report: DemoReport) -> None:
    actor = User.objects.get(username="admin.kalsel")
    today = timezone.localdate()
    specs = build_specs(today)
    lks_by_name = _upsert_lks(specs, actor)
    _write_documents(specs, lks_by_name, actor, today)
    _point_to_latest(lks_by_name)
    featured = lks_by_name[FEATURED]
    placed = _featured_parts(featured, actor, today)
    _operator_account(featured, report)

    by_type = dict(
        Lks.types.through.objects.filter(lkstype__code__in=TYPE_LABELS)
        .values("lkstype__code")
        .annotate(n=Count("lks_id"))
        .values_list("lkstype__code", "n")
    )
    kinds = ", ".join(f"{by_type.get(code, 0)} {label}" for code, label in TYPE_LABELS.items())
    report.lines.append(f"{Lks.objects.count()} LKS ({kinds})")
    residents = Placement.objects.filter(lks=featured, exit_on__isnull=True).count()
    report.lines.append(f"{residents} penghuni di {featured.name} ({placed} baru)")
