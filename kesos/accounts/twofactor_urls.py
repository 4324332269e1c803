"""Two-factor (TOTP) enrolment and verification pages, and the user's own password (under /akun/)."""

from django.urls import path

from . import twofactor

app_name = "twofactor"
urlpatterns = [
    path("2fa/daftar/", twofactor.TwoFactorEnrolView.as_view(), name="enrol"),
    path("2fa/verifikasi/", twofactor.TwoFactorVerifyView.as_view(), name="verify"),
    path("sandi/", twofactor.PasswordChangeView.as_view(), name="password_change"),
    path("sandi/selesai/", twofactor.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
