"""An Admin Provinsi gives an LKS its operator account (issue 5, item 7): the operator reaches that LKS only."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kesos.accounts import services
from kesos.accounts.models import Assignment, Role, User
from kesos.audit import actions
from kesos.audit.models import AuditEvent
from kesos.wilayah.models import Wilayah
from lks.models import Lks, LksType
from tests.factories import AssignmentFactory, OfficeFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Panti-Asuhan-Banua-2026"  # noqa: S105


def make_lks(name, code):
    lks = Lks.objects.create(name=name, wilayah_id=code, address="Jl. Uji No. 1", capacity=30)
    lks.types.set([LksType.objects.get(code="anak")])
    return lks


@pytest.fixture
def kalsel_office():
    return OfficeFactory(name="Dinas Sosial Provinsi Kalimantan Selatan", wilayah_id="63")


@pytest.fixture
def admin(kalsel_office):
    return AssignmentFactory(
        user__username="admin.kalsel", user__office=kalsel_office, role=Role.ADMIN_PROVINSI, wilayah_id="63"
    ).user


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def al_ikhlas():
    return make_lks("LKSA Panti Asuhan Al-Ikhlas", "63.71.01.1001")


@pytest.fixture
def other_kalsel_lks():
    return make_lks("LKSA Nurul Hidayah", "63.72.03.1001")


@pytest.fixture
def kalteng_lks():
    return make_lks("LKSA Betang Harapan", "62.71.01.1001")


def new_operator_lks(office, **overrides):
    return {
        "username": "aida.alikhlas",
        "full_name": "Noor Aida Rahmawati",
        "nip": "",
        "phone": "081251112233",
        "office": office.pk,
        "role": Role.OPERATOR_LKS,
        "wilayah__1": "63",  # the picker starts at the admin's province; it does not matter for this role
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        **overrides,
    }


def test_an_admin_creates_the_operator_of_an_lks_of_their_province(admin_client, kalsel_office, al_ikhlas):
    form = admin_client.get(reverse("accounts:user_create")).content.decode()
    assert f'<option value="{al_ikhlas.pk}">LKSA Panti Asuhan Al-Ikhlas</option>' in form

    response = admin_client.post(reverse("accounts:user_create"), new_operator_lks(kalsel_office, lks=al_ikhlas.pk))
    user = User.objects.get(username="aida.alikhlas")
    assert response.status_code == 302 and response.url == reverse("accounts:user", args=[user.pk])
    assignment = user.assignments.get()
    assert (assignment.role, assignment.lks, assignment.wilayah_id, assignment.starts_on) == (
        Role.OPERATOR_LKS,
        al_ikhlas,
        "63.71",
        timezone.localdate(),
    )
    event = AuditEvent.objects.get(action=actions.ASSIGNMENT_ADD)
    assert event.detail["lks"] == al_ikhlas.pk and event.wilayah_code == "63.71"

    page = admin_client.get(response.url).content.decode()
    assert 'data-testid="assignment-lks">LKSA Panti Asuhan Al-Ikhlas<' in page


def test_the_new_operator_reaches_exactly_their_lks(admin, al_ikhlas, other_kalsel_lks, kalteng_lks, kalsel_office):
    operator = services.user_create(
        actor=admin, username="aida.alikhlas", full_name="Noor Aida Rahmawati", office=kalsel_office,
        password=PASSWORD, role=Role.OPERATOR_LKS, lks=al_ikhlas,
    )  # fmt: skip
    assert list(Lks.objects.visible_to(operator)) == [al_ikhlas]


def test_an_operator_lks_without_an_lks_is_refused(admin_client, kalsel_office, al_ikhlas):
    response = admin_client.post(reverse("accounts:user_create"), new_operator_lks(kalsel_office))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Pilih LKS yang dikelola operator ini." in page
    assert 'value="aida.alikhlas"' in page
    assert not User.objects.filter(username="aida.alikhlas").exists()


def test_an_lks_of_another_province_is_refused(admin_client, admin, kalsel_office, kalteng_lks):
    response = admin_client.post(reverse("accounts:user_create"), new_operator_lks(kalsel_office, lks=kalteng_lks.pk))
    assert response.status_code == 200
    assert "LKS tidak dikenal atau di luar kewenangan Anda." in response.content.decode()
    assert "LKSA Betang Harapan" not in response.content.decode()
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=admin, username="aida.alikhlas", full_name="Noor Aida Rahmawati", office=kalsel_office,
            password=PASSWORD, role=Role.OPERATOR_LKS, lks=kalteng_lks,
        )  # fmt: skip
    assert exc.value.message_dict["lks"] == ["LKS di luar kewenangan Anda."]
    assert not User.objects.filter(username="aida.alikhlas").exists()


def test_an_lks_is_refused_for_any_other_role(admin, kalsel_office, al_ikhlas):
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=admin, username="sari.banjarmasin", full_name="Sari", office=kalsel_office, password=PASSWORD,
            role=Role.OPERATOR_KABKOTA, wilayah=Wilayah.objects.get(code="63.71"), lks=al_ikhlas,
        )  # fmt: skip
    assert exc.value.message_dict["lks"] == ["LKS hanya dipilih untuk peran Operator LKS."]


def test_an_admin_adds_an_lks_operator_assignment_through_the_page(admin_client, kalsel_office, al_ikhlas):
    colleague = AssignmentFactory(user__office=kalsel_office, role=Role.OPERATOR_KABKOTA, wilayah_id="63.71").user
    url = reverse("accounts:assignment_add", args=[colleague.pk])
    assert f'value="{al_ikhlas.pk}"' in admin_client.get(url).content.decode()

    missing = admin_client.post(url, {"role": Role.OPERATOR_LKS, "wilayah__1": "63"})
    assert "Pilih LKS yang dikelola operator ini." in missing.content.decode()
    response = admin_client.post(url, {"role": Role.OPERATOR_LKS, "wilayah__1": "63", "lks": al_ikhlas.pk})
    assert response.status_code == 302
    assignment = colleague.assignments.get(role=Role.OPERATOR_LKS)
    assert (assignment.lks, assignment.wilayah_id) == (al_ikhlas, "63.71")
    again = admin_client.post(url, {"role": Role.OPERATOR_LKS, "lks": al_ikhlas.pk})
    assert "sudah menjadi Operator LKS tersebut" in again.content.decode()
    assert Assignment.objects.filter(role=Role.OPERATOR_LKS).count() == 1


def test_the_assignment_form_still_asks_other_roles_for_a_region(admin_client, kalsel_office):
    colleague = AssignmentFactory(user__office=kalsel_office, role=Role.OPERATOR_KABKOTA, wilayah_id="63.71").user
    response = admin_client.post(reverse("accounts:assignment_add", args=[colleague.pk]), {"role": Role.TKSK})
    assert "Pilih wilayah tugas." in response.content.decode()
