from django import forms

from kesos.core.forms import StyledFormMixin
from kesos.wilayah.forms import WilayahField
from kesos.wilayah.nik import KkField, NikField

from .models import Person


class PersonForm(StyledFormMixin, forms.ModelForm):
    """Shape of a person record; uniqueness, scope and permission are the service's job."""

    nik = NikField(label="NIK", required=False, help_text="Kosongkan bila belum punya NIK.")
    no_kk = KkField(label="No. KK", required=False)
    wilayah = WilayahField(label="Desa/kelurahan")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Person
        fields = ["nik", "no_kk", "name", "sex", "birth_place", "birth_date", "wilayah", "address", "rt", "rw"]
        widgets = {"birth_date": forms.DateInput(attrs={"placeholder": "hh/bb/tttt"})}

    def __init__(self, *args, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wilayah"].limit_to(province)
        self.fields["nik"].validators = []  # NikField checks the structure itself
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["wilayah"].initial = self.instance.wilayah_id

    def validate_unique(self):
        """The service decides about duplicates, with a message that respects scope."""


class PersonSearchForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="Cari nama atau NIK/No. KK", required=False)
    wilayah = WilayahField(label="Wilayah", required=False, require_depth=False)

    def __init__(self, *args, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wilayah"].limit_to(province)
