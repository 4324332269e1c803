"""Forms of the SPM target pages: the list's filter and the five-service entry form."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone

from .models import SpmTarget
from .spm import FIRST_YEAR, last_year

Service = SpmTarget.Service
SERVICE_FIELDS = ("target", "budget", "spent", "problems", "solutions")


class RupiahField(forms.IntegerField):
    """Whole rupiah; accepts what people type: "Rp 1.500.000", "1 500 000", "1500000,00"."""

    widget = forms.TextInput

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[,]00$", "", value.strip())
            value = re.sub(r"^rp\.?|[\s.]", "", value, flags=re.IGNORECASE)
        return super().to_python(value)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "numeric"}


def _year_field(**kwargs) -> forms.IntegerField:
    messages = {
        "required": "Isi tahun.",
        "min_value": f"Tahun paling awal {FIRST_YEAR}.",
        "max_value": "Target paling jauh untuk tahun depan.",
        "invalid": "Isi tahun dengan angka, mis. 2026.",
    }
    return forms.IntegerField(label="Tahun", min_value=FIRST_YEAR, max_value=last_year(), error_messages=messages,
                              **kwargs)  # fmt: skip


def _region_choices(regions) -> list[tuple[str, str]]:
    return [(r.code, f"{r.code} {r.label}") for r in regions]


class SpmFilterForm(forms.Form):
    wilayah = forms.ChoiceField(label="Wilayah", required=False)
    tahun = _year_field(required=False)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wilayah"].choices = [("", "Semua wilayah Anda"), *_region_choices(regions)]

    def filters(self) -> tuple[int, str]:
        """(year, region code): this year and every region when the filter is empty or wrong."""
        year, region = timezone.localdate().year, ""
        if self.is_bound and self.is_valid():
            year = self.cleaned_data["tahun"] or year
            region = self.cleaned_data["wilayah"] or ""
        return year, region


class SpmTargetForm(forms.Form):
    """One region and year, five services; region and year are chosen only when creating."""

    def __init__(self, *args, regions=None, targets: dict[str, SpmTarget] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = regions is not None
        if self.creating:
            self.fields["wilayah"] = forms.ChoiceField(
                label="Wilayah", choices=[("", "Pilih provinsi atau kabupaten/kota"), *_region_choices(regions)],
                error_messages={"required": "Pilih wilayah.", "invalid_choice": "Wilayah di luar wilayah kerja Anda."},
            )  # fmt: skip
            self.fields["tahun"] = _year_field()
        targets = targets or {}
        for service in Service.values:
            saved = targets.get(service)
            self.fields[f"{service}_target"] = forms.IntegerField(
                label="Penerima yang harus dilayani (sasaran)", required=False, min_value=0,
                error_messages={"invalid": "Isi jumlah orang dengan angka.", "min_value": "Isi 0 atau lebih."},
                initial=saved.target if saved else None,
            )  # fmt: skip
            for field, label in (("budget", "Anggaran (Rp)"), ("spent", "Realisasi (Rp)")):
                self.fields[f"{service}_{field}"] = RupiahField(
                    label=label, required=False, min_value=0, initial=getattr(saved, field, None),
                    error_messages={"invalid": "Isi jumlah rupiah dengan angka.", "min_value": "Isi 0 atau lebih."},
                )  # fmt: skip
            for field, label in (("problems", "Permasalahan"), ("solutions", "Solusi")):
                self.fields[f"{service}_{field}"] = forms.CharField(
                    label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                    initial=getattr(saved, field, ""),
                )  # fmt: skip

    def services(self) -> list[tuple[str, str, list]]:
        """(code, label, bound fields) per service, for the template's fieldsets."""
        return [
            (service, Service(service).label, [self[f"{service}_{field}"] for field in SERVICE_FIELDS])
            for service in Service.values
        ]

    def entries(self) -> dict[str, dict | None]:
        """Each service's values for `spm_targets_save`; None for a service left entirely blank."""
        entries = {}
        for service in Service.values:
            values = {field: self.cleaned_data.get(f"{service}_{field}") for field in SERVICE_FIELDS}
            blank = all(v in (None, "") for v in values.values())
            entries[service] = None if blank else values
        return entries
