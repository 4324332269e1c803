"""User management by the Admin Dinsos Provinsi (issue 3, item 4): pages, services, scope, audit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from kesos.accounts import services
from kesos.accounts.models import Assignment, Role, User
from kesos.accounts.scope import scope_of
from kesos.audit import actions
from kesos.audit.models import AuditEvent
from kesos.wilayah.models import Wilayah
from tests.factories import PASSWORD, AssignmentFactory, OfficeFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Banjarbaru-Idaman-2026"  # noqa: S105


@pytest.fixture
def kalsel_office():
    return OfficeFactory(name="Dinas Sosial Provinsi Kalimantan Selatan", wilayah_id="63")


@pytest.fixture
def banjarbaru_office():
    return OfficeFactory(name="Dinas Sosial Kota Banjarbaru", wilayah_id="63.72")


@pytest.fixture
def kalteng_office():
    return OfficeFactory(name="Dinas Sosial Provinsi Kalimantan Tengah", wilayah_id="62")


@pytest.fixture
def admin(kalsel_office):
    return AssignmentFactory(
        user__username="admin.kalsel", user__office=kalsel_office, role=Role.ADMIN_PROVINSI, wilayah_id="63"
    ).user


@pytest.fixture
def operator(banjarbaru_office):
    return AssignmentFactory(
        user__username="operator.banjarbaru",
        user__office=banjarbaru_office,
        role=Role.OPERATOR_KABKOTA,
        wilayah_id="63.72",
    ).user


@pytest.fixture
def kalteng_user(kalteng_office):
    return AssignmentFactory(user__office=kalteng_office, role=Role.OPERATOR_KABKOTA, wilayah_id="62.71").user


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def wilayah(code):
    return Wilayah.objects.get(code=code)


def picker(code, depth=3):
    """The POST data of a region picker of `depth` levels with `code` chosen."""
    parts = code.split(".")
    return {("wilayah" if i == depth else f"wilayah__{i}"): ".".join(parts[:i]) for i in range(1, len(parts) + 1)}


def new_operator_data(office, **overrides):
    return {
        "username": "sari.banjarbaru",
        "full_name": "Sari Rahmawati",
        "nip": "198703152010012003",
        "phone": "081250001234",
        "office": office.pk,
        "role": Role.OPERATOR_KABKOTA,
        **picker("63.72"),
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
        **overrides,
    }


def actions_written():
    return set(AuditEvent.objects.values_list("action", flat=True))


# --- Creating a user through the page ----------------------------------------------------------------
def test_an_admin_creates_an_operator_who_can_then_log_in(admin_client, banjarbaru_office):
    response = admin_client.post(reverse("accounts:user_create"), new_operator_data(banjarbaru_office))
    user = User.objects.get(username="sari.banjarbaru")
    assert response.status_code == 302
    assert response.url == reverse("accounts:user", args=[user.pk])
    assert user.office == banjarbaru_office and user.nip == "198703152010012003"
    assignment = user.assignments.get()
    assert (assignment.role, assignment.wilayah_id, assignment.starts_on) == (
        Role.OPERATOR_KABKOTA,
        "63.72",
        timezone.localdate(),
    )
    assert {actions.USER_CREATE, actions.ASSIGNMENT_ADD} <= actions_written()

    login = Client().post(reverse("login"), {"username": "sari.banjarbaru", "password": NEW_PASSWORD})
    assert login.status_code == 302 and login.url == reverse("home")


def test_a_weak_password_is_refused_and_the_form_keeps_what_was_typed(admin_client, banjarbaru_office):
    data = new_operator_data(banjarbaru_office, password="12345678", password_confirm="12345678")
    response = admin_client.post(reverse("accounts:user_create"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert not User.objects.filter(username="sari.banjarbaru").exists()
    assert "Kata sandi ini terlalu pendek" in page or "terlalu umum" in page, page
    assert 'value="sari.banjarbaru"' in page and 'value="Sari Rahmawati"' in page
    assert 'value="63.72" selected' in page
    assert "12345678" not in page


def test_the_service_refuses_a_weak_password(admin, banjarbaru_office):
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=admin,
            username="lemah",
            full_name="Sandi Lemah",
            office=banjarbaru_office,
            password="password",
            role=Role.OPERATOR_KABKOTA,
            wilayah=wilayah("63.72"),
        )
    assert "password" in exc.value.message_dict


def test_a_taken_username_is_refused(admin_client, banjarbaru_office, operator):
    data = new_operator_data(banjarbaru_office, username="Operator.Banjarbaru")
    response = admin_client.post(reverse("accounts:user_create"), data)
    assert "Nama pengguna ini sudah dipakai" in response.content.decode()


# --- Scope: nobody grants more than they hold ---------------------------------------------------------
def test_the_form_refuses_a_region_of_another_province(admin_client, banjarbaru_office):
    data = new_operator_data(banjarbaru_office, **picker("62.71"))
    response = admin_client.post(reverse("accounts:user_create"), data)
    assert response.status_code == 200
    assert "di luar kewenangan Anda" in response.content.decode()
    assert not User.objects.filter(username="sari.banjarbaru").exists()


def test_the_service_refuses_a_region_of_another_province(admin, banjarbaru_office, operator):
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=admin,
            username="penyusup",
            full_name="Penyusup",
            office=banjarbaru_office,
            password=NEW_PASSWORD,
            role=Role.ADMIN_PROVINSI,
            wilayah=wilayah("62"),
        )
    assert exc.value.message_dict["wilayah"] == ["Wilayah di luar kewenangan Anda."]
    with pytest.raises(ValidationError) as exc:
        services.assignment_add(actor=admin, user=operator, role=Role.PIMPINAN, wilayah=wilayah("62"))
    assert exc.value.message_dict["wilayah"] == ["Wilayah di luar kewenangan Anda."]
    assert not User.objects.filter(username="penyusup").exists()
    assert not Assignment.objects.filter(wilayah_id="62").exists()


def test_the_service_refuses_an_office_of_another_province(admin, kalteng_office):
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=admin,
            username="salah.dinas",
            full_name="Salah Dinas",
            office=kalteng_office,
            password=NEW_PASSWORD,
            role=Role.OPERATOR_KABKOTA,
            wilayah=wilayah("63.72"),
        )
    assert exc.value.message_dict["office"] == ["Dinas di luar kewenangan Anda."]


@pytest.mark.parametrize(
    ("role", "code", "message"),
    [
        (Role.TKSK, "63.72", "TKSK ditugaskan per kecamatan."),
        (Role.OPERATOR_KABKOTA, "63", "Operator Dinsos ditugaskan per kabupaten/kota."),
        (Role.PIMPINAN, "63.72", "Pimpinan ditugaskan per provinsi."),
        (Role.PEKERJA_SOSIAL, "63", "Pekerja sosial ditugaskan per kabupaten/kota atau kecamatan."),
    ],
)
def test_each_role_is_granted_at_its_own_region_level(admin, operator, role, code, message):
    with pytest.raises(ValidationError) as exc:
        services.assignment_add(actor=admin, user=operator, role=role, wilayah=wilayah(code))
    assert exc.value.message_dict["wilayah"] == [message]


def test_a_user_holding_no_admin_role_cannot_call_the_services(operator, banjarbaru_office):
    with pytest.raises(PermissionDenied):
        services.assignment_add(actor=operator, user=operator, role=Role.ADMIN_PROVINSI, wilayah=wilayah("63"))


def test_the_services_refuse_a_user_of_another_province(admin, kalteng_user):
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=admin, user=kalteng_user)
    with pytest.raises(PermissionDenied):
        services.user_set_password(actor=admin, user=kalteng_user, password=NEW_PASSWORD)


# --- Who gets in -------------------------------------------------------------------------------------
def all_routes(user, assignment):
    pk, apk = user.pk, assignment.pk
    return [
        ("get", reverse("accounts:user_list")),
        ("get", reverse("accounts:user_create")),
        ("get", reverse("accounts:user", args=[pk])),
        ("get", reverse("accounts:user_edit", args=[pk])),
        ("post", reverse("accounts:user_deactivate", args=[pk])),
        ("post", reverse("accounts:user_activate", args=[pk])),
        ("get", reverse("accounts:user_password", args=[pk])),
        ("post", reverse("accounts:user_reset_2fa", args=[pk])),
        ("get", reverse("accounts:assignment_add", args=[pk])),
        ("post", reverse("accounts:assignment_end", args=[pk, apk])),
    ]


def test_an_operator_kabkota_is_refused_every_page(client, operator, admin):
    client.force_login(operator)
    for method, url in all_routes(admin, admin.assignments.get()):
        assert getattr(client, method)(url).status_code == 403, url
    assert admin.assignments.get().ends_on is None


def test_a_visitor_is_sent_to_the_login_page(client, operator):
    for method, url in all_routes(operator, operator.assignments.get()):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_a_user_of_another_province_is_not_found_for_the_kalsel_admin(admin_client, kalteng_user):
    for method, url in all_routes(kalteng_user, kalteng_user.assignments.get())[2:]:
        assert getattr(admin_client, method)(url).status_code == 404, url
    kalteng_user.refresh_from_db()
    assert kalteng_user.is_active
    assert "kalteng" not in admin_client.get(reverse("accounts:user_list")).content.decode().lower()


def test_an_assignment_of_another_user_is_not_found(admin_client, operator, kalteng_user):
    other = kalteng_user.assignments.get()
    url = reverse("accounts:assignment_end", args=[operator.pk, other.pk])
    assert admin_client.post(url).status_code == 404


def test_the_admin_sees_every_page_of_a_user_in_their_province(admin_client, operator):
    for method, url in all_routes(operator, operator.assignments.get()):
        if method == "get":
            assert admin_client.get(url).status_code == 200, url


def test_the_menu_shows_pengguna_only_to_those_who_manage_users(client, admin, operator):
    client.force_login(operator)
    assert 'href="/pengguna/"' not in client.get(reverse("home")).content.decode()
    client.force_login(admin)
    assert 'href="/pengguna/"' in client.get(reverse("home")).content.decode()


# --- Deactivating, passwords, second factor ---------------------------------------------------------
def test_a_deactivated_user_cannot_log_in_and_is_logged_out(admin_client, operator):
    session = Client()
    session.force_login(operator)
    response = admin_client.post(reverse("accounts:user_deactivate", args=[operator.pk]), follow=True)
    assert "dinonaktifkan" in response.content.decode()
    operator.refresh_from_db()
    assert not operator.is_active
    assert session.get(reverse("home")).status_code == 302
    login = Client().post(reverse("login"), {"username": operator.username, "password": PASSWORD})
    assert login.status_code == 200 and "_auth_user_id" not in login.client.session
    assert actions.USER_DEACTIVATE in actions_written()

    admin_client.post(reverse("accounts:user_activate", args=[operator.pk]))
    operator.refresh_from_db()
    assert operator.is_active
    assert actions.USER_ACTIVATE in actions_written()


def test_an_admin_cannot_deactivate_themselves(admin_client, admin):
    # An Admin Provinsi account is the system administrator's to manage, one's own included.
    response = admin_client.post(reverse("accounts:user_deactivate", args=[admin.pk]))
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=admin, user=admin)
    admin.refresh_from_db()
    assert admin.is_active


def test_a_password_reset_logs_the_user_out_everywhere(admin_client, operator):
    session = Client()
    session.force_login(operator)
    url = reverse("accounts:user_password", args=[operator.pk])
    weak = admin_client.post(url, {"password": "operator1", "password_confirm": "operator1"})
    assert weak.status_code == 200
    response = admin_client.post(url, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302
    operator.refresh_from_db()
    assert operator.check_password(NEW_PASSWORD)
    assert session.get(reverse("home")).status_code == 302
    assert actions.USER_PASSWORD_RESET in actions_written()


def test_resetting_the_second_factor_removes_the_authenticator(admin_client, operator):
    TOTPDevice.objects.create(user=operator, name="HP kantor", confirmed=True)
    admin_client.post(reverse("accounts:user_reset_2fa", args=[operator.pk]))
    assert not TOTPDevice.objects.filter(user=operator).exists()
    event = AuditEvent.objects.get(action=actions.USER_OTP_RESET)
    assert event.detail == {"devices": 1} and event.object_id == str(operator.pk)


def test_editing_a_user_is_recorded(admin_client, operator, kalsel_office):
    url = reverse("accounts:user_edit", args=[operator.pk])
    data = {"full_name": "Nama Baru", "nip": "", "phone": "0811", "office": kalsel_office.pk}
    assert admin_client.post(url, data).status_code == 302
    operator.refresh_from_db()
    assert (operator.full_name, operator.office) == ("Nama Baru", kalsel_office)
    assert AuditEvent.objects.get(action=actions.USER_UPDATE).detail == {"changed": ["full_name", "office_id", "phone"]}


# --- Assignments ---------------------------------------------------------------------------------------
def test_adding_an_assignment_through_the_page(admin_client, operator):
    url = reverse("accounts:assignment_add", args=[operator.pk])
    response = admin_client.post(url, {"role": Role.TKSK, **picker("63.72.03")})
    assert response.status_code == 302
    assert operator.assignments.filter(role=Role.TKSK, wilayah_id="63.72.03").exists()
    wrong = admin_client.post(url, {"role": Role.TKSK, **picker("63.72")})
    assert "TKSK ditugaskan per kecamatan." in wrong.content.decode()


def test_ending_an_assignment_removes_access_at_once(client, admin, banjarbaru_office):
    colleague = AssignmentFactory(user__office=banjarbaru_office, role=Role.OPERATOR_KABKOTA, wilayah_id="63.72")
    session = Client()
    session.force_login(colleague.user)
    assert session.get(reverse("ppks:person_list")).status_code == 200

    client.force_login(admin)
    response = client.post(reverse("accounts:assignment_end", args=[colleague.user.pk, colleague.pk]))
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.ends_on == timezone.localdate()
    assert session.get(reverse("ppks:person_list")).status_code == 403
    assert not scope_of(User.objects.get(pk=colleague.user.pk)).has_role(Role.OPERATOR_KABKOTA)
    event = AuditEvent.objects.get(action=actions.ASSIGNMENT_END)
    assert event.wilayah_code == "63.72"


def test_an_assignment_cannot_end_before_it_starts(admin, operator):
    assignment = operator.assignments.get()
    with pytest.raises(ValidationError) as exc:
        services.assignment_end(
            actor=admin, assignment=assignment, ends_on=assignment.starts_on - datetime.timedelta(days=1)
        )
    assert "ends_on" in exc.value.message_dict


def test_an_admin_cannot_end_their_own_admin_assignment(admin):
    with pytest.raises(PermissionDenied):
        services.assignment_end(actor=admin, assignment=admin.assignments.get())


def test_every_service_writes_its_audit_event(admin, banjarbaru_office):
    user = services.user_create(
        actor=admin,
        username="audit.uji",
        full_name="Audit Uji",
        office=banjarbaru_office,
        password=NEW_PASSWORD,
        role=Role.PEKERJA_SOSIAL,
        wilayah=wilayah("63.72.03"),
    )
    services.user_update(actor=admin, user=user, full_name="Audit Diubah", nip="", phone="", office=banjarbaru_office)
    services.user_deactivate(actor=admin, user=user)
    services.user_activate(actor=admin, user=user)
    services.user_set_password(actor=admin, user=user, password=NEW_PASSWORD + "!")
    services.user_reset_second_factor(actor=admin, user=user)
    extra = services.assignment_add(actor=admin, user=user, role=Role.TKSK, wilayah=wilayah("63.72.03"))
    services.assignment_end(actor=admin, assignment=extra)
    assert actions_written() == {
        actions.USER_CREATE,
        actions.USER_UPDATE,
        actions.USER_DEACTIVATE,
        actions.USER_ACTIVATE,
        actions.USER_PASSWORD_RESET,
        actions.USER_OTP_RESET,
        actions.ASSIGNMENT_ADD,
        actions.ASSIGNMENT_END,
    }
    assert set(AuditEvent.objects.values_list("actor_id", flat=True)) == {admin.pk}


# --- The list --------------------------------------------------------------------------------------------
def test_the_list_searches_and_filters(admin_client, operator, banjarbaru_office):
    AssignmentFactory(
        user__username="tksk.cempaka", user__office=banjarbaru_office, role=Role.TKSK, wilayah_id="63.72.03"
    )
    page = admin_client.get(reverse("accounts:user_list"), {"role": Role.TKSK}).content.decode()
    assert "tksk.cempaka" in page and "operator.banjarbaru" not in page
    page = admin_client.get(reverse("accounts:user_list"), {"q": "operator.banj"}).content.decode()
    assert "operator.banjarbaru" in page and "tksk.cempaka" not in page
    page = admin_client.get(reverse("accounts:user_list"), {"active": "0"}).content.decode()
    assert "operator.banjarbaru" not in page


def test_the_list_query_count_does_not_grow_with_rows(admin_client, banjarbaru_office, django_assert_max_num_queries):
    def add_users(n):
        for _ in range(n):
            user = AssignmentFactory(user__office=banjarbaru_office, wilayah_id="63.72").user
            AssignmentFactory(user=user, role=Role.TKSK, wilayah_id="63.72.03")

    add_users(2)
    with django_assert_max_num_queries(12) as few:
        assert admin_client.get(reverse("accounts:user_list")).status_code == 200
    add_users(20)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        page = admin_client.get(reverse("accounts:user_list")).content.decode()
    assert page.count("Kecamatan Cempaka") == 22
    assert len(many.captured_queries) == len(few.captured_queries)
