"""Shapes of the event pages' forms: the event, a participant, a day's attendance, the selection's
criteria, nominations and scores. Scope, permission and the rules of each step are the services' job
(pilar.services.events); a form only checks what a person typed."""

import datetime

from django import forms
from django.http import Http404

from kesos.core.forms import StyledFormMixin

from . import selectors
from .choices import EventKind
from .models import Participant

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "hh/bb/tttt"})
ROLE_CHOICES = Participant._meta.get_field("role").choices
MEMBER_HINT = (
    "Cari nama dengan kotak pencarian di atas lalu klik Pilih, atau isi ID anggota (angka di alamat halaman anggota)."
)
EVENT_FIELDS = ("kind", "name", "starts_on", "ends_on", "venue", "organiser", "budget_line", "speakers", "description")


def _member_of(user, pk):
    """The roster member with this ID that the user may see, or None."""
    try:
        return selectors.member_get(user=user, pk=pk)
    except Http404:
        return None


# --- Event list, event -----------------------------------------------------------------------------------
class EventSearchForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="Cari nama kegiatan atau tempat", required=False)
    kind = forms.ChoiceField(label="Jenis kegiatan", required=False, choices=[("", "Semua jenis")] + EventKind.choices)
    year = forms.IntegerField(label="Tahun", required=False, min_value=2000, max_value=2100)

    def filters(self) -> dict:
        if not (self.is_bound and self.is_valid()):
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class EventForm(StyledFormMixin, forms.Form):
    """A kegiatan. On an existing event the kind and the organising region are fixed (a Seleksi has its
    selection; the region decides who sees it)."""

    kind = forms.ChoiceField(label="Jenis kegiatan", choices=[("", "Pilih jenis kegiatan")] + EventKind.choices)
    name = forms.CharField(label="Nama kegiatan", max_length=250)
    starts_on = forms.DateField(label="Tanggal mulai", widget=DATE_WIDGET)
    ends_on = forms.DateField(label="Tanggal selesai", widget=DATE_WIDGET, help_text="Sama dengan tanggal mulai "
                              "untuk kegiatan satu hari.")  # fmt: skip
    venue = forms.CharField(label="Tempat", max_length=250)
    wilayah = forms.ChoiceField(
        label="Penyelenggara (wilayah)", help_text="Dinas Sosial provinsi atau kabupaten/kota yang menyelenggarakan."
    )
    organiser = forms.CharField(label="Bidang penyelenggara", max_length=200, required=False,
                                help_text="Mis. Bidang Pemberdayaan Sosial.")  # fmt: skip
    budget_line = forms.CharField(label="Mata anggaran", max_length=200, required=False)
    speakers = forms.CharField(label="Narasumber", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                               help_text="Satu narasumber per baris.")  # fmt: skip
    description = forms.CharField(label="Uraian", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, regions=(), event=None, **kwargs):
        self.regions = {w.code: w for w in regions}
        if event is not None:
            initial = {f: getattr(event, f) for f in EVENT_FIELDS}
            kwargs.setdefault("initial", initial | {"wilayah": event.wilayah_id})
        super().__init__(*args, **kwargs)
        self.fields["wilayah"].choices = [("", "Pilih penyelenggara")] + [(w.code, w.name) for w in regions]
        if len(regions) == 1:
            self.fields["wilayah"].initial = regions[0].code
        if event is not None:
            for name in ("kind", "wilayah"):
                self.fields[name].disabled = True
                self.fields[name].required = False
            self.fields["kind"].help_text = "Jenis kegiatan tidak dapat diubah."
            self.fields["wilayah"].choices = [(event.wilayah_id, event.wilayah.name)]

    def clean_wilayah(self):
        code = self.cleaned_data.get("wilayah")
        return self.regions.get(code) if code else None

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


# --- Participants ------------------------------------------------------------------------------------------
class ParticipantForm(StyledFormMixin, forms.Form):
    """Someone at the event: a pillar from the roster (name, group and kab/kota follow their record), an
    LKS's delegate, or anyone else by name with their group."""

    member = forms.IntegerField(label="ID anggota pilar", required=False, min_value=1, help_text=MEMBER_HINT)
    lks = forms.ModelChoiceField(
        label="LKS", queryset=None, required=False, empty_label="Bukan utusan LKS",
        help_text="Untuk utusan LKS: unsur dan kabupaten/kota mengikuti data LKS.",
    )  # fmt: skip
    name = forms.CharField(
        label="Nama", max_length=200, required=False,
        help_text="Wajib untuk peserta yang bukan anggota pilar; untuk utusan LKS, nama orang yang hadir.",
    )  # fmt: skip
    group = forms.ModelChoiceField(label="Unsur", queryset=None, required=False, empty_label="Pilih unsur",
                                   help_text="Untuk anggota pilar terisi sendiri dari jenis pilarnya.")  # fmt: skip
    kabkota = forms.ChoiceField(label="Asal kabupaten/kota", required=False)
    position = forms.CharField(label="Jabatan/instansi", max_length=200, required=False)
    phone = forms.CharField(label="Nomor HP", max_length=30, required=False)
    role = forms.ChoiceField(label="Peran", choices=ROLE_CHOICES, initial="peserta")

    def __init__(self, *args, user, kabkota=(), lks_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.kabkota = {w.code: w for w in kabkota}
        self.fields["kabkota"].choices = [("", "Pilih kabupaten/kota")] + [(w.code, w.name) for w in kabkota]
        self.fields["lks"].queryset = lks_choices
        self.fields["group"].queryset = selectors.pilar_types()
        self.fields["group"].label_from_instance = lambda t: f"{t.abbreviation} — {t.name}"

    def clean_member(self):
        pk = self.cleaned_data.get("member")
        if pk is None:
            return None
        member = _member_of(self.user, pk)
        if member is None:
            raise forms.ValidationError("Tidak ada anggota pilar dengan ID ini di wilayah Anda.")
        return member

    def clean_kabkota(self):
        code = self.cleaned_data.get("kabkota")
        return self.kabkota.get(code) if code else None

    def clean(self):
        data = super().clean()
        member, lks, group = data.get("member"), data.get("lks"), data.get("group")
        if "member" in self.errors:
            return data
        if member is None and lks is None and not data.get("name", "").strip():
            self.add_error("name", "Isi ID anggota pilar, pilih LKS, atau isi nama peserta.")
        if member is None and group is None:
            if lks is not None:
                data["group"] = self.fields["group"].queryset.filter(code="lks").first()
            if data.get("group") is None:
                self.add_error("group", "Pilih unsur peserta.")
        return data

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class AttendanceForm(StyledFormMixin, forms.Form):
    """Who was present on one day: the list replaces what was recorded for that day."""

    day = forms.TypedChoiceField(label="Hari", coerce=datetime.date.fromisoformat)
    present = forms.TypedMultipleChoiceField(label="Hadir", coerce=int, required=False,
                                             widget=forms.CheckboxSelectMultiple)  # fmt: skip

    def __init__(self, *args, event, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = [
            (d.isoformat(), f"Hari ke-{n} · {d:%d-%m-%Y}") for n, d in enumerate(event.days, start=1)
        ]
        self.fields["present"].choices = [(p.pk, p.name) for p in participants]


# --- Selection of exemplary pillars ------------------------------------------------------------------------------
class CriterionForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="Kriteria", max_length=200)
    weight = forms.IntegerField(label="Bobot (%)", min_value=1, max_value=100)


class NominationForm(StyledFormMixin, forms.Form):
    member = forms.IntegerField(label="ID anggota pilar", min_value=1, help_text=MEMBER_HINT)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_member(self):
        member = _member_of(self.user, self.cleaned_data["member"])
        if member is None:
            raise forms.ValidationError("Tidak ada anggota pilar dengan ID ini di wilayah Anda.")
        return member


class ScoreForm(StyledFormMixin, forms.Form):
    """One judge's scores of one nominee, one field per criterion (named as the service names them in
    its errors), and the field-visit notes shared by the judges."""

    visit_notes = forms.CharField(
        label="Catatan peninjauan lapangan", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Hasil kunjungan ke lokasi calon; terlihat oleh semua juri.",
    )  # fmt: skip

    def __init__(self, *args, criteria=(), scores=None, notes="", **kwargs):
        super().__init__(*args, **kwargs)
        scores = scores or {}
        fields = {}
        for c in criteria:
            fields[f"kriteria_{c.pk}"] = forms.DecimalField(
                label=f"{c.name} (bobot {c.weight}%)", min_value=0, max_value=100, max_digits=5, decimal_places=2,
                initial=scores.get(c.pk), widget=forms.NumberInput(attrs={"step": "0.01", "min": 0, "max": 100}),
            )  # fmt: skip
        self.fields = {**fields, "visit_notes": self.fields["visit_notes"]}
        self.fields["visit_notes"].initial = notes
        self.criteria = list(criteria)
        for field in fields.values():
            field.widget.attrs["class"] = "form-control"

    def values(self) -> dict:
        return {c.pk: self.cleaned_data[f"kriteria_{c.pk}"] for c in self.criteria}
