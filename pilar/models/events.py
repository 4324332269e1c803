"""Events (Bimtek, Rakor, Sosialisasi, Diklat, Temu Karya, Seleksi), their participants and daily
attendance, and the selection of exemplary pillars."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from kesos.accounts.scope import SUPERVISOR_ROLES, Scope
from kesos.core.fields import BoundedTextField, NameField
from kesos.core.models import TimeStampedModel
from kesos.core.scoping import ScopedQuerySet

from ..choices import EventKind, SelectionStatus
from .members import Member, PilarType


class EventQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        return scope.region_q("wilayah__code", *SUPERVISOR_ROLES)


@pghistory.track()
class Event(TimeStampedModel):
    """A kegiatan organised by a Dinsos: who came, from which group (unsur) and kab/kota, on which day."""

    kind = models.CharField("jenis kegiatan", max_length=12, choices=EventKind.choices)
    name = models.CharField("nama kegiatan", max_length=250)
    starts_on = models.DateField("mulai")
    ends_on = models.DateField("selesai")
    venue = models.CharField("tempat", max_length=250)
    wilayah = models.ForeignKey(
        "wilayah.Wilayah", verbose_name="penyelenggara (wilayah)", on_delete=models.PROTECT, related_name="+",
        help_text="Provinsi atau kabupaten/kota Dinas Sosial penyelenggara.",
    )  # fmt: skip
    organiser = models.CharField("bidang penyelenggara", max_length=200, blank=True)
    budget_line = models.CharField("mata anggaran", max_length=200, blank=True)
    speakers = BoundedTextField("narasumber", blank=True)
    description = BoundedTextField("uraian", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="dicatat oleh", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "kegiatan"
        verbose_name_plural = "kegiatan"
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["wilayah"], opclasses=["varchar_pattern_ops"], name="event_wilayah_prefix"),
            models.Index(fields=["kind", "starts_on"], name="event_kind_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="event_ends_after_start"),
        ]

    def __str__(self):
        return self.name

    @property
    def scope_region(self) -> str:
        return self.wilayah_id

    @property
    def days(self) -> list:
        import datetime

        return [self.starts_on + datetime.timedelta(days=n) for n in range((self.ends_on - self.starts_on).days + 1)]


class EventOwned:
    @property
    def scope_region(self) -> str:
        return self.event.wilayah_id


class Participant(EventOwned, TimeStampedModel):
    """Someone at an event: a pillar from the roster, an LKS's delegate, a Dinsos employee or a guest,
    counted under a group (unsur) and a kab/kota."""

    event = models.ForeignKey(Event, verbose_name="kegiatan", on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(
        Member, verbose_name="anggota pilar", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="participations",
    )  # fmt: skip
    lks = models.ForeignKey(
        "lks.Lks", verbose_name="LKS", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = NameField("nama", max_length=200)
    group = models.ForeignKey(PilarType, verbose_name="unsur", on_delete=models.PROTECT, related_name="+")
    kabkota = models.ForeignKey(
        "wilayah.Wilayah", verbose_name="asal kabupaten/kota", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    position = models.CharField("jabatan/instansi", max_length=200, blank=True)
    phone = models.CharField("nomor HP", max_length=30, blank=True)
    role = models.CharField(
        "peran", max_length=12, default="peserta",
        choices=[("peserta", "Peserta"), ("narasumber", "Narasumber"), ("panitia", "Panitia")],
    )  # fmt: skip

    class Meta:
        verbose_name = "peserta kegiatan"
        verbose_name_plural = "peserta kegiatan"
        ordering = ["event_id", "group__recap_order", "name", "id"]
        indexes = [models.Index(fields=["event", "group"], name="participant_event_group")]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "member"], condition=Q(member__isnull=False), name="participant_member_once"
            ),
        ]

    def __str__(self):
        return self.name


class Attendance(models.Model):
    """A participant present on one day of the event."""

    participant = models.ForeignKey(
        Participant, verbose_name="peserta", on_delete=models.CASCADE, related_name="attendance"
    )
    day = models.DateField("hari")

    class Meta:
        verbose_name = "kehadiran"
        verbose_name_plural = "kehadiran"
        constraints = [models.UniqueConstraint(fields=["participant", "day"], name="attendance_once_a_day")]

    def __str__(self):
        return f"{self.participant} {self.day}"


@pghistory.track()
class Selection(EventOwned, TimeStampedModel):
    """The yearly selection of exemplary pillars (seleksi pilar sosial berprestasi/teladan) of an event:
    nominations per kab/kota and pillar type, weighted criteria, judges' scores, ranking and winners."""

    event = models.OneToOneField(Event, verbose_name="kegiatan", on_delete=models.CASCADE, related_name="selection")
    status = models.CharField("status", max_length=8, choices=SelectionStatus.choices, default=SelectionStatus.TERBUKA)
    winners_per_type = models.PositiveSmallIntegerField("jumlah juara per jenis pilar", default=3)
    closed_at = models.DateTimeField("ditutup", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="ditutup oleh", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "seleksi pilar sosial"
        verbose_name_plural = "seleksi pilar sosial"

    def __str__(self):
        return f"Seleksi — {self.event}"


class Criterion(models.Model):
    """A scoring criterion with its weight (weights of a selection add up to 100)."""

    selection = models.ForeignKey(Selection, verbose_name="seleksi", on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField("kriteria", max_length=200)
    weight = models.PositiveSmallIntegerField("bobot (%)")
    order = models.PositiveSmallIntegerField("urutan", default=0)

    class Meta:
        verbose_name = "kriteria penilaian"
        verbose_name_plural = "kriteria penilaian"
        ordering = ["selection_id", "order", "id"]

    def __str__(self):
        return f"{self.name} ({self.weight}%)"


@pghistory.track()
class Nomination(TimeStampedModel):
    """A pillar nominated by a kab/kota, with the field-visit notes and, once closed, rank and result."""

    selection = models.ForeignKey(
        Selection, verbose_name="seleksi", on_delete=models.CASCADE, related_name="nominations"
    )
    member = models.ForeignKey(Member, verbose_name="calon", on_delete=models.PROTECT, related_name="nominations")
    kabkota = models.ForeignKey(
        "wilayah.Wilayah", verbose_name="diusulkan oleh kabupaten/kota", on_delete=models.PROTECT, related_name="+"
    )
    visit_notes = BoundedTextField("catatan peninjauan lapangan", blank=True)
    rank = models.PositiveSmallIntegerField("peringkat", null=True, blank=True)
    total = models.DecimalField("nilai akhir", max_digits=6, decimal_places=2, null=True, blank=True)
    winner = models.BooleanField("juara", default=False)

    class Meta:
        verbose_name = "calon pilar teladan"
        verbose_name_plural = "calon pilar teladan"
        ordering = ["selection_id", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["selection", "member"], name="nomination_once")]

    def __str__(self):
        return str(self.member)

    @property
    def scope_region(self) -> str:
        return self.selection.event.wilayah_id


class Score(models.Model):
    """One judge's score (0–100) of one nominee on one criterion."""

    nomination = models.ForeignKey(Nomination, verbose_name="calon", on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name="kriteria", on_delete=models.CASCADE, related_name="+")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="juri", on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField("nilai", max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = "nilai"
        verbose_name_plural = "nilai"
        constraints = [
            models.UniqueConstraint(fields=["nomination", "criterion", "judge"], name="score_once"),
            models.CheckConstraint(condition=Q(value__gte=0) & Q(value__lte=100), name="score_0_100"),
        ]

    def __str__(self):
        return f"{self.value}"
