"""Request gates for login security: the second factor, and no caching of personal data."""

import time
from functools import cached_property

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device

from .scope import SECOND_FACTOR_ROLES, scope_of

SECOND_FACTOR_REQUIRED = "Verifikasi dua langkah diperlukan."


def needs_second_factor(user) -> bool:
    """True when this user must pass TOTP before reaching anything (KESOS_REQUIRE_2FA on): the roles that
    manage data, and every account that can enter the Django admin."""
    if not settings.KESOS_REQUIRE_2FA or not user.is_authenticated:
        return False
    return user.is_superuser or user.is_staff or scope_of(user).has_role(*SECOND_FACTOR_ROLES)


class _PathRules:
    @cached_property
    def static_prefix(self) -> str:
        return settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL

    @cached_property
    def healthz(self) -> str:
        return reverse("healthz")

    def is_infrastructure(self, path: str) -> bool:
        return path == self.healthz or path.startswith(self.static_prefix)


class SecondFactorMiddleware(_PathRules):
    """Hold staff who must use TOTP at enrolment or verification until `user.is_verified()`.

    Runs after django-otp's OTPMiddleware, which sets `is_verified()`. Only the pages needed to get
    through (login, logout, the 2FA pages) stay open; the API answers 403 instead of redirecting.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def open_paths(self) -> tuple[str, ...]:
        return tuple(reverse(name) for name in ("login", "logout", "twofactor:enrol", "twofactor:verify"))

    def __call__(self, request):
        user = request.user
        if not needs_second_factor(user) or user.is_verified():
            return self.get_response(request)
        path = request.path_info
        if path in self.open_paths or self.is_infrastructure(path):
            return self.get_response(request)
        if path.startswith("/api/"):
            return JsonResponse({"detail": SECOND_FACTOR_REQUIRED}, status=403)
        target = "twofactor:verify" if user_has_device(user, confirmed=True) else "twofactor:enrol"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


class NoStoreMiddleware(_PathRules):
    """`Cache-Control: no-store, private` on every response to a signed-in user (ASVS 14.3.2).

    Pages and API answers seen after login carry personal data; no browser or proxy cache may keep
    them. Static files and /healthz are left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self.is_infrastructure(request.path_info):
            response["Cache-Control"] = "no-store, private"
        return response


class SessionIdleMiddleware:
    """Idle expiry without a session write on every request.

    The session expires SESSION_COOKIE_AGE after it was last saved. Saving on every request
    (SESSION_SAVE_EVERY_REQUEST) costs three queries per page; touching the session once a minute
    keeps the idle timeout accurate to a minute for a fraction of the writes.
    """

    KEY = "_kesos_touched"
    EVERY = 60  # seconds

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(self.KEY, 0) >= self.EVERY:
                request.session[self.KEY] = now
        return self.get_response(request)


def stamp_session_on_login(sender, request, user, **kwargs):
    """Login saves the session anyway: stamp it then, so the first page after login writes nothing."""
    if request is not None and hasattr(request, "session"):
        request.session[SessionIdleMiddleware.KEY] = int(time.time())
