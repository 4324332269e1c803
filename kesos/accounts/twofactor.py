"""Two-factor authentication (TOTP) and the user's own password: forms and views under /akun/.

Enrolment is open only while the user has no confirmed device: once one exists, a second device
can only follow a reset by the admin, so a stolen password alone can never add an authenticator.
django-otp's throttling (growing delay after each wrong code) and replay protection (a code is
accepted once) stay on.
"""

import base64
import io
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.generic import FormView
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from kesos.audit import actions
from kesos.audit.services import audit_record

WRONG_CODE = "Kode salah atau kedaluwarsa."
THROTTLED = "Terlalu banyak kode salah berturut-turut. Tunggu sebentar, lalu masukkan kode yang baru."


# --- Forms -----------------------------------------------------------------------------------------
class TokenForm(forms.Form):
    """One six-digit code from the authenticator app, checked against `device`."""

    token = forms.CharField(
        label="Kode 6 angka",
        min_length=6,
        max_length=6,
        error_messages={"required": "Masukkan kode 6 angka dari aplikasi autentikator."},
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]{6}",
                "class": "form-control form-control-lg",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self):
        token = self.cleaned_data["token"].strip().replace(" ", "")
        allowed, _ = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(THROTTLED, code="throttled")
        if not token.isdigit() or not self.device.verify_token(token):
            raise forms.ValidationError(WRONG_CODE, code="invalid")
        return token


# --- Helpers ---------------------------------------------------------------------------------------
def safe_next(request, default: str = "home") -> str:
    """The `next` the user came from, if it points into this site; otherwise `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def pending_device(user) -> TOTPDevice:
    """The user's unconfirmed TOTP device, created on first visit and reused until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Aplikasi autentikator", confirmed=False)
    return device


def qr_data_uri(text: str) -> str:
    """An SVG QR code as a data: URI, so the page needs no inline script or style (strict CSP)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def spaced(secret: str) -> str:
    """The base32 secret in groups of four, easier to type; authenticator apps ignore the spaces."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# --- Views -----------------------------------------------------------------------------------------
class TwoFactorEnrolView(LoginRequiredMixin, FormView):
    """Set up an authenticator app: scan the QR code (or type the key), then confirm with a code."""

    template_name = "accounts/twofactor_enrol.html"
    form_class = TokenForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if user_has_device(request.user, confirmed=True):
            if request.user.is_verified():
                messages.info(request, "Verifikasi dua langkah sudah aktif untuk akun Anda.")
                return redirect(safe_next(request))
            return redirect(with_next("twofactor:verify", safe_next(request)))
        self.device = pending_device(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "device": self.device}

    def get_context_data(self, **kwargs):
        secret = b32encode(self.device.bin_key).decode("ascii")
        return super().get_context_data(
            qr_code=qr_data_uri(self.device.config_url),
            secret=secret,
            secret_spaced=spaced(secret),
            issuer=settings.OTP_TOTP_ISSUER,
            next=safe_next(self.request),
            **kwargs,
        )

    def form_valid(self, form):
        user = self.request.user
        self.device.confirmed = True
        self.device.save(update_fields=["confirmed"])
        # Older unconfirmed attempts (other browser tabs) are no longer needed.
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        otp_login(self.request, self.device)
        audit_record(action=actions.OTP_ENROLLED, actor=user)
        messages.success(self.request, "Verifikasi dua langkah aktif. Setiap kali masuk, siapkan kode dari aplikasi.")
        return redirect(safe_next(self.request))

    def form_invalid(self, form):
        audit_record(action=actions.OTP_FAILED, actor=self.request.user, detail={"step": "enrol"})
        return super().form_invalid(form)


class TwoFactorVerifyView(LoginRequiredMixin, FormView):
    """After the password: the code from the authenticator app the user enrolled."""

    template_name = "accounts/twofactor_verify.html"
    form_class = TokenForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.user.is_verified():
            return redirect(safe_next(request))
        self.device = TOTPDevice.objects.filter(user=request.user, confirmed=True).order_by("pk").first()
        if self.device is None:
            return redirect(with_next("twofactor:enrol", safe_next(request)))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "device": self.device}

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=safe_next(self.request), **kwargs)

    def form_valid(self, form):
        otp_login(self.request, self.device)
        audit_record(action=actions.OTP_VERIFIED, actor=self.request.user)
        return redirect(safe_next(self.request))

    def form_invalid(self, form):
        audit_record(action=actions.OTP_FAILED, actor=self.request.user, detail={"step": "verify"})
        return super().form_invalid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password (old password, then the new one twice, checked by the validators)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("twofactor:password_change_done")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        for field in form.fields.values():
            field.widget.attrs["class"] = "form-control"
        return form


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
