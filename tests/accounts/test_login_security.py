"""Login security (issue 3, item 7): lockout, second factor, no-store, idle expiry, CSP."""

import base64
import datetime
import re
import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from kesos.audit.models import AuditEvent
from tests.factories import PASSWORD, AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def code_for(device):
    """The code the user's authenticator app shows now for this device."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def code_from_secret(secret):
    """What an authenticator app computes from the base32 key the user typed in."""
    totp = TOTP(base64.b32decode(secret))
    totp.time = time.time()
    return f"{totp.token():06d}"


def log_in(client, user, password=PASSWORD):
    return client.post(reverse("login"), {"username": user.username, "password": password})


COOL_OFF = datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)


def move_attempts_back(delta):
    """What the passing of `delta` does to axes' records of failed attempts."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= delta
        attempt.save(update_fields=["attempt_time"])


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def operator():
    return AssignmentFactory(role="operator_kabkota", wilayah_id="63.71").user


@pytest.fixture
def require_2fa(settings):
    settings.KESOS_REQUIRE_2FA = True


# --- Lockout ---------------------------------------------------------------------------------------
def test_repeated_wrong_passwords_lock_the_account_even_against_the_right_password(client, operator):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, operator, "salah-sandi").status_code == 200
    locked = log_in(client, operator, "salah-sandi")
    assert locked.status_code == 429
    page = text_of(locked)
    assert "Akun dikunci sementara" in page
    assert f"dikunci selama {round(COOL_OFF.total_seconds() / 60)} menit" in page

    with_right_password = log_in(client, operator)
    assert with_right_password.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, operator):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, operator, "salah-sandi")
    assert log_in(client, operator).status_code == 429

    move_attempts_back(COOL_OFF)
    response = log_in(client, operator)
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_the_lock_holds_one_minute_before_the_cool_off_ends(client, operator):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, operator, "salah-sandi")
    move_attempts_back(COOL_OFF - datetime.timedelta(minutes=1))
    assert log_in(client, operator).status_code == 429


def test_failures_and_the_lockout_are_in_the_audit_trail(client, operator):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, operator, "salah-sandi")
    events = AuditEvent.objects.filter(username=operator.username)
    assert events.filter(action="auth.login_failed").count() == settings.AXES_FAILURE_LIMIT
    assert events.filter(action="auth.locked_out").exists()


def test_a_colleague_at_the_same_address_is_not_locked_out(client, operator):
    colleague = AssignmentFactory(role="tksk", wilayah_id="63.72.03").user
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, operator, "salah-sandi")
    assert log_in(client, colleague).status_code == 302


# --- Password validators -------------------------------------------------------------------------------
def test_a_short_or_common_new_password_is_refused(client, operator):
    client.force_login(operator)
    url = reverse("twofactor:password_change")
    for weak in ("Pendek1!", "password123", "1234567890123"):
        response = client.post(url, {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak})
        assert response.status_code == 200, weak
        assert "alert" in response.content.decode() or "text-danger" in response.content.decode()
    operator.refresh_from_db()
    assert operator.check_password(PASSWORD)


def test_a_user_changes_their_own_password_and_stays_logged_in(client, operator):
    client.force_login(operator)
    page = client.get(reverse("twofactor:password_change")).content.decode()
    assert "Ganti kata sandi" in page
    new = "Sungai-Martapura-2026"
    response = client.post(
        reverse("twofactor:password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert "Kata sandi sudah diganti" in client.get(response.url).content.decode()
    operator.refresh_from_db()
    assert operator.check_password(new)


# --- Second factor -------------------------------------------------------------------------------------
def test_without_2fa_required_an_operator_goes_straight_in(client, operator, settings):
    settings.KESOS_REQUIRE_2FA = False
    log_in(client, operator)
    assert client.get(reverse("home")).status_code == 200


def test_an_operator_with_only_a_password_is_sent_to_enrolment(client, operator, require_2fa):
    log_in(client, operator)
    for url in (reverse("home"), reverse("wilayah:browse")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"{reverse('twofactor:enrol')}?next={url.replace('/', '%2F')}"


def test_an_operator_with_only_a_password_gets_403_from_the_api(client, operator, require_2fa):
    log_in(client, operator)
    response = client.get(reverse("wilayah-api:children"))
    assert response.status_code == 403
    assert response.json() == {"detail": "Verifikasi dua langkah diperlukan."}


def test_the_enrolment_page_shows_a_qr_code_and_the_key(client, operator, require_2fa):
    log_in(client, operator)
    page = client.get(reverse("twofactor:enrol")).content.decode()
    device = TOTPDevice.objects.get(user=operator, confirmed=False)
    assert '<img class="img-fluid border rounded" src="data:image/svg+xml;base64,' in page
    assert device.config_url.split("secret=")[1].split("&")[0] in page
    # Reloading reuses the same key: the app the user already scanned stays valid.
    client.get(reverse("twofactor:enrol"))
    assert TOTPDevice.objects.filter(user=operator).count() == 1


def test_after_enrolling_the_operator_reaches_pages_and_api(client, operator, require_2fa):
    log_in(client, operator)
    client.get(reverse("twofactor:enrol"))
    device = TOTPDevice.objects.get(user=operator)
    response = client.post(reverse("twofactor:enrol"), {"token": code_for(device), "next": "/wilayah/"})
    assert response.status_code == 302
    assert response.url == "/wilayah/"
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(actor=operator, action="auth.otp_enrolled").exists()
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("wilayah:detail", args=["63.71"])).status_code == 200
    assert client.get(reverse("wilayah-api:children")).status_code == 200


def test_a_wrong_code_is_refused_with_a_clear_message_and_audited(client, operator, require_2fa):
    log_in(client, operator)
    client.get(reverse("twofactor:enrol"))
    response = client.post(reverse("twofactor:enrol"), {"token": "000000"})
    if code_for(TOTPDevice.objects.get(user=operator)) == "000000":  # one in a million
        pytest.skip("kode kebetulan 000000")
    assert response.status_code == 200
    assert "Kode salah atau kedaluwarsa." in response.content.decode()
    assert not TOTPDevice.objects.get(user=operator).confirmed
    assert AuditEvent.objects.filter(actor=operator, action="auth.otp_failed").exists()
    assert client.get(reverse("home")).status_code == 302


def test_next_time_an_enrolled_operator_is_asked_for_a_code(client, operator, require_2fa):
    device = TOTPDevice.objects.create(user=operator, name="HP", confirmed=True)
    log_in(client, operator)
    response = client.get(reverse("wilayah:browse"))
    assert response.url == f"{reverse('twofactor:verify')}?next=%2Fwilayah%2F"
    # With a confirmed device, enrolment cannot add a second one: a password alone is not enough.
    assert client.get(reverse("twofactor:enrol")).url.startswith(reverse("twofactor:verify"))
    assert TOTPDevice.objects.filter(user=operator).count() == 1

    wrong = client.post(reverse("twofactor:verify"), {"token": "12345x", "next": "/wilayah/"})
    assert "Kode salah atau kedaluwarsa." in wrong.content.decode()
    assert AuditEvent.objects.filter(actor=operator, action="auth.otp_failed").count() == 1

    device.throttle_reset()  # django-otp makes the user wait after a wrong code
    right = client.post(reverse("twofactor:verify"), {"token": code_for(device), "next": "/wilayah/"})
    assert right.url == "/wilayah/"
    assert AuditEvent.objects.filter(actor=operator, action="auth.otp_verified").exists()
    assert client.get(reverse("wilayah:detail", args=["63.71"])).status_code == 200


def test_a_code_is_accepted_only_once(client, operator, require_2fa):
    device = TOTPDevice.objects.create(user=operator, name="HP", confirmed=True)
    code = code_for(device)
    log_in(client, operator)
    assert client.post(reverse("twofactor:verify"), {"token": code}).status_code == 302

    other = type(client)()
    log_in(other, operator)
    replay = other.post(reverse("twofactor:verify"), {"token": code})
    assert replay.status_code == 200
    assert "Kode salah atau kedaluwarsa." in replay.content.decode()


def test_verification_does_not_send_the_user_to_another_site(client, operator, require_2fa):
    device = TOTPDevice.objects.create(user=operator, name="HP", confirmed=True)
    log_in(client, operator)
    response = client.post(reverse("twofactor:verify"), {"token": code_for(device), "next": "https://contoh.test/"})
    assert response.url == reverse("home")


def test_a_superuser_also_needs_the_second_factor(client, require_2fa):
    admin = UserFactory(is_superuser=True, is_staff=True)
    log_in(client, admin)
    assert client.get(reverse("admin:index")).url.startswith(reverse("twofactor:enrol"))


def test_a_tksk_is_not_asked_for_a_second_factor(client, require_2fa):
    tksk = AssignmentFactory(role="tksk", wilayah_id="63.72.03").user
    log_in(client, tksk)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("wilayah-api:children")).status_code == 200


def test_logout_and_health_stay_open_before_the_second_factor(client, operator, require_2fa):
    log_in(client, operator)
    assert client.get(reverse("healthz")).status_code in (200, 503)
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


# --- Caching, sessions, headers --------------------------------------------------------------------
def test_pages_and_api_answers_for_a_signed_in_user_are_not_stored(client, operator):
    client.force_login(operator)
    for url in (reverse("home"), reverse("wilayah:detail", args=["63"]), reverse("wilayah-api:children")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store, private", url


def test_the_health_check_keeps_its_own_cache_header(client, operator):
    client.force_login(operator)
    # /healthz sets its own header (never_cache); the middleware leaves it as the view wrote it.
    assert client.get(reverse("healthz"))["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_sessions_end_after_thirty_idle_minutes_by_default(client, operator):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(operator)
    client.get(reverse("home"))
    idle = client.session.get_expiry_age()
    assert 29 * 60 < idle <= 30 * 60


def test_using_the_app_keeps_the_session_alive(client, operator):
    from django.contrib.sessions.models import Session

    from kesos.accounts.middleware import SessionIdleMiddleware

    client.force_login(operator)
    client.get(reverse("home"))
    # Twenty minutes pass without a request: the session is ten minutes from expiring.
    session = client.session
    session[SessionIdleMiddleware.KEY] -= 20 * 60
    session.save()
    soon = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=10)
    Session.objects.filter(session_key=session.session_key).update(expire_date=soon)
    assert client.get(reverse("home")).status_code == 200
    renewed = Session.objects.get(session_key=session.session_key).expire_date
    assert renewed > soon + datetime.timedelta(minutes=19)


def test_a_session_idle_past_the_limit_is_over(client, operator):
    from django.contrib.sessions.models import Session

    client.force_login(operator)
    Session.objects.update(expire_date=datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_every_page_sends_a_strict_content_security_policy(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy


def test_forms_need_a_csrf_token(operator):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert log_in(strict, operator).status_code == 403


# --- In a real browser ---------------------------------------------------------------------------------
def browser_log_in(page, live_server, username):
    page.goto(f"{live_server.url}{reverse('login')}")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_page_breaks_the_content_security_policy(page, live_server, wilayah_table):
    violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and violations.append((page.url, msg.text)))
    page.on("pageerror", lambda err: violations.append((page.url, str(err))))
    admin = UserFactory(is_superuser=True, is_staff=True)
    AssignmentFactory(user=admin, role="admin_provinsi", wilayah_id="63")
    admin_login = UserFactory(is_superuser=True, is_staff=True)

    page.goto(f"{live_server.url}{reverse('admin:login')}")
    page.locator("#id_username").fill(admin_login.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#site-name")).to_be_visible()
    page.context.clear_cookies()

    browser_log_in(page, live_server, admin.username)
    pages = (
        "home",
        "wilayah:browse",
        "twofactor:password_change",
        "ppks:person_list",
        "ppks:person_create",
        "accounts:user_list",
        "accounts:user_create",
        "audit:subject_report",
        "admin:index",
        "api-docs",
    )
    for name in pages:
        page.goto(f"{live_server.url}{reverse(name)}")
        page.wait_for_load_state("networkidle")
    expect(page.locator(".swagger-ui .information-container")).to_be_visible()
    page.goto(f"{live_server.url}{reverse('wilayah:detail', args=['63.71'])}")
    page.wait_for_load_state("networkidle")

    with_2fa = UserFactory()
    AssignmentFactory(user=with_2fa, role="operator_kabkota", wilayah_id="63.71")
    page.context.clear_cookies()
    browser_log_in(page, live_server, with_2fa.username)
    page.goto(f"{live_server.url}{reverse('twofactor:enrol')}")
    expect(page.get_by_role("img", name="Kode QR")).to_be_visible()
    assert page.evaluate("document.querySelector('img[alt^=\"Kode QR\"]').naturalWidth") > 0
    assert violations == [], "\n".join(f"{url}: {text[:160]}" for url, text in violations)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_operator_enrols_an_authenticator_in_the_browser(page, live_server, wilayah_table, settings):
    settings.KESOS_REQUIRE_2FA = True
    operator = AssignmentFactory(role="operator_kabkota", wilayah_id="63.71").user
    browser_log_in(page, live_server, operator.username)
    expect(page.get_by_role("heading", name="Aktifkan verifikasi dua langkah")).to_be_visible()

    secret = page.get_by_test_id("kunci-rahasia").inner_text().replace(" ", "")
    page.get_by_label("Kode 6 angka").fill(code_from_secret(secret))
    page.get_by_role("button", name="Aktifkan").click()

    expect(page.get_by_role("heading", name=f"Selamat datang, {operator.full_name}")).to_be_visible()
    expect(page.get_by_text("Verifikasi dua langkah aktif")).to_be_visible()
