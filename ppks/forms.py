from django import forms

from kesos.core.forms import StyledFormMixin
from kesos.wilayah.forms import WilayahField
from kesos.wilayah.nik import KkField, NikField

from . import workflow
from .models import (
    Assessment,
    CasePriority,
    CaseSource,
    CategorySource,
    Household,
    Person,
    PlanItem,
    PpksCategory,
    Referensi,
    RefKind,
    ServiceDelivery,
)
from .workflow import Stage

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "hh/bb/tttt"})


def _reference_field(kind, label, required=False):
    return forms.ModelChoiceField(
        label=label, queryset=Referensi.objects.filter(kind=kind, active=True), required=required, empty_label="—"
    )


class PersonForm(StyledFormMixin, forms.ModelForm):
    """Shape of a person record; uniqueness, scope and permission are the service's job."""

    nik = NikField(label="NIK", required=False, help_text="Kosongkan bila belum punya NIK (identitas sementara).")
    no_kk = KkField(label="No. KK", required=False)
    wilayah = WilayahField(label="Desa/kelurahan domisili")
    religion = _reference_field(RefKind.AGAMA, "Agama")
    marital_status = _reference_field(RefKind.STATUS_KAWIN, "Status perkawinan")
    education = _reference_field(RefKind.PENDIDIKAN, "Pendidikan terakhir")
    disability = _reference_field(RefKind.DISABILITAS, "Jenis disabilitas")
    legal_basis = _reference_field(RefKind.DASAR_HUKUM, "Dasar pemrosesan data")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm_not_duplicate = forms.BooleanField(
        label="Bukan duplikat: saya sudah memeriksa data yang mirip", required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = Person
        fields = [
            "nik", "no_kk", "name", "aliases", "sex", "birth_place", "birth_date", "wilayah", "address", "rt", "rw",
            "phone", "religion", "marital_status", "education", "occupation", "disability", "dtsen_desil",
            "dtsen_period", "legal_basis",
        ]  # fmt: skip
        widgets = {"birth_date": DATE_WIDGET}

    def __init__(self, *args, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wilayah"].limit_to(province)
        self.fields["nik"].validators = []  # NikField checks the structure itself
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["wilayah"].initial = self.instance.wilayah_id

    def validate_unique(self):
        """The service decides about duplicates, with a message that respects scope."""

    def show_duplicate_confirmation(self):
        """After the service found near-duplicates: let the user tick the box on the next submit."""
        field = self.fields["confirm_not_duplicate"]
        field.widget = forms.CheckboxInput(attrs={"class": "form-check-input"})

    def service_data(self):
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "confirm_not_duplicate")}


class PersonSearchForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="Cari nama atau NIK/No. KK", required=False)
    wilayah = WilayahField(label="Wilayah", required=False, require_depth=False)

    def __init__(self, *args, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wilayah"].limit_to(province)


class HouseholdForm(StyledFormMixin, forms.ModelForm):
    no_kk = KkField(label="No. KK", required=False, help_text="Kosongkan bila keluarga belum punya KK.")
    wilayah = WilayahField(label="Desa/kelurahan")

    class Meta:
        model = Household
        fields = ["no_kk", "wilayah", "address", "rt", "rw"]

    def __init__(self, *args, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wilayah"].limit_to(province)

    def validate_unique(self):
        """The service decides about a known KK."""


class NewMemberForm(PersonForm):
    """A new person registered straight into a household, with their relation to its head."""

    relation = _reference_field(RefKind.HUBUNGAN, "Hubungan dalam keluarga", required=True)

    def service_data(self):
        data = super().service_data()
        data.pop("relation")
        return data


class ExistingMemberForm(StyledFormMixin, forms.Form):
    nik = NikField(label="NIK orang yang sudah terdaftar")
    relation = _reference_field(RefKind.HUBUNGAN, "Hubungan dalam keluarga", required=True)


class CategoryForm(StyledFormMixin, forms.Form):
    category = forms.ModelChoiceField(
        label="Jenis PPKS", queryset=PpksCategory.objects.filter(active=True), empty_label="Pilih jenis PPKS"
    )
    source = forms.ChoiceField(label="Sumber", choices=CategorySource.choices)
    recorded_on = forms.DateField(label="Tanggal", required=False, widget=DATE_WIDGET, help_text="Kosong: hari ini.")
    note = forms.CharField(label="Catatan", required=False, max_length=300)


class CaseOpenForm(StyledFormMixin, forms.Form):
    categories = forms.ModelMultipleChoiceField(
        label="Jenis PPKS", queryset=PpksCategory.objects.filter(active=True),
        widget=forms.SelectMultiple(attrs={"size": 6}), help_text="Tahan Ctrl untuk memilih lebih dari satu.",
    )  # fmt: skip
    source = forms.ChoiceField(label="Sumber laporan", choices=CaseSource.choices)
    reporter_name = forms.CharField(label="Nama pelapor (bila dari luar)", required=False, max_length=200)
    priority = forms.ChoiceField(label="Prioritas", choices=CasePriority.choices, initial=CasePriority.SEDANG)
    summary = forms.CharField(label="Ringkasan masalah", widget=forms.Textarea(attrs={"rows": 4}))
    sensitive_notes = forms.CharField(
        label="Catatan khusus (kesehatan, disabilitas, hukum, perlindungan anak)", required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Hanya terlihat oleh pekerja sosial yang ditugaskan dan penyelia.",
    )  # fmt: skip


class CaseTransitionForm(StyledFormMixin, forms.Form):
    to_stage = forms.ChoiceField(label="Pindah ke tahap", choices=[])
    note = forms.CharField(label="Catatan", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [(s, Stage(s).label) for s in workflow.next_stages(case.stage)]
        self.fields["version"].initial = case.version


class CaseAssignForm(StyledFormMixin, forms.Form):
    worker = forms.ModelChoiceField(label="Pekerja sosial", queryset=None, empty_label="Pilih pekerja sosial")

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers


class CaseSearchForm(PersonSearchForm):
    q = forms.CharField(label="Cari nomor kasus, NIK/No. KK atau nama", required=False)
    stage = forms.ChoiceField(label="Tahap", choices=[("", "Semua tahap"), *Stage.choices], required=False)
    category = forms.ChoiceField(label="Jenis PPKS", required=False, choices=[])
    open_only = forms.BooleanField(label="Hanya kasus yang masih berjalan", required=False)
    mine = forms.BooleanField(label="Hanya kasus yang ditugaskan kepada saya", required=False)
    overdue = forms.BooleanField(label="Ada rencana atau rujukan yang terlambat", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            ("", "Semua jenis"),
            *PpksCategory.objects.values_list("code", "abbreviation"),
        ]


class AssessmentForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["assessed_on", "scope", "findings", "needs", "strengths"]
        widgets = {
            "assessed_on": DATE_WIDGET,
            "findings": forms.Textarea(attrs={"rows": 3}),
            "needs": forms.Textarea(attrs={"rows": 2}),
            "strengths": forms.Textarea(attrs={"rows": 2}),
        }


class PlanItemForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = PlanItem
        fields = ["goal", "service", "responsible", "target_date"]
        widgets = {"target_date": DATE_WIDGET}

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = workers


class ServiceForm(StyledFormMixin, forms.ModelForm):
    programme = _reference_field(RefKind.PROGRAM, "Program", required=True)
    atensi_component = _reference_field(RefKind.ATENSI, "Komponen ATENSI (bila ada)")

    class Meta:
        model = ServiceDelivery
        fields = ["delivered_on", "form", "programme", "atensi_component", "description", "provider", "amount",
                  "in_kind"]  # fmt: skip
        widgets = {"delivered_on": DATE_WIDGET}


class NoteForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label="Catatan", widget=forms.Textarea(attrs={"rows": 2}))
