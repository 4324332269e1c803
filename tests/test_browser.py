"""Journeys in a real browser: Debian's Chromium driven by Playwright."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, AssignmentFactory, OfficeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


@pytest.fixture
def tksk_on_phone(phone, live_server, wilayah_table):
    """The TKSK of Kecamatan Cempaka (Kota Banjarbaru), logged in on a phone."""
    tksk = AssignmentFactory(
        role="tksk",
        wilayah_id="63.72.03",
        user__office=OfficeFactory(name="Dinas Sosial Kota Banjarbaru", wilayah_id="63.72"),
    ).user
    log_in(phone, live_server, tksk.username)
    expect(phone.get_by_role("heading", name=f"Selamat datang, {tksk.full_name}")).to_be_visible()
    return phone


def test_a_tksk_picks_a_kelurahan_on_a_phone(tksk_on_phone):
    phone = tksk_on_phone

    phone.get_by_role("button", name="Buka menu").click()
    phone.get_by_role("link", name="Wilayah", exact=True).click()
    expect(phone.get_by_test_id("judul-wilayah")).to_have_text("Kalimantan Selatan")
    phone.get_by_label("Kabupaten/Kota").select_option(label="Kota Banjarbaru")
    phone.get_by_label("Kecamatan").select_option(label="Cempaka")
    phone.get_by_label("Desa/Kelurahan").select_option(label="Palam")
    phone.get_by_role("button", name="Tampilkan").click()

    expect(phone.get_by_test_id("judul-wilayah")).to_have_text("Kelurahan Palam")
    expect(phone.get_by_test_id("kode-wilayah")).to_have_text("63.72.03.1001")
    expect(phone.get_by_test_id("kode-pos")).to_have_text("70731")
    # Nothing overflows a 360 px screen sideways.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_kabkota_chosen_before_the_picker_script_has_loaded_still_fills_the_kecamatan(tksk_on_phone, live_server):
    """On a slow phone the page shows before its scripts run; an early choice must not be lost."""
    phone = tksk_on_phone
    held = []

    def hold(route):  # the script's response waits until released
        held.append(route)

    phone.route("**/wilayah-picker.js", hold)

    phone.goto(f"{live_server.url}/wilayah/", wait_until="commit")
    expect(phone.get_by_label("Kabupaten/Kota")).to_be_enabled()
    phone.get_by_label("Kabupaten/Kota").select_option(label="Kota Banjarbaru")
    expect(phone.get_by_label("Kecamatan")).to_be_disabled()  # nothing has loaded it yet
    assert len(held) == 1
    held[0].continue_()

    phone.get_by_label("Kecamatan").select_option(label="Cempaka")
    phone.get_by_label("Desa/Kelurahan").select_option(label="Palam")
