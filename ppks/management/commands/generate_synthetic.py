"""manage.py generate_synthetic: synthetic persons, households and PPKS categories for benchmarks and demos."""

import time
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from kesos.wilayah.models import Level, Wilayah
from ppks.models import PpksCategory, Referensi
from ppks.synthetic import TABLES, Counters, Desa, References, SyntheticGenerator, town_for

HELP = """Membuat data sintetis (orang, keluarga beserta anggotanya, kategori PPKS) untuk uji kinerja dan demo.

NIK dan No. KK valid (kode kecamatan desa tempat tinggal, tanggal lahir/pencatatan, nomor urut yang
tidak bertabrakan dengan data yang sudah ada); nama Indonesia (Banjar, Jawa, Bugis, Dayak, Bali).
Bersifat menambah: dijalankan lagi, ia menambah N orang lagi. Dengan --seed yang sama dan isi basis
data yang sama hasilnya sama.

PostgreSQL: baris ditulis dengan COPY dalam satu transaksi. Selama pemuatan, pemicu riwayat perubahan
(django-pghistory) pada tabel ppks_person, ppks_household, ppks_householdmember dan ppks_personcategory
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


def generate(
    *, persons: int, province: str = "63", seed: int | None = None, batch: int = 20_000, keep_history=False, log=None
) -> Result:
    """Add `persons` synthetic persons (in households) to the database; returns counts and timings."""
    if settings.PRODUCTION:
        raise CommandError("generate_synthetic tidak boleh dijalankan di produksi.")
    if persons < 1 or batch < 1:
        raise CommandError("--persons dan --batch harus lebih dari 0.")
    log = log or (lambda message: None)
    desa = load_desa(province)
    if not desa:
        raise CommandError(f"Tidak ada desa/kelurahan aktif di wilayah {province}: jalankan `manage.py load_wilayah`.")
    refs = load_references()
    if seed is None:
        seed = int(time.time() * 1000) % 2**31
    result = Result(counts={label: 0 for label, _, _ in TABLES}, seed=seed)
    postgres = connection.vendor == "postgresql"
    writer = CopyWriter() if postgres else OrmWriter()
    models = {label: (apps.get_model(name), columns) for label, name, columns in TABLES}
    tables = [connection.ops.quote_name(model._meta.db_table) for model, _ in models.values()]
    toggle_triggers = postgres and not keep_history
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
            counters = load_counters(province)
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
                t1 = time.perf_counter()
                for label, (model, columns) in models.items():
                    writer.write(model, columns, rows[label])
                    result.counts[label] += len(rows[label])
                t2 = time.perf_counter()
                result.generate_seconds += t1 - t0
                result.write_seconds += t2 - t1
                done += size
                elapsed = time.perf_counter() - start
                log(
                    f"  {_dotted(done)}/{_dotted(persons)} orang, {_dotted(result.counts['households'])} keluarga "
                    f"— {_dotted(round(result.rows / elapsed))} baris/detik"
                )
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
        parser.add_argument("--persons", type=int, required=True, help="Jumlah orang yang ditambahkan.")
        parser.add_argument("--province", default="63", help="Kode provinsi (bawaan 63, Kalimantan Selatan).")
        parser.add_argument("--seed", type=int, default=None, help="Benih acak; sama → data sama.")
        parser.add_argument("--batch", type=int, default=20_000, help="Orang per batch (bawaan 20.000).")
        parser.add_argument(
            "--keep-history", action="store_true", help="Biarkan pemicu riwayat menyala (jauh lebih lambat)."
        )

    def handle(self, *args, persons, province, seed, batch, keep_history, **options):
        result = generate(
            persons=persons,
            province=province,
            seed=seed,
            batch=batch,
            keep_history=keep_history,
            log=self.stdout.write,
        )
        counts = result.counts
        self.stdout.write(
            f"Selesai (seed {result.seed}): {_dotted(counts['persons'])} orang, {_dotted(counts['households'])} "
            f"keluarga, {_dotted(counts['members'])} anggota keluarga, {_dotted(counts['categories'])} kategori PPKS "
            f"dalam {result.elapsed:.1f} detik — {_dotted(round(result.rows / result.elapsed))} baris/detik, "
            f"{_dotted(round(counts['persons'] / result.elapsed))} orang/detik "
            f"(membuat {result.generate_seconds:.1f} s, menulis {result.write_seconds:.1f} s)."
        )
