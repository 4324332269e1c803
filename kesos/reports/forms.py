"""The request form of the Reports page: its choices come from the user's scope."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from kesos.core.forms import StyledFormMixin

from . import selectors
from .models import ReportRequest
from .recap import MONTHS, Params


class ReportForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Jenis laporan")
    format = forms.ChoiceField(label="Format", choices=ReportRequest.Format.choices)
    region = forms.ChoiceField(label="Wilayah")
    year = forms.IntegerField(label="Tahun", min_value=2000, max_value=2100)
    month = forms.TypedChoiceField(
        label="Bulan", required=False, coerce=int, empty_value=None,
        choices=[("", "— sepanjang tahun —"), *[(n, name) for n, name in enumerate(MONTHS, start=1)]],
        help_text="Wajib untuk R7; untuk R5 membatasi periode ke satu bulan.",
    )  # fmt: skip
    date_from = forms.DateField(
        label="Periode dari", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text="R5: awal periode (kosong: awal tahun atau bulan).",
    )  # fmt: skip
    date_to = forms.DateField(label="s.d.", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    event = forms.TypedChoiceField(label="Kegiatan (R6)", required=False, coerce=int, empty_value=None)
    split_sex = forms.BooleanField(label="R1: pisahkan laki-laki dan perempuan (L/P)", required=False)
    handled = forms.BooleanField(label="R1: tambahkan kolom sudah/belum ditangani", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.code, k.label) for k in selectors.kinds_for(user)]
        self.fields["region"].choices = [(w.code, w.label) for w in selectors.region_choices(user)]
        self.fields["event"].choices = [("", "—")] + [
            (e.pk, f"{e.name} ({e.starts_on:%d-%m-%Y})") for e in selectors.event_choices(user)
        ]
        self.initial.setdefault("year", timezone.localdate().year)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "Akhir periode tidak boleh sebelum awalnya.")
        return data

    def params(self) -> Params:
        data = self.cleaned_data
        return Params(
            region=data["region"], year=data["year"], month=data.get("month"), date_from=data.get("date_from"),
            date_to=data.get("date_to"), split_sex=data.get("split_sex", False), handled=data.get("handled", False),
            event=data.get("event"),
        )  # fmt: skip
