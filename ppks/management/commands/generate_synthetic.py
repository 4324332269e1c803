"""manage.py generate_synthetic: synthetic persons, households, PPKS categories, cases and services for benchmarks."""

import time
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from kesos.accounts.models import Assignment, Role, User
from kesos.wilayah.models import Level, Wilayah
from ppks.models import Household, Person, PersonCategory, PpksCategory, Referensi
from ppks.synthetic import (
    CASE_TABLES,
    TABLES,
    CaseGenerator,
    Counters,
    Desa,
    References,
    Staff,
    Subject,
    SyntheticGenerator,
    person_name,
    town_for,
)

HELP = """Membuat data sintetis (orang, keluarga beserta anggotanya, kategori PPKS, kasus beserta perpindahan
tahap, asesmen dan layanan) untuk uji kinerja dan demo.

NIK dan No. KK valid (kode kecamatan desa tempat tinggal, tanggal lahir/pencatatan, nomor urut yang
tidak bertabrakan dengan data yang sudah ada); nama Indonesia (Banjar, Jawa, Bugis, Dayak, Bali).
Bersifat menambah: dijalankan lagi, ia menambah N orang lagi. Dengan --seed yang sama dan isi basis
data yang sama hasilnya sama.

Kasus (--cases, bawaan: sama dengan --persons): subjeknya diambil dari orang dan keluarga yang sudah
ada di provinsi itu (termasuk yang baru dibuat), lebih sering pemegang kategori PPKS (kasusnya memakai
kategori itu); dibuka dalam 3 tahun terakhir; tahapnya hasil perjalanan sepanjang alur yang diizinkan
(ppks.workflow), dengan perpindahan tahap tercatat, asesmen untuk kasus yang melewati asesmen dan
layanan untuk kasus yang sampai intervensi. Pelapor dan pekerja sosialnya pengguna sintetis per
kab/kota (sintetis.operator.KKKK, sintetis.peksos1.KKKK, sintetis.peksos2.KKKK; tanpa kata sandi yang
bisa dipakai), dibuat sekali dan dipakai lagi. --persons 0 --cases N menambah kasus saja.

PostgreSQL: baris ditulis dengan COPY dalam satu transaksi. Selama pemuatan, pemicu riwayat perubahan
(django-pghistory) pada tabel orang, keluarga, anggota, kategori, kasus, asesmen dan layanan
DIMATIKAN (ALTER TABLE ... DISABLE TRIGGER USER) dan dinyalakan lagi sebelum commit: data sintetis
tidak punya riwayat untuk disimpan, dan pemicu itu membuat pemuatan ~10x lebih lambat. Pemicu
bawaan (foreign key) tetap aktif. Karena perubahan pemicu ada di dalam transaksi, sesi lain tidak
pernah melihat tabel tanpa pemicu; penulisan lain ke tabel-tabel itu menunggu sampai pemuatan
selesai. --keep-history membiarkan pemicu menyala (lambat). Di SQLite: bulk_create per batch.

Tidak dapat dijalankan di produksi (KESOS_ENV=production)."""


def _dotted(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@dataclass
class Result:
    counts: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0
    generate_seconds: float = 0.0
    write_seconds: float = 0.0
    seed: int = 0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


# --- Writers ---------------------------------------------------------------------------------------
class CopyWriter:
    """PostgreSQL: ids reserved from each table's sequence, rows streamed with COPY."""

    def __init__(self):
        self.quote = connection.ops.quote_name

    def reserve(self, model, n: int) -> int:
        """The first of `n` consecutive ids nobody else will get (the sequence is moved past them)."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            top = model._base_manager.aggregate(top=Max("pk"))["top"] or 0
            cursor.execute(
                "SELECT setval(seq, GREATEST(nextval(seq) + %s - 1, %s)) "
                "FROM (SELECT pg_get_serial_sequence(%s, 'id') AS seq) s",
                [n, top + n, table],
            )
            last = cursor.fetchone()[0]
        return last - n + 1

    def write(self, model, columns, rows) -> None:
        if not rows:
            return
        table = self.quote(model._meta.db_table)
        names = ", ".join(self.quote(c) for c in columns)
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            write_row = copy.write_row
            for row in rows:
                write_row(row)


class OrmWriter:
    """Other databases (SQLite): explicit ids after the current maximum, bulk_create."""

    def __init__(self):
        self.next_id: dict[type, int] = {}

    def reserve(self, model, n: int) -> int:
        if model not in self.next_id:
            last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            self.next_id[model] = last + 1
        first = self.next_id[model]
        self.next_id[model] = first + n
        return first

    def write(self, model, columns, rows) -> None:
        model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=2000)


# --- Inputs ----------------------------------------------------------------------------------------
def load_desa(province: str) -> list[Desa]:
    regions = Wilayah.objects.active().within(province)
    towns = {
        code: town_for(code, name) for code, name in regions.filter(level=Level.KABKOTA).values_list("code", "name")
    }
    return [
        Desa(code=code, urban=kind == "kelurahan", name=name, town=towns.get(code[:5], name))
        for code, kind, name in regions.filter(level=Level.DESA).order_by("code").values_list("code", "kind", "name")
    ]


def load_references() -> References:
    referensi = {(kind, code): pk for pk, kind, code in Referensi.objects.values_list("pk", "kind", "code")}
    categories = dict(PpksCategory.objects.values_list("code", "pk"))
    if len(categories) < 26 or ("dasar_hukum", "tugas_publik") not in referensi:
        raise CommandError("Data referensi PPKS belum ada: jalankan `manage.py migrate`.")
    return References(referensi=referensi, categories=categories)


def load_counters(province: str) -> Counters:
    """The highest NIK and No. KK serial already used per 12-digit prefix in this province."""
    counters = Counters()
    like = f"{province}%"
    queries = (
        (
            counters.nik,
            "SELECT substr(nik, 1, 12), MAX(substr(nik, 13, 4)) FROM ppks_person "
            "WHERE nik LIKE %s AND length(nik) = 16 GROUP BY 1",
            [like],
        ),
        (
            counters.kk,
            "SELECT substr(no_kk, 1, 12), MAX(substr(no_kk, 13, 4)) FROM ("
            " SELECT no_kk FROM ppks_household WHERE no_kk LIKE %s AND length(no_kk) = 16"
            " UNION ALL SELECT no_kk FROM ppks_person WHERE no_kk LIKE %s AND length(no_kk) = 16) k GROUP BY 1",
            [like, like],
        ),
    )
    with connection.cursor() as cursor:
        for target, sql, params in queries:
            cursor.execute(sql, params)
            for prefix, serial in cursor.fetchall():
                if serial and serial.isdigit():
                    target[prefix] = int(serial)
    return counters


# --- Load ------------------------------------------------------------------------------------------
def _transaction_failed() -> bool:
    if connection.vendor != "postgresql" or connection.connection is None:
        return False
    from psycopg.pq import TransactionStatus

    return connection.connection.info.transaction_status == TransactionStatus.INERROR


STAFF = (("operator", Role.OPERATOR_KABKOTA), ("peksos1", Role.PEKERJA_SOSIAL), ("peksos2", Role.PEKERJA_SOSIAL))


def ensure_staff(province: str) -> dict[str, Staff]:
    """The synthetic operator and two social workers of each kab/kota (created once, then reused)."""
    import random

    staff = {}
    kabkota = Wilayah.objects.active().within(province).filter(level=Level.KABKOTA).order_by("code")
    for code in kabkota.values_list("code", flat=True):
        digits = code.replace(".", "")
        rng = random.Random(digits)  # noqa: S311 - names only
        ids = []
        for label, role in STAFF:
            user = User.objects.filter(username=f"sintetis.{label}.{digits}").first()
            if user is None:
                sex = "L" if rng.random() < 0.5 else "P"
                user = User(
                    username=f"sintetis.{label}.{digits}", full_name=person_name(rng, "banjar", sex), is_active=True
                )
                user.set_unusable_password()
                user.save()
            else:
                rng.random()
            Assignment.objects.get_or_create(user=user, role=role, wilayah_id=code, ends_on=None)
            ids.append(user.pk)
        staff[code] = Staff(operator=ids[0], workers=tuple(ids[1:]))
    return staff


def load_subject_pools(province: str):
    """Ids of persons, of persons holding a PPKS category, and of households holding one, in the province."""
    prefix = f"{province}."
    persons = list(Person.objects.filter(wilayah__code__startswith=prefix).order_by("pk").values_list("pk", flat=True))
    current = PersonCategory.objects.filter(ended_on__isnull=True)
    holders = list(
        current.filter(person__wilayah__code__startswith=prefix)
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .distinct()
    )
    households = list(
        current.filter(household__wilayah__code__startswith=prefix)
        .order_by("household_id")
        .values_list("household_id", flat=True)
        .distinct()
    )
    return persons, holders, households


HOLDER_SHARE = 0.6  # cases about persons who hold a PPKS category
HOUSEHOLD_SHARE = 0.05  # cases about households holding one


def draw_subjects(rng, pools, n: int, chunk: int = 5000) -> list[Subject]:
    """n candidate subjects read from the database: mostly category holders, some anyone, a few households."""
    persons, holders, households = pools
    picks = []
    for _ in range(n):
        r = rng.random()
        if households and r < HOUSEHOLD_SHARE:
            picks.append((None, households[int(rng.random() * len(households))]))
        elif holders and r < HOUSEHOLD_SHARE + HOLDER_SHARE:
            picks.append((holders[int(rng.random() * len(holders))], None))
        else:
            picks.append((persons[int(rng.random() * len(persons))], None))
    person_ids = sorted({p for p, _ in picks if p})
    household_ids = sorted({h for _, h in picks if h})
    people, holdings = {}, {}
    for i in range(0, len(person_ids), chunk):
        ids = person_ids[i : i + chunk]
        for pk, *rest in Person.objects.filter(pk__in=ids).values_list(
            "pk", "wilayah_id", "birth_date", "sex", "disability_id"
        ):
            people[pk] = rest
        for pk, code, source in (
            PersonCategory.objects.filter(person_id__in=ids, ended_on__isnull=True)
            .order_by("person_id", "recorded_on", "pk")
            .values_list("person_id", "category__code", "source")
        ):
            holdings.setdefault(pk, []).append((code, source))
    homes, home_holdings = {}, {}
    for i in range(0, len(household_ids), chunk):
        ids = household_ids[i : i + chunk]
        homes.update(Household.objects.filter(pk__in=ids).values_list("pk", "wilayah_id"))
        for pk, code, source in (
            PersonCategory.objects.filter(household_id__in=ids, ended_on__isnull=True)
            .order_by("household_id", "recorded_on", "pk")
            .values_list("household_id", "category__code", "source")
        ):
            home_holdings.setdefault(pk, []).append((code, source))
    subjects = []
    for person_id, household_id in picks:
        if person_id:
            wilayah_id, birth_date, sex, disability = people[person_id]
            holding = tuple(holdings.get(person_id, ()))
            subjects.append(Subject(person_id, None, wilayah_id, birth_date, sex, disability is not None, holding))
        else:
            holding = tuple(home_holdings.get(household_id, ()))
            subjects.append(Subject(None, household_id, homes[household_id], None, "", False, holding))
    return subjects


def generate(
    *,
    persons: int,
    cases: int | None = None,
    province: str = "63",
    seed: int | None = None,
    batch: int = 20_000,
    keep_history=False,
    log=None,
) -> Result:
    """Add `persons` synthetic persons (in households) and `cases` cases (default: as many as persons) to the
    database; returns counts and timings."""
    if settings.PRODUCTION:
        raise CommandError("generate_synthetic tidak boleh dijalankan di produksi.")
    if cases is None:
        cases = persons
    if persons < 0 or cases < 0 or persons + cases < 1 or batch < 1:
        raise CommandError("--persons/--cases tidak boleh negatif (salah satunya lebih dari 0); --batch lebih dari 0.")
    log = log or (lambda message: None)
    desa = load_desa(province)
    if not desa:
        raise CommandError(f"Tidak ada desa/kelurahan aktif di wilayah {province}: jalankan `manage.py load_wilayah`.")
    refs = load_references()
    if cases and ("program", "pkh") not in refs.referensi:
        raise CommandError("Referensi program/ATENSI belum ada: jalankan `manage.py migrate`.")
    if seed is None:
        seed = int(time.time() * 1000) % 2**31
    all_tables = (*TABLES, *CASE_TABLES) if cases else TABLES
    result = Result(counts={label: 0 for label, _, _ in all_tables}, seed=seed)
    postgres = connection.vendor == "postgresql"
    writer = CopyWriter() if postgres else OrmWriter()
    models = {label: (apps.get_model(name), columns) for label, name, columns in all_tables}
    tables = [connection.ops.quote_name(model._meta.db_table) for model, _ in models.values()]
    toggle_triggers = postgres and not keep_history
    staff = ensure_staff(province) if cases else {}
    start = time.perf_counter()
    with transaction.atomic():
        if toggle_triggers:
            with connection.cursor() as cursor:
                for table in tables:
                    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
                # Foreign keys checked at the end of each COPY, not queued to the commit: the queue
                # would hold millions of events, and ENABLE TRIGGER refuses to run while it is not empty.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        try:

            def write(labels, rows, t0):
                t1 = time.perf_counter()
                for label in labels:
                    model, columns = models[label]
                    writer.write(model, columns, rows[label])
                    result.counts[label] += len(rows[label])
                result.generate_seconds += t1 - t0
                result.write_seconds += time.perf_counter() - t1

            labels = [label for label, _, _ in TABLES]
            counters = load_counters(province) if persons else None
            generator = SyntheticGenerator(
                desa=desa,
                refs=refs,
                counters=counters,
                seed=seed,
                today=timezone.localdate(),
                now=timezone.now(),
            )
            done = 0
            while done < persons:
                size = min(batch, persons - done)
                t0 = time.perf_counter()
                plan = generator.plan(size)
                n_households = len(plan)
                first_person = writer.reserve(models["persons"][0], size)
                first_household = writer.reserve(models["households"][0], n_households)
                rows = generator.render(plan, first_person, first_household)
                write(labels, rows, t0)
                done += size
                elapsed = time.perf_counter() - start
                log(
                    f"  {_dotted(done)}/{_dotted(persons)} orang, {_dotted(result.counts['households'])} keluarga "
                    f"— {_dotted(round(result.rows / elapsed))} baris/detik"
                )
            if cases:
                _cases(cases, province, seed, batch, refs, staff, desa, writer, models, write, result, start, log)
        finally:
            if toggle_triggers and not _transaction_failed():
                with connection.cursor() as cursor:
                    for table in tables:
                        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's default again
        if postgres:
            transaction.on_commit(lambda: _analyze(tables))
    result.elapsed = time.perf_counter() - start
    return result


def _cases(cases, province, seed, batch, refs, staff, desa, writer, models, write, result, start, log) -> None:
    import random

    pools = load_subject_pools(province)
    if not pools[0] and not pools[2]:
        raise CommandError(f"Belum ada orang di wilayah {province} untuk dibuatkan kasus: tambahkan --persons.")
    towns = {d.code[:5]: d.town for d in desa}
    generator = CaseGenerator(
        refs=refs,
        staff=staff,
        towns=towns,
        seed=seed + 1,
        today=timezone.localdate(),
        now=timezone.now(),
        tz=timezone.get_current_timezone(),
    )
    rng = random.Random(seed + 2)  # noqa: S311 - synthetic data
    labels = [label for label, _, _ in CASE_TABLES]
    parts = -(-cases // batch)
    done = 0
    for part in range(parts):
        size = min(batch, cases - done)
        t0 = time.perf_counter()
        times = generator.opening_times(size, part, parts)
        candidates = draw_subjects(rng, pools, size + size // 4 + 10)
        first = writer.reserve(models["cases"][0], size)
        rows = generator.render(times, candidates, first)
        write(labels, rows, t0)
        done += size
        elapsed = time.perf_counter() - start
        log(
            f"  {_dotted(done)}/{_dotted(cases)} kasus, {_dotted(result.counts['transitions'])} perpindahan tahap, "
            f"{_dotted(result.counts['services'])} layanan — {_dotted(round(result.rows / elapsed))} baris/detik"
        )


def _analyze(tables) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        from argparse import RawDescriptionHelpFormatter

        kwargs["formatter_class"] = RawDescriptionHelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=0, help="Jumlah orang yang ditambahkan (bawaan 0).")
        parser.add_argument(
            "--cases", type=int, default=None, help="Jumlah kasus yang ditambahkan (bawaan: sama dengan --persons)."
        )
        parser.add_argument("--province", default="63", help="Kode provinsi (bawaan 63, Kalimantan Selatan).")
        parser.add_argument("--seed", type=int, default=None, help="Benih acak; sama → data sama.")
        parser.add_argument("--batch", type=int, default=20_000, help="Orang/kasus per batch (bawaan 20.000).")
        parser.add_argument(
            "--keep-history", action="store_true", help="Biarkan pemicu riwayat menyala (jauh lebih lambat)."
        )

    def handle(self, *args, persons, cases, province, seed, batch, keep_history, **options):
        result = generate(
            persons=persons,
            cases=cases,
            province=province,
            seed=seed,
            batch=batch,
            keep_history=keep_history,
            log=self.stdout.write,
        )
        counts = result.counts
        self.stdout.write(
            f"Selesai (seed {result.seed}): {_dotted(counts['persons'])} orang, {_dotted(counts['households'])} "
            f"keluarga, {_dotted(counts['members'])} anggota keluarga, {_dotted(counts['categories'])} kategori PPKS, "
            f"{_dotted(counts.get('cases', 0))} kasus ({_dotted(counts.get('transitions', 0))} perpindahan tahap, "
            f"{_dotted(counts.get('assessments', 0))} asesmen, {_dotted(counts.get('services', 0))} layanan) "
            f"dalam {result.elapsed:.1f} detik — {_dotted(round(result.rows / result.elapsed))} baris/detik, "
            f"{_dotted(round(counts['persons'] / result.elapsed))} orang/detik "
            f"(membuat {result.generate_seconds:.1f} s, menulis {result.write_seconds:.1f} s)."
        )
