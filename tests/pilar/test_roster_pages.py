"""The pillar roster through its pages: adding members at their type's level, postings over time, the
profile with its histories, scope, NIK masking, the list's filters and the export."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from kesos.accounts.models import Role
from kesos.audit import actions
from kesos.audit.models import AuditEvent
from kesos.wilayah.models import Wilayah
from pilar import services
from pilar.models import Event, Member, PilarType, Training
from tests.factories import AssignmentFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
NIK = "6371011403580001"  # a Banjarmasin Selatan NIK


def W(code):
    return Wilayah.objects.get(code=code)


def T(code):
    return PilarType.objects.get(code=code)


def d(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def user_with(role, region, username=None):
    office = OfficeFactory(name=f"Dinas Sosial {region}", wilayah_id=region[:5] if len(region) > 2 else region)
    user = UserFactory(office=office, **({"username": username} if username else {}))
    AssignmentFactory(user=user, role=role, wilayah_id=region)
    return user


@pytest.fixture
def operator(client):
    user = user_with(Role.OPERATOR_KABKOTA, "63.71", "operator.bjm")
    client.force_login(user)
    return user


def add_tksk(actor, name="Ahmad Rifani", code="63.71.01", nik=NIK, **extra):
    return services.member_create(
        actor=actor, type=T("tksk"), wilayah=W(code), starts_on=extra.pop("starts_on", datetime.date(2025, 1, 1)),
        name=name, nik=nik, sex="L", phone="081234567890", sk_number="188.44/12/Dinsos", **extra,
    )  # fmt: skip


TKSK_FORM = {
    "type": "tksk",
    "name": "Siti Rahmah",
    "nik": "6371015807900001",
    "sex": "P",
    "phone": "081351112222",
    "education": "S1 Kesejahteraan Sosial",
    "sk_number": "188.44/045/2026",
    "sk_date": "02/01/2026",
    "sk_issuer": "bupati",
    "active_from": "02/01/2026",
}


def test_adding_a_member_starts_with_the_type_and_then_shows_its_fields(client, operator):
    page = client.get(reverse("pilar:member_create")).content.decode()
    assert 'data-testid="pilih-jenis"' in page and "Karang Taruna" in page

    page = client.get(reverse("pilar:member_create"), {"jenis": "tksk"}).content.decode()
    assert "TKSK ditugaskan per kecamatan" in page
    assert 'name="nik"' in page and 'name="chair_name"' not in page and 'name="grade"' not in page

    page = client.get(reverse("pilar:member_create"), {"jenis": "karang_taruna"}).content.decode()
    assert 'name="classification"' in page and 'name="chair_name"' in page and 'name="nik"' not in page

    page = client.get(reverse("pilar:member_create"), {"jenis": "tagana"}).content.decode()
    assert 'name="grade"' in page and 'name="member_number"' in page and "kabupaten/kota" in page


def test_an_operator_adds_a_tksk_per_kecamatan_and_a_desa_is_refused_with_the_input_kept(client, operator):
    url = reverse("pilar:member_create")
    response = client.post(url, {**TKSK_FORM, "wilayah": "63.71.01.1001"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "TKSK ditugaskan per kecamatan." in page
    assert 'value="Siti Rahmah"' in page and 'value="188.44/045/2026"' in page
    assert not Member.objects.filter(name="Siti Rahmah").exists()

    response = client.post(url, {**TKSK_FORM, "wilayah": "63.71.01"})
    member = Member.objects.get(name="Siti Rahmah")
    assert response.status_code == 302 and response.url == reverse("pilar:member", args=[member.pk])
    assert member.type.code == "tksk" and member.wilayah_id == "63.71.01" and member.created_by == operator
    posting = member.postings.get()
    assert posting.wilayah_id == "63.71.01" and posting.starts_on == datetime.date(2026, 1, 2)
    page = client.get(response.url).content.decode()
    assert "TKSK Siti Rahmah tercatat." in page
    assert "6371015807900001" in page  # the supervisor sees the full NIK


def test_a_member_outside_the_operators_kabkota_cannot_be_added(client, operator):
    response = client.post(reverse("pilar:member_create"), {**TKSK_FORM, "wilayah": "63.72.03"})
    assert response.status_code == 200
    assert "di luar wilayah kerja Anda" in response.content.decode()
    assert not Member.objects.exists()


def test_an_invalid_nik_is_refused_beside_its_field(client, operator):
    response = client.post(reverse("pilar:member_create"), {**TKSK_FORM, "wilayah": "63.71.01", "nik": "123"})
    assert response.status_code == 200 and not Member.objects.exists()
    assert "is-invalid" in response.content.decode()


def test_a_karang_taruna_is_posted_on_a_desa_with_its_classification(client, operator):
    response = client.post(
        reverse("pilar:member_create"),
        {"type": "karang_taruna", "name": "Karang Taruna Tunas Harapan", "chair_name": "Muhammad Yusuf",
         "member_count": "35", "classification": "berkembang", "wilayah": "63.71.01.1001"},
    )  # fmt: skip
    member = Member.objects.get(name="Karang Taruna Tunas Harapan")
    assert response.status_code == 302
    assert member.classification == "berkembang" and member.member_count == 35 and member.nik == ""
    page = client.get(response.url).content.decode()
    assert 'data-testid="klasifikasi">Berkembang' in page and "Muhammad Yusuf" in page


def test_moving_and_ending_a_posting_show_in_the_history(client, operator):
    member = add_tksk(operator)
    moved_on = datetime.date(2026, 3, 1)
    response = client.post(
        reverse("pilar:posting_move", args=[member.pk]),
        {"wilayah": "63.71.02", "starts_on": d(moved_on), "sk_number": "188.44/99/2026", "note": "Rotasi"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.wilayah_id == "63.71.02"
    page = client.get(reverse("pilar:member", args=[member.pk])).content.decode()
    assert 'data-testid="pindah-tugas"' in page and 'data-testid="akhiri-penugasan"' in page
    history = page.split('data-testid="riwayat-penugasan"')[1].split("</table>")[0]
    assert history.count('data-testid="penugasan"') == 2
    assert "63.71.02" in history and "63.71.01" in history and "01-03-2026" in history and "Rotasi" in history
    assert "sekarang" in history

    response = client.post(
        reverse("pilar:posting_end", args=[member.pk]),
        {"ends_on": d(TODAY), "status": "diberhentikan", "note": "Mengundurkan diri"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == "diberhentikan" and member.active_until == TODAY
    page = client.get(reverse("pilar:member", args=[member.pk])).content.decode()
    assert "Tidak sedang bertugas" in page and "Mengundurkan diri" in page
    assert 'data-testid="status-pilar">Diberhentikan' in page
    assert 'data-testid="akhiri-penugasan"' not in page


def test_a_move_to_the_wrong_level_keeps_what_was_typed(client, operator):
    member = add_tksk(operator)
    response = client.post(
        reverse("pilar:posting_move", args=[member.pk]),
        {"wilayah": "63.71.02.1001", "starts_on": d(TODAY), "sk_number": "SK-PINDAH-7"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "TKSK ditugaskan per kecamatan." in page and 'value="SK-PINDAH-7"' in page
    assert member.postings.count() == 1


def test_ending_a_posting_that_already_ended_is_refused(client, operator):
    member = add_tksk(operator)
    services.posting_end(actor=operator, member=member, ends_on=TODAY)
    response = client.post(reverse("pilar:posting_end", args=[member.pk]), {"ends_on": d(TODAY), "status": "non_aktif"})
    assert response.status_code == 200
    assert "tidak sedang bertugas" in response.content.decode()


def test_trainings_awards_and_allowances_appear_on_the_profile(client, operator):
    member = add_tksk(operator)
    event = Event.objects.create(
        kind="bimtek", name="Bimtek TKSK Provinsi 2026", starts_on=datetime.date(2026, 5, 4),
        ends_on=datetime.date(2026, 5, 6), venue="Banjarmasin", wilayah_id="63.71",
    )  # fmt: skip
    Training.objects.create(member=member, event=event, title=event.name, starts_on=event.starts_on)
    assert (
        client.post(
            reverse("pilar:training_add", args=[member.pk]),
            {
                "title": "Diklat Pendamping Rehabilitasi Sosial",
                "organiser": "BBPPKS Banjarmasin",
                "starts_on": "10/02/2026",
                "ends_on": "14/02/2026",
                "hours": "40",
            },
        ).status_code  # fmt: skip
        == 302
    )
    assert (
        client.post(
            reverse("pilar:award_add", args=[member.pk]),
            {"year": "2025", "title": "TKSK Teladan Tingkat Provinsi", "giver": "Gubernur Kalimantan Selatan"},
        ).status_code
        == 302
    )
    url = reverse("pilar:allowance_add", args=[member.pk])
    assert client.post(url, {"month": "03/2026", "amount": "500000", "source": "APBD Provinsi"}).status_code == 302
    response = client.post(url, {"month": "03/2026", "amount": "500000", "source": "APBD Provinsi"})
    assert response.status_code == 200 and "sudah tercatat" in response.content.decode()

    page = client.get(reverse("pilar:member", args=[member.pk])).content.decode()
    trainings = page.split('data-testid="riwayat-pelatihan"')[1].split("</table>")[0]
    assert "Bimtek TKSK Provinsi 2026" in trainings and "kegiatan Kesos" in trainings
    assert "Diklat Pendamping Rehabilitasi Sosial" in trainings and "BBPPKS Banjarmasin" in trainings
    assert "TKSK Teladan Tingkat Provinsi" in page.split('data-testid="penghargaan"')[1]
    allowances = page.split('data-testid="tali-asih"')[-1].split("</table>")[0]
    assert "03/2026" in allowances and "APBD Provinsi" in allowances


def test_an_edit_changes_the_profile_and_a_stale_one_is_refused(client, operator):
    member = add_tksk(operator)
    url = reverse("pilar:member_edit", args=[member.pk])
    page = client.get(url).content.decode()
    assert 'name="version"' in page and 'name="wilayah"' not in page and 'value="Ahmad Rifani"' in page
    data = {"name": "Ahmad Rifani, S.Sos", "nik": NIK, "sex": "L", "phone": "0811", "version": member.version}
    assert client.post(url, data).status_code == 302
    member.refresh_from_db()
    assert member.name == "Ahmad Rifani, S.Sos" and member.phone == "0811" and member.version == 2

    response = client.post(url, {**data, "name": "Nama Lama", "version": 1})
    assert response.status_code == 200
    assert "telah diubah oleh pengguna lain" in response.content.decode()
    member.refresh_from_db()
    assert member.name == "Ahmad Rifani, S.Sos"


def test_an_operator_of_another_kabkota_gets_404(client, operator):
    other = user_with(Role.OPERATOR_KABKOTA, "63.72", "operator.bjb")
    member = add_tksk(other, code="63.72.03", nik="6372031412650002")
    for name in ("pilar:member", "pilar:member_edit", "pilar:posting_move", "pilar:posting_end", "pilar:award_add"):
        assert client.get(reverse(name, args=[member.pk])).status_code == 404, name


def test_a_tksk_sees_their_own_record_with_the_nik_masked_and_nothing_else(client, operator):
    tksk = user_with(Role.TKSK, "63.71.01", "tksk.bjm")
    own = add_tksk(operator, user=tksk)
    colleague = add_tksk(operator, name="Rina Wati", code="63.71.02", nik="6371024505990003")
    client.force_login(tksk)

    response = client.get(reverse("pilar:member", args=[own.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="nik">************0001' in page and NIK not in page
    assert "Ubah data" not in page and 'data-testid="pindah-tugas"' not in page
    assert 'data-testid="riwayat-penugasan"' in page
    assert AuditEvent.objects.filter(action=actions.VIEW, actor=tksk, object_id=str(own.pk)).exists()

    assert client.get(reverse("pilar:member", args=[colleague.pk])).status_code == 404
    assert client.get(reverse("pilar:member_list")).status_code == 403
    assert client.get(reverse("pilar:member_edit", args=[own.pk])).status_code == 403
    assert client.get(reverse("pilar:member_export")).status_code == 403


def test_the_list_filters_and_shows_the_full_nik_to_supervisors(client, operator):
    add_tksk(operator)
    add_tksk(operator, name="Rina Wati", code="63.71.02", nik="6371024505990003")
    services.member_create(
        actor=operator, type=T("psm"), wilayah=W("63.71.01.1001"), name="Budi Santoso", nik="6371011212800005"
    )
    other = user_with(Role.OPERATOR_KABKOTA, "63.72", "operator.bjb")
    add_tksk(other, name="Orang Banjarbaru", code="63.72.03", nik="6372031412650002")
    url = reverse("pilar:member_list")

    page = client.get(url).content.decode()
    assert '<span data-testid="jumlah-pilar">3</span>' in page
    assert "Orang Banjarbaru" not in page and NIK in page
    page = client.get(url, {"type": "psm"}).content.decode()
    assert '<span data-testid="jumlah-pilar">1</span>' in page and "Budi Santoso" in page
    # A NIK is searched through the form (POST), not the address.
    page = client.post(url, {"q": "6371024505990003"}, follow=True).content.decode()
    assert '<span data-testid="jumlah-pilar">1</span>' in page and "Rina Wati" in page
    assert "Kecamatan" in page  # the area is named, not only coded

    client.force_login(UserFactory(office=None))  # a user with no role at all
    assert client.get(url).status_code == 403


def test_the_list_does_not_make_more_queries_as_rows_grow(client, operator, django_assert_max_num_queries):
    url = reverse("pilar:member_list")
    for i in range(3):
        services.member_create(actor=operator, type=T("psm"), wilayah=W("63.71.01.1001"), name=f"PSM {i}")
    client.get(url)  # warm the session and the content types
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for i in range(3, 20):
        services.member_create(actor=operator, type=T("psm"), wilayah=W("63.71.02.1001"), name=f"PSM {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).content.decode().count('data-testid="baris-pilar"') == 20


def test_the_export_has_the_full_nik_and_is_audited_per_region(client, operator):
    add_tksk(operator)
    response = client.get(reverse("pilar:member_export"), {"type": "tksk"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:4] == ["ID", "Jenis pilar", "Nama", "NIK"]
    assert rows[1][1:4] == ["TKSK", "Ahmad Rifani", NIK] and len(rows) == 2
    event = AuditEvent.objects.get(action=actions.EXPORT, actor=operator)
    assert event.wilayah_code == "63.71" and event.detail["rows"] == 1


def test_an_admin_links_a_tksk_account_to_the_member(client):
    admin = user_with(Role.ADMIN_PROVINSI, "63", "admin.kalsel")
    account = user_with(Role.TKSK, "63.71.01", "tksk.selatan")
    user_with(Role.OPERATOR_KABKOTA, "63.71", "operator.lain")  # not a TKSK: not offered
    client.force_login(admin)
    page = client.get(reverse("pilar:member_create"), {"jenis": "tksk"}).content.decode()
    choices = page.split('name="user"')[1].split("</select>")[0]
    assert "tksk.selatan" in choices and "operator.lain" not in choices

    response = client.post(reverse("pilar:member_create"), {**TKSK_FORM, "wilayah": "63.71.01", "user": account.pk})
    assert response.status_code == 302
    assert Member.objects.get(name="Siti Rahmah").user == account


def test_an_operator_is_not_offered_accounts_they_do_not_administer(client, operator):
    page = client.get(reverse("pilar:member_create"), {"jenis": "tksk"}).content.decode()
    assert 'name="user"' not in page
