"""Beneficiaries (PPKS): the person record every case, service and placement hangs on."""

import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from kesos.accounts.models import Role
from kesos.accounts.scope import BY_NAME_ROLES, Scope
from kesos.core.fields import BoundedTextField, NameField
from kesos.core.masking import mask_number
from kesos.core.models import TimeStampedModel
from kesos.core.scoping import ScopedQuerySet
from kesos.core.validators import validate_birth_date


class Sex(models.TextChoices):
    LAKI_LAKI = "L", "Laki-laki"
    PEREMPUAN = "P", "Perempuan"


class RefKind(models.TextChoices):
    AGAMA = "agama", "Agama"
    STATUS_KAWIN = "status_kawin", "Status perkawinan"
    PENDIDIKAN = "pendidikan", "Pendidikan"
    HUBUNGAN = "hubungan", "Hubungan dalam keluarga"
    DISABILITAS = "disabilitas", "Jenis disabilitas (UU 8/2016)"
    DASAR_HUKUM = "dasar_hukum", "Dasar pemrosesan data (UU 27/2022)"
    PROGRAM = "program", "Program bantuan/layanan"
    ATENSI = "atensi", "Komponen layanan ATENSI (Permensos 7/2021)"


class Referensi(models.Model):
    """One entry of a reference list (religions, marital status, education, family relation,
    disability type, legal basis). Lists are data, editable in the admin; codes are stable."""

    kind = models.CharField("daftar", max_length=20, choices=RefKind.choices)
    code = models.CharField("kode", max_length=30)
    label = models.CharField("nama", max_length=100)
    order = models.PositiveSmallIntegerField("urutan", default=0)
    active = models.BooleanField("aktif", default=True)

    class Meta:
        verbose_name = "referensi"
        verbose_name_plural = "referensi"
        ordering = ["kind", "order", "label"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="referensi_kind_code")]

    def __str__(self):
        return self.label


def reference_fk(kind, verbose_name, **kwargs):
    """An optional pointer into one reference list."""
    options = {"null": True, "blank": True, **kwargs}
    return models.ForeignKey(
        Referensi, verbose_name=verbose_name, on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"kind": kind}, **options,
    )  # fmt: skip


class PpksCategory(models.Model):
    """One of the 26 PPKS (Permensos 08/2012, 5/2019), with a stable code and the labels old files use."""

    code = models.CharField("kode", max_length=7, unique=True, help_text="PPKS-01 … PPKS-26")
    name = models.CharField("jenis PPKS", max_length=120)
    abbreviation = models.CharField("singkatan", max_length=20)
    legacy_labels = models.CharField(
        "sebutan lama (PMKS)", max_length=200, blank=True, help_text="Dipisah koma; dipakai saat impor berkas lama."
    )
    criteria = BoundedTextField("kriteria", blank=True)
    active = models.BooleanField("aktif", default=True)

    class Meta:
        verbose_name = "jenis PPKS"
        verbose_name_plural = "jenis PPKS"
        ordering = ["code"]

    def __str__(self):
        return f"{self.abbreviation} — {self.name}"


def in_region_or_reported(scope: Scope) -> Q:
    """Rows in the user's regions; a serving TKSK also keeps the rows they reported (someone found in
    the kecamatan who lives, or moved, elsewhere). Persons and households share this rule."""
    q = scope.region_q("wilayah__code", *BY_NAME_ROLES)
    if scope.has_role(Role.TKSK):
        q |= Q(created_by_id=scope.user_id)
    return q


class PersonQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        return in_region_or_reported(scope) & Q(merged_into__isnull=True)


@pghistory.track()
class Person(TimeStampedModel):
    """A person known to the Dinsos: a beneficiary (PPKS) or a member of a beneficiary household.

    NIK is unique when present; people without one (street children, homeless people) are
    registered without it and reconciled later.
    """

    nik = models.CharField("NIK", max_length=16, unique=True, null=True, blank=True)
    no_kk = models.CharField("No. KK", max_length=16, blank=True, db_index=True)
    name = NameField("nama lengkap", max_length=200)
    aliases = NameField("nama lain / panggilan", max_length=300, blank=True)
    # Normalised name (ppks.names.name_key) for the duplicate check; set by the services.
    name_key = models.CharField("kunci nama", max_length=200, blank=True, editable=False)
    sex = models.CharField("jenis kelamin", max_length=1, choices=Sex.choices)
    birth_place = models.CharField("tempat lahir", max_length=100, blank=True)
    birth_date = models.DateField("tanggal lahir", null=True, blank=True, validators=[validate_birth_date])
    wilayah = models.ForeignKey(
        "wilayah.Wilayah",
        verbose_name="desa/kelurahan",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Desa/kelurahan tempat tinggal sekarang (bukan asal NIK).",
    )
    address = models.CharField("alamat", max_length=300, blank=True)
    rt = models.CharField("RT", max_length=3, blank=True)
    rw = models.CharField("RW", max_length=3, blank=True)
    phone = models.CharField("nomor HP", max_length=20, blank=True)
    religion = reference_fk(RefKind.AGAMA, "agama")
    marital_status = reference_fk(RefKind.STATUS_KAWIN, "status perkawinan")
    education = reference_fk(RefKind.PENDIDIKAN, "pendidikan terakhir")
    occupation = models.CharField("pekerjaan", max_length=100, blank=True)
    disability = reference_fk(RefKind.DISABILITAS, "jenis disabilitas")
    dtsen_desil = models.PositiveSmallIntegerField(
        "desil DTSEN", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    dtsen_period = models.CharField("periode desil DTSEN", max_length=20, blank=True, help_text="Mis. 2025 Triwulan II")
    legal_basis = reference_fk(RefKind.DASAR_HUKUM, "dasar pemrosesan data")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="dicatat oleh",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Optimistic locking: an edit based on an older version is refused, never silently overwritten.
    version = models.PositiveIntegerField("versi", default=1)
    # Set when a supervisor merged this record into another (ppks.services.person_merge); a merged
    # record leaves every list and search but is kept whole, so the merge can be undone.
    merged_into = models.ForeignKey(
        "self", verbose_name="digabung ke", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Special-category data (UU PDP Pasal 4 ayat 2): the change history names these fields, never their values.
    # Health; personal financial standing; and the birth date, which with the region and the last four
    # digits the Auditor sees would rebuild the masked NIK.
    sensitive_fields = ("disability", "dtsen_desil", "birth_date")

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "orang"
        verbose_name_plural = "orang"
        ordering = ["name", "id"]
        indexes = [
            # Region scoping is a prefix match on the code: LIKE '63.72.03.%' needs pattern ops.
            models.Index(fields=["wilayah"], opclasses=["varchar_pattern_ops"], name="person_wilayah_prefix"),
            models.Index(fields=["name", "id"], name="person_name"),
            # The near-duplicate check looks up the normalised name (with birth date when known).
            models.Index(fields=["name_key", "birth_date"], name="person_name_key"),
        ]

    def __str__(self):
        return self.name

    @property
    def scope_region(self) -> str:
        return self.wilayah_id

    @property
    def subject_person_id(self) -> int:
        return self.pk

    def audit_label(self) -> str:
        """How the person appears in the audit trail: never with the full NIK."""
        return f"{self.name} ({mask_number(self.nik) or 'tanpa NIK'})"


class HouseholdQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        return in_region_or_reported(scope)


@pghistory.track()
class Household(TimeStampedModel):
    """A family (keluarga), normally one Kartu Keluarga; members and their relation come and go."""

    no_kk = models.CharField("No. KK", max_length=16, unique=True, null=True, blank=True)
    wilayah = models.ForeignKey(
        "wilayah.Wilayah", verbose_name="desa/kelurahan", on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField("alamat", max_length=300, blank=True)
    rt = models.CharField("RT", max_length=3, blank=True)
    rw = models.CharField("RW", max_length=3, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="dicatat oleh",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField("versi", default=1)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = "keluarga"
        verbose_name_plural = "keluarga"
        ordering = ["wilayah_id", "id"]
        indexes = [
            models.Index(fields=["wilayah"], opclasses=["varchar_pattern_ops"], name="household_wilayah_prefix"),
        ]

    def __str__(self):
        # Lists annotate head_name (ppks.selectors.household_list); elsewhere one query finds the head,
        # remembered for the rest of the request.
        if not hasattr(self, "head_name"):
            self.head_name = getattr(self.head(), "name", None)
        return f"Keluarga {self.head_name}" if self.head_name else f"Keluarga #{self.pk}"

    @property
    def scope_region(self) -> str:
        return self.wilayah_id

    def head(self):
        member = self.members.filter(left_on__isnull=True, relation__code="kepala").select_related("person").first()
        return member.person if member else None

    def audit_label(self) -> str:
        return f"{self} (KK {mask_number(self.no_kk) or 'tanpa KK'})"


@pghistory.track()
class HouseholdMember(TimeStampedModel):
    """A person's membership of a household over time: the household history of a person."""

    household = models.ForeignKey(Household, verbose_name="keluarga", on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, verbose_name="orang", on_delete=models.PROTECT, related_name="memberships")
    relation = models.ForeignKey(
        Referensi,
        verbose_name="hubungan dalam keluarga",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": RefKind.HUBUNGAN},
    )
    joined_on = models.DateField("sejak", null=True, blank=True)
    left_on = models.DateField("keluar", null=True, blank=True, help_text="Hari pertama bukan lagi anggota.")

    class Meta:
        verbose_name = "anggota keluarga"
        verbose_name_plural = "anggota keluarga"
        ordering = ["household_id", "relation__order", "id"]
        constraints = [
            # A person belongs to one household at a time.
            models.UniqueConstraint(
                fields=["person"], condition=Q(left_on__isnull=True), name="one_current_household_per_person"
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.relation}"


class CategorySource(models.TextChoices):
    TKSK = "tksk", "Laporan TKSK"
    WALK_IN = "datang", "Datang langsung"
    HOTLINE = "hotline", "Pengaduan/hotline"
    LKS = "lks", "LKS"
    POLISI = "polisi", "Kepolisian"
    RUJUKAN = "rujukan", "Rujukan masuk"
    DTSEN = "dtsen", "DTSEN/DTKS"
    IMPOR = "impor", "Impor berkas"
    LAINNYA = "lainnya", "Lainnya"


@pghistory.track()
class PersonCategory(TimeStampedModel):
    """A PPKS category held by a person or a household from a date, with its source and verification."""

    person = models.ForeignKey(
        Person, verbose_name="orang", on_delete=models.CASCADE, null=True, blank=True, related_name="categories"
    )
    household = models.ForeignKey(
        Household,
        verbose_name="keluarga",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="categories",
    )
    category = models.ForeignKey(PpksCategory, verbose_name="jenis PPKS", on_delete=models.PROTECT, related_name="+")
    source = models.CharField("sumber", max_length=10, choices=CategorySource.choices)
    recorded_on = models.DateField("tanggal")
    ended_on = models.DateField("berakhir", null=True, blank=True)
    verified = models.BooleanField("terverifikasi", default=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="diverifikasi oleh",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField("catatan", max_length=300, blank=True)
    # The category itself may say HIV, violence, conflict with the law, disability, addiction.
    sensitive_fields = ("category", "note")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="dicatat oleh",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "kategori PPKS"
        verbose_name_plural = "kategori PPKS"
        ordering = ["-recorded_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, household__isnull=True)
                | Q(person__isnull=True, household__isnull=False),
                name="category_person_xor_household",
            ),
        ]
        indexes = [models.Index(fields=["category", "recorded_on"], name="personcategory_category")]

    def __str__(self):
        return f"{self.category.abbreviation} ({self.get_source_display()}, {self.recorded_on:%d/%m/%Y})"

    @property
    def holder(self):
        """The person or the household that holds the category."""
        return self.person or self.household
