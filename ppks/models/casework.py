"""The work on a case: assessments, the intervention plan, services delivered, referrals, notes,
attachments; and person merges. Each row belongs to a case (or person) and is read through it."""

import pghistory
from django.conf import settings
from django.db import models

from kesos.core.fields import BoundedTextField, NameField
from kesos.core.models import TimeStampedModel
from kesos.core.validators import REASON_MAX

from .cases import Case
from .persons import Person, RefKind, reference_fk


class WelfareForm(models.TextChoices):
    """The four forms of welfare delivery of UU 11/2009 (fixed by the law, so an enum)."""

    REHABILITASI = "rehabilitasi", "Rehabilitasi sosial"
    JAMINAN = "jaminan", "Jaminan sosial"
    PEMBERDAYAAN = "pemberdayaan", "Pemberdayaan sosial"
    PERLINDUNGAN = "perlindungan", "Perlindungan sosial"


class AssessmentScope(models.TextChoices):
    INDIVIDU = "individu", "Individu"
    KELUARGA = "keluarga", "Keluarga"
    LINGKUNGAN = "lingkungan", "Lingkungan"


@pghistory.track()
class Assessment(TimeStampedModel):
    """Asesmen: what the worker found about the person, family and environment, and what is needed."""

    case = models.ForeignKey(Case, verbose_name="kasus", on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField("tanggal asesmen")
    scope = models.CharField(
        "lingkup", max_length=12, choices=AssessmentScope.choices, default=AssessmentScope.INDIVIDU
    )
    findings = BoundedTextField("temuan")
    needs = BoundedTextField("kebutuhan", blank=True)
    strengths = BoundedTextField("potensi/kekuatan", blank=True)
    # Special-category data (UU PDP Pasal 4 ayat 2): the change history names these fields, never their values.
    sensitive_fields = ("findings", "needs", "strengths")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="oleh", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "asesmen"
        verbose_name_plural = "asesmen"
        ordering = ["case_id", "assessed_on", "id"]

    def __str__(self):
        return f"Asesmen {self.get_scope_display().lower()} {self.assessed_on:%d/%m/%Y}"


@pghistory.track()
class PlanItem(TimeStampedModel):
    """One line of the intervention plan (rencana intervensi): a goal, the service, who, by when."""

    case = models.ForeignKey(Case, verbose_name="kasus", on_delete=models.CASCADE, related_name="plan_items")
    goal = models.CharField("tujuan", max_length=300)
    service = models.CharField("layanan yang direncanakan", max_length=300)
    # Special-category data (UU PDP Pasal 4 ayat 2): the change history names these fields, never their values.
    sensitive_fields = ("goal", "service")
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="penanggung jawab", on_delete=models.PROTECT, related_name="+"
    )
    target_date = models.DateField("target tanggal")
    done_on = models.DateField("selesai", null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="oleh", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "rencana intervensi"
        verbose_name_plural = "rencana intervensi"
        ordering = ["case_id", "target_date", "id"]
        indexes = [models.Index(fields=["responsible", "done_on", "target_date"], name="planitem_due")]

    def __str__(self):
        return self.goal


@pghistory.track()
class ServiceDelivery(TimeStampedModel):
    """A service delivered (layanan): its form of welfare delivery, ATENSI component, programme, value."""

    case = models.ForeignKey(Case, verbose_name="kasus", on_delete=models.CASCADE, related_name="services")
    delivered_on = models.DateField("tanggal")
    form = models.CharField("bentuk penyelenggaraan kesos", max_length=15, choices=WelfareForm.choices)
    atensi_component = reference_fk(RefKind.ATENSI, "komponen ATENSI")
    programme = reference_fk(RefKind.PROGRAM, "program", null=False, blank=False)
    description = models.CharField("uraian layanan", max_length=300)
    provider = models.CharField("pemberi layanan", max_length=200)
    amount = models.DecimalField("nilai uang (Rp)", max_digits=14, decimal_places=0, null=True, blank=True)
    in_kind = models.CharField("bantuan barang", max_length=300, blank=True)
    # Special-category data (UU PDP Pasal 4 ayat 2): the change history names these fields, never their values.
    sensitive_fields = ("description", "provider", "in_kind")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="dicatat oleh", on_delete=models.PROTECT,
                               related_name="+")  # fmt: skip

    class Meta:
        verbose_name = "layanan"
        verbose_name_plural = "layanan"
        ordering = ["case_id", "delivered_on", "id"]
        indexes = [models.Index(fields=["delivered_on", "form"], name="service_date_form")]

    def __str__(self):
        return f"{self.description} ({self.delivered_on:%d/%m/%Y})"


class ReferralStatus(models.TextChoices):
    DIKIRIM = "dikirim", "Dikirim"
    DITERIMA_PESAN = "diketahui", "Diterima (diketahui)"
    DISETUJUI = "disetujui", "Disetujui"
    DITOLAK = "ditolak", "Ditolak"
    SELESAI = "selesai", "Selesai"


class ReferralTarget(models.TextChoices):
    LKS = "lks", "LKS/panti"
    DINSOS = "dinsos", "Dinas Sosial lain"
    PUSKESMAS = "puskesmas", "Puskesmas/rumah sakit"
    POLISI = "polisi", "Kepolisian (unit PPA)"
    SEKOLAH = "sekolah", "Sekolah"
    BANTUAN_HUKUM = "hukum", "Bantuan hukum"
    KEMENSOS = "kemensos", "Sentra/balai Kemensos"
    LAINNYA = "lainnya", "Lainnya"


@pghistory.track()
class Referral(TimeStampedModel):
    """Rujukan: the case sent to another service, its answer, and the outcome that comes back."""

    case = models.ForeignKey(Case, verbose_name="kasus", on_delete=models.CASCADE, related_name="referrals")
    target_kind = models.CharField("dirujuk ke", max_length=10, choices=ReferralTarget.choices)
    target_name = NameField("nama lembaga", max_length=200)
    reason = BoundedTextField("alasan rujukan", limit=REASON_MAX)
    sent_on = models.DateField("tanggal kirim")
    acknowledge_by = models.DateField("batas jawaban")
    status = models.CharField("status", max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.DIKIRIM)
    outcome = BoundedTextField("hasil", blank=True)
    # Special-category data (UU PDP Pasal 4 ayat 2): the change history names these fields, never their values.
    sensitive_fields = ("target_name", "reason", "outcome")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="oleh", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "rujukan"
        verbose_name_plural = "rujukan"
        ordering = ["case_id", "sent_on", "id"]
        indexes = [models.Index(fields=["status", "acknowledge_by"], name="referral_due")]

    def __str__(self):
        return f"Rujukan ke {self.target_name}"


class CaseNote(models.Model):
    """A dated note on the case by the person who wrote it."""

    case = models.ForeignKey(Case, verbose_name="kasus", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="oleh", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("waktu")
    text = BoundedTextField("catatan")

    class Meta:
        verbose_name = "catatan kasus"
        verbose_name_plural = "catatan kasus"
        ordering = ["case_id", "at", "id"]

    def __str__(self):
        return self.text[:60]


def attachment_path(instance, filename):
    # Outside the web root (MEDIA_ROOT is never served directly); the name is not the user's.
    return f"lampiran/kasus/{instance.case_id}/{instance.stored_name}"


class Attachment(models.Model):
    """A photo or letter on a case, served only through a permission-checked view."""

    case = models.ForeignKey(Case, verbose_name="kasus", on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("berkas", upload_to=attachment_path, max_length=300)
    stored_name = models.CharField(max_length=80, editable=False)
    original_name = models.CharField("nama berkas", max_length=200)
    content_type = models.CharField("jenis", max_length=100)
    size = models.PositiveIntegerField("ukuran (byte)")
    description = models.CharField("keterangan", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="diunggah oleh", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("diunggah")

    class Meta:
        verbose_name = "lampiran"
        verbose_name_plural = "lampiran"
        ordering = ["case_id", "uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class PersonMerge(models.Model):
    """Two person records found to be one: `merged` now points at `kept`. Everything needed to undo
    it is kept here: the fields taken from `merged` (with their old values) and the rows moved."""

    kept = models.ForeignKey(Person, verbose_name="data yang dipertahankan", on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, verbose_name="data yang digabung", on_delete=models.PROTECT, related_name="+")
    # {"field": {"from": "merged", "kept_before": old value}} for each field taken from `merged`.
    fields = models.JSONField("asal tiap isian", default=dict)
    # {"cases": [ids], "memberships": [ids], "categories": [ids]} moved from `merged` to `kept`.
    moved = models.JSONField("data yang dipindahkan", default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="oleh", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("waktu")
    reason = models.CharField("alasan", max_length=300)
    undone_at = models.DateTimeField("dibatalkan", null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="dibatalkan oleh", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "penggabungan data orang"
        verbose_name_plural = "penggabungan data orang"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.merged_id} → {self.kept_id}"
