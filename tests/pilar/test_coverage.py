"""The coverage page: which kecamatan have an active TKSK and which desa have a Karang Taruna or PSM,
per kab/kota of a province and per kecamatan of a kab/kota."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kesos.accounts.models import Role
from kesos.wilayah.models import Level, Wilayah
from pilar import services
from pilar.models import PilarType
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def T(code):
    return PilarType.objects.get(code=code)


def user_with(role, region):
    # No office: the made-up province below has no time zone; the user's province comes from the assignment.
    user = UserFactory(office=None)
    AssignmentFactory(user=user, role=role, wilayah_id=region)
    return user


@pytest.fixture
def province():
    """Provinsi Uji (99) with one kabupaten of three kecamatan, two desa in each."""
    root = Wilayah.objects.create(code="99", name="Provinsi Uji", level=Level.PROVINSI, kind="provinsi")
    kab = Wilayah.objects.create(code="99.01", name="Kabupaten Uji", level=Level.KABKOTA, kind="kabupaten", parent=root)
    for k, name in enumerate(["Sungai Hulu", "Sungai Tengah", "Sungai Hilir"], start=1):
        kec = Wilayah.objects.create(code=f"99.01.0{k}", name=name, level=Level.KECAMATAN, kind="kecamatan", parent=kab)
        for n in (1, 2):
            Wilayah.objects.create(
                code=f"{kec.code}.200{n}", name=f"Desa {name} {n}", level=Level.DESA, kind="desa", parent=kec
            )
    return root


@pytest.fixture
def admin(province):
    return user_with(Role.ADMIN_PROVINSI, "99")


def post(actor, type_code, code, name):
    return services.member_create(
        actor=actor, type=T(type_code), wilayah=Wilayah.objects.get(code=code), name=name,
        starts_on=datetime.date(2025, 1, 1),
    )  # fmt: skip


@pytest.fixture
def tksk_on_two(admin):
    post(admin, "tksk", "99.01.01", "Tenaga Hulu")
    return post(admin, "tksk", "99.01.02", "Tenaga Tengah")


def total_tksk(page: str) -> str:
    return page.split('data-testid="tksk-kecamatan">')[1].split("<")[0]


def test_a_province_of_three_kecamatan_with_tksk_on_two_shows_two_of_three_and_names_the_third(
    client, admin, tksk_on_two
):
    client.force_login(admin)
    page = client.get(reverse("pilar:coverage")).content.decode()  # the admin's province by default
    assert 'data-testid="wilayah-cakupan">Provinsi Uji' in page
    assert total_tksk(page) == "2/3"
    assert 'data-testid="tksk-99.01">2/3' in page
    assert "?wilayah=99.01" in page

    page = client.get(reverse("pilar:coverage"), {"wilayah": "99.01"}).content.decode()
    assert total_tksk(page) == "2/3"
    uncovered = page.split('data-testid="kecamatan-tanpa-tksk"')[1].split("</ul>")[0]
    assert "Sungai Hilir" in uncovered and "Sungai Hulu" not in uncovered and "Sungai Tengah" not in uncovered
    assert 'data-testid="wilayah-induk"' in page  # back up to the province


def test_ending_a_posting_drops_the_kecamatan_from_the_coverage(client, admin, tksk_on_two):
    client.force_login(admin)
    services.posting_end(actor=admin, member=tksk_on_two, ends_on=TODAY)
    page = client.get(reverse("pilar:coverage"), {"wilayah": "99.01"}).content.decode()
    assert total_tksk(page) == "1/3"
    uncovered = page.split('data-testid="kecamatan-tanpa-tksk"')[1].split("</ul>")[0]
    assert "Sungai Tengah" in uncovered and "Sungai Hilir" in uncovered


def test_karang_taruna_and_psm_are_counted_per_desa(client, admin):
    post(admin, "karang_taruna", "99.01.01.2001", "Karang Taruna Hulu")
    post(admin, "psm", "99.01.01.2001", "PSM Hulu")
    post(admin, "psm", "99.01.03.2002", "PSM Hilir")
    client.force_login(admin)
    page = client.get(reverse("pilar:coverage")).content.decode()
    assert 'data-testid="kt-desa">1<' in page and 'data-testid="psm-desa">2<' in page
    page = client.get(reverse("pilar:coverage"), {"wilayah": "99.01"}).content.decode()
    assert 'data-testid="kt-99.01.01">1<' in page and 'data-testid="psm-99.01.03">1<' in page


def test_an_operator_sees_their_kabkota_and_cannot_ask_for_another_province(client, province, tksk_on_two):
    operator = user_with(Role.OPERATOR_KABKOTA, "99.01")
    client.force_login(operator)
    page = client.get(reverse("pilar:coverage")).content.decode()
    assert 'data-testid="wilayah-cakupan">Kabupaten Uji' in page and total_tksk(page) == "2/3"
    assert 'data-testid="wilayah-induk"' not in page  # the province is not theirs
    assert client.get(reverse("pilar:coverage"), {"wilayah": "99"}).status_code == 404
    assert client.get(reverse("pilar:coverage"), {"wilayah": "63"}).status_code == 404
    assert client.get(reverse("pilar:coverage"), {"wilayah": "99.01.01"}).status_code == 404  # not a kab/kota


def test_the_pimpinan_sees_the_coverage_without_names_of_people(client, province, tksk_on_two):
    client.force_login(user_with(Role.PIMPINAN, "99"))
    response = client.get(reverse("pilar:coverage"), {"wilayah": "99.01"})
    assert response.status_code == 200
    page = response.content.decode()
    assert total_tksk(page) == "2/3" and "Tenaga Hulu" not in page and "Tenaga Tengah" not in page
    assert f'href="{reverse("pilar:member_list")}"' not in page  # no roster link for them
    assert 'data-testid="menu-pilar"' in page


def test_roles_without_aggregates_are_refused(client, province):
    client.force_login(user_with(Role.TKSK, "99.01.01"))
    assert client.get(reverse("pilar:coverage")).status_code == 403
