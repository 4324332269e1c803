"""Issue 13, item 8: registrations and id fields are no existence oracle across provinces.

- Another province's operator who types a Kalsel NIK, No. KK, or name and birth date learns only
  that another office holds it, and whom to ask in their own province; the answer is audited in
  the holder's region and, past a per-user limit, every registration check is refused (429 on the API).
- Inside Kalsel, a kab/kota operator still learns which kab/kota Dinsos to call (audited too).
- Household members, case assignment, plan items and case subjects answer an id out of scope
  exactly as an id that does not exist.
"""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from kesos.accounts.models import Assignment, Office, Role, User
from kesos.audit.models import AuditEvent
from kesos.wilayah.models import Wilayah
from pilar import services as pilar_services
from pilar.models import PilarType
from ppks import services as ppks_services
from ppks.models import Household, Person, PpksCategory, Referensi, RefKind
from tests.factories import PASSWORD

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

START = datetime.date(2026, 1, 1)
NIK = "6372031412650002"  # Banjarbaru, 14/12/1965, male
KK = "6372030101200009"
KALTENG_CONTACT = "Dinas Sosial Provinsi Kalimantan Tengah (Jl. Yos Sudarso No. 5, Palangka Raya)"
ELSEWHERE = f"Data dengan NIK ini sudah terdaftar di kantor lain. Hubungi {KALTENG_CONTACT} untuk koordinasi."


def office(name, code, address=""):
    return Office.objects.get_or_create(name=name, defaults={"wilayah_id": code, "address": address})[0]


def make_user(username, office_, role, region):
    user = User.objects.create_user(username=username, password=PASSWORD, office=office_, full_name=username.title())
    Assignment.objects.create(user=user, role=role, wilayah_id=region, starts_on=START)
    return user


@pytest.fixture
def world(client, reference_rows):
    office("Dinas Sosial Provinsi Kalimantan Selatan", "63", "Jl. Letjen R. Soeprapto No. 8, Banjarmasin")
    bjb = office("Dinas Sosial Kota Banjarbaru", "63.72")
    bjm = office("Dinas Sosial Kota Banjarmasin", "63.71")
    office("Dinas Sosial Provinsi Kalimantan Tengah", "62", "Jl. Yos Sudarso No. 5, Palangka Raya\nKode pos 73112")
    palangka = office("Dinas Sosial Kota Palangka Raya", "62.71")
    return {
        "holder": Person.objects.create(nik=NIK, name="Nama Rahasia", sex="L", wilayah_id="63.72.03.1001"),
        "household": Household.objects.create(no_kk=KK, wilayah_id="63.72.03.1001"),
        "bjb": make_user("operator.bjb", bjb, Role.OPERATOR_KABKOTA, "63.72"),
        "bjm": make_user("operator.bjm", bjm, Role.OPERATOR_KABKOTA, "63.71"),
        "kalteng": make_user("operator.palangka", palangka, Role.OPERATOR_KABKOTA, "62.71"),
        "peksos_kalteng": make_user("peksos.palangka", palangka, Role.PEKERJA_SOSIAL, "62.71"),
        "peksos_bjm": make_user("peksos.bjm", bjm, Role.PEKERJA_SOSIAL, "63.71"),
    }


def as_user(client, user):
    client.force_login(user)
    return client


def person_form(**extra):
    return {"nik": NIK, "name": "Pendatang", "sex": "L", "birth_date": "14/12/1965", "wilayah": "62.71.01.1001",
            "address": "Jl. Tjilik Riwut"} | extra  # fmt: skip


def api_person(**extra):
    return {"nik": NIK, "name": "Pendatang", "sex": "L", "birth_date": "1965-12-14", "wilayah": "62.71.01.1001"} | extra


def probes(user):
    return AuditEvent.objects.filter(action="data.exists_elsewhere", actor=user)


def refused_without_the_holders_region(text):
    for secret in ("Banjarbaru", "Nama Rahasia", "63.72.03", "Kalimantan Selatan"):
        assert secret not in text, secret


# --- NIK, No. KK, name + birth date from another province ------------------------------------------
def test_another_provinces_operator_registering_a_kalsel_nik_learns_only_that_another_office_holds_it(client, world):
    kalteng = as_user(client, world["kalteng"])
    page = kalteng.post(reverse("ppks:person_create"), person_form()).content.decode()
    assert ELSEWHERE in page
    assert 'value="Pendatang"' in page  # the form keeps what was typed
    refused_without_the_holders_region(page.replace(f'value="{NIK}"', ""))

    api = kalteng.post(reverse("ppks-api:person-list"), api_person(), content_type="application/json")
    assert api.status_code == 400 and api.json() == {"nik": [ELSEWHERE]}
    assert Person.objects.count() == 1

    # Both answers are on record in the holder's region, with the NIK masked, for the person's report too.
    events = list(probes(world["kalteng"]))
    assert len(events) == 2
    for event in events:
        assert event.wilayah_code == "63.72.03.1001" and event.subject_person_id == world["holder"].pk
        assert event.detail["value"] == "************0002" and event.detail["asker_provinces"] == ["62"]
        assert NIK not in event.object_repr + str(event.detail)
    assert set(AuditEvent.objects.visible_to(make_auditor("63")).filter(action="data.exists_elsewhere")) == set(events)


def make_auditor(region):
    auditor = User.objects.create_user(username=f"auditor.{region}", password=PASSWORD)
    Assignment.objects.create(user=auditor, role=Role.AUDITOR, wilayah_id=region, starts_on=START)
    return auditor


def test_a_kalsel_no_kk_answers_another_province_the_same_way(client, world):
    kalteng = as_user(client, world["kalteng"])
    expected = f"Data dengan No. KK ini sudah terdaftar di kantor lain. Hubungi {KALTENG_CONTACT} untuk koordinasi."
    page = kalteng.post(reverse("ppks:household_create"), {"no_kk": KK, "wilayah": "62.71.01.1001"})
    assert expected in page.content.decode()
    refused_without_the_holders_region(page.content.decode().replace(f'value="{KK}"', ""))
    api = kalteng.post(reverse("ppks-api:household-list"), {"no_kk": KK, "wilayah": "62.71.01.1001"})
    assert api.status_code == 400 and api.json() == {"no_kk": [expected]}
    assert probes(world["kalteng"]).filter(object_type="ppks.household", wilayah_code="63.72.03.1001").count() == 2


def test_a_kalsel_name_and_birth_date_is_said_to_exist_at_another_office_only(client, world):
    Person.objects.create(name="Jumberi", name_key="jumberi", sex="L", birth_date=datetime.date(1965, 12, 14),
                          wilayah_id="63.72.03.1002")  # fmt: skip
    kalteng = as_user(client, world["kalteng"])
    form = person_form(nik="", name="Jumberi")
    page = kalteng.post(reverse("ppks:person_create"), form).content.decode()
    assert f"data dengan nama dan tanggal lahir ini di kantor lain (hubungi {KALTENG_CONTACT} untuk koordinasi)" in page
    assert "data di wilayah lain" not in page
    refused_without_the_holders_region(page)
    api = kalteng.post(
        reverse("ppks-api:person-list"), api_person(nik="", name="Jumberi"), content_type="application/json"
    )
    assert api.status_code == 400 and "di kantor lain" in api.json()["confirm_not_duplicate"][0]
    assert probes(world["kalteng"]).filter(wilayah_code="63.72.03.1002").count() == 2
    # After checking, the operator may still register their own Jumberi.
    saved = kalteng.post(reverse("ppks:person_create"), {**form, "confirm_not_duplicate": "on"})
    assert saved.status_code == 302


def test_a_kalsel_pillars_nik_answers_another_province_the_same_way(client, world):
    tksk = PilarType.objects.get(code="tksk")
    admin = make_user("admin.kalsel", None, Role.ADMIN_PROVINSI, "63")
    pilar_services.member_create(actor=admin, type=tksk, wilayah=Wilayah.objects.get(code="63.72.03"),
                                 name="Nama Rahasia", nik=NIK, starts_on=START)  # fmt: skip
    kalteng = as_user(client, world["kalteng"])
    body = {"type": "tksk", "name": "Pendatang", "nik": NIK, "wilayah": "62.71.01"}
    api = kalteng.post(reverse("pilar-api:member-list"), body, content_type="application/json")
    assert api.status_code == 400 and api.json() == {"nik": [ELSEWHERE]}
    assert probes(world["kalteng"]).filter(object_type="pilar.member").count() == 1


# --- The limit ------------------------------------------------------------------------------------------
@override_settings(KESOS_RATE_LIMITS={"duplicate_probe": (3, 3600)})
def test_past_the_limit_every_registration_is_refused_on_the_page_and_with_429_on_the_api(client, world):
    kalteng = as_user(client, world["kalteng"])
    url = reverse("ppks-api:person-list")
    for _ in range(3):
        assert kalteng.post(url, api_person(), content_type="application/json").status_code == 400
    over = kalteng.post(url, api_person(), content_type="application/json")
    assert over.status_code == 429 and int(over["Retry-After"]) > 0
    assert "Terlalu banyak pemeriksaan" in over.json()["nik"][0]
    # Now a NIK nobody holds is refused the same way: the refusal tells nothing about the NIK.
    fresh = api_person(nik="6271010101800004", birth_date="1980-01-01", name="Baru")
    unknown = kalteng.post(url, fresh, content_type="application/json")
    assert unknown.status_code == 429 and unknown.json() == over.json()
    # The page refuses with the same sentence and keeps the form.
    page = kalteng.post(reverse("ppks:person_create"), person_form(nik="6271010101800004", birth_date="01/01/1980"))
    assert page.status_code == 200 and "Terlalu banyak pemeriksaan" in page.content.decode()
    assert 'value="Pendatang"' in page.content.decode()
    assert Person.objects.count() == 1
    # A colleague is not held up by someone else's probes.
    colleague = as_user(client, world["peksos_kalteng"])
    assert colleague.post(url, fresh, content_type="application/json").status_code in (201, 403)


# --- Within Kalsel -------------------------------------------------------------------------------------
def test_a_kalsel_operator_still_learns_which_kalsel_office_holds_the_nik_and_the_answer_is_audited(client, world):
    bjm = as_user(client, world["bjm"])
    form = person_form(wilayah="63.71.01.1001")
    page = bjm.post(reverse("ppks:person_create"), form).content.decode()
    assert "NIK ini sudah terdaftar di wilayah lain. Hubungi Dinas Sosial Kota Banjarbaru untuk data tersebut." in page
    assert "Nama Rahasia" not in page
    event = probes(world["bjm"]).get()
    assert event.wilayah_code == "63.72.03.1001" and event.detail["same_province"] is True


# --- Ids out of scope answer like ids that do not exist ------------------------------------------------
def same_answer(first, second):
    assert first.status_code == second.status_code == 400
    assert first.json() == second.json()


def test_adding_a_household_member_answers_an_out_of_scope_id_like_a_missing_one(client, world):
    own = Household.objects.create(no_kk="6371010101200001", wilayah_id="63.71.01.1001")
    bjm = as_user(client, world["bjm"])
    url = reverse("ppks-api:household-add-member", args=[own.pk])
    out_of_scope = bjm.post(url, {"person": world["holder"].pk, "relation": "anak"}, content_type="application/json")
    missing = bjm.post(url, {"person": 987654321, "relation": "anak"}, content_type="application/json")
    same_answer(out_of_scope, missing)
    # The page looks people up by NIK: one held elsewhere reads as one nobody holds.
    page = reverse("ppks:household_member_add", args=[own.pk])
    child = Referensi.objects.get(kind=RefKind.HUBUNGAN, code="anak").pk
    held = bjm.post(page, {"nik": NIK, "relation": child}).content.decode()
    nobody = bjm.post(page, {"nik": "6371010101800007", "relation": child}).content.decode()
    message = "Tidak ada orang dengan NIK ini di wilayah Anda."
    assert message in held and message in nobody


def test_case_assignment_answers_another_provinces_worker_like_a_missing_one(client, world):
    person = Person.objects.create(name="Warga", sex="P", wilayah_id="63.71.01.1001")
    category = PpksCategory.objects.first()
    case = ppks_services.case_open(
        actor=world["bjm"], person=person, categories=[category], source="datang", summary="Butuh bantuan"
    )
    bjm = as_user(client, world["bjm"])
    url = reverse("ppks-api:case-assign", args=[case.pk])
    elsewhere = bjm.post(url, {"worker": world["peksos_kalteng"].pk}, content_type="application/json")
    missing = bjm.post(url, {"worker": 987654321}, content_type="application/json")
    same_answer(elsewhere, missing)
    assert bjm.post(url, {"worker": world["peksos_bjm"].pk}, content_type="application/json").status_code == 200

    # A plan item's responsible worker, likewise.
    plan = reverse("ppks-api:case-plan", args=[case.pk])
    item = {"goal": "Pulih", "service": "Pendampingan", "target_date": "2026-12-31"}
    same_answer(
        bjm.post(plan, {**item, "responsible": world["peksos_kalteng"].pk}, content_type="application/json"),
        bjm.post(plan, {**item, "responsible": 987654321}, content_type="application/json"),
    )

    # Opening a case for a person out of scope, or for an id nobody has.
    body = {"categories": [category.code], "source": "datang", "summary": "Laporan"}
    same_answer(
        bjm.post(
            reverse("ppks-api:case-list"), {**body, "person": world["holder"].pk}, content_type="application/json"
        ),
        bjm.post(reverse("ppks-api:case-list"), {**body, "person": 987654321}, content_type="application/json"),
    )
