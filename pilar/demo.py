"""The social pillars of the quick start's demo (issue 6, item 8), drawn from the five articles.

- Kalimantan Tengah: one TKSK per kecamatan, 136 (article 003: recruited since 2009, from Karang
  Taruna and PSM), with SK and postings from 2009 to 2023; a few Karang Taruna and PSM.
- Kalimantan Selatan: the TKSK of Kota Banjarbaru's five kecamatan (Cempaka's is the demo account
  `tksk.cempaka`, so the field pages work), with last month's reports; a few Karang Taruna and PSM.
- The events of the articles: 000 Bimtek LKS Kalteng 2019, 001 Bimtek LKS se-Kalsel 2022 (30 of
  the demo LKS), 002 Bimtek pilar sosial Kalsel 2024 (65 participants), 003 Bimtek TKSK se-Kalteng
  2023 (the 136 TKSK, attendance recorded, so it is in their training history), 004 Rakor Bidang
  Sosial Kabupaten Muara Enim 2023 (200 participants by group exactly as the article), and the
  Seleksi pilar sosial Kalsel of July 2024 that article 002 announces (criteria and nominees, open).

Names, NIKs (valid structure), SK numbers and phone numbers are invented; region codes are real;
dates the articles do not give (003's days, the selection's) are assumptions of the demo. Rows are
written in bulk (demo data, not a user's act: no audit events).

Idempotent: members are keyed by type and NIK (organisations by type, name and desa), events by
name and first day, participants by event and name, reports by TKSK and month. Running it again
adds only what is missing and leaves what users changed since (an ended posting stays ended).
"""

import datetime
import random

from django.utils import timezone

from kesos.accounts.models import User
from kesos.core.demo import DemoReport
from kesos.wilayah.models import Level, Wilayah

from .choices import (
    ActivityKind,
    Classification,
    EventKind,
    MemberStatus,
    ReportStatus,
    SkIssuer,
)
from .models import (
    Attendance,
    Criterion,
    Event,
    Member,
    MonthlyReport,
    Nomination,
    Participant,
    PilarType,
    Posting,
    ReportActivity,
    ReportFinding,
    Selection,
)
from .services.events import _sync_trainings

KALTENG, KALSEL, BANJARBARU, MUARA_ENIM = "62", "63", "63.72", "16.03"
CEMPAKA = "63.72.03"
TKSK_ACCOUNT = ("tksk.cempaka", "Akhmad Syarifudin")

# --- Names (invented) -------------------------------------------------------------------------------------
KALTENG_MEN = ["Yohanes", "Markus", "Agustinus", "Fransiskus", "Yulius", "Simon", "Hendra", "Deni", "Ahmad",
               "Rahmadi", "Budi", "Sahdan", "Rudi", "Yosef", "Andreas", "Herman", "Sabran", "Lukas", "Daniel",
               "Tommy", "Riduan", "Supriadi", "Junaidi", "Elianus"]  # fmt: skip
KALTENG_WOMEN = ["Dewi", "Rina", "Elisabeth", "Natalia", "Theresia", "Maria", "Norhasanah", "Siti", "Yuliana",
                 "Lusiana", "Rusmaniah", "Herlina", "Marlina", "Debora", "Wulan", "Fitriani"]  # fmt: skip
KALTENG_SURNAMES = ["Ugan", "Nyahu", "Bangas", "Tingang", "Kuhu", "Nahan", "Dinan", "Anggen", "Sandan", "Rangkap",
                    "Usop", "Lambung", "Saputra", "Pratama", "Suwarno", "Jaya", "Asang", "Hamdani", "Kusnadi",
                    "Rahman", "Setiawan", "Lahei", "Mingu", "Sahay", "Djaya", "Taruna"]  # fmt: skip
SUMSEL_FIRST = ["Ahmad", "Rudi", "Yusuf", "Hendri", "Eka", "Febri", "Rahmat", "Iskandar", "Zulkifli", "Herman",
                "Irwan", "Amir", "Joni", "Sri", "Nurhayati", "Mardiana", "Suryani", "Desi", "Yulianti", "Sulastri",
                "Rosita", "Leni", "Heri", "Agus", "Dedi", "Fitri", "Rini", "Indra", "Tarmizi", "Syarifah",
                "Novi", "Rizal", "Yanti", "Edi", "Marlina", "Sapri"]  # fmt: skip
SUMSEL_LAST = ["Saputra", "Pratama", "Wijaya", "Hidayat", "Syahputra", "Kurniawan", "Susanti", "Lestari",
               "Harahap", "Anwar", "Hasan", "Ramadhan", "Firmansyah", "Efendi", "Gunawan", "Rahmawati",
               "Sanjaya", "Putri", "Maulana", "Yusuf", "Fitriani", "Hamzah", "Aprianti", "Permana"]  # fmt: skip
KALSEL_FIRST = ["Muhammad", "Ahmad", "Rahmat", "Fahmi", "Yusran", "Zainal", "Hairani", "Akhmad", "Khairul",
                "Siti", "Rahmah", "Halimah", "Aminah", "Jamilah", "Fauziah", "Noor", "Mahmudah", "Rusdi"]  # fmt: skip
KALSEL_LAST = ["Arsyad", "Ansari", "Fadillah", "Rahman", "Hidayat", "Saputra", "Ramli", "Hasan", "Effendi",
               "Syarifuddin", "Mahmud", "Nafarin", "Rifani", "Hamdani", "Maulana", "Husin"]  # fmt: skip
EDUCATION = ["SMA", "SMA", "SMK", "D3", "S1", "S1", "S1 Kesejahteraan Sosial"]
OCCUPATION = ["Wiraswasta", "Petani", "Guru honorer", "Perangkat desa", "Pedagang", "Karyawan swasta",
              "Pengurus Karang Taruna", "Pekerja Sosial Masyarakat"]  # fmt: skip


class Names:
    """Distinct invented names from first and last name lists, always the same for the same seed."""

    def __init__(self, seed: str, first: list[str], last: list[str], women: list[str] | None = None):
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
        self.first, self.last, self.women = first, last, women or []
        self.used: set[str] = set()

    def take(self, sex: str = "") -> str:
        pool = self.women if sex == "P" and self.women else self.first
        for _ in range(200):
            name = f"{self.rng.choice(pool)} {self.rng.choice(self.last)}"
            if name not in self.used:
                self.used.add(name)
                return name
        n = 2
        while f"{name} {n}" in self.used:
            n += 1
        self.used.add(name := f"{name} {n}")
        return name


def _nik(code: str, sex: str, born: datetime.date, serial: int) -> str:
    from ppks.demo import demo_nik

    return demo_nik(code, sex, born, serial)


def _phone(rng: random.Random) -> str:
    return f"08{rng.choice(['11', '12', '13', '21', '52', '53', '57'])}{rng.randrange(10**8):08d}"


def _regions(level: int, within: str) -> list[Wilayah]:
    return list(Wilayah.objects.active().filter(level=level).within(within).only("code", "name", "kind"))


# --- Roster ---------------------------------------------------------------------------------------------
def _person(rng, names: Names, type_code: str, wilayah: Wilayah, serial: int, *, since: datetime.date, sk: dict,
            name: str = "", sex: str = "", user=None) -> dict:  # fmt: skip
    sex = sex or ("P" if rng.random() < 0.3 else "L")
    born = datetime.date(rng.randrange(1965, 1996), rng.randrange(1, 13), rng.randrange(1, 29))
    return {
        "type": type_code, "wilayah": wilayah, "since": since, "user": user,
        "fields": {
            "name": name or names.take(sex), "nik": _nik(wilayah.code, sex, born, serial), "sex": sex,
            "birth_date": born, "phone": _phone(rng), "education": rng.choice(EDUCATION),
            "occupation": rng.choice(OCCUPATION), "address": f"{wilayah.label}", "active_from": since, **sk,
        },
    }  # fmt: skip


def _organisation(rng, type_code: str, wilayah: Wilayah, name: str, *, since: datetime.date, sk: dict,
                  chair: str) -> dict:  # fmt: skip
    fields = {"name": name, "chair_name": chair, "member_count": rng.randrange(15, 60), "address": wilayah.label,
              "active_from": since, "phone": _phone(rng), **sk}  # fmt: skip
    if type_code == "karang_taruna":
        fields["classification"] = rng.choice(Classification.values)
    return {"type": type_code, "wilayah": wilayah, "since": since, "user": None, "fields": fields}


def _kalteng_tksk() -> list[dict]:
    """One TKSK per kecamatan of Kalimantan Tengah, recruited from 2009 to 2023."""
    rng = random.Random("kesos-demo-tksk-kalteng")  # noqa: S311
    names = Names("kesos-demo-tksk-kalteng-nama", KALTENG_MEN, KALTENG_SURNAMES, KALTENG_WOMEN)
    kecamatan = sorted(_regions(Level.KECAMATAN, KALTENG), key=lambda w: w.code)
    specs = []
    for i, kec in enumerate(kecamatan):
        # A large first intake in 2009, then replacements and new kecamatan up to 2023.
        year = 2009 if rng.random() < 0.3 else rng.randrange(2010, 2024)
        since = datetime.date(year, rng.randrange(1, 13), rng.randrange(1, 29))
        kemensos = year < 2016 or rng.random() < 0.5
        sk = {
            "sk_issuer": SkIssuer.KEMENSOS if kemensos else SkIssuer.KADIS_PROVINSI,
            "sk_number": f"{rng.randrange(10, 300)}/HUK/PS/{year}" if kemensos
            else f"800/{rng.randrange(100, 999)}/Dinsos-Kalteng/{year}",
            "sk_date": since,
        }  # fmt: skip
        specs.append(_person(rng, names, "tksk", kec, i + 1, since=since, sk=sk))
    return specs


def _banjarbaru_tksk(account) -> list[dict]:
    """The TKSK of Kota Banjarbaru; Cempaka's is the demo account's own record."""
    rng = random.Random("kesos-demo-tksk-banjarbaru")  # noqa: S311
    names = Names("kesos-demo-tksk-banjarbaru-nama", KALSEL_FIRST, KALSEL_LAST)
    names.used.add(TKSK_ACCOUNT[1])
    specs = []
    for i, kec in enumerate(sorted(_regions(Level.KECAMATAN, BANJARBARU), key=lambda w: w.code)):
        year = rng.randrange(2012, 2022)
        since = datetime.date(year, rng.randrange(1, 13), rng.randrange(1, 29))
        sk = {"sk_issuer": SkIssuer.KEMENSOS, "sk_number": f"{rng.randrange(10, 300)}/HUK/PS/{year}", "sk_date": since}
        mine = kec.code == CEMPAKA
        specs.append(
            _person(rng, names, "tksk", kec, 500 + i, since=since, sk=sk, name=TKSK_ACCOUNT[1] if mine else "",
                    sex="L" if mine else "", user=account if mine else None)
        )  # fmt: skip
    return specs


def _village_pillars() -> list[dict]:
    """A handful of Karang Taruna and PSM: in a few desa of Palangka Raya and Kapuas (Kalteng), and of
    Banjarbaru and Banjarmasin (Kalsel)."""
    rng = random.Random("kesos-demo-desa-pilar")  # noqa: S311
    kalteng = Names("kesos-demo-psm-kalteng", KALTENG_MEN, KALTENG_SURNAMES, KALTENG_WOMEN)
    kalsel = Names("kesos-demo-psm-kalsel", KALSEL_FIRST, KALSEL_LAST)
    specs = []
    for within, count, names, issuer in (("62.71", 4, kalteng, SkIssuer.KADIS_KABKOTA),
                                         ("62.03", 3, kalteng, SkIssuer.KADIS_KABKOTA),
                                         ("63.72", 4, kalsel, SkIssuer.KADIS_KABKOTA),
                                         ("63.71", 3, kalsel, SkIssuer.KADIS_KABKOTA)):  # fmt: skip
        desa = sorted(_regions(Level.DESA, within), key=lambda w: w.code)
        for j in range(count):
            village = desa[(j * len(desa)) // count]
            since = datetime.date(rng.randrange(2015, 2024), rng.randrange(1, 13), rng.randrange(1, 29))
            sk = {"sk_issuer": issuer, "sk_number": f"400.9/{rng.randrange(10, 500)}/{since.year}", "sk_date": since}
            specs.append(
                _organisation(rng, "karang_taruna", village, f"Karang Taruna {village.name}", since=since, sk=sk,
                              chair=names.take("L"))
            )  # fmt: skip
            serial = 700 + len(specs)
            specs.append(_person(rng, names, "psm", village, serial, since=since, sk=sk))
    return specs


def _upsert_members(specs: list[dict], types: dict[str, PilarType], actor) -> dict[tuple, Member]:
    """Create the members that are missing (by type and NIK, organisations by type, name and desa),
    each with its first posting; link the demo TKSK account. Returns spec key → member."""

    def key(spec):
        f = spec["fields"]
        return (spec["type"], f["nik"]) if f.get("nik") else (spec["type"], f["name"], spec["wilayah"].code)

    def member_key(m: Member):
        return (m.type.code, m.nik) if m.nik else (m.type.code, m.name, m.wilayah_id)

    type_ids = [types[s["type"]].pk for s in specs]
    existing = {member_key(m): m for m in Member.objects.filter(type_id__in=type_ids).select_related("type")}
    new = [
        Member(type=types[s["type"]], wilayah=s["wilayah"], created_by=actor, user=s["user"], **s["fields"])
        for s in specs
        if key(s) not in existing
    ]
    Member.objects.bulk_create(new, batch_size=500)
    members = {member_key(m): m for m in Member.objects.filter(type_id__in=type_ids).select_related("type", "wilayah")}
    by_spec = {key(s): members[key(s)] for s in specs}
    with_posting = set(Posting.objects.filter(member__in=by_spec.values()).values_list("member_id", flat=True))
    Posting.objects.bulk_create(
        [
            Posting(member=by_spec[key(s)], wilayah=s["wilayah"], starts_on=s["since"],
                    sk_number=s["fields"].get("sk_number", ""))
            for s in specs
            if by_spec[key(s)].pk not in with_posting
        ],
        batch_size=500,
    )  # fmt: skip
    for s in specs:
        member = by_spec[key(s)]
        if s["user"] is not None and member.user_id is None:
            Member.objects.filter(pk=member.pk).update(user=s["user"])
            member.user = s["user"]
    return by_spec


# --- TKSK reports -------------------------------------------------------------------------------------------
def _last_month_reports(tksk: list[Member], operator) -> int:
    """Last month's reports of the Banjarbaru TKSK: Cempaka's accepted, Landasan Ulin's waiting, the
    others not sent, so the R7 recap shows both Y and T."""
    today = timezone.localdate()
    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    by_area = {m.wilayah_id: m for m in tksk}
    plan = [
        (CEMPAKA, ReportStatus.DITERIMA, [
            (3, 1, ActivityKind.IDENTIFIKASI, "Pendataan lansia telantar bersama ketua RT", 4),
            (8, 2, ActivityKind.PENYALURAN, "Pendampingan penyaluran bantuan sembako di kelurahan", 37),
            (15, 3, ActivityKind.KOORDINASI, "Rapat koordinasi dengan Kasi Kesos kecamatan dan PSM", None),
            (22, 1, ActivityKind.RUJUKAN, "Rujukan warga disabilitas ke Dinas Sosial untuk alat bantu", 1),
        ], [(1, "PPKS-08", 4), (1, "PPKS-09", 1), (2, "PPKS-24", 6)]),
        ("63.72.02", ReportStatus.DIKIRIM, [
            (5, 1, ActivityKind.IDENTIFIKASI, "Identifikasi anak putus sekolah di kelurahan", 3),
            (19, 2, ActivityKind.BENCANA, "Pendataan warga terdampak banjir bersama Tagana", 12),
        ], [(1, "PPKS-04", 3), (2, "PPKS-23", 12)]),
    ]  # fmt: skip
    from ppks.models import PpksCategory

    categories = {c.code: c for c in PpksCategory.objects.filter(code__in={f[1] for *_, fs in plan for f in fs})}
    created = 0
    for area, status, activities, findings in plan:
        member = by_area.get(area)
        if member is None or MonthlyReport.objects.filter(member=member, month=month).exists():
            continue
        desa = sorted(_regions(Level.DESA, area), key=lambda w: w.code)
        submitted = timezone.make_aware(datetime.datetime.combine(month.replace(day=28), datetime.time(16)))
        report = MonthlyReport.objects.create(
            member=member, month=month, wilayah_id=area, status=status, submitted_at=submitted,
            psks_found="Karang Taruna dan PSM kelurahan aktif membantu pendataan.",
            obstacles="Sebagian warga belum memiliki KTP elektronik.",
            recommendations="Perlu perekaman KTP-el keliling bersama Disdukcapil.",
            acknowledged_at=submitted + datetime.timedelta(days=3) if status == ReportStatus.DITERIMA else None,
            acknowledged_by=operator if status == ReportStatus.DITERIMA else None,
        )  # fmt: skip
        ReportActivity.objects.bulk_create(
            ReportActivity(report=report, day=month.replace(day=day), desa=desa[(n - 1) % len(desa)], kind=kind,
                           description=text, people_reached=people)
            for day, n, kind, text, people in activities
        )  # fmt: skip
        ReportFinding.objects.bulk_create(
            ReportFinding(report=report, desa=desa[(n - 1) % len(desa)], category=categories[code], count=count)
            for n, code, count in findings
            if code in categories
        )
        created += 1
    return created


# --- Events -------------------------------------------------------------------------------------------------
def _event(name: str, starts_on: datetime.date, **fields) -> Event:
    event = Event.objects.filter(name=name, starts_on=starts_on).first()
    if event is None:
        event = Event.objects.create(name=name, starts_on=starts_on, **fields)
    if event.kind == EventKind.SELEKSI:
        Selection.objects.get_or_create(event=event)
    return event


def _participants(event: Event, rows: list[dict]) -> int:
    """Add the participants (dicts of Participant fields) not there yet, keyed by name."""
    have = set(Participant.objects.filter(event=event).values_list("name", flat=True))
    have_members = set(
        Participant.objects.filter(event=event, member__isnull=False).values_list("member_id", flat=True)
    )
    new, seen = [], set(have)
    for row in rows:
        member = row.get("member")
        if row["name"] in seen or (member is not None and member.pk in have_members):
            continue
        seen.add(row["name"])
        new.append(Participant(event=event, **row))
    Participant.objects.bulk_create(new, batch_size=500)
    return len(new)


def _attendance(event: Event, days: list[datetime.date] | None = None) -> None:
    """Everyone present on the given days (all days by default); a Bimtek's roster members get it
    in their training history."""
    ids = list(Participant.objects.filter(event=event).values_list("pk", flat=True))
    have = set(Attendance.objects.filter(participant__event=event).values_list("participant_id", "day"))
    Attendance.objects.bulk_create(
        [
            Attendance(participant_id=pid, day=day)
            for day in days or event.days
            for pid in ids
            if (pid, day) not in have
        ],
        batch_size=1000,
    )
    if event.kind in (EventKind.BIMTEK, EventKind.DIKLAT):
        _sync_trainings(event)


def _article_000(types, actor) -> Event:
    """Bimtek LKS Kalteng, Palangka Raya, three days from Monday 22 July 2019. The article gives no
    count: the demo lists 25 LKS delegates from the kab/kota of Kalteng."""
    event = _event(
        "Bimbingan Teknis Lembaga Kesejahteraan Sosial (LKS) Provinsi Kalimantan Tengah 2019",
        datetime.date(2019, 7, 22), kind=EventKind.BIMTEK, ends_on=datetime.date(2019, 7, 24),
        venue="Kota Palangka Raya", wilayah_id=KALTENG, organiser="Dinas Sosial Provinsi Kalimantan Tengah",
        speakers="Suhaemi, Kepala Dinas Sosial Provinsi Kalimantan Tengah (pembukaan)",
        description="Kegiatan rutin tahunan. LKS sebagai ujung tombak penanganan PMKS (UU 11/2009).",
        created_by=actor,
    )  # fmt: skip
    rng = random.Random("kesos-demo-000")  # noqa: S311
    kabkota = sorted(_regions(Level.KABKOTA, KALTENG), key=lambda w: w.code)
    themes = ["Kasih Bunda", "Harapan Bangsa", "Tunas Harapan", "Betang Asi", "Pelita Kasih", "Isen Mulang",
              "Bina Insani", "Mutiara Hati", "Al-Ikhlas", "Nurul Iman", "Cahaya Kasih", "Huma Betang",
              "Permata Hati", "Sinar Kasih", "Al-Hidayah"]  # fmt: skip
    rows = []
    for i in range(25):
        region = kabkota[i % len(kabkota)]
        city = region.name.replace("Kabupaten ", "").replace("Kota ", "")
        lks_name = f"LKSA {themes[i % len(themes)]} {city}"
        rows.append({"name": lks_name, "group": types["lks"], "kabkota": region, "position": "Pengurus LKS",
                     "phone": _phone(rng)})  # fmt: skip
    _participants(event, rows)
    _attendance(event)
    return event


def _article_001(types, actor) -> Event:
    """Bimtek LKS se-Kalsel, Banjarmasin, 23–25 August 2022, by the Bidang Pemberdayaan Sosial: 30 of
    Kalsel's 135 LKS took part (the demo LKS of lks/demo.py, spread over the kab/kota)."""
    from lks.models import Lks

    event = _event(
        "Bimbingan Teknis Lembaga Kesejahteraan Sosial (LKS) se-Kalimantan Selatan 2022",
        datetime.date(2022, 8, 23), kind=EventKind.BIMTEK, ends_on=datetime.date(2022, 8, 25),
        venue="Banjarmasin", wilayah_id=KALSEL,
        organiser="Bidang Pemberdayaan Sosial, Dinas Sosial Provinsi Kalimantan Selatan",
        speakers="Siti Nuriyani, Kepala Dinas Sosial Provinsi Kalimantan Selatan; "
        "Anhar Ihwan, Kepala Bidang Pemberdayaan Sosial",
        description="Peningkatan kualitas LKS dalam intervensi langsung terhadap PPKS. Diikuti 30 LKS.",
        created_by=actor,
    )  # fmt: skip
    lks = list(Lks.objects.filter(wilayah__code__startswith=f"{KALSEL}.").order_by("wilayah_id", "name"))
    chosen = [lks[(i * len(lks)) // 30] for i in range(30)] if len(lks) >= 30 else lks
    kabkota = {w.code: w for w in _regions(Level.KABKOTA, KALSEL)}
    rows = [
        {"name": item.name, "lks": item, "group": types["lks"], "kabkota": kabkota.get(item.wilayah_id[:5]),
         "position": "Pengurus LKS"}
        for item in chosen
    ]  # fmt: skip
    _participants(event, rows)
    _attendance(event)
    return event


def _article_002(types, actor, members: dict[str, list[Member]]) -> Event:
    """Bimtek pilar sosial se-Kalsel, Banjarmasin, Monday 10 June 2024: 65 participants, five from
    each of the 13 kab/kota (PSM, TKSK, LKS, Karang Taruna, Dinsos kab/kota staff). Roster members
    and demo LKS are linked where the demo has them."""
    from lks.models import Lks

    event = _event(
        "Bimbingan Teknis Pilar-Pilar Sosial se-Kalimantan Selatan 2024", datetime.date(2024, 6, 10),
        kind=EventKind.BIMTEK, ends_on=datetime.date(2024, 6, 10), venue="Banjarmasin", wilayah_id=KALSEL,
        organiser="Bidang Pemberdayaan Sosial, Dinas Sosial Provinsi Kalimantan Selatan",
        speakers="Surya Fujianorrochim, Kepala Bidang Pemberdayaan Sosial",
        description="Peningkatan kapasitas PSKS dan persiapan seleksi pilar-pilar sosial bulan Juli.",
        created_by=actor,
    )  # fmt: skip
    names = Names("kesos-demo-002", KALSEL_FIRST, KALSEL_LAST)
    for member_list in members.values():
        names.used.update(m.name for m in member_list)
    first_lks = {}
    for item in Lks.objects.filter(wilayah__code__startswith=f"{KALSEL}.").order_by("wilayah_id", "name"):
        first_lks.setdefault(item.wilayah_id[:5], item)
    rows = []
    for region in sorted(_regions(Level.KABKOTA, KALSEL), key=lambda w: w.code):
        for code in ("psm", "tksk", "karang_taruna"):
            member = next((m for m in members.get(code, []) if m.wilayah_id.startswith(region.code + ".")), None)
            if member is not None:
                rows.append({"name": member.name, "member": member, "group": types[code], "kabkota": region})
            else:
                rows.append({"name": names.take(),
                             "group": types[code], "kabkota": region,
                             "position": f"{types[code].abbreviation} {region.name}"})  # fmt: skip
        item = first_lks.get(region.code)
        if item is not None:
            rows.append({"name": item.name, "lks": item, "group": types["lks"], "kabkota": region,
                         "position": "Pengurus LKS"})  # fmt: skip
        else:
            rows.append({"name": names.take(), "group": types["lks"], "kabkota": region, "position": "Pengurus LKS"})
        rows.append({"name": names.take(), "group": types["dinsos"], "kabkota": region,
                     "position": f"Dinas Sosial {region.name}"})  # fmt: skip
    _participants(event, rows)
    _attendance(event)
    return event


def _article_003(types, actor, tksk: list[Member]) -> Event:
    """Bimtek peningkatan kemampuan TKSK se-Kalteng 2023, opened by the Sekda in Palangka Raya on a
    Monday: the 136 TKSK. The article gives no date: 30 October to 1 November 2023 is assumed."""
    event = _event(
        "Bimbingan Teknis Peningkatan Kemampuan Potensi TKSK se-Kalimantan Tengah 2023",
        datetime.date(2023, 10, 30), kind=EventKind.BIMTEK, ends_on=datetime.date(2023, 11, 1),
        venue="Palangka Raya", wilayah_id=KALTENG, organiser="Dinas Sosial Provinsi Kalimantan Tengah",
        speakers="Nuryakin, Sekretaris Daerah Provinsi Kalimantan Tengah (pembukaan)",
        description="136 TKSK yang direkrut sejak 2009 dari unsur Karang Taruna dan PSM; satu TKSK per kecamatan.",
        created_by=actor,
    )  # fmt: skip
    kabkota = {w.code: w for w in _regions(Level.KABKOTA, KALTENG)}
    rows = [
        {"name": m.name, "member": m, "group": types["tksk"], "kabkota": kabkota.get(m.wilayah_id[:5]),
         "position": f"TKSK {m.wilayah.label}"}
        for m in tksk
    ]  # fmt: skip
    _participants(event, rows)
    _attendance(event)
    return event


# Article 004's participants by group; Korcam/Pendamping PKH's 78 are 22 Korcam (one per
# kecamatan) and 56 Pendamping PKH.
RAKOR_GROUPS = [
    ("kasi_kesos", 22), ("tksk", 22), ("korcam_pkh", 22), ("pendamping_pkh", 56), ("korwil_pkh", 1),
    ("pendamping_disabilitas", 1), ("lks", 14), ("karang_taruna", 2), ("tagana", 25), ("operator_siks", 21),
    ("opd_terkait", 14),
]  # fmt: skip
OPD = ["Bappeda", "Dinas Kesehatan", "Dinas Pemberdayaan Masyarakat dan Desa",
       "Dinas Kependudukan dan Pencatatan Sipil", "Dinas Pendidikan", "Badan Penanggulangan Bencana Daerah",
       "Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "Bagian Kesejahteraan Rakyat Setda",
       "Dinas Tenaga Kerja dan Transmigrasi", "Dinas Perumahan Rakyat dan Kawasan Permukiman",
       "Kantor Kementerian Agama", "BPJS Kesehatan Cabang Muara Enim", "Polres Muara Enim",
       "Kodim 0404/Muara Enim"]  # fmt: skip
LKS_MUARA_ENIM = ["Panti Asuhan Al-Ikhlas", "Panti Asuhan Darul Aitam", "LKSA Nurul Huda", "LKSA Bina Insani",
                  "Yayasan Panti Asuhan Harapan Bangsa", "LKS Lanjut Usia Sejahtera", "LKSA Al-Hidayah",
                  "LKS Disabilitas Mandiri", "LKSA Kasih Ibu", "Yayasan Rehabilitasi NAPZA Jalan Lurus",
                  "LKSA Miftahul Jannah", "LKSA Tunas Bangsa", "Panti Asuhan Aisyiyah",
                  "LKSA Baitul Hikmah"]  # fmt: skip


def _article_004(types, actor) -> Event:
    """Rakor Bidang Sosial Kabupaten Muara Enim 2023, Ballroom Hotel Griya Sintesa, Monday 6 November
    2023: 200 participants by group exactly as the article. Guests without roster records."""
    event = _event(
        "Rapat Koordinasi Bidang Sosial Tingkat Kabupaten Muara Enim Tahun 2023", datetime.date(2023, 11, 6),
        kind=EventKind.RAKOR, ends_on=datetime.date(2023, 11, 6), venue="Ballroom Hotel Griya Sintesa Muara Enim",
        wilayah_id=MUARA_ENIM, organiser="Dinas Sosial Kabupaten Muara Enim",
        speakers="Masi Totu Mulja, M.Si. (Kementerian Sosial RI); Liesna Warliwati (Bappeda Kabupaten Muara Enim)",
        description="Dibuka oleh Asisten I H. Emran Tabrani. Sinergi PSKS dalam penyelenggaraan kesejahteraan sosial.",
        created_by=actor,
    )  # fmt: skip
    rng = random.Random("kesos-demo-004")  # noqa: S311
    names = Names("kesos-demo-004-nama", SUMSEL_FIRST, SUMSEL_LAST)
    region = Wilayah.objects.get(code=MUARA_ENIM)
    kecamatan = sorted(_regions(Level.KECAMATAN, MUARA_ENIM), key=lambda w: w.code)
    rows = []
    for code, count in RAKOR_GROUPS:
        for i in range(count):
            kec = kecamatan[i % len(kecamatan)]
            position = {
                "kasi_kesos": f"Kasi Kesos Kecamatan {kec.name}",
                "tksk": f"TKSK Kecamatan {kec.name}",
                "korcam_pkh": f"Koordinator PKH Kecamatan {kec.name}",
                "pendamping_pkh": f"Pendamping PKH Kecamatan {kec.name}",
                "korwil_pkh": "Koordinator Wilayah PKH",
                "pendamping_disabilitas": "Pendamping Penyandang Disabilitas",
                "lks": LKS_MUARA_ENIM[i % len(LKS_MUARA_ENIM)],
                "karang_taruna": "Karang Taruna Kabupaten Muara Enim",
                "tagana": "Taruna Siaga Bencana Kabupaten Muara Enim",
                "operator_siks": f"Operator SIKS-NG Kecamatan {kec.name}",
                "opd_terkait": f"{OPD[i % len(OPD)]}" + ("" if "Muara Enim" in OPD[i % len(OPD)]
                                                         else " Kabupaten Muara Enim"),
            }[code]  # fmt: skip
            rows.append({"name": names.take("P" if rng.random() < 0.35 else "L"), "group": types[code],
                         "kabkota": region, "position": position})  # fmt: skip
    rows += [
        {"name": "Masi Totu Mulja, M.Si.", "group": types["lainnya"], "kabkota": None, "role": "narasumber",
         "position": "Kementerian Sosial RI"},
        {"name": "Liesna Warliwati", "group": types["opd_terkait"], "kabkota": region, "role": "narasumber",
         "position": "Bappeda Kabupaten Muara Enim"},
    ]  # fmt: skip
    _participants(event, rows)
    _attendance(event)
    return event


CRITERIA = [
    ("Kegiatan sosial yang sudah dilakukan di wilayahnya", 40),
    ("Presentasi dan wawasan kesejahteraan sosial", 25),
    ("Inovasi dan dampak bagi masyarakat", 20),
    ("Administrasi dan pelaporan", 15),
]


def _selection_2024(types, actor, members: dict[str, list[Member]]) -> Event:
    """The Seleksi pilar sosial Kalsel of July 2024 announced by article 002 (dates assumed): weighted
    criteria and nominees from the demo roster, still open for scoring."""
    event = _event(
        "Seleksi Pilar-Pilar Sosial Berprestasi Tingkat Provinsi Kalimantan Selatan 2024", datetime.date(2024, 7, 16),
        kind=EventKind.SELEKSI, ends_on=datetime.date(2024, 7, 18), venue="Banjarmasin", wilayah_id=KALSEL,
        organiser="Bidang Pemberdayaan Sosial, Dinas Sosial Provinsi Kalimantan Selatan",
        description="Calon ditanya tentang perkembangan kegiatan sosial di daerahnya (berita 002).",
        created_by=actor,
    )  # fmt: skip
    selection = event.selection
    have = set(Criterion.objects.filter(selection=selection).values_list("name", flat=True))
    order = 0
    for name, weight in CRITERIA:
        order += weight
        if name not in have:
            Criterion.objects.create(selection=selection, name=name, weight=weight, order=order)
    nominees = [m for code in ("tksk", "psm", "karang_taruna") for m in members.get(code, [])
                if m.wilayah_id.startswith(f"{KALSEL}.")][:8]  # fmt: skip
    kabkota = {w.code: w for w in _regions(Level.KABKOTA, KALSEL)}
    nominated = set(Nomination.objects.filter(selection=selection).values_list("member_id", flat=True))
    Nomination.objects.bulk_create(
        [Nomination(selection=selection, member=m, kabkota=kabkota[m.wilayah_id[:5]])
         for m in nominees if m.pk not in nominated]
    )  # fmt: skip
    return event


# --- The step -------------------------------------------------------------------------------------------------
def load_pilar(report: DemoReport) -> None:
    admin_kalsel = User.objects.get(username="admin.kalsel")
    admin_kalteng = User.objects.get(username="admin.kalteng")
    operator_bjb = User.objects.get(username="operator.banjarbaru")
    operator_me = User.objects.get(username="operator.muaraenim")
    account = User.objects.filter(username=TKSK_ACCOUNT[0]).first()
    types = {t.code: t for t in PilarType.objects.all()}

    kalteng = _upsert_members(_kalteng_tksk(), types, admin_kalteng)
    banjarbaru = _upsert_members(_banjarbaru_tksk(account), types, admin_kalsel)
    villages = _upsert_members(_village_pillars(), types, admin_kalsel)
    members: dict[str, list[Member]] = {}
    for member in [*banjarbaru.values(), *villages.values()]:
        members.setdefault(member.type.code, []).append(member)
    reports = _last_month_reports(list(banjarbaru.values()), operator_bjb)

    tksk_kalteng = sorted(kalteng.values(), key=lambda m: m.wilayah_id)
    events = [
        _article_000(types, admin_kalteng),
        _article_001(types, admin_kalsel),
        _article_002(types, admin_kalsel, members),
        _article_003(types, admin_kalteng, tksk_kalteng),
        _article_004(types, operator_me),
        _selection_2024(types, admin_kalsel, members),
    ]

    kalteng_active = (
        Posting.objects.current(timezone.localdate())
        .filter(member__type__code="tksk", member__status=MemberStatus.AKTIF, wilayah__code__startswith=f"{KALTENG}.")
        .values("wilayah_id")
        .distinct()
        .count()
    )
    kecamatan = Wilayah.objects.active().filter(level=Level.KECAMATAN).within(KALTENG).count()
    report.lines.append(f"{kalteng_active}/{kecamatan} kecamatan Kalimantan Tengah dengan TKSK aktif")
    rakor = events[4]
    report.lines.append(
        f"{len(events)} kegiatan pilar sosial dari berita 000–004 (Rakor Muara Enim: "
        f"{Participant.objects.filter(event=rakor, role='peserta').count()} peserta)"
    )
    if reports:
        report.lines.append(f"{reports} laporan bulanan TKSK Kota Banjarbaru baru")
