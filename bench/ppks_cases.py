"""The case list at province scale: first pages, filters, searches and counts through `case_list`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesos_bench2 .venv/bin/python bench/ppks_cases.py [cases]

If the database holds fewer than `cases` cases (default 1,000,000) it first adds the rest with
`generate_synthetic --persons 0 --cases N --seed 63` (subjects: the persons already there). Then, for an
operator_kabkota of Kota Banjarmasin (63.71) and an admin_provinsi of Kalimantan Selatan (63), it
prints the median of 5 runs in ms (after one warm-up) of `ppks.selectors.case_list(user=..., ...)`:
first page (25, default ordering -opened_at, -id) unfiltered, by stage, by category, open only, search
by NIK and by case number, and the count; with the index or scan each plan uses, and EXPLAIN ANALYZE
of any query slower than 200 ms. Also the NIK lookup of `person_list`. Prints figures; not a test.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesos.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from kesos.accounts.models import Assignment, Role, User  # noqa: E402
from kesos.core.pagination import CappedPaginator  # noqa: E402
from ppks.management.commands.generate_synthetic import generate  # noqa: E402
from ppks.models import Case, Person  # noqa: E402
from ppks.selectors import case_list, person_find_by_nik, person_list  # noqa: E402

CASES = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
RUNS = 5
SLOW_MS = 200
sys.path.insert(0, str(Path(__file__).resolve().parent))
from ppks_lookup import scans  # noqa: E402


def fill() -> int:
    have = Case.objects.count()
    if have < CASES:
        print(f"{have:,} cases; generating {CASES - have:,} more")
        result = generate(persons=0, cases=CASES - have, province="63", seed=63, batch=50_000, log=print)
        print(f"generated in {result.elapsed:.1f} s, {result.rows / result.elapsed:,.0f} rows/s")
        have = Case.objects.count()
    return have


def bench_user(username: str, role: str, wilayah: str) -> User:
    user, _ = User.objects.get_or_create(username=username)
    Assignment.objects.get_or_create(user=user, role=role, wilayah_id=wilayah, ends_on=None)
    return User.objects.get(pk=user.pk)


def timed(fn, args) -> float:
    fn(args[0])  # warm-up
    samples = []
    for arg in args[1 : RUNS + 1]:
        start = time.perf_counter()
        fn(arg)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def sample_cases(prefix: str) -> list[Case]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM ppks_case TABLESAMPLE SYSTEM (1) WHERE wilayah_id LIKE %s AND person_id IS NOT NULL "
            "LIMIT 2000",
            [prefix + "%"],
        )
        ids = [row[0] for row in cursor.fetchall()]
    rng = random.Random(63)  # noqa: S311
    return list(Case.objects.select_related("person").filter(pk__in=rng.sample(ids, min(RUNS + 1, len(ids)))))


def page(user, **filters):
    return list(case_list(user=user, **filters)[:25])


def main():
    if connection.vendor != "postgresql":
        sys.exit("Benchmark ini butuh PostgreSQL (DATABASE_URL=postgres://...).")
    total = fill()
    users = {
        "operator_kabkota 63.71": (bench_user("bench.cases.operator", Role.OPERATOR_KABKOTA, "63.71"), "63.71"),
        "admin_provinsi 63": (bench_user("bench.cases.admin", Role.ADMIN_PROVINSI, "63"), "63"),
    }
    print(f"\n{total:,} cases, {Person.objects.count():,} persons. Median of {RUNS} runs, ms.\n")
    slow = []
    for who, (user, prefix) in users.items():
        sampled = sample_cases(prefix)
        niks = [c.person.nik for c in sampled]
        numbers = [c.number for c in sampled]
        visible = case_list(user=user).count()
        print(f"== {who}: sees {visible:,} cases")
        rows = [
            ("first page, unfiltered", {}),
            ("first page, stage=intervensi", {"stage": "intervensi"}),
            ("first page, stage=dilaporkan", {"stage": "dilaporkan"}),
            ("first page, category PPKS-08 (common)", {"category": "PPKS-08"}),
            ("first page, category PPKS-18 (rare)", {"category": "PPKS-18"}),
            ("first page, open_only", {"open_only": True}),
        ]
        print(f"{'query':<42}{'ms':>9}  plan")
        for label, filters in rows:
            ms = timed(lambda f, u=user: page(u, **f), [filters] * (RUNS + 1))
            qs = case_list(user=user, **filters)[:25]
            print(f"{label:<42}{ms:>9.2f}  {scans(qs)}")
            if ms > SLOW_MS:
                slow.append((who, label, qs))
        for label, fn, args, qs in (
            ("search NIK (16 digits)", lambda n, u=user: page(u, q=n), niks, case_list(user=user, q=niks[0])[:25]),
            ("search case number", lambda n, u=user: page(u, q=n), numbers, case_list(user=user, q=numbers[0])[:25]),
            ("exact count (unfiltered)", lambda _, u=user: case_list(user=u).count(), [None] * 6,
             case_list(user=user)),
            ("exact count (open_only)", lambda _, u=user: case_list(user=u, open_only=True).count(), [None] * 6,
             case_list(user=user, open_only=True)),
            # What the list page does: count up to CappedPaginator's cap (kesos/core/pagination.py).
            ("page count, capped (unfiltered)", lambda _, u=user: CappedPaginator(case_list(user=u), 25).count,
             [None] * 6, case_list(user=user).order_by().values("pk")[:10001]),
            ("page count, capped (open_only)",
             lambda _, u=user: CappedPaginator(case_list(user=u, open_only=True), 25).count, [None] * 6,
             case_list(user=user, open_only=True).order_by().values("pk")[:10001]),
        ):  # fmt: skip
            ms = timed(fn, args)
            print(f"{label:<42}{ms:>9.2f}  {scans(qs)}")
            if ms > SLOW_MS:
                slow.append((who, label, qs))
        print()
    people = [c.person for c in sample_cases("63")]
    admin = users["admin_provinsi 63"][0]
    print(f"{'person lookups':<42}{'ms':>9}  plan")
    print(f"{'NIK exact (person_find_by_nik)':<42}{timed(lambda p: person_find_by_nik(p.nik), people):>9.2f}  "
          f"{scans(Person.objects.filter(nik=people[0].nik))}")  # fmt: skip
    print(f"{'person_list(q=NIK), admin_provinsi':<42}"
          f"{timed(lambda p: list(person_list(user=admin, q=p.nik)[:25]), people):>9.2f}  "
          f"{scans(person_list(user=admin, q=people[0].nik)[:25])}")  # fmt: skip
    operator, _ = users["operator_kabkota 63.71"]
    print("\nEXPLAIN ANALYZE, first page unfiltered, operator_kabkota 63.71:")
    print(case_list(user=operator)[:25].explain(analyze=True))
    for who, label, qs in slow:
        print(f"\nSLOW — EXPLAIN ANALYZE, {label}, {who}:")
        print(qs.explain(analyze=True))


if __name__ == "__main__":
    main()
