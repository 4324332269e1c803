"""Issue 13, item 1, "Done when": an Admin Provinsi gets 404 on the superuser's, a staff user's, the
Auditor's, the Pimpinan's and another province's users' pages and actions, including a user whose only
link to the province is an ended assignment — on pages, API and the admin.

The attack it closes: an Admin Provinsi reset the superuser's password and second factor through the
user-management pages, logged in to /admin/ with them, and from there reset another province's admin.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from kesos.accounts.models import Assignment, Office, Role, User
from tests.factories import PASSWORD

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

START = datetime.date(2026, 1, 1)
TAKEN_OVER = "Diambil-Alih-2026!"  # noqa: S105 - what the attacker would set


def office(code):
    return Office.objects.get_or_create(name=f"Dinas Sosial {code}", defaults={"wilayah_id": code})[0]


def account(username, office_code, *roles, **flags):
    """A user with a confirmed authenticator and the given (role, region[, ends_on]) assignments."""
    user = User.objects.create_user(
        username=username, password=PASSWORD, office=office(office_code), full_name=f"Nama {username}", **flags
    )
    for role, region, *ends in roles:
        Assignment.objects.create(
            user=user, role=role, wilayah_id=region, starts_on=START, ends_on=ends[0] if ends else None
        )
    TOTPDevice.objects.create(user=user, name="HP", confirmed=True)
    return user


@pytest.fixture
def accounts_world():
    """The Kalsel admin, the accounts they must not touch, and one operator they do manage."""
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    return {
        "admin": account("admin.kalsel", "63", (Role.ADMIN_PROVINSI, "63")),
        "forbidden": {
            "superuser": account("root", "63", is_staff=True, is_superuser=True),
            # Staff who also works as an operator in the province: still the Django admin's account.
            "staff": account("staf.it", "63.71", (Role.OPERATOR_KABKOTA, "63.71"), is_staff=True),
            "auditor": account("auditor.kalsel", "63", (Role.AUDITOR, "63")),
            "pimpinan": account("kadis.kalsel", "63", (Role.PIMPINAN, "63")),
            "admin_kalteng": account("admin.kalteng", "62", (Role.ADMIN_PROVINSI, "62")),
            "operator_kalteng": account("operator.palangkaraya", "62.71", (Role.OPERATOR_KABKOTA, "62.71")),
            # Worked in Banjarbaru until yesterday; now a TKSK of Kalteng.
            "ended_in_kalsel": account(
                "pindahan.kalteng",
                "62.71",
                (Role.OPERATOR_KABKOTA, "63.72", yesterday),
                (Role.TKSK, "62.71.01"),
            ),
        },
        "legit": account("operator.banjarbaru", "63.72", (Role.OPERATOR_KABKOTA, "63.72")),
    }


@pytest.fixture
def admin_client(accounts_world):
    client = Client()
    client.force_login(accounts_world["admin"])
    return client


def pages(user):
    """Every user-management URL about `user`: (method, url, data)."""
    assignment = user.assignments.order_by("pk").first()
    return [
        ("get", reverse("accounts:user", args=[user.pk]), None),
        ("get", reverse("accounts:user_edit", args=[user.pk]), None),
        ("post", reverse("accounts:user_edit", args=[user.pk]), {"full_name": "Diubah", "office": user.office_id}),
        ("get", reverse("accounts:user_password", args=[user.pk]), None),
        (
            "post",
            reverse("accounts:user_password", args=[user.pk]),
            {"password": TAKEN_OVER, "password_confirm": TAKEN_OVER},
        ),
        ("post", reverse("accounts:user_reset_2fa", args=[user.pk]), {}),
        ("post", reverse("accounts:user_deactivate", args=[user.pk]), {}),
        ("post", reverse("accounts:user_activate", args=[user.pk]), {}),
        ("get", reverse("accounts:assignment_add", args=[user.pk]), None),
        ("post", reverse("accounts:assignment_add", args=[user.pk]), {"role": Role.TKSK, "wilayah": "63.72.03"}),
        ("post", reverse("accounts:assignment_end", args=[user.pk, assignment.pk if assignment else 0]), {}),
    ]


def test_the_admin_still_manages_the_operator_of_their_province(admin_client, accounts_world):
    target = accounts_world["legit"]
    for url in (
        reverse("accounts:user", args=[target.pk]),
        reverse("accounts:user_edit", args=[target.pk]),
        reverse("accounts:user_password", args=[target.pk]),
        reverse("accounts:assignment_add", args=[target.pk]),
    ):
        assert admin_client.get(url).status_code == 200, url
    response = admin_client.post(
        reverse("accounts:user_password", args=[target.pk]), {"password": TAKEN_OVER, "password_confirm": TAKEN_OVER}
    )
    assert response.status_code == 302
    assert admin_client.post(reverse("accounts:user_reset_2fa", args=[target.pk])).status_code == 302
    target.refresh_from_db()
    assert target.check_password(TAKEN_OVER)
    assert not TOTPDevice.objects.filter(user=target).exists()


def test_the_user_list_shows_only_the_accounts_the_admin_manages(admin_client, accounts_world):
    page = admin_client.get(reverse("accounts:user_list")).content.decode()
    assert f'href="{reverse("accounts:user", args=[accounts_world["legit"].pk])}"' in page
    for name, user in accounts_world["forbidden"].items():
        assert f'href="{reverse("accounts:user", args=[user.pk])}"' not in page, name
        assert user.username not in page, name
    # Searching by name does not find them either.
    page = admin_client.get(reverse("accounts:user_list"), {"q": "root"}).content.decode()
    assert f'href="{reverse("accounts:user", args=[accounts_world["forbidden"]["superuser"].pk])}"' not in page


@pytest.mark.parametrize("role", [Role.ADMIN_PROVINSI, Role.AUDITOR, Role.PIMPINAN])
def test_the_admin_cannot_grant_the_roles_of_the_system_administrator(admin_client, accounts_world, role):
    target = accounts_world["legit"]
    response = admin_client.post(
        reverse("accounts:assignment_add", args=[target.pk]), {"role": role, "wilayah__1": "63", "wilayah": "63"}
    )
    assert response.status_code == 200
    assert "Peran ini tidak dapat Anda berikan." in response.content.decode()
    assert not target.assignments.filter(role=role).exists()
    created = admin_client.post(
        reverse("accounts:user_create"),
        {
            "username": "penyusup",
            "full_name": "Penyusup",
            "office": office("63").pk,
            "role": role,
            "wilayah__1": "63",
            "wilayah": "63",
            "password": TAKEN_OVER,
            "password_confirm": TAKEN_OVER,
        },
    )
    assert created.status_code == 200
    assert not User.objects.filter(username="penyusup").exists()


def test_a_new_account_cannot_be_made_staff_or_superuser_from_the_pages(admin_client, accounts_world):
    response = admin_client.post(
        reverse("accounts:user_create"),
        {
            "username": "staf.palsu",
            "full_name": "Staf Palsu",
            "office": office("63.72").pk,
            "role": Role.OPERATOR_KABKOTA,
            "wilayah__1": "63",
            "wilayah__2": "63.72",
            "wilayah": "63.72",
            "password": TAKEN_OVER,
            "password_confirm": TAKEN_OVER,
            "is_staff": "on",
            "is_superuser": "on",
        },
    )
    assert response.status_code == 302
    made = User.objects.get(username="staf.palsu")
    assert not made.is_staff and not made.is_superuser
