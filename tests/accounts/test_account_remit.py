"""Issue 13, item 1: whose accounts an Admin Provinsi manages, the roles only the system administrator
gives, the separation of duties, and the second factor at the door of the Django admin."""

import datetime
import time

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kesos.accounts import services
from kesos.accounts.models import Assignment, Role, User
from kesos.accounts.selectors import user_visible
from kesos.wilayah.models import Wilayah
from tests.factories import PASSWORD, AssignmentFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Banjarbaru-Idaman-2026"  # noqa: S105
SEPARATION = "Auditor tidak boleh merangkap peran operasional"


def code_for(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


@pytest.fixture
def admin():
    return AssignmentFactory(user__username="admin.kalsel", role=Role.ADMIN_PROVINSI, wilayah_id="63").user


@pytest.fixture
def operator():
    office = OfficeFactory(name="Dinas Sosial Kota Banjarbaru", wilayah_id="63.72")
    return AssignmentFactory(
        user__username="operator.banjarbaru", user__office=office, role=Role.OPERATOR_KABKOTA, wilayah_id="63.72"
    ).user


def wilayah(code):
    return Wilayah.objects.get(code=code)


# --- Whose accounts ------------------------------------------------------------------------------------
def test_the_services_refuse_to_touch_the_superuser_even_when_called_directly(admin):
    root = UserFactory(is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=root, name="HP", confirmed=True)
    for call in (
        lambda: services.user_set_password(actor=admin, user=root, password=NEW_PASSWORD),
        lambda: services.user_reset_second_factor(actor=admin, user=root),
        lambda: services.user_deactivate(actor=admin, user=root),
    ):
        with pytest.raises(PermissionDenied):
            call()
    root.refresh_from_db()
    assert root.is_active and not root.check_password(NEW_PASSWORD)
    assert TOTPDevice.objects.filter(user=root).exists()


def test_a_user_with_one_role_outside_the_province_is_not_the_admins(admin, operator):
    AssignmentFactory(user=operator, role=Role.TKSK, wilayah_id="62.71.01")
    assert not user_visible(actor=admin).filter(pk=operator.pk).exists()


def test_a_role_starting_next_month_in_another_province_already_counts(admin, operator):
    AssignmentFactory(
        user=operator,
        role=Role.TKSK,
        wilayah_id="62.71.01",
        starts_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    assert not user_visible(actor=admin).filter(pk=operator.pk).exists()


def test_a_user_without_any_role_is_the_admins_when_their_office_is_in_the_province(admin):
    here = UserFactory(office=OfficeFactory(name="Dinas Sosial Kota Banjarmasin", wilayah_id="63.71"))
    there = UserFactory(office=OfficeFactory(name="Dinas Sosial Kota Palangka Raya", wilayah_id="62.71"))
    visible = set(user_visible(actor=admin))
    assert here in visible and there not in visible


def test_an_operator_lks_of_the_province_is_the_admins(admin):
    from lks.models import Lks

    lks = Lks.objects.create(name="Panti Uji", wilayah_id="63.71.01.1001", address="Jl. Uji", capacity=5)
    operator_lks = AssignmentFactory(role=Role.OPERATOR_LKS, wilayah_id="63.71", lks=lks).user
    assert user_visible(actor=admin).filter(pk=operator_lks.pk).exists()


# --- Roles only the system administrator gives -----------------------------------------------------
@pytest.mark.parametrize("role", [Role.ADMIN_PROVINSI, Role.AUDITOR, Role.PIMPINAN])
def test_the_services_refuse_to_grant_the_roles_of_the_system_administrator(admin, operator, role):
    with pytest.raises(ValidationError) as exc:
        services.assignment_add(actor=admin, user=operator, role=role, wilayah=wilayah("63"))
    assert exc.value.message_dict["role"] == [services.RESERVED_ROLE]
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=admin,
            username="kadis.baru",
            full_name="Kadis Baru",
            office=operator.office,
            password=NEW_PASSWORD,
            role=role,
            wilayah=wilayah("63"),
        )
    assert exc.value.message_dict["role"] == [services.RESERVED_ROLE]
    assert not Assignment.objects.filter(role=role).exclude(user=admin).exists()
    assert not User.objects.filter(username="kadis.baru").exists()


# --- Separation of duties ------------------------------------------------------------------------------
def test_an_operational_role_overlapping_an_auditors_term_is_refused(admin, operator):
    # The operator was Auditor in January; a TKSK role backdated into January would overlap it.
    Assignment.objects.create(
        user=operator,
        role=Role.AUDITOR,
        wilayah_id="63",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 2, 1),
    )
    with pytest.raises(ValidationError) as exc:
        services.assignment_add(
            actor=admin,
            user=operator,
            role=Role.TKSK,
            wilayah=wilayah("63.72.03"),
            starts_on=datetime.date(2025, 1, 15),
        )
    assert SEPARATION in exc.value.message_dict["role"][0]
    # From February on the terms no longer overlap.
    services.assignment_add(
        actor=admin, user=operator, role=Role.TKSK, wilayah=wilayah("63.72.03"), starts_on=datetime.date(2025, 2, 1)
    )


def test_the_rule_names_the_role_to_end_first():
    assert services.duty_conflict(Role.AUDITOR, [Role.PIMPINAN]) is None
    assert "TKSK" in services.duty_conflict(Role.AUDITOR, [Role.TKSK])
    assert "Operator Dinsos Kab/Kota" in services.duty_conflict(Role.OPERATOR_KABKOTA, [Role.AUDITOR])


def admin_change_data(user, rows):
    """The Django admin's change form for `user`, with `rows` of (role, region, id or None) as assignments."""
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "nip": "",
        "phone": "",
        "email": "",
        "office": user.office_id or "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        "assignments-TOTAL_FORMS": str(len(rows)),
        "assignments-INITIAL_FORMS": str(sum(1 for *_, pk in rows if pk)),
        "assignments-MIN_NUM_FORMS": "0",
        "assignments-MAX_NUM_FORMS": "1000",
    }
    for i, (role, region, pk) in enumerate(rows):
        data |= {
            f"assignments-{i}-id": pk or "",
            f"assignments-{i}-user": user.pk,
            f"assignments-{i}-role": role,
            f"assignments-{i}-wilayah": region,
            f"assignments-{i}-starts_on": "2026-01-01",
            f"assignments-{i}-ends_on": "",
        }
    return data


def test_the_django_admin_refuses_an_auditor_who_is_also_an_operator(operator):
    root = UserFactory(is_staff=True, is_superuser=True)
    browser = Client()
    browser.force_login(root)
    current = operator.assignments.get()
    url = reverse("admin:accounts_user_change", args=[operator.pk])
    response = browser.post(
        url, admin_change_data(operator, [(current.role, "63.72", current.pk), (Role.AUDITOR, "63", None)])
    )
    assert response.status_code == 200
    assert SEPARATION in response.content.decode()
    assert not operator.assignments.filter(role=Role.AUDITOR).exists()
    # An Auditor alone is what the system administrator may give.
    ok = browser.post(url, admin_change_data(operator, [(Role.AUDITOR, "63", None)]))
    assert ok.status_code == 302, ok.content.decode()[:2000]
    assert operator.assignments.filter(role=Role.AUDITOR).exists()


def test_staff_who_are_not_superusers_cannot_make_anyone_a_superuser(operator):
    from django.contrib.auth.models import Permission

    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    browser = Client()
    browser.force_login(staff)
    data = admin_change_data(operator, []) | {"is_staff": "on", "is_superuser": "on"}
    browser.post(reverse("admin:accounts_user_change", args=[operator.pk]), data)
    operator.refresh_from_db()
    assert not operator.is_staff and not operator.is_superuser
    root = UserFactory(is_staff=True, is_superuser=True)
    assert browser.get(reverse("admin:auth_user_password_change", args=[root.pk])).status_code == 404


def test_staff_who_are_not_superusers_cannot_bulk_delete_a_superuser(operator):
    from django.contrib.auth.models import Permission

    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "delete_user"]))
    root = UserFactory(is_staff=True, is_superuser=True)
    browser = Client()
    browser.force_login(staff)
    changelist = reverse("admin:accounts_user_changelist")
    assert root.username not in browser.get(changelist).content.decode()
    browser.post(changelist, {"action": "delete_selected", "_selected_action": [root.pk], "post": "yes"})
    assert type(root).objects.filter(pk=root.pk).exists()


# --- The second factor at the Django admin -----------------------------------------------------------
def test_staff_who_are_not_superusers_need_the_second_factor_too(settings):
    settings.KESOS_REQUIRE_2FA = True
    staff = UserFactory(is_staff=True)
    browser = Client()
    browser.post(reverse("login"), {"username": staff.username, "password": PASSWORD})
    assert browser.get(reverse("admin:index")).url.startswith(reverse("twofactor:enrol"))


def test_the_admin_site_itself_refuses_a_session_without_the_second_factor(settings):
    settings.KESOS_REQUIRE_2FA = True
    # Without the middleware that holds users at the 2FA pages, the admin still asks for the factor.
    settings.MIDDLEWARE = [m for m in django_settings.MIDDLEWARE if not m.endswith("SecondFactorMiddleware")]
    root = UserFactory(is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=root, name="HP", confirmed=True)
    browser = Client()
    browser.post(reverse("login"), {"username": root.username, "password": PASSWORD})
    response = browser.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    assert browser.post(reverse("twofactor:verify"), {"token": code_for(device)}).status_code == 302
    assert browser.get(reverse("admin:index")).status_code == 200


def test_without_2fa_required_the_superuser_opens_the_admin_with_the_password(settings):
    settings.KESOS_REQUIRE_2FA = False
    root = UserFactory(is_staff=True, is_superuser=True)
    browser = Client()
    browser.post(reverse("login"), {"username": root.username, "password": PASSWORD})
    assert browser.get(reverse("admin:index")).status_code == 200
