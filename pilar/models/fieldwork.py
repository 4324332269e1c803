"""TKSK field work: the monthly activity report with its activities, PPKS found per desa and
category, PSKS found and photos; submitted by the TKSK and acknowledged by the Dinsos."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from kesos.accounts.scope import SUPERVISOR_ROLES, Scope
from kesos.core.fields import BoundedTextField
from kesos.core.models import TimeStampedModel
from kesos.core.scoping import ScopedQuerySet
from kesos.core.validators import LATITUDE_VALIDATORS, LONGITUDE_VALIDATORS

from ..choices import ActivityKind, ReportStatus
from .members import Member


class ReportQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        return scope.region_q("wilayah__code", *SUPERVISOR_ROLES) | Q(member__user_id=scope.user_id)


@pghistory.track()
class MonthlyReport(TimeStampedModel):
    """A TKSK's report for one month of work in their kecamatan."""

    member = models.ForeignKey(Member, verbose_name="TKSK", on_delete=models.PROTECT, related_name="reports")
    month = models.DateField("bulan", help_text="Tanggal 1 bulan yang dilaporkan.")
    wilayah = models.ForeignKey("wilayah.Wilayah", verbose_name="kecamatan", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("status", max_length=8, choices=ReportStatus.choices, default=ReportStatus.DRAF)
    psks_found = BoundedTextField("PSKS yang ditemukan", blank=True)
    obstacles = BoundedTextField("kendala", blank=True)
    recommendations = BoundedTextField("rekomendasi", blank=True)
    submitted_at = models.DateTimeField("dikirim", null=True, blank=True)
    acknowledged_at = models.DateTimeField("diterima", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="diterima oleh", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    acknowledgement_note = models.CharField("catatan Dinas Sosial", max_length=300, blank=True)
    version = models.PositiveIntegerField("versi", default=1)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = "laporan bulanan TKSK"
        verbose_name_plural = "laporan bulanan TKSK"
        ordering = ["-month", "member_id"]
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="one_report_a_month")]
        indexes = [
            models.Index(fields=["wilayah"], opclasses=["varchar_pattern_ops"], name="report_wilayah_prefix"),
            models.Index(fields=["month", "status"], name="report_month_status"),
        ]

    def __str__(self):
        return f"Laporan {self.member} {self.month:%m/%Y}"

    @property
    def scope_region(self) -> str:
        return self.wilayah_id

    @property
    def member_user_id(self) -> int | None:
        return self.member.user_id

    @property
    def editable(self) -> bool:
        return self.status == ReportStatus.DRAF


class ReportOwned:
    @property
    def scope_region(self) -> str:
        return self.report.wilayah_id

    @property
    def member_user_id(self) -> int | None:
        return self.report.member.user_id


class ReportActivity(ReportOwned, models.Model):
    """One activity of the month: when, in which desa, what kind, what was done."""

    report = models.ForeignKey(
        MonthlyReport, verbose_name="laporan", on_delete=models.CASCADE, related_name="activities"
    )
    day = models.DateField("tanggal")
    desa = models.ForeignKey(
        "wilayah.Wilayah", verbose_name="desa/kelurahan", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("jenis kegiatan", max_length=13, choices=ActivityKind.choices)
    description = BoundedTextField("uraian")
    people_reached = models.PositiveIntegerField("jumlah orang/KK yang dilayani", null=True, blank=True)

    class Meta:
        verbose_name = "kegiatan TKSK"
        verbose_name_plural = "kegiatan TKSK"
        ordering = ["report_id", "day", "id"]

    def __str__(self):
        return f"{self.day} {self.get_kind_display()}"


class ReportFinding(ReportOwned, models.Model):
    """PPKS identified in a desa during the month, counted per category."""

    report = models.ForeignKey(MonthlyReport, verbose_name="laporan", on_delete=models.CASCADE, related_name="findings")
    desa = models.ForeignKey(
        "wilayah.Wilayah", verbose_name="desa/kelurahan", on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        "ppks.PpksCategory", verbose_name="jenis PPKS", on_delete=models.PROTECT, related_name="+"
    )
    count = models.PositiveIntegerField("jumlah")

    class Meta:
        verbose_name = "PPKS teridentifikasi"
        verbose_name_plural = "PPKS teridentifikasi"
        ordering = ["report_id", "desa_id", "category__code"]
        constraints = [models.UniqueConstraint(fields=["report", "desa", "category"], name="finding_once")]

    def __str__(self):
        return f"{self.category} {self.count}"


def photo_path(instance, filename):
    return f"lampiran/tksk/{instance.report_id}/{instance.stored_name}"


class ReportPhoto(ReportOwned, models.Model):
    """A photo of the month's work, with where the phone said it was taken."""

    report = models.ForeignKey(MonthlyReport, verbose_name="laporan", on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("foto", upload_to=photo_path, max_length=300)
    stored_name = models.CharField(max_length=80, editable=False)
    original_name = models.CharField("nama berkas", max_length=200)
    content_type = models.CharField("jenis", max_length=100)
    size = models.PositiveIntegerField("ukuran (byte)")
    caption = models.CharField("keterangan", max_length=200, blank=True)
    latitude = models.DecimalField(
        "lintang", max_digits=9, decimal_places=6, null=True, blank=True, validators=LATITUDE_VALIDATORS
    )
    longitude = models.DecimalField(
        "bujur", max_digits=9, decimal_places=6, null=True, blank=True, validators=LONGITUDE_VALIDATORS
    )
    uploaded_at = models.DateTimeField("diunggah")

    class Meta:
        verbose_name = "foto kegiatan TKSK"
        verbose_name_plural = "foto kegiatan TKSK"
        ordering = ["report_id", "uploaded_at", "id"]

    def __str__(self):
        return self.caption or self.original_name
