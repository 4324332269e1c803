"""Registration (Tanda Daftar, izin operasional), accreditation, documents and verified changes."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from kesos.accounts.scope import Scope
from kesos.core.fields import BoundedTextField
from kesos.core.models import TimeStampedModel
from kesos.core.scoping import ScopedQuerySet
from kesos.core.validators import REASON_MAX

from ..choices import OPEN_REGISTRATION, ChangeStatus, DocumentKind, Grade, PermitKind, RegistrationStatus
from .profile import Lks, lks_scope_q


class ByLksQuerySet(ScopedQuerySet):
    """Rows that belong to one LKS are visible with it."""

    def scope_q(self, scope: Scope) -> Q:
        return lks_scope_q(scope, prefix="lks__")


class LksOwned:
    """Where a row that belongs to one LKS lies, for the access rules."""

    @property
    def scope_region(self) -> str:
        return self.lks.wilayah_id

    @property
    def scope_lks_id(self) -> int:
        return self.lks_id


@pghistory.track()
class Registration(LksOwned, TimeStampedModel):
    """An application for a Tanda Daftar (or the record of an izin operasional) and what became of it.

    Application → document check → field verification → issued or rejected. Renewals
    (perpanjangan) are new rows, so the history of every document the LKS held stays.
    """

    lks = models.ForeignKey(Lks, verbose_name="LKS", on_delete=models.CASCADE, related_name="registrations")
    kind = models.CharField("jenis", max_length=20, choices=PermitKind.choices, default=PermitKind.TANDA_DAFTAR)
    status = models.CharField(
        "status", max_length=15, choices=RegistrationStatus.choices, default=RegistrationStatus.DIAJUKAN
    )
    renewal = models.BooleanField("perpanjangan", default=False)
    applied_on = models.DateField("tanggal permohonan")
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="diajukan oleh", on_delete=models.PROTECT, related_name="+"
    )
    # Codes from lks.choices.APPLICATION_DOCUMENTS: what the applicant says is in the file…
    documents = models.JSONField("berkas yang diserahkan", default=list, blank=True)
    application_note = BoundedTextField("catatan permohonan", blank=True)
    # …and what the Dinsos officer found in it.
    checked_documents = models.JSONField("berkas yang diperiksa lengkap", default=list, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="diperiksa oleh", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    checked_at = models.DateTimeField("diperiksa", null=True, blank=True)
    check_note = BoundedTextField("catatan pemeriksaan berkas", blank=True)
    visit_on = models.DateField("tanggal verifikasi lapangan", null=True, blank=True)
    visit_officers = models.CharField("petugas verifikasi", max_length=300, blank=True)
    visit_findings = BoundedTextField("temuan verifikasi lapangan", blank=True)
    visit_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="dicatat oleh", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    number = models.CharField("nomor", max_length=100, blank=True)
    issuer = models.CharField("diterbitkan oleh", max_length=200, blank=True)
    issued_on = models.DateField("tanggal terbit", null=True, blank=True)
    valid_until = models.DateField("berlaku sampai", null=True, blank=True)
    rejection_reason = BoundedTextField("alasan penolakan", blank=True, limit=REASON_MAX)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="diputuskan oleh", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField("diputuskan", null=True, blank=True)
    version = models.PositiveIntegerField("versi", default=1)

    objects = ByLksQuerySet.as_manager()

    class Meta:
        verbose_name = "pendaftaran/izin LKS"
        verbose_name_plural = "pendaftaran/izin LKS"
        ordering = ["lks_id", "-applied_on", "-id"]
        constraints = [
            # One application in progress per LKS and kind; a second one would be decided twice.
            models.UniqueConstraint(
                fields=["lks", "kind"], condition=Q(status__in=OPEN_REGISTRATION), name="one_open_registration"
            ),
        ]
        indexes = [models.Index(fields=["status", "applied_on"], name="registration_status")]

    def __str__(self):
        what = self.get_kind_display()
        return f"{what} {self.number}" if self.number else f"Permohonan {what} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REGISTRATION


@pghistory.track()
class Accreditation(LksOwned, TimeStampedModel):
    """One accreditation result (BALKS): grade, certificate and validity."""

    lks = models.ForeignKey(Lks, verbose_name="LKS", on_delete=models.CASCADE, related_name="accreditations")
    grade = models.CharField("peringkat", max_length=1, choices=Grade.choices)
    certificate_number = models.CharField("nomor sertifikat", max_length=100)
    accredited_on = models.DateField("tanggal akreditasi")
    valid_until = models.DateField("berlaku sampai")
    body = models.CharField(
        "lembaga pengakreditasi", max_length=200,
        default="Badan Akreditasi Lembaga Kesejahteraan Sosial (BALKS)",
    )  # fmt: skip
    note = BoundedTextField("catatan", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="dicatat oleh", on_delete=models.PROTECT, related_name="+"
    )

    objects = ByLksQuerySet.as_manager()

    class Meta:
        verbose_name = "akreditasi LKS"
        verbose_name_plural = "akreditasi LKS"
        ordering = ["lks_id", "-accredited_on", "-id"]

    def __str__(self):
        return f"Akreditasi {self.grade} ({self.certificate_number})"


def document_path(instance, filename):
    # Outside the web root (MEDIA_ROOT is never served directly); the name is not the user's.
    return f"lampiran/lks/{instance.lks_id}/{instance.stored_name}"


class LksDocument(LksOwned, models.Model):
    """A file of the LKS: annual activity report, application file, verification photo, certificate.
    Served only through a permission-checked view."""

    lks = models.ForeignKey(Lks, verbose_name="LKS", on_delete=models.CASCADE, related_name="documents")
    registration = models.ForeignKey(
        Registration, verbose_name="pendaftaran", on_delete=models.CASCADE, null=True, blank=True,
        related_name="files",
    )  # fmt: skip
    kind = models.CharField("jenis dokumen", max_length=20, choices=DocumentKind.choices)
    title = models.CharField("judul", max_length=200)
    year = models.PositiveSmallIntegerField("tahun", null=True, blank=True)
    file = models.FileField("berkas", upload_to=document_path, max_length=300)
    stored_name = models.CharField(max_length=80, editable=False)
    original_name = models.CharField("nama berkas", max_length=200)
    content_type = models.CharField("jenis berkas", max_length=100)
    size = models.PositiveIntegerField("ukuran (byte)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="diunggah oleh", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("diunggah")

    objects = ByLksQuerySet.as_manager()

    class Meta:
        verbose_name = "dokumen LKS"
        verbose_name_plural = "dokumen LKS"
        ordering = ["lks_id", "-uploaded_at", "-id"]

    def __str__(self):
        return self.title


class ChangeRequest(LksOwned, models.Model):
    """Legal or registration data an LKS operator changed: it takes effect once the Dinsos verifies it."""

    lks = models.ForeignKey(Lks, verbose_name="LKS", on_delete=models.CASCADE, related_name="change_requests")
    # {"field": {"old": value, "new": value}}, values as the form's JSON-safe strings.
    changes = models.JSONField("perubahan")
    status = models.CharField("status", max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.MENUNGGU)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="diajukan oleh", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("diajukan")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="diputuskan oleh", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField("diputuskan", null=True, blank=True)
    reason = models.CharField("alasan", max_length=300, blank=True)

    objects = ByLksQuerySet.as_manager()

    class Meta:
        verbose_name = "usulan perubahan data LKS"
        verbose_name_plural = "usulan perubahan data LKS"
        ordering = ["lks_id", "-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "requested_at"], name="lks_change_status")]

    def __str__(self):
        return f"Usulan perubahan {self.lks} ({self.get_status_display()})"
