from django import forms

from kesos.core.forms import StyledFormMixin
from kesos.core.validators import validate_date_in_range
from kesos.wilayah.nik import NikField

from .actions import ACTIONS

RECORD_TYPES = [
    ("", "Semua jenis data"),
    ("ppks.person", "Orang (PPKS)"),
    ("accounts.user", "Pengguna"),
    ("accounts.assignment", "Penugasan"),
    ("accounts.office", "Dinas"),
]


class AuditSearchForm(StyledFormMixin, forms.Form):
    pengguna = forms.CharField(label="Nama pengguna", required=False)
    orang = forms.IntegerField(
        label="ID orang",
        required=False,
        min_value=1,
        help_text="Untuk mencari dengan NIK, gunakan kotak NIK di bawah (tidak tampil di alamat).",
    )
    jenis = forms.ChoiceField(label="Jenis data", choices=RECORD_TYPES, required=False)
    id_data = forms.CharField(label="ID data", required=False, max_length=64)
    aksi = forms.ChoiceField(label="Aksi", choices=[("", "Semua aksi"), *sorted(ACTIONS.items())], required=False)
    dari = forms.DateField(
        label="Dari tanggal", required=False, widget=forms.DateInput(attrs={"placeholder": "hh/bb/tttt"}),
        validators=[validate_date_in_range],
    )  # fmt: skip
    sampai = forms.DateField(
        label="Sampai tanggal", required=False, widget=forms.DateInput(attrs={"placeholder": "hh/bb/tttt"}),
        validators=[validate_date_in_range],
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("dari") and data.get("sampai") and data["dari"] > data["sampai"]:
            self.add_error("sampai", "Tanggal akhir harus sesudah tanggal awal.")
        if data.get("id_data") and not data.get("jenis"):
            self.add_error("jenis", "Pilih jenis data untuk ID ini.")
        return data


class NikLookupForm(StyledFormMixin, forms.Form):
    """A NIK travels in a POST body, never in an address bar or a server log."""

    nik = NikField(label="NIK")


class SubjectReportForm(StyledFormMixin, forms.Form):
    nik = NikField(label="NIK subjek data")
