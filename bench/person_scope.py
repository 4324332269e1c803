"""Scoped beneficiary list at province scale: how long the person list takes for each role.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesos_bench .venv/bin/python bench/person_scope.py [rows]

Fills the table with `rows` persons (default 1,000,000) spread over the desa of Kalimantan
Selatan (COPY, once; rerun reuses them), then times, per persona, what the list page and the API
ask the database: the count, and the first and a deep page of 25 ordered by name. It prints the
median of 5 runs and whether PostgreSQL used the prefix index. Needs the region table loaded
(`manage.py migrate && manage.py load_wilayah` on that database).
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

from kesos.accounts.models import Assignment, Office, Role, User  # noqa: E402
from kesos.wilayah.models import Wilayah  # noqa: E402
from ppks.models import Person  # noqa: E402
from ppks.selectors import person_list  # noqa: E402

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
PERSONAS = [
    ("bench.admin", Role.ADMIN_PROVINSI, "63"),
    ("bench.operator", Role.OPERATOR_KABKOTA, "63.71"),
    ("bench.tksk", Role.TKSK, "63.72.03"),
]


COLUMNS = "created_at, updated_at, name, sex, birth_place, no_kk, address, rt, rw, wilayah_id, version"


def copy_rows(n, desa, rng, offset):
    start = time.perf_counter()
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY ppks_person ({COLUMNS}) FROM STDIN") as copy:
        for i in range(offset, offset + n):
            name = f"Orang {rng.randrange(10**6):06d} {i}"
            copy.write_row(("now", "now", name, "LP"[i % 2], "", "", "", "", "", rng.choice(desa), 1))
    return time.perf_counter() - start


def fill():
    """The bulk of the rows go in with the history trigger off (bench data has no history to keep);
    a sample of 20,000 is timed both ways, to show what the change-history trigger costs an import."""
    have = Person.objects.count()
    if have >= ROWS:
        return have
    desa = list(Wilayah.objects.filter(level=4).within("63").values_list("code", flat=True))
    rng = random.Random(63)
    sample = 20_000
    with_trigger = copy_rows(sample, desa, rng, have)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE ppks_person DISABLE TRIGGER USER")
    try:
        without_trigger = copy_rows(sample, desa, rng, have + sample)
        rest = ROWS - have - 2 * sample
        elapsed = copy_rows(rest, desa, rng, have + 2 * sample) if rest > 0 else 0.0
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE ppks_person ENABLE TRIGGER USER")
            cursor.execute("ANALYZE ppks_person")
    print(
        f"COPY of {sample:,} persons: {sample / with_trigger:,.0f} rows/s with the history trigger, "
        f"{sample / without_trigger:,.0f} rows/s without; the other {max(rest, 0):,} in {elapsed:.1f} s"
    )
    return ROWS


def persona(username, role, region):
    office, _ = Office.objects.get_or_create(name="Dinas Sosial Bench", defaults={"wilayah_id": "63"})
    user, _ = User.objects.get_or_create(username=username, defaults={"office": office})
    Assignment.objects.get_or_create(user=user, role=role, wilayah_id=region)
    return User.objects.get(pk=user.pk)


def timed(fn, runs=5):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main():
    if connection.vendor != "postgresql":
        sys.exit("Benchmark ini butuh PostgreSQL (DATABASE_URL=postgres://...).")
    total = fill()
    print(f"{total:,} persons; median of 5 runs, ms")
    print(f"{'persona':<16}{'visible':>10}{'count':>9}{'page 1':>9}{'page 200':>10}  plan")
    for username, role, region in PERSONAS:
        user = persona(username, role, region)
        qs = person_list(user=user)
        visible = qs.count()
        count_ms = timed(lambda qs=qs: qs.count())
        first_ms = timed(lambda qs=qs: list(qs[:25]))
        deep_ms = timed(lambda qs=qs: list(qs[199 * 25 : 200 * 25]))
        plan = qs[:25].explain()
        index = (
            "prefix index" if "person_wilayah_prefix" in plan else ("name index" if "person_name" in plan else "seq")
        )
        print(f"{username:<16}{visible:>10,}{count_ms:>9.1f}{first_ms:>9.1f}{deep_ms:>10.1f}  {index}")


if __name__ == "__main__":
    main()
