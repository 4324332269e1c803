"""Issue 6, "Done when": each point as an end-to-end test.

1. The Muara Enim Rakor recap reproduces article 004's table from the participants entered.
2. A TKSK on a phone-sized browser files a field case report that appears as a draft case for the
   Dinsos operator, with the duplicate check applied.
3. The coverage page for Kalteng shows 136/136 kecamatan covered in the demo data, and drops to 135
   when one TKSK's assignment ends.
4. The authorization matrix covers every new route.
"""

import csv
import datetime
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from kesos.accounts.models import Role, User
from kesos.core.demo import load_demo
from kesos.wilayah.models import Wilayah
from pilar.models import Member, PilarType
from pilar.services import events
from ppks.models import Case, Person
from tests import authz
from tests.acceptance.test_ppks import log_in
from tests.factories import AssignmentFactory, OfficeFactory, UserFactory

# Article 004: Rakor Bidang Sosial Kabupaten Muara Enim, Monday 6 November 2023, 200 participants.
ARTICLE_004 = [
    ("Kasi Kesos Kecamatan", 22),
    ("TKSK", 22),
    ("Korcam/Pendamping PKH", 78),
    ("Korwil", 1),
    ("Pendamping Disabilitas", 1),
    ("LKS", 14),
    ("Karang Taruna", 2),
    ("Tagana", 25),
    ("Operator", 21),
    ("OPD terkait", 14),
]
# How the participants were entered: pillar types (Korcam and Pendamping PKH are one row in the article).
ENTERED = [
    ("kasi_kesos", 22), ("tksk", 22), ("pendamping_pkh", 56), ("korcam_pkh", 22), ("korwil_pkh", 1),
    ("pendamping_disabilitas", 1), ("lks", 14), ("karang_taruna", 2), ("tagana", 25), ("operator_siks", 21),
    ("opd_terkait", 14),
]  # fmt: skip


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- 1. The Muara Enim Rakor recap -----------------------------------------------------------------------
@pytest.mark.django_db
def test_the_muara_enim_rakor_recap_reproduces_article_004():
    office = OfficeFactory(name="Dinas Sosial Kabupaten Muara Enim", wilayah_id="16.03")
    operator = UserFactory(username="operator.muaraenim", office=office)
    AssignmentFactory(user=operator, role=Role.OPERATOR_KABKOTA, wilayah_id="16.03")
    rakor = events.event_create(
        actor=operator, wilayah=Wilayah.objects.get(code="16.03"), kind="rakor",
        name="Rakor Bidang Sosial Tingkat Kabupaten Muara Enim Tahun 2023", starts_on=datetime.date(2023, 11, 6),
        ends_on=datetime.date(2023, 11, 6), venue="Ballroom Hotel Griya Sintesa Muara Enim",
    )  # fmt: skip
    kecamatan = list(Wilayah.objects.filter(level=3, code__startswith="16.03.").values_list("code", flat=True))
    assert len(kecamatan) == 22
    muara_enim = Wilayah.objects.get(code="16.03")
    for code, count in ENTERED:
        group = PilarType.objects.get(code=code)
        for n in range(count):
            events.participant_add(
                actor=operator, event=rakor, group=group, name=f"{group.abbreviation} {n + 1}", kabkota=muara_enim
            )
    # The speakers are at the event but not counted among the participants.
    for name in ("Masi Totu Mulja, M.Si", "Liesna Warliwati"):
        events.participant_add(
            actor=operator, event=rakor, group=PilarType.objects.get(code="lainnya"), name=name, role="narasumber"
        )

    client = client_for(operator)
    html = client.get(reverse("pilar:event_recap", args=[rakor.pk])).content.decode()
    table = html[html.index('data-testid="rekap-unsur"') :]
    table = table[: table.index("</table>")]
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>.*?</td>", table, flags=re.S)]
    rows = [cells[i : i + 3] for i in range(0, 3 * len(ARTICLE_004), 3)]
    assert [(label, int(n)) for _, label, n in rows] == ARTICLE_004
    assert re.search(r'data-testid="rekap-jumlah"[^>]*>\s*200\s*<', table)

    exported = client.get(reverse("pilar:event_recap", args=[rakor.pk]), {"format": "csv"})
    lines = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    counted = {row[1]: int(row[2]) for row in lines if len(row) >= 3 and row[2].isdigit()}
    assert all(counted[label] == n for label, n in ARTICLE_004)


# --- 2. A TKSK's field case report on a phone ----------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_tksk_on_a_phone_files_a_field_case_that_the_operator_sees_as_a_draft_with_the_duplicate_check(
    phone, live_server, wilayah_table, reference_rows
):
    office = OfficeFactory(name="Dinas Sosial Kota Banjarbaru", wilayah_id="63.72")
    tksk = UserFactory(username="tksk.cempaka", full_name="Akhmad Syarifudin", office=office)
    AssignmentFactory(user=tksk, role=Role.TKSK, wilayah_id="63.72.03")
    operator = UserFactory(username="operator.banjarbaru", office=office)
    AssignmentFactory(user=operator, role=Role.OPERATOR_KABKOTA, wilayah_id="63.72")
    Member.objects.create(
        type=PilarType.objects.get(code="tksk"), name="Akhmad Syarifudin", wilayah_id="63.72.03", user=tksk
    )
    # Already known to the Dinsos: someone with the same name and birth date in the kecamatan.
    Person.objects.create(
        name="Masliana", name_key="masliana", sex="P", birth_date=datetime.date(1952, 8, 8), wilayah_id="63.72.03.1002"
    )

    log_in(phone, live_server, tksk)
    phone.get_by_test_id("buka-kasus-lapangan").click()
    form = phone.get_by_test_id("form-kasus-lapangan")
    form.get_by_label("Nama lengkap").fill("Masliana")
    form.get_by_label("Jenis kelamin").select_option(label="Perempuan")
    form.get_by_label("Tanggal lahir").fill("08/08/1952")
    form.get_by_label("Desa/kelurahan tempat tinggal").select_option(value="63.72.03.1002")
    form.get_by_label("Alamat (jalan, RT/RW, patokan)").fill("Jl. Bangkal Raya RT 04")
    form.get_by_label("Jenis PPKS").select_option(label="LUT — Lanjut Usia Telantar")
    form.get_by_label("Ringkasan masalah").fill("Tinggal sendiri, tidak ada keluarga yang merawat.")
    form.get_by_test_id("kirim-kasus").click()

    # The duplicate check of the PPKS forms: the candidate is shown, nothing saved, the input kept.
    expect(phone.get_by_test_id("kemungkinan-duplikat")).to_be_visible()
    expect(phone.get_by_test_id("calon-duplikat")).to_contain_text("Masliana")
    expect(phone.get_by_label("Ringkasan masalah")).to_have_value("Tinggal sendiri, tidak ada keluarga yang merawat.")
    assert Case.objects.count() == 0
    # The phone layout: nothing wider than the screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # It is another person: confirmed, the case goes in as a draft.
    phone.get_by_label(re.compile("Bukan duplikat")).check()
    phone.get_by_test_id("kirim-kasus").click()
    expect(phone.get_by_test_id("tahap-kasus")).to_have_text("Dilaporkan")
    number = phone.get_by_test_id("nomor-kasus").inner_text()

    case = Case.objects.get(number=number)
    assert (case.stage, case.source, case.reported_by, case.person.created_by) == ("dilaporkan", "tksk", tksk, tksk)
    assert Person.objects.filter(name="Masliana").count() == 2
    listing = client_for(operator).get(reverse("ppks:case_list")).content.decode()
    assert number in listing
    assert client_for(operator).get(reverse("ppks:case", args=[case.pk])).status_code == 200


# --- 3. Coverage of Kalteng in the demo data -----------------------------------------------------------------------
@pytest.mark.django_db
def test_the_kalteng_coverage_is_136_of_136_in_the_demo_and_135_when_one_tksk_leaves():
    load_demo()
    admin = User.objects.get(username="admin.kalteng")
    client = client_for(admin)

    def total():
        html = client.get(reverse("pilar:coverage"), {"wilayah": "62"}).content.decode()
        return re.search(r'data-testid="tksk-kecamatan"[^>]*>([^<]+)<', html).group(1).strip()

    assert total() == "136/136"
    tksk = Member.objects.filter(type__code="tksk", wilayah__code__startswith="62.").order_by("wilayah_id").first()
    today = timezone.localdate()
    response = client.post(
        reverse("pilar:posting_end", args=[tksk.pk]),
        {"ends_on": today.strftime("%d/%m/%Y"), "status": "non_aktif", "note": "Mengundurkan diri"},
    )
    assert response.status_code == 302
    assert total() == "135/136"
    kecamatan = Wilayah.objects.get(code=tksk.wilayah_id)
    drill = client.get(reverse("pilar:coverage"), {"wilayah": tksk.wilayah_id[:5]}).content.decode()
    assert kecamatan.name in drill[drill.index('data-testid="kecamatan-tanpa-tksk"') :]
    # Pimpinan sees the same figures; an operator of another province does not reach them.
    assert (
        client_for(User.objects.get(username="operator.banjarbaru"))
        .get(reverse("pilar:coverage"), {"wilayah": "62"})
        .status_code
        == 404
    )


# --- 4. The matrix ---------------------------------------------------------------------------------------------------
PILAR_ROUTES = sorted(name for name in authz.MATRIX if name.split(":")[0] in ("pilar", "pilar-api"))


def test_the_matrix_covers_every_pilar_route():
    assert authz.missing_entries() == set()
    project = {n for n in authz.all_route_names() if n.split(":")[0] in ("pilar", "pilar-api")}
    assert project == set(PILAR_ROUTES)
    assert len(PILAR_ROUTES) > 35


@pytest.mark.django_db
def test_each_pilar_route_gives_each_role_exactly_its_scope():
    world = authz.World()
    failures = [f for name in PILAR_ROUTES for f in authz.check_route(Client, world, authz.MATRIX[name])]
    assert failures == []
