"""Shapes of the LKS registry's forms. Scope, permission and the rules of each step are the services' job."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from kesos.core.forms import ScopedSearchMixin, StyledFormMixin
from kesos.core.uploads import check_upload
from kesos.wilayah.forms import WilayahField

from . import selectors
from .choices import (
    APPLICATION_DOCUMENTS,
    BoardRole,
    DocumentKind,
    FundingSource,
    Grade,
    LegalStatus,
    LksStatus,
    PermitKind,
    StaffKind,
)
from .models import Lks

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "hh/bb/tttt"})
ANY = [("", "Semua")]


# --- Uploads of several files at once --------------------------------------------------------------
class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more files from one <input type="file" multiple>; each is checked like a single upload."""

    def __init__(self, *args, images_only=False, **kwargs):
        self.images_only = images_only
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": _accept(images_only)}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        errors = []
        for upload in files:
            try:
                checked = check_upload(upload)
            except ValidationError as exc:
                errors += [f"{upload.name}: {m}" for m in exc.messages]
                continue
            if self.images_only and not checked.content_type.startswith("image/"):
                errors.append(f"{upload.name}: foto harus berupa JPG atau PNG.")
        if errors:
            raise ValidationError(errors)
        return files


class Checkboxes(forms.CheckboxSelectMultiple):
    """Bootstrap's form-check markup: the checkbox class on each box, not on the list around them."""

    template_name = "lks/widgets/checkboxes.html"


def _accept(images_only: bool) -> str:
    return "image/jpeg,image/png" if images_only else "image/jpeg,image/png,application/pdf"


def _document_choices():
    return [(code, label) for code, label, _ in APPLICATION_DOCUMENTS]


def _checklist(label, help_text=""):
    return forms.MultipleChoiceField(
        label=label, choices=_document_choices(), required=False, widget=Checkboxes,
        help_text=help_text,
    )  # fmt: skip


# --- Profile -------------------------------------------------------------------------------------
class LksForm(StyledFormMixin, forms.ModelForm):
    """The LKS profile. An LKS operator's changes to identity, legal and bank data wait for the Dinsos."""

    types = forms.ModelMultipleChoiceField(
        label="Jenis layanan (sasaran)", queryset=None, widget=Checkboxes,
        help_text="Pilih semua kelompok sasaran yang dilayani.",
    )  # fmt: skip
    wilayah = WilayahField(label="Desa/kelurahan")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # Grouped on the page in this order.
    SECTIONS = [
        ("Identitas dan layanan", ["name", "types", "lingkup", "service_mode", "capacity", "status"]),
        ("Alamat dan kontak", ["wilayah", "address", "latitude", "longitude", "phone", "email", "head_name",
                               "head_phone"]),
        ("Status hukum", ["legal_status", "legal_form", "deed_number", "deed_date", "sk_kemenkumham", "npwp"]),
        ("Rekening bank", ["bank_name", "bank_account", "bank_account_name"]),
        ("Sarana, layanan dan pendanaan", ["facilities", "services_offered", "funding_sources"]),
    ]  # fmt: skip
    VERIFIED_FIELDS = (
        "name", "lingkup", "legal_status", "legal_form", "deed_number", "deed_date", "sk_kemenkumham", "npwp",
        "bank_name", "bank_account", "bank_account_name", "wilayah",
    )  # fmt: skip

    class Meta:
        model = Lks
        fields = [
            "name", "types", "lingkup", "service_mode", "capacity", "status", "wilayah", "address", "latitude",
            "longitude", "phone", "email", "head_name", "head_phone", "legal_status", "legal_form", "deed_number",
            "deed_date", "sk_kemenkumham", "npwp", "bank_name", "bank_account", "bank_account_name", "facilities",
            "services_offered", "funding_sources",
        ]  # fmt: skip
        widgets = {
            "deed_date": DATE_WIDGET,
            "latitude": forms.NumberInput(attrs={"step": "0.000001", "placeholder": "-3.316694"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001", "placeholder": "114.590111"}),
            "facilities": forms.Textarea(attrs={"rows": 3}),
            "services_offered": forms.Textarea(attrs={"rows": 3}),
            "funding_sources": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "latitude": "Tidak wajib. Koordinat GPS dalam derajat desimal.",
            "legal_form": "Untuk lembaga berbadan hukum.",
        }

    def __init__(self, *args, province=None, may_set_status=True, verified_later=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["types"].queryset = selectors.lks_types()
        self.fields["types"].label_from_instance = lambda t: f"{t.abbreviation} — {t.name}"
        self.fields["wilayah"].limit_to(province)
        if not may_set_status:
            del self.fields["status"]
        if verified_later:
            for name in self.VERIFIED_FIELDS:
                extra = "Perubahan menunggu verifikasi Dinas Sosial."
                help_text = self.fields[name].help_text
                self.fields[name].help_text = f"{help_text} {extra}".strip()
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["wilayah"].initial = self.instance.wilayah_id

    def sections(self):
        return [(title, [self[name] for name in names if name in self.fields]) for title, names in self.SECTIONS]

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class LksSearchForm(ScopedSearchMixin, StyledFormMixin, forms.Form):
    q = forms.CharField(label="Cari nama LKS", required=False)
    wilayah = forms.ChoiceField(label="Kabupaten/kota", required=False)
    type = forms.ChoiceField(label="Jenis layanan", required=False)
    legal_status = forms.ChoiceField(label="Status hukum", required=False, choices=ANY + LegalStatus.choices)
    registration = forms.ChoiceField(
        label="Tanda Daftar", required=False, choices=ANY + list(selectors.REGISTRATION_STATES.items())
    )
    grade = forms.ChoiceField(label="Akreditasi", required=False, choices=ANY + list(selectors.GRADE_FILTERS.items()))
    status = forms.ChoiceField(label="Status LKS", required=False, choices=ANY + LksStatus.choices)
    expiring = forms.BooleanField(label="Surat/akreditasi akan atau sudah kedaluwarsa (90 hari)", required=False)


# --- Tanda Daftar / izin operasional ------------------------------------------------------------
class ApplicationForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Jenis permohonan", choices=PermitKind.choices, initial=PermitKind.TANDA_DAFTAR)
    documents = _checklist(
        "Berkas yang diserahkan",
        "Centang berkas yang sudah dilampirkan atau diserahkan ke Dinas Sosial. Semua wajib, kecuali sertifikat "
        "akreditasi.",
    )
    note = forms.CharField(label="Catatan permohonan", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(
        label="Unggah berkas", help_text="JPG, PNG atau PDF; boleh beberapa berkas sekaligus. Tidak wajib."
    )


class CheckForm(StyledFormMixin, forms.Form):
    documents = _checklist("Berkas yang diperiksa lengkap dan sah")
    note = forms.CharField(label="Catatan pemeriksaan", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class VisitForm(StyledFormMixin, forms.Form):
    visit_on = forms.DateField(label="Tanggal kunjungan", widget=DATE_WIDGET)
    officers = forms.CharField(label="Petugas verifikasi", max_length=300)
    findings = forms.CharField(label="Temuan lapangan", widget=forms.Textarea(attrs={"rows": 4}))
    photos = MultipleFileField(
        label="Foto kunjungan", images_only=True, help_text="JPG atau PNG; boleh beberapa foto sekaligus."
    )


class IssueForm(StyledFormMixin, forms.Form):
    number = forms.CharField(label="Nomor surat", max_length=100)
    issuer = forms.CharField(label="Diterbitkan oleh", max_length=200)
    issued_on = forms.DateField(label="Tanggal terbit", widget=DATE_WIDGET)
    valid_until = forms.DateField(label="Berlaku sampai", widget=DATE_WIDGET)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.office_id:
            self.fields["issuer"].initial = user.office.name
        self.fields["issued_on"].initial = timezone.localdate()


class RecordForm(IssueForm):
    """A Tanda Daftar or izin operasional issued earlier or elsewhere, recorded without the workflow."""

    kind = forms.ChoiceField(label="Jenis surat", choices=PermitKind.choices)
    field_order = ["kind", "number", "issuer", "issued_on", "valid_until"]


class RejectForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label="Alasan penolakan", widget=forms.Textarea(attrs={"rows": 2}), help_text="Dibaca oleh LKS pemohon."
    )


class ChangeDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", "Setujui"), ("0", "Tolak")], coerce=lambda v: v == "1", empty_value=None
    )
    reason = forms.CharField(label="Alasan", required=False, max_length=300)


# --- Accreditation, board, staff, assistance, documents --------------------------------------------
class AccreditationForm(StyledFormMixin, forms.Form):
    grade = forms.ChoiceField(label="Peringkat", choices=Grade.choices)
    certificate_number = forms.CharField(label="Nomor sertifikat", max_length=100)
    accredited_on = forms.DateField(label="Tanggal akreditasi", widget=DATE_WIDGET)
    valid_until = forms.DateField(
        label="Berlaku sampai", required=False, widget=DATE_WIDGET,
        help_text="Kosongkan untuk masa berlaku menurut peringkat: A 5 tahun, B 3 tahun, C 2 tahun.",
    )  # fmt: skip
    body = forms.CharField(
        label="Lembaga pengakreditasi", max_length=200, required=False,
        help_text="Kosong: Badan Akreditasi Lembaga Kesejahteraan Sosial (BALKS).",
    )  # fmt: skip
    note = forms.CharField(label="Catatan", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BoardMemberForm(StyledFormMixin, forms.Form):
    role = forms.ChoiceField(label="Jabatan", choices=BoardRole.choices)
    name = forms.CharField(label="Nama", max_length=200)
    nik = forms.CharField(label="NIK", max_length=16, required=False)
    phone = forms.CharField(label="Nomor HP", max_length=30, required=False)
    term_start = forms.DateField(label="Masa bakti mulai", required=False, widget=DATE_WIDGET)
    term_end = forms.DateField(label="Masa bakti berakhir", required=False, widget=DATE_WIDGET)


class StaffForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Jenis SDM", choices=StaffKind.choices)
    name = forms.CharField(label="Nama", max_length=200)
    phone = forms.CharField(label="Nomor HP", max_length=30, required=False)
    education = forms.CharField(label="Pendidikan", max_length=100, required=False)
    certification = forms.CharField(
        label="Sertifikasi", max_length=200, required=False,
        help_text="Mis. sertifikat pekerja sosial, pelatihan pengasuhan.",
    )  # fmt: skip
    started_on = forms.DateField(label="Mulai bertugas", required=False, widget=DATE_WIDGET)


class AssistanceForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label="Tahun", min_value=1945, max_value=2100)
    programme = forms.CharField(label="Program", max_length=200)
    source = forms.ChoiceField(label="Sumber", choices=FundingSource.choices)
    amount = forms.DecimalField(label="Jumlah (Rp)", required=False, max_digits=15, decimal_places=0, min_value=0)
    in_kind = forms.CharField(label="Bantuan barang", max_length=300, required=False, help_text="Bila bukan uang.")
    received_on = forms.DateField(label="Tanggal diterima", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


UPLOAD_KINDS = [
    (DocumentKind.LAPORAN_TAHUNAN, DocumentKind.LAPORAN_TAHUNAN.label),
    (DocumentKind.SERTIFIKAT, DocumentKind.SERTIFIKAT.label),
    (DocumentKind.LAINNYA, DocumentKind.LAINNYA.label),
]


class DocumentForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Jenis dokumen", choices=UPLOAD_KINDS)
    year = forms.IntegerField(
        label="Tahun", required=False, min_value=1945, max_value=2100, help_text="Wajib untuk laporan tahunan."
    )
    title = forms.CharField(label="Judul", max_length=200, required=False, help_text="Kosong: nama berkas.")
    upload = forms.FileField(
        label="Berkas", help_text="JPG, PNG atau PDF.",
        widget=forms.ClearableFileInput(attrs={"accept": _accept(False)}),
    )  # fmt: skip


class EndForm(forms.Form):
    """Ending a board term or a staff member's service: today, unless a date is given."""

    on = forms.DateField(required=False)
