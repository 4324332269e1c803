from django import forms
from django.contrib.auth.forms import AuthenticationForm


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
