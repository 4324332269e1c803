"""Person lookups at province scale: NIK, name search in an operator's scope, and the near-duplicate key.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesos_bench2 .venv/bin/python bench/ppks_lookup.py [persons]

Needs the region table (`manage.py migrate && manage.py load_wilayah` on that database). If the
database holds fewer than `persons` persons (default 1,000,000) it first adds the rest with
`generate_synthetic` (province 63, seed 63). Then it prints, as the median of 5 runs in ms (each run
looks up a different person, after one warm-up run):

- NIK exact lookup (`person_find_by_nik`),
- the first page (25) of a name search through `person_list(user=..., q=...)` for an
  operator_kabkota of Kota Banjarmasin (63.71): a common word, a word from a sampled name, no match,
- the near-duplicate check `Person.objects.filter(name_key=..., birth_date=...)`,

and the PostgreSQL plan of each, to show whether an index serves it. Prints figures; not a test.
"""

import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesos.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from kesos.accounts.models import Assignment, Office, Role, User  # noqa: E402
from ppks.management.commands.generate_synthetic import generate  # noqa: E402
from ppks.models import Person  # noqa: E402
from ppks.selectors import person_find_by_nik, person_list  # noqa: E402

PERSONS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
RUNS = 5
SCAN = re.compile(r"(Index Only Scan using \S+|Index Scan using \S+|Index Scan Backward using \S+|"
                  r"Bitmap Index Scan on \S+|Seq Scan on \S+|Parallel Seq Scan on \S+)")  # fmt: skip


def fill() -> int:
    have = Person.objects.count()
    if have < PERSONS:
        print(f"{have:,} persons; generating {PERSONS - have:,} more")
        result = generate(persons=PERSONS - have, province="63", seed=63, log=print)
        print(f"generated in {result.elapsed:.1f} s, {result.rows / result.elapsed:,.0f} rows/s")
        have = Person.objects.count()
    return have


def operator() -> User:
    office, _ = Office.objects.get_or_create(name="Dinas Sosial Bench", defaults={"wilayah_id": "63"})
    user, _ = User.objects.get_or_create(username="bench.lookup.operator", defaults={"office": office})
    Assignment.objects.get_or_create(user=user, role=Role.OPERATOR_KABKOTA, wilayah_id="63.71")
    return User.objects.get(pk=user.pk)


def sample(n: int, where: str = "", params=()) -> list[Person]:
    """n persons picked at random (TABLESAMPLE keeps it cheap on a big table)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM ppks_person TABLESAMPLE SYSTEM (1) WHERE nik IS NOT NULL {where} LIMIT 2000",  # noqa: S608
            params,
        )
        ids = [row[0] for row in cursor.fetchall()]
    rng = random.Random(63)  # noqa: S311
    return list(Person.objects.filter(pk__in=rng.sample(ids, min(n, len(ids)))))


def timed(fn, args) -> float:
    fn(args[0])  # warm-up
    samples = []
    for arg in args[1 : RUNS + 1]:
        start = time.perf_counter()
        fn(arg)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def scans(qs) -> str:
    plan = qs.explain()
    return ", ".join(dict.fromkeys(SCAN.findall(plan))) or plan.splitlines()[0]


def main():
    if connection.vendor != "postgresql":
        sys.exit("Benchmark ini butuh PostgreSQL (DATABASE_URL=postgres://...).")
    total = fill()
    user = operator()
    visible = person_list(user=user).count()
    people = sample(RUNS + 1)
    local = sample(RUNS + 1, "AND wilayah_id LIKE %s", ["63.71.%"])
    words = [p.name.split()[-1] for p in local]
    print(f"\n{total:,} persons; operator_kabkota 63.71 sees {visible:,}. Median of {RUNS} runs, ms.\n")
    rows = [
        ("NIK exact (person_find_by_nik)", lambda p: person_find_by_nik(p.nik), people,
         Person.objects.filter(nik=people[0].nik)),
        ("name search, common word 'rahmat'", lambda w: list(person_list(user=user, q=w)[:25]), ["rahmat"] * 6,
         person_list(user=user, q="rahmat")[:25]),
        ("name search, sampled word", lambda w: list(person_list(user=user, q=w)[:25]), words,
         person_list(user=user, q=words[0])[:25]),
        ("name search, no match", lambda w: list(person_list(user=user, q=w)[:25]), ["xqzw"] * 6,
         person_list(user=user, q="xqzw")[:25]),
        ("near-duplicate (name_key, birth_date)",
         lambda p: list(Person.objects.filter(name_key=p.name_key, birth_date=p.birth_date)), people,
         Person.objects.filter(name_key=people[0].name_key, birth_date=people[0].birth_date)),
    ]  # fmt: skip
    print(f"{'lookup':<40}{'ms':>9}  plan")
    for label, fn, args, qs in rows:
        print(f"{label:<40}{timed(fn, args):>9.2f}  {scans(qs)}")
    print(f"\nsampled words: {', '.join(words)}")
    print("\nEXPLAIN, NIK exact:\n" + Person.objects.filter(nik=people[0].nik).explain())
    near = Person.objects.filter(name_key=people[0].name_key, birth_date=people[0].birth_date)
    print("\nEXPLAIN, near-duplicate key:\n" + near.explain())
    print("\nEXPLAIN ANALYZE, name search 'rahmat' for the 63.71 operator:")
    print(person_list(user=user, q="rahmat")[:25].explain(analyze=True))


if __name__ == "__main__":
    main()
