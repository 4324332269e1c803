"""The LKS profile: who the institution is, whom it serves, who runs it and who works there."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from kesos.accounts.scope import LKS_REGION_ROLES, Scope
from kesos.core.fields import BoundedTextField, NameField
from kesos.core.masking import mask_number
from kesos.core.models import TimeStampedModel
from kesos.core.scoping import ScopedQuerySet
from kesos.core.validators import LATITUDE_VALIDATORS, LONGITUDE_VALIDATORS

from ..choices import BoardRole, LegalForm, LegalStatus, Lingkup, LksStatus, ServiceMode, StaffKind


class LksType(models.Model):
    """A target group an LKS serves (LKSA, LKS-LU, LKS-PD, NAPZA…): a reference list, editable in the admin."""

    code = models.CharField("kode", max_length=20, unique=True)
    name = models.CharField("jenis LKS", max_length=120)
    abbreviation = models.CharField("sebutan", max_length=30)
    order = models.PositiveSmallIntegerField("urutan", default=0)
    active = models.BooleanField("aktif", default=True)

    class Meta:
        verbose_name = "jenis LKS"
        verbose_name_plural = "jenis LKS"
        ordering = ["order", "code"]

    def __str__(self):
        return self.abbreviation


def lks_scope_q(scope: Scope, prefix: str = "") -> Q:
    """LKS rows a scope reaches: those in the regions of the Dinsos roles, and the operator's own LKS."""
    return scope.region_q(f"{prefix}wilayah__code", *LKS_REGION_ROLES) | Q(**{f"{prefix}pk__in": scope.lks})


class LksQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        return lks_scope_q(scope)


@pghistory.track()
class Lks(TimeStampedModel):
    """A Lembaga Kesejahteraan Sosial (UU 11/2009, PP 39/2012 Pasal 1 angka 10) known to the Dinsos.

    The current Tanda Daftar, izin operasional and accreditation are pointers to the latest issued
    document of each kind, set by the services; the documents themselves are kept as history.
    """

    name = NameField("nama LKS", max_length=200)
    types = models.ManyToManyField(LksType, verbose_name="jenis layanan (sasaran)", related_name="+")
    lingkup = models.CharField("lingkup", max_length=10, choices=Lingkup.choices, default=Lingkup.KABKOTA)
    service_mode = models.CharField(
        "bentuk layanan", max_length=10, choices=ServiceMode.choices, default=ServiceMode.PANTI
    )
    capacity = models.PositiveIntegerField(
        "kapasitas dalam panti", default=0, help_text="Jumlah klien yang dapat tinggal di panti."
    )
    wilayah = models.ForeignKey(
        "wilayah.Wilayah", verbose_name="desa/kelurahan", on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField("alamat", max_length=300)
    latitude = models.DecimalField(
        "lintang", max_digits=9, decimal_places=6, null=True, blank=True, validators=LATITUDE_VALIDATORS
    )
    longitude = models.DecimalField(
        "bujur", max_digits=9, decimal_places=6, null=True, blank=True, validators=LONGITUDE_VALIDATORS
    )
    phone = models.CharField("telepon", max_length=30, blank=True)
    email = models.EmailField("surel", blank=True)
    head_name = NameField("nama ketua/pimpinan", max_length=200, blank=True)
    head_phone = models.CharField("HP ketua/pimpinan", max_length=30, blank=True)
    legal_status = models.CharField(
        "status hukum", max_length=15, choices=LegalStatus.choices, default=LegalStatus.TIDAK
    )
    legal_form = models.CharField("bentuk badan hukum", max_length=12, choices=LegalForm.choices, blank=True)
    deed_number = models.CharField("nomor akta notaris", max_length=100, blank=True)
    deed_date = models.DateField("tanggal akta", null=True, blank=True)
    sk_kemenkumham = models.CharField("nomor SK Kemenkumham", max_length=100, blank=True)
    npwp = models.CharField("NPWP", max_length=20, blank=True)
    bank_name = models.CharField("bank", max_length=100, blank=True)
    bank_account = models.CharField("nomor rekening", max_length=30, blank=True)
    bank_account_name = NameField("atas nama rekening", max_length=200, blank=True)
    facilities = BoundedTextField("sarana dan prasarana", blank=True)
    services_offered = BoundedTextField("layanan yang diberikan", blank=True)
    funding_sources = BoundedTextField("sumber dana", blank=True)
    status = models.CharField("status", max_length=12, choices=LksStatus.choices, default=LksStatus.AKTIF)
    tanda_daftar = models.ForeignKey(
        "lks.Registration", verbose_name="Tanda Daftar berlaku", on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+", editable=False,
    )  # fmt: skip
    izin_operasional = models.ForeignKey(
        "lks.Registration", verbose_name="izin operasional berlaku", on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+", editable=False,
    )  # fmt: skip
    accreditation = models.ForeignKey(
        "lks.Accreditation", verbose_name="akreditasi terakhir", on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+", editable=False,
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="dicatat oleh", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    version = models.PositiveIntegerField("versi", default=1)

    objects = LksQuerySet.as_manager()

    class Meta:
        verbose_name = "LKS"
        verbose_name_plural = "LKS"
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["wilayah"], opclasses=["varchar_pattern_ops"], name="lks_wilayah_prefix"),
            models.Index(fields=["name", "id"], name="lks_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def scope_region(self) -> str:
        return self.wilayah_id

    @property
    def scope_lks_id(self) -> int:
        return self.pk

    def audit_label(self) -> str:
        return f"LKS {self.name}"


@pghistory.track()
class BoardMember(TimeStampedModel):
    """A member of the LKS board (pengurus) for a term."""

    lks = models.ForeignKey(Lks, verbose_name="LKS", on_delete=models.CASCADE, related_name="board")
    role = models.CharField("jabatan", max_length=12, choices=BoardRole.choices)
    name = NameField("nama", max_length=200)
    nik = models.CharField("NIK", max_length=16, blank=True)
    phone = models.CharField("nomor HP", max_length=30, blank=True)
    term_start = models.DateField("masa bakti mulai", null=True, blank=True)
    term_end = models.DateField("masa bakti berakhir", null=True, blank=True)

    class Meta:
        verbose_name = "pengurus LKS"
        verbose_name_plural = "pengurus LKS"
        ordering = ["lks_id", "role", "name"]

    def __str__(self):
        return f"{self.get_role_display()}: {self.name}"

    @property
    def masked_nik(self) -> str:
        return mask_number(self.nik)


@pghistory.track()
class StaffMember(TimeStampedModel):
    """Someone who works at the LKS: social worker, caregiver, volunteer, with their certification."""

    lks = models.ForeignKey(Lks, verbose_name="LKS", on_delete=models.CASCADE, related_name="staff")
    kind = models.CharField("jenis SDM", max_length=12, choices=StaffKind.choices)
    name = NameField("nama", max_length=200)
    phone = models.CharField("nomor HP", max_length=30, blank=True)
    education = models.CharField("pendidikan", max_length=100, blank=True)
    certification = models.CharField(
        "sertifikasi", max_length=200, blank=True, help_text="Mis. sertifikat pekerja sosial, pelatihan pengasuhan."
    )
    started_on = models.DateField("mulai bertugas", null=True, blank=True)
    ended_on = models.DateField("berhenti", null=True, blank=True)

    class Meta:
        verbose_name = "SDM LKS"
        verbose_name_plural = "SDM LKS"
        ordering = ["lks_id", "kind", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"
