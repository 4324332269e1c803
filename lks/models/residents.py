"""Residents and clients (placements of PPKS persons in an LKS) and the assistance an LKS received."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from kesos.core.fields import BoundedTextField, NameField
from kesos.core.models import TimeStampedModel

from ..choices import ExitReason, FamilyStatus, FundingSource
from .profile import Lks
from .registry import ByLksQuerySet, LksOwned


@pghistory.track()
class Placement(LksOwned, TimeStampedModel):
    """A PPKS person admitted to an LKS (in the panti or served outside it), until their exit."""

    lks = models.ForeignKey(Lks, verbose_name="LKS", on_delete=models.PROTECT, related_name="placements")
    person = models.ForeignKey("ppks.Person", verbose_name="orang", on_delete=models.PROTECT, related_name="placements")
    case = models.ForeignKey(
        "ppks.Case", verbose_name="kasus asal", on_delete=models.PROTECT, null=True, blank=True,
        related_name="placements",
    )  # fmt: skip
    referral = models.ForeignKey(
        "ppks.Referral", verbose_name="rujukan asal", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    residential = models.BooleanField(
        "tinggal di panti", default=True, help_text="Tidak dicentang untuk klien yang dilayani di luar panti."
    )
    admitted_on = models.DateField("tanggal masuk")
    programme = models.CharField("program/layanan", max_length=200, blank=True)
    family_status = models.CharField("status keluarga", max_length=16, choices=FamilyStatus.choices, blank=True)
    guardian_name = NameField("nama wali/keluarga", max_length=200, blank=True)
    guardian_phone = models.CharField("HP wali/keluarga", max_length=30, blank=True)
    schooling = models.CharField("sekolah/pendidikan", max_length=200, blank=True)
    health_note = BoundedTextField("catatan kesehatan", blank=True)
    exit_on = models.DateField("tanggal keluar", null=True, blank=True)
    exit_reason = models.CharField("alasan keluar", max_length=20, choices=ExitReason.choices, blank=True)
    exit_note = models.CharField("keterangan keluar", max_length=300, blank=True)
    # Special-category data (UU PDP Pasal 4 ayat 2): the change history names these fields, never their values.
    sensitive_fields = ("health_note", "exit_note")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="dicatat oleh", on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField("versi", default=1)

    objects = ByLksQuerySet.as_manager()

    class Meta:
        verbose_name = "penghuni/klien LKS"
        verbose_name_plural = "penghuni/klien LKS"
        ordering = ["lks_id", "-admitted_on", "-id"]
        constraints = [
            # A person lives in one LKS at a time.
            models.UniqueConstraint(fields=["person"], condition=Q(exit_on__isnull=True), name="one_current_placement"),
            models.CheckConstraint(
                condition=Q(exit_on__isnull=True) | Q(exit_on__gte=models.F("admitted_on")),
                name="placement_exit_after_admission",
            ),
        ]
        indexes = [models.Index(fields=["lks", "exit_on"], name="placement_current")]

    def __str__(self):
        return f"{self.person} di {self.lks}"

    @property
    def subject_person_id(self) -> int:
        return self.person_id

    def audit_label(self) -> str:
        return f"Penghuni {self.person.audit_label()} di {self.lks}"


@pghistory.track()
class Assistance(LksOwned, TimeStampedModel):
    """Assistance an LKS received: year, programme, source, and an amount or what was given in kind."""

    lks = models.ForeignKey(Lks, verbose_name="LKS", on_delete=models.CASCADE, related_name="assistance")
    year = models.PositiveSmallIntegerField("tahun")
    programme = models.CharField("program", max_length=200)
    source = models.CharField("sumber", max_length=15, choices=FundingSource.choices)
    amount = models.DecimalField("jumlah (Rp)", max_digits=15, decimal_places=0, null=True, blank=True)
    in_kind = models.CharField("bantuan barang", max_length=300, blank=True)
    received_on = models.DateField("tanggal diterima", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="dicatat oleh", on_delete=models.PROTECT, related_name="+"
    )

    objects = ByLksQuerySet.as_manager()

    class Meta:
        verbose_name = "bantuan untuk LKS"
        verbose_name_plural = "bantuan untuk LKS"
        ordering = ["lks_id", "-year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=False) | ~Q(in_kind=""), name="assistance_amount_or_in_kind"
            ),
        ]

    def __str__(self):
        return f"{self.programme} {self.year}"
