import pytest
from django import forms
from django.urls import reverse

from kesos.wilayah.forms import WilayahField
from tests.factories import AssignmentFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kalsel_user(client):
    user = UserFactory(office=OfficeFactory(name="Dinas Sosial Provinsi Kalimantan Selatan", wilayah_id="63"))
    client.force_login(user)
    return user


def codes(response):
    return [row["code"] for row in response.json()]


def test_the_picker_endpoint_needs_a_login(client):
    response = client.get(reverse("wilayah-api:children"))
    assert response.status_code == 403


def test_a_user_s_picker_starts_at_their_own_province(client, kalsel_user):
    response = client.get(reverse("wilayah-api:children"))
    assert codes(response) == ["63"]


def test_the_picker_lists_the_children_of_a_code(client, kalsel_user):
    response = client.get(reverse("wilayah-api:children"), {"induk": "63.72"})
    assert codes(response) == ["63.72.02", "63.72.03", "63.72.04", "63.72.05", "63.72.06"]
    assert response.json()[1] == {
        "code": "63.72.03",
        "name": "Cempaka",
        "level": 3,
        "kind": "kecamatan",
        "kind_label": "Kecamatan",
        "postal_code": "",
        "active": True,
        "parent": "63.72",
    }


def test_another_province_is_not_found(client, kalsel_user):
    assert client.get(reverse("wilayah-api:children"), {"induk": "62"}).status_code == 404
    assert client.get(reverse("wilayah-api:detail", args=["62.71"])).status_code == 404


def test_a_user_without_an_office_follows_their_assignment_s_province(client):
    tksk = AssignmentFactory(user__office=None, wilayah_id="62.01.01", role="tksk").user
    client.force_login(tksk)
    assert codes(client.get(reverse("wilayah-api:children"))) == ["62"]


def test_the_system_administrator_sees_every_province(client, admin_user):
    client.force_login(admin_user)
    assert len(codes(client.get(reverse("wilayah-api:children")))) == 38


def test_the_detail_lists_the_parents(client, kalsel_user):
    response = client.get(reverse("wilayah-api:detail", args=["63.72.03.1001"]))
    body = response.json()
    assert body["name"] == "Palam" and body["postal_code"] == "70731"
    assert [a["name"] for a in body["ancestors"]] == ["Kalimantan Selatan", "Kota Banjarbaru", "Cempaka"]


class AddressForm(forms.Form):
    desa = WilayahField(label="Desa/Kelurahan")


def test_the_field_takes_the_deepest_level_chosen():
    form = AddressForm({"desa__1": "63", "desa__2": "63.72", "desa__3": "63.72.03", "desa": "63.72.03.1001"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["desa"].name == "Palam"


def test_stopping_at_the_kecamatan_asks_for_the_desa_and_keeps_the_choice():
    form = AddressForm({"desa__1": "63", "desa__2": "63.72", "desa__3": "63.72.03", "desa": ""})
    assert not form.is_valid()
    assert form.errors["desa"] == ["Pilih desa/kelurahan terlebih dahulu."]
    html = str(form["desa"])
    assert '<option value="63.72.03" selected>Cempaka</option>' in html
    assert '<option value="63.72.03.1001">Palam</option>' in html  # the next level is ready to choose


def test_a_code_outside_the_user_s_province_is_refused():
    form = AddressForm({"desa": "62.71.01.1001"})
    form.fields["desa"].limit_to("63")
    assert not form.is_valid()
    assert form.errors["desa"] == ["Wilayah tidak dikenal atau sudah tidak aktif."]


def test_the_region_page_shows_a_kelurahan_with_its_postal_code(client, kalsel_user):
    response = client.get(reverse("wilayah:detail", args=["63.72.03.1001"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Kelurahan Palam" in page and "70731" in page and "Kecamatan Cempaka" in page


def test_the_region_page_redirects_a_user_to_their_province(client, kalsel_user):
    response = client.get(reverse("wilayah:browse"))
    assert response.url == reverse("wilayah:detail", args=["63"])


def test_the_region_page_counts_what_lies_under_each_child(client, kalsel_user, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(reverse("wilayah:detail", args=["63"]))
    children = {w.code: w.n_children for w in response.context["children"]}
    assert len(children) == 13
    assert children["63.72"] == 5


def test_the_region_page_of_another_province_is_not_found(client, kalsel_user):
    assert client.get(reverse("wilayah:detail", args=["62"])).status_code == 404
