"""Issue 7 point 5, in a real browser: the Pimpinan opens the dashboard, the charts are drawn by the
app's own Chart.js under the strict CSP, and a kab/kota opens onto its kecamatan."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kesos.accounts.models import Role
from ppks.models import Case, Person, PersonCategory, PpksCategory
from tests.acceptance.test_ppks import log_in
from tests.factories import AssignmentFactory, OfficeFactory, UserFactory

# Every canvas on the page, and whether it has at least one painted pixel.
CANVASES_PAINTED = """() => Array.from(document.querySelectorAll("canvas")).map((canvas) => {
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) return [canvas.id, true]; }
  return [canvas.id, false];
})"""
# Where on the page the bar of one area (dataset 0, "Orang PPKS") is drawn.
BAR_CENTRE = """([id, index]) => {
  const canvas = document.getElementById(id);
  const bar = window.Chart.getChart(canvas).getDatasetMeta(0).data[index];
  const box = canvas.getBoundingClientRect();
  return [box.left + bar.x, box.top + (bar.y + bar.base) / 2];
}"""


def ppks_people(reporter, desa_codes):
    """One person holding Anak Telantar in each desa, with an open case."""
    at = PpksCategory.objects.get(code="PPKS-02")
    for i, code in enumerate(desa_codes):
        person = Person.objects.create(name=f"Warga Uji {i}", sex="P", wilayah_id=code)
        PersonCategory.objects.create(
            person=person, category=at, source="datang", recorded_on=datetime.date(2026, 1, 5)
        )
        Case.objects.create(
            number=f"DASBOR-{i}", person=person, wilayah_id=code, source="datang", reported_by=reporter,
            summary="Uji dasbor", opened_at=timezone.now(),
        )  # fmt: skip


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_pimpinan_sees_the_charts_and_drills_down_from_the_province_to_a_kecamatan(
    page, live_server, wilayah_table, reference_rows
):
    office = OfficeFactory(name="Dinas Sosial Provinsi Kalimantan Selatan", wilayah_id="63")
    pimpinan = UserFactory(username="kadis.kalsel", full_name="Kepala Dinas Uji", office=office)
    AssignmentFactory(user=pimpinan, role=Role.PIMPINAN, wilayah_id="63")
    ppks_people(pimpinan, ["63.71.01.1001", "63.71.02.1001", "63.72.03.1001", "63.72.03.1002", "63.72.02.1003"])

    # CSP refusals and script errors reach the console; a missing file (Chart.js not served) is a failed
    # response. The browser's own request for /favicon.ico is not the page's.
    problems = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" and "Failed to load resource" not in m.text else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else None,
    )

    log_in(page, live_server, pimpinan)
    page.get_by_test_id("buka-dasbor").click()
    expect(page.get_by_test_id("wilayah-dasbor")).to_have_text("Kalimantan Selatan")
    expect(page.get_by_test_id("total-orang")).to_have_text("5")
    expect(page.locator("canvas[data-digambar='1']")).to_have_count(6)
    painted = dict(page.evaluate(CANVASES_PAINTED))
    assert painted == dict.fromkeys(painted, True) and len(painted) == 6, painted
    # Drawn charts fold their tables away; the numbers stay in the page.
    expect(page.get_by_test_id("tabel-ppks-jenis")).to_be_hidden()
    expect(page.get_by_test_id("orang-63.72")).to_have_text("3")

    # Clicking Banjarbaru's bar opens Banjarbaru.
    areas = page.evaluate("() => JSON.parse(document.getElementById('dasbor-data').textContent)['grafik-wilayah']")
    x, y = page.evaluate(BAR_CENTRE, ["grafik-wilayah", areas["labels"].index("Kota Banjarbaru")])
    page.mouse.click(x, y)
    expect(page.get_by_test_id("wilayah-dasbor")).to_have_text("Kota Banjarbaru")
    expect(page.get_by_test_id("orang-63.72.03")).to_have_text("2")

    # Back up by the breadcrumb, then down through the table's link: Banjarmasin and its kecamatan.
    page.get_by_test_id("wilayah-induk-63").click()
    page.get_by_test_id("buka-63.71").click()
    expect(page.get_by_test_id("wilayah-dasbor")).to_have_text("Kota Banjarmasin")
    expect(page.get_by_test_id("buka-63.71.01")).to_have_text("Banjarmasin Selatan")
    expect(page.get_by_test_id("orang-63.71.01")).to_have_text("1")
    page.get_by_test_id("buka-63.71.01").click()
    expect(page.get_by_test_id("wilayah-dasbor")).to_have_text("Kecamatan Banjarmasin Selatan")
    expect(page.locator("canvas[data-digambar='1']")).to_have_count(6)

    assert page.content().count("Warga Uji") == 0  # aggregates only
    assert problems == [], problems
