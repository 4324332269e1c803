"""Forms of the resident pages: place a person in an LKS, keep their details, record their exit.

They check the shape of the input and find the case or person the officer named, through the PPKS
selectors (so only records in the officer's scope are found). Capacity, a person already living in
another LKS, dates and permissions are the service's decisions (lks.services.residents).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from kesos.core.forms import StyledFormMixin
from ppks import selectors as ppks_selectors
from ppks.forms import DATE_WIDGET

from .choices import ExitReason, FamilyStatus

DETAIL_FIELDS = (
    "residential", "programme", "family_status", "guardian_name", "guardian_phone", "schooling", "health_note",
)  # fmt: skip


class PlacementDetailFields(forms.Form):
    """The resident's details, shared by the placement form and the edit form."""

    residential = forms.BooleanField(
        label="Tinggal di panti", required=False, initial=True,
        help_text="Kosongkan untuk klien yang dilayani di luar panti (tidak memakai tempat tidur).",
    )  # fmt: skip
    programme = forms.CharField(label="Program/layanan", max_length=200, required=False)
    family_status = forms.ChoiceField(
        label="Status keluarga", choices=[("", "—"), *FamilyStatus.choices], required=False
    )
    guardian_name = forms.CharField(label="Nama wali/keluarga", max_length=200, required=False)
    guardian_phone = forms.CharField(label="HP wali/keluarga", max_length=30, required=False)
    schooling = forms.CharField(label="Sekolah/pendidikan", max_length=200, required=False)
    health_note = forms.CharField(label="Catatan kesehatan", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def details(self) -> dict:
        return {name: self.cleaned_data[name] for name in DETAIL_FIELDS}


class PlacementForm(StyledFormMixin, PlacementDetailFields):
    """Admit a person, named by the case they come from or by their ID in the PPKS data."""

    case = forms.CharField(
        label="Nomor kasus", max_length=30, required=False,
        help_text="Kasus PPKS asal penempatan, mis. 6371-2026-000042.",
    )  # fmt: skip
    person = forms.IntegerField(
        label="ID orang", required=False, min_value=1,
        help_text="Isi bila penempatan tidak berasal dari kasus (ID ada di halaman data orang).",
    )  # fmt: skip
    admitted_on = forms.DateField(label="Tanggal masuk", widget=DATE_WIDGET)
    confirm_over_capacity = forms.BooleanField(
        label="Tetap tempatkan melebihi kapasitas", required=False, widget=forms.HiddenInput
    )

    field_order = ["case", "person", "admitted_on", *DETAIL_FIELDS, "confirm_over_capacity"]

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["admitted_on"].initial = timezone.localdate()

    def clean_case(self):
        number = (self.cleaned_data.get("case") or "").strip()
        if not number:
            return None
        case = ppks_selectors.case_list(user=self.user).filter(number=number).first()
        if case is None:
            raise ValidationError("Kasus dengan nomor ini tidak ditemukan di wilayah kerja Anda.")
        return case

    def clean_person(self):
        pk = self.cleaned_data.get("person")
        if pk is None:
            return None
        try:
            return ppks_selectors.person_get(user=self.user, pk=pk)
        except Http404:
            raise ValidationError("Orang dengan ID ini tidak ditemukan di wilayah kerja Anda.") from None

    def clean(self):
        data = super().clean()
        case, person = data.get("case"), data.get("person")
        if "case" in self.errors or "person" in self.errors:
            return data
        if case is None and person is None:
            raise ValidationError("Isi nomor kasus asal, atau ID orang yang ditempatkan.")
        if person is None:
            if case.person_id is None:
                self.add_error("person", "Kasus ini tentang keluarga: isi ID anggota keluarga yang ditempatkan.")
            else:
                data["person"] = case.person
        return data

    def show_capacity_confirmation(self):
        """After the service refused a placement over capacity: let the user tick the box on the next submit."""
        self.fields["confirm_over_capacity"].widget = forms.CheckboxInput(attrs={"class": "form-check-input"})


class PlacementEditForm(StyledFormMixin, PlacementDetailFields):
    """The resident's details, saved against the version the user read."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, placement, **kwargs):
        kwargs.setdefault(
            "initial", {"version": placement.version, **{name: getattr(placement, name) for name in DETAIL_FIELDS}}
        )
        super().__init__(*args, **kwargs)


class PlacementExitForm(StyledFormMixin, forms.Form):
    exit_on = forms.DateField(label="Tanggal keluar", widget=DATE_WIDGET)
    exit_reason = forms.ChoiceField(label="Alasan keluar", choices=[("", "Pilih alasan"), *ExitReason.choices])
    exit_note = forms.CharField(
        label="Keterangan", max_length=300, required=False, help_text="Wajib bila alasannya 'Lainnya'."
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, placement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exit_on"].initial = timezone.localdate()
        self.fields["version"].initial = placement.version
