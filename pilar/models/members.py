"""Pillar types and the roster: members (persons or organisations), their postings over time,
trainings, awards and allowance payments."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from kesos.accounts.scope import SUPERVISOR_ROLES, Scope
from kesos.core.fields import NameField
from kesos.core.masking import mask_number
from kesos.core.models import TimeStampedModel
from kesos.core.scoping import ScopedQuerySet
from kesos.core.validators import validate_birth_date
from kesos.wilayah.models import Level

from ..choices import Classification, Grade, MemberKind, MemberStatus, SkIssuer


class PilarType(models.Model):
    """A kind of social pillar (the 12 PSKS of Permensos 08/2012 and the operational ones: Pendamping
    PKH and its coordinators, Kasi Kesos…), or a participant group of events (OPD terkait). Editable."""

    code = models.CharField("kode", max_length=30, unique=True)
    name = models.CharField("jenis pilar", max_length=150)
    abbreviation = models.CharField("singkatan", max_length=40)
    kind = models.CharField("unit", max_length=10, choices=MemberKind.choices, default=MemberKind.PERSON)
    level = models.PositiveSmallIntegerField(
        "tingkat penugasan", choices=Level.choices, null=True, blank=True,
        help_text="TKSK: kecamatan; PSM dan Karang Taruna: desa/kelurahan; Tagana: kabupaten/kota.",
    )  # fmt: skip
    psks = models.BooleanField("termasuk 12 PSKS", default=False)
    roster = models.BooleanField("dicatat sebagai anggota pilar", default=True)
    has_member_number = models.BooleanField("punya nomor induk anggota", default=False)
    has_grade = models.BooleanField("punya tingkatan", default=False)
    has_classification = models.BooleanField("punya klasifikasi", default=False)
    # How the type is counted in an event recap (article 004 joins Korcam and Pendamping PKH).
    recap_label = models.CharField("nama pada rekap peserta", max_length=60)
    recap_order = models.PositiveSmallIntegerField("urutan pada rekap", default=99)
    order = models.PositiveSmallIntegerField("urutan", default=0)
    active = models.BooleanField("aktif", default=True)

    class Meta:
        verbose_name = "jenis pilar sosial"
        verbose_name_plural = "jenis pilar sosial"
        ordering = ["order", "code"]

    def __str__(self):
        return self.abbreviation


# Who sees the roster of a region: the Dinsos supervisors. A TKSK (or any member with an account)
# sees their own record.
ROSTER_ROLES = SUPERVISOR_ROLES


class MemberQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        return scope.region_q("wilayah__code", *ROSTER_ROLES) | Q(user_id=scope.user_id)


@pghistory.track()
class Member(TimeStampedModel):
    """A social pillar: a person (TKSK, PSM, Tagana…) or an organisation (Karang Taruna, LK3, WKSBM,
    business). `wilayah` is the area of the current posting (set by the services)."""

    type = models.ForeignKey(PilarType, verbose_name="jenis pilar", on_delete=models.PROTECT, related_name="+")
    name = NameField("nama", max_length=200)
    nik = models.CharField("NIK", max_length=16, blank=True)
    sex = models.CharField("jenis kelamin", max_length=1, choices=[("L", "Laki-laki"), ("P", "Perempuan")], blank=True)
    birth_date = models.DateField("tanggal lahir", null=True, blank=True, validators=[validate_birth_date])
    phone = models.CharField("nomor HP", max_length=30, blank=True)
    email = models.EmailField("surel", blank=True)
    education = models.CharField("pendidikan terakhir", max_length=100, blank=True)
    occupation = models.CharField("pekerjaan", max_length=100, blank=True)
    address = models.CharField("alamat", max_length=300, blank=True)
    # Organisations
    chair_name = NameField("nama ketua", max_length=200, blank=True)
    member_count = models.PositiveIntegerField("jumlah anggota", null=True, blank=True)
    classification = models.CharField("klasifikasi", max_length=12, choices=Classification.choices, blank=True)
    business_units = models.CharField("unit usaha", max_length=300, blank=True)
    # Decree
    sk_number = models.CharField("nomor SK", max_length=100, blank=True)
    sk_date = models.DateField("tanggal SK", null=True, blank=True)
    sk_issuer = models.CharField("penerbit SK", max_length=15, choices=SkIssuer.choices, blank=True)
    member_number = models.CharField("nomor induk anggota", max_length=50, blank=True)
    grade = models.CharField("tingkatan", max_length=6, choices=Grade.choices, blank=True)
    status = models.CharField("status", max_length=13, choices=MemberStatus.choices, default=MemberStatus.AKTIF)
    active_from = models.DateField("aktif sejak", null=True, blank=True)
    active_until = models.DateField("aktif sampai", null=True, blank=True)
    wilayah = models.ForeignKey(
        "wilayah.Wilayah", verbose_name="wilayah tugas", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="akun Kesos", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="pilar_memberships", help_text="Untuk TKSK yang mengisi laporan di Kesos.",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="dicatat oleh", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    version = models.PositiveIntegerField("versi", default=1)
    # The birth date with the region and the last four digits the Auditor sees would rebuild the NIK.
    sensitive_fields = ("birth_date",)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "anggota pilar sosial"
        verbose_name_plural = "anggota pilar sosial"
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["wilayah"], opclasses=["varchar_pattern_ops"], name="member_wilayah_prefix"),
            models.Index(fields=["type", "status"], name="member_type_status"),
            models.Index(fields=["name", "id"], name="member_name"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["type", "nik"], condition=~Q(nik=""), name="member_nik_per_type"),
        ]

    def __str__(self):
        return self.name

    @property
    def scope_region(self) -> str:
        return self.wilayah_id

    @property
    def member_user_id(self) -> int | None:
        return self.user_id

    @property
    def masked_nik(self) -> str:
        return mask_number(self.nik)

    def audit_label(self) -> str:
        return f"{self.type.abbreviation} {self.name}" + (f" ({mask_number(self.nik)})" if self.nik else "")


class PostingQuerySet(models.QuerySet):
    def current(self, on):
        """Postings in force on a date: `ends_on` is the first day without the posting."""
        return self.filter(Q(starts_on__lte=on), Q(ends_on__isnull=True) | Q(ends_on__gt=on))


@pghistory.track()
class Posting(TimeStampedModel):
    """A member's assignment area over a period (people get reassigned): kecamatan for a TKSK,
    desa/kelurahan for PSM and Karang Taruna, kab/kota for Tagana."""

    member = models.ForeignKey(Member, verbose_name="anggota", on_delete=models.CASCADE, related_name="postings")
    wilayah = models.ForeignKey(
        "wilayah.Wilayah", verbose_name="wilayah tugas", on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField("mulai")
    ends_on = models.DateField("berakhir", null=True, blank=True, help_text="Hari pertama tidak lagi bertugas di sini.")
    sk_number = models.CharField("nomor SK penugasan", max_length=100, blank=True)
    note = models.CharField("keterangan", max_length=300, blank=True)

    objects = PostingQuerySet.as_manager()

    class Meta:
        verbose_name = "penugasan pilar"
        verbose_name_plural = "penugasan pilar"
        ordering = ["member_id", "-starts_on", "-id"]
        indexes = [
            models.Index(fields=["wilayah"], opclasses=["varchar_pattern_ops"], name="posting_wilayah_prefix"),
            models.Index(fields=["member", "ends_on"], name="posting_current"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="posting_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.member} — {self.wilayah_id}"


class Training(TimeStampedModel):
    """A training the member attended: from a Kesos event (attendance) or recorded by hand."""

    member = models.ForeignKey(Member, verbose_name="anggota", on_delete=models.CASCADE, related_name="trainings")
    event = models.ForeignKey(
        "pilar.Event", verbose_name="kegiatan", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField("nama pelatihan", max_length=200)
    organiser = models.CharField("penyelenggara", max_length=200, blank=True)
    starts_on = models.DateField("mulai")
    ends_on = models.DateField("selesai", null=True, blank=True)
    venue = models.CharField("tempat", max_length=200, blank=True)
    hours = models.PositiveSmallIntegerField("jumlah jam pelajaran", null=True, blank=True)
    certificate = models.CharField("nomor sertifikat", max_length=100, blank=True)

    class Meta:
        verbose_name = "riwayat pelatihan"
        verbose_name_plural = "riwayat pelatihan"
        ordering = ["member_id", "-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "event"], condition=Q(event__isnull=False), name="training_once"),
        ]

    def __str__(self):
        return self.title


class Award(TimeStampedModel):
    """An award or recognition (e.g. Pilar Sosial Teladan)."""

    member = models.ForeignKey(Member, verbose_name="anggota", on_delete=models.CASCADE, related_name="awards")
    year = models.PositiveSmallIntegerField("tahun")
    title = models.CharField("penghargaan", max_length=200)
    giver = models.CharField("pemberi", max_length=200, blank=True)

    class Meta:
        verbose_name = "penghargaan"
        verbose_name_plural = "penghargaan"
        ordering = ["member_id", "-year", "-id"]

    def __str__(self):
        return f"{self.title} ({self.year})"


class Allowance(TimeStampedModel):
    """A tali asih (allowance) payment for a month."""

    member = models.ForeignKey(Member, verbose_name="anggota", on_delete=models.CASCADE, related_name="allowances")
    month = models.DateField("bulan", help_text="Tanggal 1 bulan yang dibayar.")
    amount = models.DecimalField("jumlah (Rp)", max_digits=12, decimal_places=0)
    source = models.CharField("sumber dana", max_length=100)
    paid_on = models.DateField("tanggal bayar", null=True, blank=True)

    class Meta:
        verbose_name = "tali asih"
        verbose_name_plural = "tali asih"
        ordering = ["member_id", "-month", "-id"]
        constraints = [models.UniqueConstraint(fields=["member", "month", "source"], name="allowance_once")]

    def __str__(self):
        return f"{self.month:%m/%Y} Rp{self.amount}"
