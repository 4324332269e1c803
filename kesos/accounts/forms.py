from django import forms
from django.contrib.auth.forms import AuthenticationForm

from kesos.core.forms import StyledFormMixin
from kesos.wilayah.forms import WilayahField
from kesos.wilayah.models import Level

from . import selectors
from .models import Office, Role
from .scope import scope_of


class LoginForm(AuthenticationForm):
    """The login form, with the messages an Indonesian office expects."""

    error_messages = {
        "invalid_login": "Nama pengguna atau kata sandi salah. Periksa kembali, huruf besar dan kecil dibedakan.",
        "inactive": "Akun ini tidak aktif. Hubungi admin Dinas Sosial.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Nama pengguna"
        self.fields["username"].widget.attrs.update({"autocapitalize": "none", "autocomplete": "username"})
        self.fields["password"].label = "Kata sandi"
        self.fields["password"].widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})


# --- User management ------------------------------------------------------------------------------
# These forms only check the shape of what was typed; the rules (scope, region level per role,
# password strength) live in kesos.accounts.services; kesos.core.adapters.add_service_errors shows its verdict.


class StyledForm(StyledFormMixin, forms.Form):
    pass


# Admin Provinsi, Auditor and Pimpinan are given by the system administrator (the service refuses them too).
GRANTABLE_ROLES = [(value, label) for value, label in Role.choices if value not in selectors.RESERVED_ROLES]


def _wilayah_field(actor, **kwargs) -> WilayahField:
    field = WilayahField(
        label="Wilayah tugas",
        required=False,  # not for an Operator LKS; _check_role_target asks for it for the other roles
        depth=Level.KECAMATAN,
        require_depth=False,
        help_text="Provinsi untuk Admin, Pimpinan dan Auditor; kabupaten/kota untuk Operator; "
        "kecamatan untuk TKSK; kabupaten/kota atau kecamatan untuk Pekerja Sosial; "
        "untuk Operator LKS kosongkan dan pilih LKS-nya.",
        error_messages={"invalid_choice": "Wilayah tidak dikenal, sudah tidak aktif, atau di luar kewenangan Anda."},
        **kwargs,
    )
    field.limit_to(selectors.admin_province(actor=actor))
    field.queryset = field.queryset.filter(scope_of(actor).region_q("code", Role.ADMIN_PROVINSI))
    return field


def _lks_field(actor) -> forms.ModelChoiceField:
    """The LKS an Operator LKS will keep: those of the admin's province."""
    from lks.selectors import lks_choices

    return forms.ModelChoiceField(
        label="LKS yang dikelola",
        queryset=lks_choices(user=actor),
        required=False,
        empty_label="Pilih LKS",
        help_text="Hanya untuk peran Operator LKS; wilayah tugasnya mengikuti kabupaten/kota LKS ini, "
        "jadi wilayah tugas tidak perlu dipilih.",
        error_messages={"invalid_choice": "LKS tidak dikenal atau di luar kewenangan Anda."},
    )


def _check_role_target(form: forms.Form, cleaned: dict) -> None:
    """An Operator LKS needs an LKS; every other role needs a region (the service says so too)."""
    role = cleaned.get("role")
    if not role or "lks" in form.errors or "wilayah" in form.errors:
        return
    if role == Role.OPERATOR_LKS:
        if cleaned.get("lks") is None:
            form.add_error("lks", "Pilih LKS yang dikelola operator ini.")
    else:
        if cleaned.get("lks") is not None:
            form.add_error("lks", "LKS hanya dipilih untuk peran Operator LKS.")
        if cleaned.get("wilayah") is None:
            form.add_error("wilayah", "Pilih wilayah tugas.")


def _password_fields(form: forms.Form) -> None:
    form.fields["password"] = forms.CharField(
        label="Kata sandi",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Paling sedikit 10 karakter, bukan kata sandi umum, tidak mirip nama pengguna.",
    )
    form.fields["password_confirm"] = forms.CharField(
        label="Ulangi kata sandi", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )


def _check_password_confirm(form: forms.Form, cleaned: dict) -> None:
    password, confirm = cleaned.get("password"), cleaned.get("password_confirm")
    if password and confirm and password != confirm:
        form.add_error("password_confirm", "Kedua kata sandi tidak sama.")


class UserFilterForm(StyledForm):
    q = forms.CharField(
        label="Cari", required=False, widget=forms.TextInput(attrs={"placeholder": "Nama, NIP, nama pengguna"})
    )
    role = forms.ChoiceField(label="Peran", required=False, choices=[("", "Semua peran"), *Role.choices])
    active = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Semua status"), ("1", "Aktif"), ("0", "Tidak aktif")]
    )


class UserCreateForm(StyledForm):
    username = forms.CharField(
        label="Nama pengguna",
        max_length=150,
        help_text="Untuk masuk. Huruf, angka dan tanda @ . + - _ saja.",
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
    )
    full_name = forms.CharField(label="Nama lengkap", max_length=200)
    nip = forms.CharField(label="NIP", max_length=18, required=False, help_text="Nomor Induk Pegawai, bila ASN.")
    phone = forms.CharField(label="Nomor HP", max_length=20, required=False)
    office = forms.ModelChoiceField(label="Dinas", queryset=Office.objects.none(), empty_label="Pilih dinas")
    role = forms.ChoiceField(
        label="Peran",
        choices=[("", "Pilih peran"), *GRANTABLE_ROLES],
        error_messages={"invalid_choice": "Peran ini tidak dapat Anda berikan."},
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = selectors.office_choices(actor=actor)
        self.fields["wilayah"] = _wilayah_field(actor)
        self.fields["lks"] = _lks_field(actor)
        self.fields["lks"].widget.attrs.setdefault("class", "form-select")
        _password_fields(self)
        for name in ("password", "password_confirm"):
            self.fields[name].widget.attrs.setdefault("class", "form-control")

    def clean(self):
        cleaned = super().clean()
        _check_role_target(self, cleaned)
        _check_password_confirm(self, cleaned)
        return cleaned


class UserEditForm(StyledForm):
    full_name = forms.CharField(label="Nama lengkap", max_length=200)
    nip = forms.CharField(label="NIP", max_length=18, required=False, help_text="Nomor Induk Pegawai, bila ASN.")
    phone = forms.CharField(label="Nomor HP", max_length=20, required=False)
    office = forms.ModelChoiceField(label="Dinas", queryset=Office.objects.none(), empty_label="Pilih dinas")

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = selectors.office_choices(actor=actor)


class UserPasswordForm(StyledForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _password_fields(self)
        for name in ("password", "password_confirm"):
            self.fields[name].widget.attrs.setdefault("class", "form-control")

    def clean(self):
        cleaned = super().clean()
        _check_password_confirm(self, cleaned)
        return cleaned


class AssignmentForm(StyledForm):
    role = forms.ChoiceField(
        label="Peran",
        choices=[("", "Pilih peran"), *GRANTABLE_ROLES],
        error_messages={"invalid_choice": "Peran ini tidak dapat Anda berikan."},
    )
    starts_on = forms.DateField(
        label="Mulai berlaku",
        required=False,
        help_text="Kosongkan untuk mulai hari ini.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wilayah"] = _wilayah_field(actor)
        self.fields["lks"] = _lks_field(actor)
        self.fields["lks"].widget.attrs.setdefault("class", "form-select")
        self.order_fields(["role", "wilayah", "lks", "starts_on"])

    def clean(self):
        cleaned = super().clean()
        _check_role_target(self, cleaned)
        return cleaned
