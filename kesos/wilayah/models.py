"""Kemendagri administrative regions: provinsi → kabupaten/kota → kecamatan → desa/kelurahan."""

from django.db import models
from django.db.models import Q


class Level(models.IntegerChoices):
    PROVINSI = 1, "Provinsi"
    KABKOTA = 2, "Kabupaten/Kota"
    KECAMATAN = 3, "Kecamatan"
    DESA = 4, "Desa/Kelurahan"


class Kind(models.TextChoices):
    PROVINSI = "provinsi", "Provinsi"
    KABUPATEN = "kabupaten", "Kabupaten"
    KOTA = "kota", "Kota"
    KECAMATAN = "kecamatan", "Kecamatan"
    DISTRIK = "distrik", "Distrik"
    KELURAHAN = "kelurahan", "Kelurahan"
    DESA = "desa", "Desa"
    DESA_ADAT = "desa_adat", "Desa Adat"


class WilayahQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def within(self, code: str):
        """The region and everything under it. A prefix match, served by the pattern index on PostgreSQL."""
        return self.filter(prefix_q(code))


def prefix_q(code: str, field: str = "code") -> Q:
    """Q for `field` equal to a region code or lying under it (63.71 matches 63.71 and 63.71.*, not 63.710)."""
    return Q(**{field: code}) | Q(**{f"{field}__startswith": f"{code}."})


class Wilayah(models.Model):
    """One administrative region, keyed by its dotted Kemendagri code (`63.72.03.1001`).

    Codes are never deleted: a code missing from a newer Kepmendagri vintage is deactivated, so
    records that point at it keep their meaning. Roll-ups are prefix arithmetic on the code.
    """

    # A CharField primary key gets a second, varchar_pattern_ops index on PostgreSQL, so
    # `code LIKE '63.71.%'` is an index range scan whatever the database collation.
    code = models.CharField("kode", max_length=13, primary_key=True)
    name = models.CharField("nama", max_length=100)
    level = models.PositiveSmallIntegerField("tingkat", choices=Level.choices)
    kind = models.CharField("jenis", max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name="induk", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    postal_code = models.CharField("kode pos", max_length=5, blank=True)
    active = models.BooleanField("aktif", default=True)
    source = models.CharField("sumber", max_length=120, blank=True)

    objects = WilayahQuerySet.as_manager()

    class Meta:
        verbose_name = "wilayah"
        verbose_name_plural = "wilayah"
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"], name="wilayah_level_code")]

    def __str__(self):
        return f"{self.label} ({self.code})"

    @property
    def label(self) -> str:
        """The name as people write it: 'Kecamatan Cempaka', 'Kota Banjarbaru', 'Kelurahan Palam'."""
        if self.kind in (Kind.KABUPATEN, Kind.KOTA, Kind.PROVINSI):
            return self.name
        return f"{self.get_kind_display()} {self.name}"

    @property
    def province_code(self) -> str:
        return self.code[:2]

    def ancestor_codes(self) -> list[str]:
        """Codes from the province down to the parent: 63.72.03.1001 → [63, 63.72, 63.72.03]."""
        parts = self.code.split(".")
        return [".".join(parts[:i]) for i in range(1, len(parts))]

    def ancestors(self) -> list["Wilayah"]:
        """Province first. One query."""
        codes = self.ancestor_codes()
        by_code = {w.code: w for w in Wilayah.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]
