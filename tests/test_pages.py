import datetime
import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import PASSWORD, AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_pages_need_a_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_login_page_speaks_indonesian(client):
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="id">' in page
    assert "Nama pengguna" in page and "Kata sandi" in page and "Masuk" in page


def test_a_wrong_password_is_refused_with_a_clear_message_and_keeps_the_username(client):
    UserFactory(username="operator.uji")
    response = client.post(reverse("login"), {"username": "operator.uji", "password": "salah"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in page
    assert 'value="operator.uji"' in page


def test_a_user_logs_in_and_sees_their_role_and_region(client):
    assignment = AssignmentFactory(user__full_name="Dewi Lestari", role="tksk", wilayah_id="63.72.03")
    response = client.post(reverse("login"), {"username": assignment.user.username, "password": PASSWORD}, follow=True)
    page = response.content.decode()
    assert "Selamat datang, Dewi Lestari" in page
    assert "TKSK — Kecamatan Cempaka" in page


def test_an_ended_assignment_is_not_shown_as_a_current_role(client):
    assignment = AssignmentFactory(role="tksk", wilayah_id="63.72.03", ends_on="2026-01-31")
    client.force_login(assignment.user)
    assert "Belum ada penugasan aktif" in client.get(reverse("home")).content.decode()


def test_logging_out_needs_a_post_and_ends_the_session(client):
    client.force_login(UserFactory())
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_every_asset_a_page_loads_is_served_by_the_app_itself(client):
    client.force_login(UserFactory())
    page = client.get(reverse("wilayah:detail", args=["63"])).content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page)
    assert assets, page
    for url in assets:
        assert url.startswith("/static/"), url
        assert Client().get(url).status_code == 200, url


def test_a_missing_page_gets_the_indonesian_404(client):
    client.force_login(UserFactory())
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_a_server_error_gets_the_indonesian_500_page():
    from kesos.core.views import error_500

    response = error_500(None)
    assert response.status_code == 500
    assert "Terjadi kesalahan pada sistem" in response.content.decode()


def test_a_forbidden_page_gets_the_indonesian_403(rf):
    from kesos.core.views import error_403

    request = rf.get("/")
    request.user = UserFactory()
    response = error_403(request)
    assert response.status_code == 403 and "Akses ditolak" in response.content.decode()


def test_an_office_s_time_zone_follows_its_province():
    from kesos.accounts.models import Office

    kalteng = Office.objects.create(name="Dinas Sosial Provinsi Kalimantan Tengah", wilayah_id="62")
    assert kalteng.time_zone == "Asia/Pontianak"
    assert Office(name="x", wilayah_id="63.72").time_zone == "Asia/Makassar"
    assert Office(name="y", wilayah_id="94.01").time_zone == "Asia/Jayapura"


@override_settings(LANGUAGE_CODE="id")
def test_dates_are_read_day_first_only():
    from django import forms

    class F(forms.Form):
        tanggal = forms.DateField()

    assert F({"tanggal": "25/04/2024"}).is_valid()
    ambiguous = F({"tanggal": "05/04/2024"})
    assert ambiguous.is_valid()
    assert ambiguous.cleaned_data["tanggal"] == datetime.date(2024, 4, 5)  # 5 April, never 4 May
    us = F({"tanggal": "04/25/2024"})
    assert not us.is_valid()
    assert us.errors["tanggal"] == ["Masukkan tanggal yang valid."]
    assert F({"tanggal": "2024-04-25"}).is_valid()  # from <input type="date">
