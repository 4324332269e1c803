"""Users, the offices they work in, and their role assignments over time."""

import pghistory
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone

from kesos.core.fields import BoundedTextField, NameField
from kesos.core.models import TimeStampedModel
from kesos.core.validators import ADDRESS_MAX
from kesos.wilayah.zones import time_zone_for


class Role(models.TextChoices):
    ADMIN_PROVINSI = "admin_provinsi", "Admin Dinsos Provinsi"
    OPERATOR_KABKOTA = "operator_kabkota", "Operator Dinsos Kab/Kota"
    PEKERJA_SOSIAL = "pekerja_sosial", "Pekerja Sosial / Pendamping"
    TKSK = "tksk", "TKSK"
    OPERATOR_LKS = "operator_lks", "Operator LKS"
    PIMPINAN = "pimpinan", "Pimpinan"
    AUDITOR = "auditor", "Auditor"


def place_of(wilayah) -> str:
    """ "Banjarmasin" for Kota Banjarmasin, "Muara Enim" for Kabupaten Muara Enim: a region as a place name."""
    name = wilayah.name
    for prefix in ("Kabupaten ", "Kota ", "Provinsi "):
        name = name.removeprefix(prefix)
    return name


@pghistory.track()
class Office(TimeStampedModel):
    """A Dinas Sosial office: the provincial Dinsos or a kabupaten/kota Dinsos."""

    name = NameField("nama dinas", max_length=200, unique=True)
    wilayah = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name="wilayah kerja",
        on_delete=models.PROTECT,
        limit_choices_to={"level__lte": 2},
        help_text="Provinsi atau kabupaten/kota yang menjadi wilayah kerja dinas.",
    )
    address = BoundedTextField("alamat", blank=True, limit=ADDRESS_MAX)
    head_name = NameField("nama kepala dinas", max_length=200, blank=True)
    head_nip = models.CharField("NIP kepala dinas", max_length=18, blank=True)
    city = models.CharField(
        "tempat kedudukan", max_length=100, blank=True,
        help_text="Kota tempat surat dan laporan ditandatangani, mis. Banjarbaru. Kosong: nama wilayah kerja.",
    )  # fmt: skip

    class Meta:
        verbose_name = "dinas"
        verbose_name_plural = "dinas"
        ordering = ["wilayah_id", "name"]

    def __str__(self):
        return self.name

    @property
    def province_code(self) -> str:
        return self.wilayah_id[:2]

    @property
    def signing_place(self) -> str:
        """Where its letters are signed: `city`, else the region's name without "Kabupaten/Kota/Provinsi"."""
        return self.city or place_of(self.wilayah)

    @property
    def time_zone(self) -> str:
        return time_zone_for(self.wilayah_id)


# Password hashes and login stamps stay out of the history; logins are in the audit trail.
@pghistory.track(exclude=["password", "last_login"])
class User(AbstractUser):
    """A Kesos user. Logs in with a username; what they may see comes from their assignments."""

    full_name = NameField("nama lengkap", max_length=200, blank=True)
    nip = models.CharField("NIP", max_length=18, blank=True, help_text="Nomor Induk Pegawai, bila ASN.")
    phone = models.CharField("nomor HP", max_length=20, blank=True)
    office = models.ForeignKey(
        Office, verbose_name="dinas", on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )

    class Meta:
        verbose_name = "pengguna"
        verbose_name_plural = "pengguna"

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or self.username

    @property
    def time_zone(self) -> str | None:
        return self.office.time_zone if self.office_id else None

    @property
    def province_code(self) -> str | None:
        """The province the user works in, from their office or else their current assignments."""
        if self.office_id:
            return self.office.province_code
        codes = {a.wilayah_id[:2] for a in self.assignments.current() if a.wilayah_id}
        return codes.pop() if len(codes) == 1 else None


class AssignmentQuerySet(models.QuerySet):
    def current(self, on=None):
        """Assignments in force on a date (today by default). `ends_on` is the first day without the
        role, so an assignment ended today grants nothing from today on."""
        day = on or timezone.localdate()
        return self.filter(Q(starts_on__lte=day), Q(ends_on__isnull=True) | Q(ends_on__gt=day))


@pghistory.track()
class Assignment(TimeStampedModel):
    """A user holding a role over a region for a period. Access rules read these (issue: access)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="pengguna", on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.CharField("peran", max_length=20, choices=Role.choices)
    wilayah = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name="wilayah tugas",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="Provinsi, kabupaten/kota atau kecamatan tempat peran ini berlaku.",
    )
    lks = models.ForeignKey(
        "lks.Lks",
        verbose_name="LKS",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operator_assignments",
        help_text="Untuk Operator LKS: lembaga yang datanya ia kelola.",
    )
    starts_on = models.DateField("mulai", default=timezone.localdate)
    ends_on = models.DateField(
        "berakhir", null=True, blank=True, help_text="Hari pertama peran ini tidak berlaku lagi."
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "penugasan"
        verbose_name_plural = "penugasan"
        ordering = ["user_id", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="assignment_ends_after_start",
            ),
            # An Operator LKS works for one institution; other roles are not tied to one.
            models.CheckConstraint(
                condition=Q(role="operator_lks", lks__isnull=False) | (~Q(role="operator_lks") & Q(lks__isnull=True)),
                name="assignment_lks_for_lks_operator",
            ),
        ]

    def __str__(self):
        where = f" — {self.lks}" if self.lks_id else (f" — {self.wilayah.label}" if self.wilayah_id else "")
        return f"{self.get_role_display()}{where}"


class Notification(models.Model):
    """A message in a user's in-app inbox (an expiring Tanda Daftar, a change to verify…).

    `key` names what the message is about, so a daily job that runs twice tells each user once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="pengguna", on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField("kunci", max_length=120)
    title = models.CharField("judul", max_length=200)
    body = models.TextField("isi", blank=True)
    url = models.CharField("tautan", max_length=300, blank=True)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    read_at = models.DateTimeField("dibaca", null=True, blank=True)

    class Meta:
        verbose_name = "notifikasi"
        verbose_name_plural = "notifikasi"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.title
