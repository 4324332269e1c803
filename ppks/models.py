"""Beneficiaries (PPKS): the person record every case, service and placement hangs on."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from kesos.accounts.models import Role
from kesos.accounts.scope import BY_NAME_ROLES, Scope
from kesos.core.masking import mask_number
from kesos.core.models import TimeStampedModel
from kesos.core.scoping import ScopedQuerySet


class Sex(models.TextChoices):
    LAKI_LAKI = "L", "Laki-laki"
    PEREMPUAN = "P", "Perempuan"


class PersonQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        """People living in the user's regions; a serving TKSK also keeps the people they reported
        (someone found in the kecamatan who lives, or moved, elsewhere)."""
        q = scope.region_q("wilayah__code", *BY_NAME_ROLES)
        if scope.has_role(Role.TKSK):
            q |= Q(created_by_id=scope.user_id)
        return q


@pghistory.track()
class Person(TimeStampedModel):
    """A person known to the Dinsos: a beneficiary (PPKS) or a member of a beneficiary household.

    NIK is unique when present; people without one (street children, homeless people) are
    registered without it and reconciled later.
    """

    nik = models.CharField("NIK", max_length=16, unique=True, null=True, blank=True)
    no_kk = models.CharField("No. KK", max_length=16, blank=True, db_index=True)
    name = models.CharField("nama lengkap", max_length=200)
    sex = models.CharField("jenis kelamin", max_length=1, choices=Sex.choices)
    birth_place = models.CharField("tempat lahir", max_length=100, blank=True)
    birth_date = models.DateField("tanggal lahir", null=True, blank=True)
    wilayah = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name="desa/kelurahan",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Desa/kelurahan tempat tinggal sekarang (bukan asal NIK).",
    )
    address = models.CharField("alamat", max_length=300, blank=True)
    rt = models.CharField("RT", max_length=3, blank=True)
    rw = models.CharField("RW", max_length=3, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="dicatat oleh",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Optimistic locking: an edit based on an older version is refused, never silently overwritten.
    version = models.PositiveIntegerField("versi", default=1)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "orang"
        verbose_name_plural = "orang"
        ordering = ["name", "id"]
        indexes = [
            # Region scoping is a prefix match on the code: LIKE '63.72.03.%' needs pattern ops.
            models.Index(fields=["wilayah"], opclasses=["varchar_pattern_ops"], name="person_wilayah_prefix"),
            models.Index(fields=["name", "id"], name="person_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def scope_region(self) -> str:
        return self.wilayah_id

    @property
    def subject_person_id(self) -> int:
        return self.pk

    def audit_label(self) -> str:
        """How the person appears in the audit trail: never with the full NIK."""
        return f"{self.name} ({mask_number(self.nik) or 'tanpa NIK'})"
