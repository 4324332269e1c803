"""Shapes of the pillar roster's forms. Scope, permission, the posting level and the rules of each step
are the services' job (pilar.services); a form only checks what a person typed."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from kesos.accounts.models import Role
from kesos.accounts.selectors import user_visible
from kesos.core.forms import ScopedSearchMixin, StyledFormMixin
from kesos.wilayah.forms import WilayahField
from kesos.wilayah.models import Level

from . import selectors
from .choices import MemberKind, MemberStatus
from .models import Member

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "hh/bb/tttt"})
MONTH_FORMATS = ["%m/%Y", "%m-%Y", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m", "%Y-%m-%d"]


def level_hint(type) -> str:
    """Where a member of the type is posted, as the help text of the area picker."""
    if type is not None and type.level:
        return (
            f"{type.abbreviation} ditugaskan per {Level(type.level).label.lower()}: pilih sampai tingkat "
            f"{Level(type.level).label.lower()}."
        )
    return "TKSK: pilih kecamatan; PSM dan Karang Taruna: desa/kelurahan; Tagana: kabupaten/kota."


# --- Search --------------------------------------------------------------------------------------
class MemberSearchForm(ScopedSearchMixin, StyledFormMixin, forms.Form):
    q = forms.CharField(label="Cari nama, NIK atau nomor induk", required=False)
    type = forms.ChoiceField(label="Jenis pilar", required=False)
    wilayah = forms.ChoiceField(label="Kabupaten/kota", required=False)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Semua")] + MemberStatus.choices)


# --- Member profile ------------------------------------------------------------------------------
class TypeChoiceForm(StyledFormMixin, forms.Form):
    """The first step of adding a member: which kind of pillar (the form then shows its fields)."""

    jenis = forms.ModelChoiceField(
        label="Jenis pilar sosial", queryset=None, to_field_name="code", empty_label="Pilih jenis pilar",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jenis"].queryset = selectors.pilar_types(roster_only=True)
        self.fields["jenis"].label_from_instance = lambda t: f"{t.abbreviation} — {t.name}"


# Fields shown only for some types (the services ignore the others anyway).
PERSON_ONLY = ("nik", "sex", "birth_date", "education", "occupation", "user")
ORGANISATION_ONLY = ("chair_name", "member_count", "classification", "business_units")


class MemberForm(StyledFormMixin, forms.ModelForm):
    """A pillar's profile. Adding one also sets the first posting (`wilayah`, `starts_on`); later moves
    and ends are their own forms. The fields depend on the type: persons or organisations, member
    number and grade (Tagana), classification (Karang Taruna)."""

    type = forms.ModelChoiceField(label="Jenis pilar", queryset=None, to_field_name="code", widget=forms.HiddenInput)
    wilayah = WilayahField(label="Wilayah tugas", require_depth=False)
    starts_on = forms.DateField(
        label="Mulai bertugas", required=False, widget=DATE_WIDGET,
        help_text="Kosong: tanggal aktif sejak, tanggal SK, atau hari ini.",
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    SECTIONS = [
        ("Jenis dan wilayah tugas", ["type", "wilayah", "starts_on"]),
        ("Identitas", ["name", "nik", "sex", "birth_date", "education", "occupation", "chair_name", "member_count",
                       "classification", "business_units"]),
        ("Kontak", ["phone", "email", "address"]),
        ("Surat keputusan dan keanggotaan", ["sk_number", "sk_date", "sk_issuer", "member_number", "grade",
                                             "active_from"]),
        ("Akun Kesos", ["user"]),
    ]  # fmt: skip

    class Meta:
        model = Member
        fields = [
            "name", "nik", "sex", "birth_date", "phone", "email", "education", "occupation", "address",
            "chair_name", "member_count", "classification", "business_units", "sk_number", "sk_date", "sk_issuer",
            "member_number", "grade", "active_from", "user",
        ]  # fmt: skip
        widgets = {
            "birth_date": DATE_WIDGET,
            "sk_date": DATE_WIDGET,
            "active_from": DATE_WIDGET,
            "nik": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "16", "autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }
        labels = {"name": "Nama", "user": "Akun Kesos (untuk TKSK)"}
        help_texts = {
            "nik": "16 digit sesuai KTP.",
            "user": "Akun pengguna dengan peran TKSK yang mengisi laporan bulanan atas nama anggota ini.",
        }

    def __init__(self, *args, actor=None, type=None, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        type = self.instance.type if editing else type
        self.pilar_type = type
        if editing:
            for name in ("type", "wilayah", "starts_on"):
                del self.fields[name]
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]
            self.fields["type"].queryset = selectors.pilar_types(roster_only=True)
            self.fields["type"].initial = getattr(type, "code", None)
            self.fields["wilayah"].limit_to(province)
            self.fields["wilayah"].help_text = level_hint(type)
        if type is not None:
            drop = list(ORGANISATION_ONLY if type.kind == MemberKind.PERSON else PERSON_ONLY)
            drop += [] if type.has_member_number else ["member_number"]
            drop += [] if type.has_grade else ["grade"]
            drop += [] if type.has_classification else ["classification"]
            for name in drop:
                self.fields.pop(name, None)
            if type.kind == MemberKind.ORGANISATION:
                self.fields["name"].label = "Nama organisasi/lembaga"
        if "user" in self.fields:
            self._limit_users(actor)

    def _limit_users(self, actor):
        """Active accounts with a current TKSK role the actor administers; the field goes when there are none."""
        today = timezone.localdate()
        current_tksk = Q(
            assignments__role=Role.TKSK, assignments__starts_on__lte=today,
        ) & (Q(assignments__ends_on__isnull=True) | Q(assignments__ends_on__gt=today))  # fmt: skip
        qs = user_visible(actor=actor).filter(is_active=True).filter(current_tksk)
        if self.instance.user_id:
            qs = user_visible(actor=actor).filter(Q(pk__in=qs.values("pk")) | Q(pk=self.instance.user_id))
        qs = qs.distinct().order_by("full_name", "username")
        if actor is None or not qs.exists():
            del self.fields["user"]
            return
        self.fields["user"].queryset = qs
        self.fields["user"].label_from_instance = lambda u: f"{u.get_full_name()} ({u.username})"

    def _post_clean(self):
        """Shape only: the services check the record (NIK, posting level, unique NIK per type)."""

    def sections(self):
        return [
            (title, [self[name] for name in names if name in self.fields and not self[name].is_hidden])
            for title, names in self.SECTIONS
        ]

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "type")}


# --- Postings ------------------------------------------------------------------------------------
class PostingMoveForm(StyledFormMixin, forms.Form):
    wilayah = WilayahField(label="Wilayah tugas baru", require_depth=False)
    starts_on = forms.DateField(
        label="Mulai bertugas di wilayah baru", widget=DATE_WIDGET,
        help_text="Penugasan yang sekarang berakhir pada tanggal ini.",
    )  # fmt: skip
    sk_number = forms.CharField(label="Nomor SK penugasan", max_length=100, required=False)
    note = forms.CharField(label="Keterangan", max_length=300, required=False)

    def __init__(self, *args, type=None, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wilayah"].limit_to(province)
        self.fields["wilayah"].help_text = level_hint(type)
        self.fields["starts_on"].initial = timezone.localdate()


class PostingEndForm(StyledFormMixin, forms.Form):
    ends_on = forms.DateField(
        label="Tanggal berakhir", widget=DATE_WIDGET,
        help_text="Hari pertama tidak lagi bertugas; wilayahnya tidak tercakup mulai hari itu.",
    )  # fmt: skip
    status = forms.ChoiceField(
        label="Status sesudahnya",
        choices=[(MemberStatus.NON_AKTIF, MemberStatus.NON_AKTIF.label),
                 (MemberStatus.DIBERHENTIKAN, MemberStatus.DIBERHENTIKAN.label)],
        initial=MemberStatus.NON_AKTIF,
    )  # fmt: skip
    note = forms.CharField(
        label="Keterangan", max_length=300, required=False, help_text="Mis. mengundurkan diri, meninggal dunia."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ends_on"].initial = timezone.localdate()


# --- Trainings, awards, allowances ---------------------------------------------------------------
class TrainingForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="Nama pelatihan", max_length=200)
    organiser = forms.CharField(label="Penyelenggara", max_length=200, required=False)
    starts_on = forms.DateField(label="Mulai", widget=DATE_WIDGET)
    ends_on = forms.DateField(label="Selesai", required=False, widget=DATE_WIDGET)
    venue = forms.CharField(label="Tempat", max_length=200, required=False)
    hours = forms.IntegerField(label="Jumlah jam pelajaran", required=False, min_value=0, max_value=32767)
    certificate = forms.CharField(label="Nomor sertifikat", max_length=100, required=False)


class AwardForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label="Tahun", min_value=1945, max_value=2100)
    title = forms.CharField(
        label="Penghargaan", max_length=200, help_text="Mis. Pilar Sosial Teladan Tingkat Provinsi."
    )
    giver = forms.CharField(label="Pemberi", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class AllowanceForm(StyledFormMixin, forms.Form):
    month = forms.DateField(
        label="Bulan", input_formats=MONTH_FORMATS, widget=forms.DateInput(attrs={"placeholder": "bb/tttt"}),
        help_text="Bulan yang dibayar, mis. 03/2026.",
    )  # fmt: skip
    amount = forms.DecimalField(label="Jumlah (Rp)", max_digits=12, decimal_places=0, min_value=0)
    source = forms.CharField(label="Sumber dana", max_length=100, help_text="Mis. APBD Provinsi, APBN.")
    paid_on = forms.DateField(label="Tanggal bayar", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].initial = timezone.localdate().strftime("%m/%Y")
