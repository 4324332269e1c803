"""Report requests (the state the Reports page shows, kept apart from Celery) and SPM targets."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from kesos.core.fields import BoundedTextField
from kesos.core.models import TimeStampedModel
from kesos.core.scoping import ScopedQuerySet


class ReportRequestQuerySet(ScopedQuerySet):
    def scope_q(self, scope) -> Q:
        """One's own requests, and the scheduled recaps of each kind over the regions one may request it for."""
        from .kinds import KINDS

        scheduled = Q(pk__in=[])
        for kind in KINDS.values():
            if scope.has_role(*kind.roles):
                scheduled |= Q(kind=kind.code) & scope.region_q("region__code", *kind.roles)
        return Q(requested_by_id=scope.user_id) | (Q(scheduled=True) & scheduled)


class ReportRequest(TimeStampedModel):
    """One recap or by-name list someone asked for (or the monthly schedule produced), and its file.

    The Celery task updates this row; the page polls it. The file is written under a temporary
    name and moved into place in one step, so a worker killed mid-run leaves no half file behind.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Dalam antrean"
        RUNNING = "running", "Sedang dibuat"
        DONE = "done", "Selesai"
        FAILED = "failed", "Gagal"
        EXPIRED = "expired", "Kedaluwarsa"

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel (XLSX)"
        PDF = "pdf", "PDF"
        CSV = "csv", "CSV"

    kind = models.CharField("jenis laporan", max_length=20)  # a key of kesos.reports.kinds.KINDS
    format = models.CharField("format", max_length=4, choices=Format.choices)
    params = models.JSONField("parameter", default=dict)  # recap.Params.as_json()
    region = models.ForeignKey("wilayah.Wilayah", verbose_name="wilayah", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="diminta oleh",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_requests",
    )  # None: produced by the monthly schedule
    scheduled = models.BooleanField("terjadwal", default=False)
    # The month a scheduled recap covers (its 1st): one scheduled recap per kind, format, region and month.
    period = models.DateField("periode terjadwal", null=True, blank=True)
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField("kemajuan (%)", default=0)
    attempts = models.PositiveSmallIntegerField("percobaan", default=0)  # runs started
    # The queue's side (kesos.reports.services._publish, reports_sweep): when the task was last handed to
    # the broker, how many times, and why the last hand-over failed (the broker down: sent again later).
    dispatched_at = models.DateTimeField("dikirim ke antrean", null=True, blank=True)
    dispatches = models.PositiveSmallIntegerField("kali dikirim", default=0)
    dispatch_error = models.CharField("galat pengiriman", max_length=200, blank=True)
    file = models.CharField("berkas", max_length=255, blank=True)  # path under KESOS_REPORT_ROOT
    size = models.PositiveBigIntegerField("ukuran (byte)", null=True, blank=True)
    checksum = models.CharField("SHA-256", max_length=64, blank=True)
    rows = models.PositiveIntegerField("jumlah baris", null=True, blank=True)
    error = models.TextField("galat", blank=True)
    started_at = models.DateTimeField("mulai", null=True, blank=True)
    finished_at = models.DateTimeField("selesai", null=True, blank=True)
    expires_at = models.DateTimeField("kedaluwarsa", null=True, blank=True)

    objects = ReportRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "permintaan laporan"
        verbose_name_plural = "permintaan laporan"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="report_requester_recent"),
            models.Index(fields=["status", "expires_at"], name="report_status_expiry"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "format", "region", "period"],
                condition=Q(scheduled=True),
                name="report_scheduled_once_per_period",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.region_id} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED)

    @property
    def kind_label(self) -> str:
        from .kinds import KINDS

        kind = KINDS.get(self.kind)
        return kind.label if kind else self.kind

    @property
    def params_label(self) -> str:
        """ "Tahun 2025 · L/P", "November 2025", "1-01-2025 s.d. 30-06-2025", for the list of requests."""
        from .recap import MONTHS

        p = self.params
        if p.get("date_from") or p.get("date_to"):
            parts = [f"{p.get('date_from', '…')} s.d. {p.get('date_to', '…')}"]
        elif p.get("month"):
            parts = [f"{MONTHS[p['month'] - 1]} {p.get('year')}"]
        else:
            parts = [f"Tahun {p.get('year')}"]
        if p.get("split_sex"):
            parts.append("L/P")
        if p.get("handled"):
            parts.append("sudah/belum ditangani")
        if p.get("event"):
            parts.append(f"kegiatan #{p['event']}")
        return " · ".join(parts)


class SpmTarget(TimeStampedModel):
    """A year's SPM bidang sosial target for one basic service of a region (R4), entered by the Dinsos.

    The served count is not stored: R4 counts it from cases, placements and services.
    """

    class Service(models.TextChoices):
        DISABILITAS = "disabilitas", "Rehabilitasi sosial dasar penyandang disabilitas telantar"
        ANAK = "anak", "Rehabilitasi sosial dasar anak telantar"
        LANSIA = "lansia", "Rehabilitasi sosial dasar lanjut usia telantar"
        TUNA_SOSIAL = "tuna_sosial", "Rehabilitasi sosial dasar tuna sosial, khususnya gelandangan dan pengemis"
        BENCANA = "bencana", "Perlindungan dan jaminan sosial pada saat dan setelah tanggap darurat bencana"

    region = models.ForeignKey("wilayah.Wilayah", verbose_name="wilayah", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("tahun")
    service = models.CharField("jenis pelayanan dasar", max_length=20, choices=Service.choices)
    target = models.PositiveIntegerField("penerima yang harus dilayani (sasaran)")
    budget = models.PositiveBigIntegerField("anggaran (Rp)", default=0)
    spent = models.PositiveBigIntegerField("realisasi (Rp)", default=0)
    problems = BoundedTextField("permasalahan", blank=True)
    solutions = BoundedTextField("solusi", blank=True)

    class Meta:
        verbose_name = "target SPM"
        verbose_name_plural = "target SPM"
        ordering = ["region", "-year", "service"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "service"], name="spm_target_once_per_year"),
        ]

    def __str__(self):
        return f"SPM {self.year} {self.region_id} {self.get_service_display()}"
