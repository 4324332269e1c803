"""R1 (PPKS per jenis per kab/kota) for the whole province at scale: the builder against hand-written SQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesos_bench .venv/bin/python bench/recap_r1.py [persons] [cases]

If the database holds fewer than `persons` persons (default 1,000,000) or `cases` cases (default: as many
as persons) in Kalimantan Selatan, it first adds the rest with `generate_synthetic` (seed 63; COPY with the
history triggers off). Needs `manage.py migrate && manage.py load_wilayah` on that database.

Then it prints the median of 5 runs in ms (after one warm-up) of:
(a) `build_r1(Params(region="63", year=<this year>))`, the plain table (and, apart, with L/P and
    Sudah/Belum ditangani, whose correlated EXISTS on the cases costs more);
(b) one hand-written `GROUP BY` through `connection.cursor()` that gives the same numbers;
(c) end to end: build + `kesos.reports.writers.write(recap, "xlsx", path)`, when that module exists;
and the ratio (a)/(b). It asserts that (a) and (b) agree on every area × category count. Prints figures;
not a test.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesos.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from kesos.reports.recap import Params  # noqa: E402
from kesos.reports.recaps.lks import as_of_date  # noqa: E402
from kesos.reports.recaps.ppks import build_r1, categories  # noqa: E402
from ppks.management.commands.generate_synthetic import generate  # noqa: E402
from ppks.models import Case, Person  # noqa: E402

PERSONS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
CASES = int(sys.argv[2]) if len(sys.argv) > 2 else PERSONS
PROVINCE = "63"
RUNS = 5

# What build_r1 counts, written by hand: verified holdings of persons, held on the as-of date, persons not
# merged, grouped by the kab/kota part of the person's desa code and the category.
PLAIN_SQL = """
SELECT substr(p.wilayah_id, 1, 5) AS area, pc.category_id, COUNT(DISTINCT pc.person_id) AS n
  FROM ppks_personcategory pc
  JOIN ppks_person p ON p.id = pc.person_id
 WHERE pc.verified
   AND pc.recorded_on <= %(on)s
   AND (pc.ended_on IS NULL OR pc.ended_on > %(on)s)
   AND p.merged_into_id IS NULL
   AND p.wilayah_id LIKE %(prefix)s
 GROUP BY 1, 2
"""


def fill() -> tuple[int, int]:
    in_province = Person.objects.filter(wilayah__code__startswith=f"{PROVINCE}.")
    have = in_province.count()
    if have < PERSONS:
        print(f"{have:,} persons; generating {PERSONS - have:,} more (no cases yet)")
        result = generate(persons=PERSONS - have, cases=0, province=PROVINCE, seed=63, batch=50_000, log=print)
        print(f"generated in {result.elapsed:.1f} s")
    cases = Case.objects.filter(wilayah__code__startswith=f"{PROVINCE}.").count()
    if cases < CASES:
        print(f"{cases:,} cases; generating {CASES - cases:,} more")
        result = generate(persons=0, cases=CASES - cases, province=PROVINCE, seed=64, batch=50_000, log=print)
        print(f"generated in {result.elapsed:.1f} s")
    return in_province.count(), Case.objects.filter(wilayah__code__startswith=f"{PROVINCE}.").count()


def timed(fn) -> tuple[float, object]:
    """Median ms of RUNS calls after one warm-up, and the last result."""
    result = fn()
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), result


def plain(params: Params) -> dict[tuple[str, int], int]:
    with connection.cursor() as cursor:
        cursor.execute(PLAIN_SQL, {"on": as_of_date(params), "prefix": f"{PROVINCE}.%"})
        return {(area, category): n for area, category, n in cursor.fetchall()}


def recap_cells(recap, cats) -> dict[tuple[str, int], int]:
    cells = {}
    for row in recap.rows:
        for cat, value in zip(cats, row[3 : 3 + len(cats)], strict=True):
            if value:
                cells[(row[1], cat.pk)] = value
    return cells


def main() -> None:
    persons, cases = fill()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM ppks_personcategory WHERE person_id IS NOT NULL")
        holdings = cursor.fetchone()[0]
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    params = Params(region=PROVINCE, year=timezone.localdate().year)
    print(f"PostgreSQL {version}; {persons:,} persons, {holdings:,} person category holdings, {cases:,} cases")
    print(f"R1 for province {PROVINCE}, year {params.year} (as of {as_of_date(params)}); median of {RUNS} runs, ms")

    cats = categories()
    a_ms, recap = timed(lambda: build_r1(params))
    b_ms, by_sql = timed(lambda: plain(params))
    cells = recap_cells(recap, cats)
    assert cells == by_sql, "build_r1 and the hand-written GROUP BY disagree"
    total = recap.totals[0][-1]
    assert total == sum(by_sql.values()), (total, sum(by_sql.values()))
    print(f"(a) build_r1                         {a_ms:9.1f}")
    print(f"(b) hand-written GROUP BY            {b_ms:9.1f}")
    print(f"    ratio (a)/(b)                    {a_ms / b_ms:9.2f}")
    print(f"    same numbers: {len(cells)} area × category cells, Jumlah {total:,}")

    full = Params(region=PROVINCE, year=params.year, split_sex=True, handled=True)
    full_ms, full_recap = timed(lambda: build_r1(full))
    assert full_recap.totals[0][-3] == total  # Jumlah L+P, then Sudah | Belum
    print(f"(a') build_r1 with L/P and ditangani {full_ms:9.1f}  (sudah ditangani {full_recap.totals[0][-2]:,})")

    try:
        from kesos.reports.writers import write
    except ImportError:
        print("(c) kesos.reports.writers.write not available: skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "r1.xlsx"
        c_ms, _ = timed(lambda: write(build_r1(params), "xlsx", path))
        size = path.stat().st_size
    print(f"(c) build_r1 + write xlsx            {c_ms:9.1f}  ({size:,} bytes)")


if __name__ == "__main__":
    main()
