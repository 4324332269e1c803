"""Shapes of the TKSK field forms (monthly report, field case report) and of the supervisors' filters.
Scope, permission and the rules of each step are the services' job."""

from django import forms
from django.utils import timezone

from kesos.core.forms import StyledFormMixin
from kesos.core.validators import validate_date_in_range
from kesos.wilayah.nik import NikField

from .choices import ActivityKind, ReportStatus

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "hh/bb/tttt", "inputmode": "numeric"})
MONTH_WIDGET = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
ANY = [("", "Semua")]


class WilayahChoiceField(forms.ModelChoiceField):
    """A desa/kelurahan shown as people write it ("Kelurahan Palam")."""

    def label_from_instance(self, obj):
        return obj.label


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.abbreviation} — {obj.name}" if obj.abbreviation != obj.name else obj.name


def month_field(label="Bulan", required=False):
    return forms.DateField(
        label=label, required=required, input_formats=["%Y-%m"], widget=MONTH_WIDGET,
        validators=[validate_date_in_range],
    )  # fmt: skip


# --- The monthly report ------------------------------------------------------------------------------
class ActivityForm(StyledFormMixin, forms.Form):
    day = forms.DateField(label="Tanggal", widget=DATE_WIDGET)
    desa = WilayahChoiceField(label="Desa/kelurahan", queryset=None, empty_label="Pilih desa/kelurahan")
    kind = forms.ChoiceField(label="Jenis kegiatan", choices=[("", "Pilih jenis kegiatan"), *ActivityKind.choices])
    description = forms.CharField(label="Uraian kegiatan", widget=forms.Textarea(attrs={"rows": 3}))
    people_reached = forms.IntegerField(
        label="Jumlah orang/KK yang dilayani", min_value=0, required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )  # fmt: skip

    def __init__(self, *args, desa, **kwargs):
        kwargs.setdefault("prefix", "kegiatan")
        super().__init__(*args, **kwargs)
        self.fields["desa"].queryset = desa
        self.fields["day"].initial = timezone.localdate()


class FindingForm(StyledFormMixin, forms.Form):
    desa = WilayahChoiceField(label="Desa/kelurahan", queryset=None, empty_label="Pilih desa/kelurahan")
    category = CategoryChoiceField(label="Jenis PPKS", queryset=None, empty_label="Pilih jenis PPKS")
    count = forms.IntegerField(
        label="Jumlah", min_value=0, help_text="Isi 0 untuk menghapus baris yang sudah dicatat.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )  # fmt: skip

    def __init__(self, *args, desa, categories, **kwargs):
        kwargs.setdefault("prefix", "temuan")
        super().__init__(*args, **kwargs)
        self.fields["desa"].queryset = desa
        self.fields["category"].queryset = categories


class PhotoForm(StyledFormMixin, forms.Form):
    upload = forms.FileField(
        label="Foto kegiatan",
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text="JPG atau PNG. Di ponsel, kamera terbuka langsung.",
    )
    caption = forms.CharField(label="Keterangan foto", max_length=200, required=False)
    latitude = forms.DecimalField(max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput)
    longitude = forms.DecimalField(max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "foto")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if lat is not None and not -90 <= lat <= 90 or lon is not None and not -180 <= lon <= 180:
            self.add_error(None, "Lokasi dari ponsel tidak valid; ambil lokasi lagi atau kirim tanpa lokasi.")
        return data


class ReportTextForm(StyledFormMixin, forms.Form):
    psks_found = forms.CharField(
        label="PSKS yang ditemukan", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Potensi dan sumber kesejahteraan sosial: relawan, Karang Taruna, LKS, dunia usaha…",
    )  # fmt: skip
    obstacles = forms.CharField(label="Kendala", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    recommendations = forms.CharField(label="Rekomendasi", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, report, **kwargs):
        kwargs.setdefault("prefix", "catatan")
        kwargs.setdefault(
            "initial",
            {"psks_found": report.psks_found, "obstacles": report.obstacles,
             "recommendations": report.recommendations, "version": report.version},
        )  # fmt: skip
        super().__init__(*args, **kwargs)


class AcknowledgeForm(StyledFormMixin, forms.Form):
    accept = forms.TypedChoiceField(
        label="Keputusan", coerce=lambda v: v == "1", choices=[("1", "Terima"), ("0", "Kembalikan untuk diperbaiki")]
    )
    note = forms.CharField(
        label="Catatan untuk TKSK", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Wajib bila laporan dikembalikan.",
    )  # fmt: skip


# --- Supervisors' lists ------------------------------------------------------------------------------------
class ReportFilterForm(StyledFormMixin, forms.Form):
    bulan = month_field()
    status = forms.ChoiceField(label="Status", choices=ANY + ReportStatus.choices, required=False)
    kabkota = forms.ChoiceField(label="Kabupaten/kota", choices=ANY, required=False)

    def __init__(self, *args, kabkota=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kabkota"].choices = ANY + [(w.code, w.name) for w in kabkota]
        if len(kabkota) <= 1:
            del self.fields["kabkota"]

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"month": data.get("bulan"), "status": data.get("status", ""), "wilayah": data.get("kabkota", "")}


class SubmissionFilterForm(StyledFormMixin, forms.Form):
    bulan = month_field()
    kabkota = forms.ChoiceField(label="Kabupaten/kota", choices=ANY, required=False)

    def __init__(self, *args, kabkota=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kabkota"].choices = ANY + [(w.code, w.name) for w in kabkota]
        if len(kabkota) <= 1:
            del self.fields["kabkota"]


# --- The field case report ---------------------------------------------------------------------------------
class FieldCaseForm(StyledFormMixin, forms.Form):
    """One person found in the field. The duplicate check is the PPKS service's: a near-duplicate name
    brings up the candidates, a "Bukan duplikat" box and the choice to file for an existing person."""

    nik = NikField(label="NIK", required=False, help_text="Kosongkan bila belum punya atau tidak tahu NIK-nya.")
    name = forms.CharField(label="Nama lengkap", max_length=200)
    sex = forms.ChoiceField(label="Jenis kelamin", choices=[("", "Pilih"), ("L", "Laki-laki"), ("P", "Perempuan")])
    birth_date = forms.DateField(
        label="Tanggal lahir", required=False, widget=DATE_WIDGET, help_text="Perkiraan pun boleh, mis. 01/01/1950."
    )
    desa = WilayahChoiceField(label="Desa/kelurahan tempat tinggal", queryset=None, empty_label="Pilih desa/kelurahan")
    address = forms.CharField(label="Alamat (jalan, RT/RW, patokan)", max_length=300, required=False)
    phone = forms.CharField(
        label="Nomor HP (orang atau keluarganya)", max_length=20, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )  # fmt: skip
    category = CategoryChoiceField(label="Jenis PPKS", queryset=None, empty_label="Pilih jenis PPKS")
    summary = forms.CharField(
        label="Ringkasan masalah", widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Apa yang Anda temukan, sejak kapan, siapa yang mendampingi.",
    )  # fmt: skip
    sensitive_notes = forms.CharField(
        label="Catatan khusus (kesehatan, disabilitas, hukum, perlindungan anak)", required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Hanya terlihat oleh pekerja sosial yang ditugaskan dan penyelia Dinas Sosial.",
    )  # fmt: skip
    confirm_not_duplicate = forms.BooleanField(
        label="Bukan duplikat: saya sudah memeriksa data yang mirip dan ini orang yang berbeda", required=False,
        widget=forms.HiddenInput,
    )  # fmt: skip
    existing = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, desa, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desa"].queryset = desa
        self.fields["category"].queryset = categories

    def show_duplicate_confirmation(self):
        """After the service found near-duplicates: let the user tick the box on the next submit."""
        self.fields["confirm_not_duplicate"].widget = forms.CheckboxInput(attrs={"class": "form-check-input"})

    @property
    def person_fields(self):
        return [self[name] for name in ("nik", "name", "sex", "birth_date", "desa", "address", "phone")]

    @property
    def case_fields(self):
        return [self[name] for name in ("category", "summary", "sensitive_notes")]

    def person_data(self) -> dict:
        data = self.cleaned_data
        return {
            "nik": data["nik"] or None, "name": data["name"].strip(), "sex": data["sex"],
            "birth_date": data["birth_date"], "wilayah": data["desa"], "address": data["address"].strip(),
            "phone": data["phone"].strip(),
        }  # fmt: skip
