"""Cases (kasus): one person's or household's path through the Dinsos casework stages."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from kesos.accounts.models import Role
from kesos.accounts.scope import BY_NAME_ROLES, Scope
from kesos.core.fields import BoundedTextField, NameField
from kesos.core.models import TimeStampedModel
from kesos.core.scoping import ScopedQuerySet
from kesos.core.validators import REASON_MAX

from ..workflow import FINAL, Stage
from .persons import Household, Person, PpksCategory


class CaseSource(models.TextChoices):
    TKSK = "tksk", "Laporan lapangan TKSK"
    WALK_IN = "datang", "Datang langsung"
    HOTLINE = "hotline", "Pengaduan/hotline"
    LKS = "lks", "LKS"
    POLISI = "polisi", "Kepolisian"
    RUJUKAN = "rujukan", "Rujukan masuk"
    LAINNYA = "lainnya", "Lainnya"


class CasePriority(models.TextChoices):
    RENDAH = "rendah", "Rendah"
    SEDANG = "sedang", "Sedang"
    TINGGI = "tinggi", "Tinggi"
    DARURAT = "darurat", "Darurat"


class CaseQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        """Cases in the user's regions; a social worker also keeps the cases assigned to them, and a
        serving TKSK the cases they reported (wherever the person lives)."""
        q = scope.region_q("wilayah__code", *BY_NAME_ROLES)
        if scope.has_role(Role.PEKERJA_SOSIAL, Role.OPERATOR_KABKOTA, Role.ADMIN_PROVINSI):
            q |= Q(assigned_worker_id=scope.user_id)
        if scope.has_role(Role.TKSK):
            q |= Q(reported_by_id=scope.user_id)
        return q

    def open(self):
        return self.exclude(stage__in=FINAL)


@pghistory.track()
class Case(TimeStampedModel):
    """A case: who it is about, why (PPKS categories), where it came from, who works it, and its stage."""

    number = models.CharField("nomor kasus", max_length=30, unique=True)
    person = models.ForeignKey(
        Person, verbose_name="orang", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    household = models.ForeignKey(
        Household, verbose_name="keluarga", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    categories = models.ManyToManyField(PpksCategory, verbose_name="jenis PPKS", related_name="+")
    # The region of the case (the person's or household's desa when opened): scoping and recaps use it.
    wilayah = models.ForeignKey("wilayah.Wilayah", verbose_name="wilayah", on_delete=models.PROTECT, related_name="+")
    source = models.CharField("sumber", max_length=10, choices=CaseSource.choices)
    reporter_name = NameField(
        "pelapor", max_length=200, blank=True, help_text="Nama pelapor dari luar (warga, polisi, LKS)."
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="dicatat oleh", on_delete=models.PROTECT, related_name="+"
    )
    assigned_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="pekerja sosial", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    priority = models.CharField("prioritas", max_length=10, choices=CasePriority.choices, default=CasePriority.SEDANG)
    stage = models.CharField("tahap", max_length=20, choices=Stage.choices, default=Stage.DILAPORKAN)
    summary = BoundedTextField("ringkasan masalah")
    # Specific personal data (health, disability, criminal matters, child protection): shown only to
    # the assigned worker and the supervisors (rule ppks.view_sensitive).
    sensitive_notes = BoundedTextField("catatan khusus (kesehatan, disabilitas, hukum, perlindungan anak)", blank=True)
    opened_at = models.DateTimeField("dibuka")
    # Special-category data (UU PDP Pasal 4 ayat 2): the change history names these fields, never their values.
    sensitive_fields = ("summary", "sensitive_notes")
    closed_at = models.DateTimeField("ditutup", null=True, blank=True)
    version = models.PositiveIntegerField("versi", default=1)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "kasus"
        verbose_name_plural = "kasus"
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, household__isnull=True)
                | Q(person__isnull=True, household__isnull=False),
                name="case_person_xor_household",
            ),
        ]
        indexes = [
            models.Index(fields=["wilayah"], opclasses=["varchar_pattern_ops"], name="case_wilayah_prefix"),
            models.Index(fields=["stage", "-opened_at"], name="case_stage_opened"),
            models.Index(fields=["assigned_worker", "stage"], name="case_worker_stage"),
            models.Index(fields=["-opened_at", "-id"], name="case_opened"),
        ]

    def __str__(self):
        return f"{self.number} — {self.subject_name}"

    @property
    def subject_name(self) -> str:
        return self.person.name if self.person_id else str(self.household)

    @property
    def scope_region(self) -> str:
        return self.wilayah_id

    @property
    def created_by_id(self):
        """For the rules: the reporter is the case's creator (a TKSK keeps what they reported)."""
        return self.reported_by_id

    @property
    def subject_person_id(self):
        return self.person_id

    @property
    def is_open(self) -> bool:
        return self.stage not in FINAL

    def audit_label(self) -> str:
        return self.number


class CaseTransition(models.Model):
    """One move of a case between stages: who, when, why. Append-only; the case timeline reads it."""

    case = models.ForeignKey(Case, verbose_name="kasus", on_delete=models.CASCADE, related_name="transitions")
    from_stage = models.CharField("dari tahap", max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField("ke tahap", max_length=20, choices=Stage.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="oleh", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("waktu")
    note = BoundedTextField("catatan", blank=True, limit=REASON_MAX)

    class Meta:
        verbose_name = "perpindahan tahap"
        verbose_name_plural = "perpindahan tahap"
        ordering = ["case_id", "at", "id"]

    def __str__(self):
        return f"{self.get_from_stage_display() or 'baru'} → {self.get_to_stage_display()}"
