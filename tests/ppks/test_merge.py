"""Merging two person records and undoing the merge: provenance, moved rows, scope, refusal, audit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from kesos.accounts.models import Role
from kesos.audit.models import AuditEvent
from ppks.models import Case, Household, HouseholdMember, Person, PersonCategory, PersonMerge, PpksCategory, Referensi
from ppks.services import person_update
from ppks.services.merge import person_merge, person_merge_undo
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

NIK = "6371011403580001"  # born 14/03/1958, male


def staff(role, region, username):
    user = UserFactory(username=username)
    AssignmentFactory(user=user, role=role, wilayah_id=region)
    return user


@pytest.fixture
def operator(client):
    user = staff(Role.OPERATOR_KABKOTA, "63.71", "operator.bjm")
    client.force_login(user)
    return user


def ref(kind, code):
    return Referensi.objects.get(kind=kind, code=code)


@pytest.fixture
def pair(operator):
    """The NIK holder, and a near-duplicate registered later without NIK, with a case, a PPKS category,
    a current household (so is the NIK holder's) and an earlier one."""
    kept = Person.objects.create(
        nik=NIK, name="Abdul Gani", name_key="abdul gani", sex="L", wilayah_id="63.71.01.1001",
        phone="081200000001", religion=ref("agama", "islam"),
    )  # fmt: skip
    dup = Person.objects.create(
        name="Abd. Gani", name_key="abd gani", aliases="Pak Gani", sex="L", birth_place="Banjarmasin",
        birth_date=datetime.date(1958, 3, 14), wilayah_id="63.71.01.1002", address="Jl. Mantuil Raya",
        phone="081300000002", occupation="buruh",
    )  # fmt: skip
    kepala, anak = ref("hubungan", "kepala"), ref("hubungan", "anak")
    h_kept = Household.objects.create(no_kk="6371010101200001", wilayah_id="63.71.01.1001")
    h_dup = Household.objects.create(no_kk="6371010101200002", wilayah_id="63.71.01.1002")
    h_old = Household.objects.create(no_kk="6371010101200003", wilayah_id="63.71.01.1002")
    HouseholdMember.objects.create(household=h_kept, person=kept, relation=kepala, joined_on=datetime.date(2020, 1, 1))
    HouseholdMember.objects.create(household=h_dup, person=dup, relation=kepala, joined_on=datetime.date(2022, 1, 1))
    HouseholdMember.objects.create(
        household=h_old, person=dup, relation=anak, joined_on=datetime.date(1958, 3, 14),
        left_on=datetime.date(1980, 1, 1),
    )  # fmt: skip
    category = PersonCategory.objects.create(
        person=dup, category=PpksCategory.objects.get(code="PPKS-08"), source="tksk",
        recorded_on=datetime.date(2026, 1, 5),
    )  # fmt: skip
    case = Case.objects.create(
        number="6371-2026-000001", person=dup, wilayah_id="63.71.01.1002", source="datang", reported_by=operator,
        summary="Lansia terlantar", opened_at=timezone.now(),
    )  # fmt: skip
    return kept, dup, case, category


TAKE = ["aliases", "birth_place", "birth_date", "address"]  # name, phone, region stay the NIK holder's


def merge_form(kept, dup, take=TAKE, reason="Orang yang sama, tercatat dua kali sebelum NIK diketahui"):
    data = {"langkah": "gabung", "lain": dup.pk, "kept_version": kept.version, "merged_version": dup.version,
            "reason": reason}  # fmt: skip
    for name in ("nik", "name", "aliases", "birth_place", "birth_date", "wilayah", "address", "phone", "religion",
                 "occupation"):  # fmt: skip
        data[f"pilih_{name}"] = "merged" if name in take else "kept"
    return data


def rows(model):
    """Every row of the table, every column but `updated_at` (and a person's `version`, bumped on purpose)."""
    skip = {"updated_at", "version"}
    return {
        obj.pk: {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields if f.attname not in skip}
        for obj in model.objects.all()
    }


def everything():
    data = {model.__name__: rows(model) for model in (Person, Case, PersonCategory, HouseholdMember, Household)}
    data["case_categories"] = sorted(Case.categories.through.objects.values_list("case_id", "ppkscategory_id"))
    return data


def test_a_supervisor_finds_the_duplicate_by_nik_and_sees_both_records_side_by_side(client, pair):
    kept, dup, _, _ = pair
    url = reverse("ppks:person_merge", args=[dup.pk])
    response = client.post(url, {"langkah": "cari", "nik": NIK})
    assert response.url == f"{url}?lain={kept.pk}"  # the NIK went in the body, only the id is in the URL
    page = client.get(response.url).content.decode()
    assert "Abd. Gani" in page and "Abdul Gani" in page and "Jl. Mantuil Raya" in page
    # A radio pair for each differing field, none for the sex both records share.
    assert 'name="pilih_birth_date"' in page and 'name="pilih_nik"' in page and 'name="pilih_sex"' not in page
    assert "<script" not in page.split("</main>")[0] and "style=" not in page


def test_a_supervisor_merges_a_near_duplicate_into_the_nik_holder_choosing_fields_from_each(client, operator, pair):
    kept, dup, case, category = pair
    response = client.post(reverse("ppks:person_merge", args=[kept.pk]), merge_form(kept, dup))
    assert response.url == reverse("ppks:person", args=[kept.pk])
    kept.refresh_from_db()
    dup.refresh_from_db()
    assert (kept.nik, kept.name, kept.phone, kept.wilayah_id) == (NIK, "Abdul Gani", "081200000001", "63.71.01.1001")
    assert (kept.aliases, kept.birth_place, kept.birth_date, kept.address) == (
        "Pak Gani", "Banjarmasin", datetime.date(1958, 3, 14), "Jl. Mantuil Raya",
    )  # fmt: skip
    assert kept.occupation == ""  # "kept" chosen for it: the NIK holder's empty value stays
    assert dup.merged_into == kept and dup.birth_date == datetime.date(1958, 3, 14)  # the merged record stays whole
    merge = PersonMerge.objects.get()
    assert merge.fields["birth_date"] == {"from": "merged", "kept_before": None, "value": "1958-03-14"}
    assert merge.fields["aliases"]["kept_before"] == "" and set(merge.fields) == set(TAKE)
    assert (merge.actor, merge.reason) == (operator, "Orang yang sama, tercatat dua kali sebelum NIK diketahui")
    case.refresh_from_db()
    category.refresh_from_db()
    assert case.person == kept and category.person == kept
    # Both had a current household: the duplicate's ends today and stays with it; the earlier one moves.
    current_dup = HouseholdMember.objects.get(household__no_kk="6371010101200002")
    earlier = HouseholdMember.objects.get(household__no_kk="6371010101200003")
    assert (current_dup.person, current_dup.left_on) == (dup, timezone.localdate())
    assert earlier.person == kept
    assert merge.moved == {"cases": [case.pk], "categories": [category.pk], "memberships": [earlier.pk],
                           "memberships_ended": [current_dup.pk]}  # fmt: skip


def test_the_merged_record_leaves_lists_and_search_and_its_old_page_is_404(client, pair):
    kept, dup, case, _ = pair
    client.post(reverse("ppks:person_merge", args=[kept.pk]), merge_form(kept, dup))
    listing = client.get(reverse("ppks:person_list"), {"q": "Gani"}).content.decode()
    assert "Abdul Gani" in listing and "Abd. Gani" not in listing
    assert client.get(reverse("ppks:person", args=[dup.pk])).status_code == 404
    assert client.get(reverse("ppks:person_merge", args=[dup.pk])).status_code == 404
    assert client.get(reverse("ppks:person_merge", args=[kept.pk]), {"lain": dup.pk}).status_code == 404
    person_page = client.get(reverse("ppks:person", args=[kept.pk])).content.decode()
    assert case.number in person_page and "LUT" in person_page  # the case and the category now show here


def test_undo_puts_both_records_and_every_related_row_back_exactly(client, operator, pair):
    kept, dup, _, _ = pair
    before = everything()
    client.post(reverse("ppks:person_merge", args=[kept.pk]), merge_form(kept, dup))
    assert everything() != before
    merge = PersonMerge.objects.get()
    page = client.get(reverse("ppks:person_merge", args=[kept.pk])).content.decode()
    assert reverse("ppks:person_merge_undo", args=[merge.pk]) in page  # the list of merges offers the undo
    assert "isian dari data yang digabung: nama lain / panggilan, tempat lahir, tanggal lahir, alamat" in page
    response = client.post(reverse("ppks:person_merge_undo", args=[merge.pk]))
    assert response.url == reverse("ppks:person", args=[kept.pk])
    after = everything()
    for table in before:
        assert after[table] == before[table], table
    merge.refresh_from_db()
    assert merge.undone_by == operator and merge.undone_at is not None
    assert client.get(reverse("ppks:person", args=[dup.pk])).status_code == 200


def test_the_nik_moves_to_the_kept_record_and_back_on_undo(operator, pair):
    holder, dup, _, _ = pair
    before = everything()
    # Kept the record without NIK this time: the NIK leaves the holder (it is unique) and comes back.
    merge = person_merge(actor=operator, kept=dup, merged=holder, take_from_merged=["nik"], reason="Sama")
    holder.refresh_from_db()
    dup.refresh_from_db()
    assert (dup.nik, holder.nik, holder.merged_into) == (NIK, None, dup)
    assert merge.fields["nik"] == {"from": "merged", "kept_before": None, "value": NIK, "merged_cleared": True}
    person_merge_undo(actor=operator, merge=merge)
    assert everything() == before


def test_a_change_to_a_taken_field_after_the_merge_makes_undo_refuse_naming_the_field(client, operator, pair):
    kept, dup, _, _ = pair
    client.post(reverse("ppks:person_merge", args=[kept.pk]), merge_form(kept, dup))
    kept.refresh_from_db()
    person_update(actor=operator, person=kept, version=kept.version, address="Jl. Baru No. 5")
    merged_state = everything()
    merge = PersonMerge.objects.get()
    response = client.post(reverse("ppks:person_merge_undo", args=[merge.pk]), follow=True)
    page = response.content.decode()
    assert "Penggabungan tidak dibatalkan." in page and "Isian “alamat” telah diubah sejak penggabungan" in page
    assert everything() == merged_state  # nothing moved back half-way
    assert PersonMerge.objects.get().undone_at is None


def test_two_different_niks_are_not_the_same_person(client, pair):
    kept, dup, _, _ = pair
    Person.objects.filter(pk=dup.pk).update(nik="6371011403580002")
    dup.refresh_from_db()
    page = client.post(reverse("ppks:person_merge", args=[kept.pk]), merge_form(kept, dup)).content.decode()
    assert "NIK berbeda: bukan orang yang sama" in page
    assert not PersonMerge.objects.exists() and Person.objects.get(pk=dup.pk).merged_into is None


def test_emptying_the_nik_holders_nik_is_refused_beside_the_nik_choice(client, pair):
    kept, dup, _, _ = pair
    form = merge_form(kept, dup, take=[*TAKE, "nik"])
    page = client.post(reverse("ppks:person_merge", args=[kept.pk]), form).content.decode()
    assert "Data yang digabung tidak punya NIK" in page.split('id="id_pilih_nik"')[1].split("</fieldset>")[0]
    assert not PersonMerge.objects.exists()


def test_a_merge_made_on_a_record_changed_since_the_comparison_is_refused(client, operator, pair):
    kept, dup, _, _ = pair
    form = merge_form(kept, dup)
    person_update(actor=operator, person=dup, version=dup.version, phone="081399999999")
    page = client.post(reverse("ppks:person_merge", args=[kept.pk]), form).content.decode()
    assert "telah diubah oleh pengguna lain" in page and not PersonMerge.objects.exists()


def test_a_merge_is_undone_once_and_a_later_merge_of_the_kept_record_first(operator, pair):
    kept, dup, _, _ = pair
    first = person_merge(actor=operator, kept=kept, merged=dup, take_from_merged=TAKE, reason="Sama")
    third = Person.objects.create(name="Gani", sex="L", wilayah_id="63.71.01.1001")
    second = person_merge(actor=operator, kept=third, merged=kept, take_from_merged=[], reason="Sama juga")
    with pytest.raises(ValidationError, match="Batalkan penggabungan itu lebih dahulu"):
        person_merge_undo(actor=operator, merge=first)
    person_merge_undo(actor=operator, merge=second)
    person_merge_undo(actor=operator, merge=first)
    with pytest.raises(ValidationError, match="sudah dibatalkan"):
        person_merge_undo(actor=operator, merge=first)


@pytest.mark.parametrize("role", [Role.TKSK, Role.PEKERJA_SOSIAL])
def test_a_tksk_or_a_social_worker_may_not_merge_or_undo(client, operator, pair, role):
    kept, dup, _, _ = pair
    merge = person_merge(actor=operator, kept=kept, merged=dup, take_from_merged=TAKE, reason="Sama")
    client.force_login(staff(role, "63.71.01" if role == Role.TKSK else "63.71", "bukan.supervisor"))
    assert client.get(reverse("ppks:person_merge", args=[kept.pk])).status_code == 403
    assert client.post(reverse("ppks:person_merge", args=[kept.pk]), merge_form(kept, dup)).status_code == 403
    assert client.post(reverse("ppks:person_merge_undo", args=[merge.pk])).status_code == 403
    assert PersonMerge.objects.get().undone_at is None


def test_a_person_outside_the_operators_kab_kota_is_404(client, operator, pair):
    kept, dup, _, _ = pair
    outsider = Person.objects.create(nik="6372031412650002", name="Orang Banjarbaru", sex="L",
                                     wilayah_id="63.72.03.1001")  # fmt: skip
    assert client.get(reverse("ppks:person_merge", args=[outsider.pk])).status_code == 404
    assert client.get(reverse("ppks:person_merge", args=[kept.pk]), {"lain": outsider.pk}).status_code == 404
    form = {**merge_form(kept, dup), "lain": outsider.pk}
    assert client.post(reverse("ppks:person_merge", args=[kept.pk]), form).status_code == 404
    page = client.post(reverse("ppks:person_merge", args=[kept.pk]), {"langkah": "cari", "nik": outsider.nik})
    assert "Tidak ada data lain dengan NIK ini di wilayah Anda." in page.content.decode()
    assert "Orang Banjarbaru" not in page.content.decode()
    # A merge made in Banjarbaru is not found from Banjarmasin.
    bjb = staff(Role.OPERATOR_KABKOTA, "63.72", "operator.bjb")
    other = Person.objects.create(name="Orang Banjarbaru", sex="L", wilayah_id="63.72.03.1001")
    merge = person_merge(actor=bjb, kept=outsider, merged=other, take_from_merged=[], reason="Sama")
    assert client.post(reverse("ppks:person_merge_undo", args=[merge.pk])).status_code == 404
    with pytest.raises(PermissionDenied, match="tidak berwenang"):
        person_merge(actor=operator, kept=kept, merged=outsider, take_from_merged=[], reason="Sama")


def test_merge_and_undo_are_in_the_audit_trail_of_both_persons(client, pair):
    kept, dup, _, _ = pair
    client.post(reverse("ppks:person_merge", args=[kept.pk]), merge_form(kept, dup))
    merge = PersonMerge.objects.get()
    client.post(reverse("ppks:person_merge_undo", args=[merge.pk]))
    for action in ("person.merge", "person.merge_undo"):
        events = AuditEvent.objects.filter(action=action)
        assert {e.subject_person_id for e in events} == {kept.pk, dup.pk}, action
        assert all(e.detail["merge"] == merge.pk and e.username == "operator.bjm" for e in events)
    assert AuditEvent.objects.get(action="person.merge", subject_person_id=kept.pk).detail["fields"] == [
        "aliases", "birth_place", "birth_date", "address",
    ]  # fmt: skip
