"""generate_synthetic: valid, unique NIKs and No. KKs, sound families, plausible PPKS categories; additive reruns.

Runs on SQLite (bulk_create) and on PostgreSQL (COPY with the history triggers off during the load):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesos_syn .venv/bin/pytest tests/ppks/test_synthetic.py -q
"""

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from kesos.wilayah.nik import parse_kk, parse_nik
from ppks.models import Household, HouseholdMember, Person, PersonCategory
from ppks.names import name_key
from ppks.synthetic import PERSON_CATEGORIES, age_on

pytestmark = pytest.mark.django_db

CHILD_CATEGORIES = {"PPKS-01", "PPKS-02", "PPKS-03", "PPKS-04", "PPKS-05", "PPKS-06", "PPKS-07"}


def run(persons=300, seed=1, **options):
    out = StringIO()
    call_command("generate_synthetic", persons=persons, province="63", seed=seed, batch=100, stdout=out, **options)
    return out.getvalue()


def test_a_small_run_makes_valid_unique_numbers_that_match_each_person():
    output = run()
    assert "300 orang" in output and "baris/detik" in output
    persons = list(Person.objects.all())
    assert len(persons) == 300
    today = timezone.localdate()
    region_ok = lambda code: True  # noqa: E731 - every code is checked against the desa below instead
    for person in persons:
        info = parse_nik(person.nik, today=today, region_exists=region_ok)
        assert (info.birth_date, info.sex) == (person.birth_date, person.sex), person.nik
        assert info.kecamatan_code == person.wilayah_id.rsplit(".", 1)[0]
        assert person.name_key and person.name_key == name_key(person.name)
        assert person.version == 1 and person.created_at and person.updated_at
        assert 0 <= age_on(person.birth_date, today) <= 98
    assert len({p.nik for p in persons}) == 300
    for household in Household.objects.all():
        kk = parse_kk(household.no_kk, today=today, region_exists=region_ok)
        assert kk.region_code == household.wilayah_id.rsplit(".", 1)[0]
        assert kk.issued_on <= today


def test_households_have_one_head_and_share_the_kk_and_desa_of_their_members():
    run()
    households = {h.pk: h for h in Household.objects.all()}
    members = list(HouseholdMember.objects.select_related("person", "relation"))
    assert len(members) == 300  # everyone belongs to exactly one household
    assert len({m.person_id for m in members}) == 300
    heads = Counter(m.household_id for m in members if m.relation.code == "kepala")
    assert set(heads) == set(households) and set(heads.values()) == {1}
    sizes = Counter(m.household_id for m in members)
    assert max(sizes.values()) <= 7
    by_household = {}
    for m in members:
        household = households[m.household_id]
        assert (m.person.no_kk, m.person.wilayah_id, m.person.address) == (
            household.no_kk,
            household.wilayah_id,
            household.address,
        )
        assert m.joined_on >= m.person.birth_date and m.left_on is None
        by_household.setdefault(m.household_id, []).append(m)
    for group in by_household.values():
        head = next(m.person for m in group if m.relation.code == "kepala")
        for m in group:
            if m.relation.code == "anak":
                assert m.person.birth_date > head.birth_date - datetime.timedelta(days=8 * 366)
            if m.relation.code == "istri":
                assert head.sex == "L" and m.person.sex == "P"
            if m.relation.code in ("orang_tua", "mertua"):
                assert m.person.birth_date < head.birth_date


def test_categories_fit_the_age_sex_and_disability_of_whoever_holds_them():
    run(persons=600, seed=7)
    holdings = list(PersonCategory.objects.select_related("category", "person__disability"))
    on_persons = [h for h in holdings if h.person_id]
    assert on_persons and all((h.person_id is None) != (h.household_id is None) for h in holdings)
    holders = Counter(h.person_id for h in on_persons)
    assert set(holders.values()) <= {1, 2}
    assert 0.15 < len(holders) / 600 < 0.5  # about 30%
    for h in on_persons:
        low, high, sex, needs_disability, *_ = PERSON_CATEGORIES[h.category.code]
        age_then = age_on(h.person.birth_date, h.recorded_on)
        assert age_then >= low, (h.category.code, age_then)
        if high is not None:
            assert age_on(h.person.birth_date, timezone.localdate()) < high, h.category.code
        if sex:
            assert h.person.sex == sex
        if needs_disability:
            assert h.person.disability is not None
        if h.category.code == "PPKS-08":
            assert age_then >= 60
        if h.category.code in CHILD_CATEGORIES:
            assert age_then < 18
    assert Person.objects.filter(dtsen_desil__isnull=False).count() > 0
    assert Person.objects.filter(religion__code="islam").count() > 0.8 * 600


def test_a_second_run_adds_more_without_collisions_and_the_same_seed_repeats_the_people():
    run(persons=300, seed=3)
    first = list(Person.objects.order_by("pk").values_list("name", "birth_date", "wilayah_id"))
    run(persons=300, seed=3)  # same seed: same people again, but new serials
    assert Person.objects.count() == 600 and Household.objects.count() == len(
        set(Household.objects.values_list("no_kk", flat=True))
    )
    second = list(Person.objects.order_by("pk").values_list("name", "birth_date", "wilayah_id"))[300:]
    assert second == first
    niks = list(Person.objects.values_list("nik", flat=True))
    assert len(set(niks)) == 600
    assert HouseholdMember.objects.count() == 600
    # A repeated person got the next serial on the same prefix.
    assert Person.objects.filter(nik__startswith=Person.objects.order_by("pk").first().nik[:12]).count() >= 2


def test_refused_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="produksi"):
        run(persons=10)
    assert not Person.objects.exists()


@pytest.mark.postgres
def test_on_postgresql_the_history_triggers_are_off_for_the_load_and_on_again_afterwards():
    from pghistory.models import Events

    run(persons=50)
    assert Person.objects.count() == 50
    assert not Events.objects.filter(pgh_obj_model="ppks.Person").exists()  # no history for synthetic rows
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT tgenabled FROM pg_trigger WHERE NOT tgisinternal AND tgrelid::regclass::text IN "
            "('ppks_person', 'ppks_household', 'ppks_householdmember', 'ppks_personcategory')"
        )
        assert cursor.fetchall() == [("O",)]
    # A normal save after the load still records history.
    person = Person.objects.first()
    person.name = "Nama Baru"
    person.save()
    assert Events.objects.filter(pgh_obj_model="ppks.Person", pgh_obj_id=str(person.pk)).exists()


# --- Cases --------------------------------------------------------------------------------------------
def test_cases_follow_the_workflow_and_their_services_come_after_the_intervention_started():
    from ppks.models import Assessment, Case, CaseTransition, ServiceDelivery
    from ppks.workflow import FINAL, Stage, allowed

    output = run(persons=400, cases=500, seed=11)
    assert "500 kasus" in output
    cases = {c.pk: c for c in Case.objects.select_related("person", "wilayah").prefetch_related("categories")}
    assert len(cases) == 500
    assert len({c.number for c in cases.values()}) == 500
    paths = {}
    for t in CaseTransition.objects.order_by("case_id", "at", "id"):
        paths.setdefault(t.case_id, []).append(t)
    stages = Counter()
    for case in cases.values():
        path = paths[case.pk]
        assert path[0].from_stage == "" and path[0].to_stage == Stage.DILAPORKAN and path[0].at == case.opened_at
        for before, after in zip(path, path[1:], strict=False):
            assert after.from_stage == before.to_stage and allowed(after.from_stage, after.to_stage)
            assert after.at > before.at
            if after.to_stage in (Stage.TIDAK_MEMENUHI_KRITERIA, Stage.MENINGGAL, Stage.PINDAH):
                assert after.note
        assert path[-1].to_stage == case.stage
        assert (case.closed_at is not None) == (case.stage in FINAL)
        if case.closed_at:
            assert case.closed_at == path[-1].at
        assert (case.person_id is None) != (case.household_id is None)
        holder = case.person or case.household
        assert case.wilayah_id == holder.wilayah_id
        kk = case.wilayah_id[:5].replace(".", "")
        assert case.number == f"{kk}-{timezone.localtime(case.opened_at):%Y}-{case.pk:06d}"
        assert case.opened_at.date() >= timezone.localdate() - datetime.timedelta(days=3 * 365 + 1)
        assert case.reported_by.username.startswith("sintetis.")
        codes = {c.code for c in case.categories.all()}
        assert codes
        if case.person_id:
            held = set(PersonCategory.objects.filter(person=case.person).values_list("category__code", flat=True))
            age = age_on(case.person.birth_date, case.opened_at.date())
            if held:
                assert codes <= held  # a holder's case is about what they hold
            for code in codes:
                low, high, sex, needs_disability, *_ = PERSON_CATEGORIES[code]
                assert age >= low, (code, age)
                if sex:
                    assert case.person.sex == sex
                if needs_disability:
                    assert case.person.disability_id
        stages[case.stage] += 1
    # A realistic mix: mostly closed or in intervention, some early, a few side exits.
    assert stages[Stage.DITUTUP] > 0.25 * 500
    assert stages[Stage.INTERVENSI] > 0
    assert stages[Stage.DILAPORKAN] + stages[Stage.DIVERIFIKASI] > 0
    assert sum(stages[s] for s in FINAL) > 0.4 * 500
    reached = {
        case_id: next(t.at.date() for t in path if t.to_stage == Stage.INTERVENSI)
        for case_id, path in paths.items()
        if any(t.to_stage == Stage.INTERVENSI for t in path)
    }
    services = list(ServiceDelivery.objects.select_related("programme", "atensi_component"))
    assert services and {s.case_id for s in services} == set(reached)  # every case that reached intervention
    for service in services:
        assert service.delivered_on >= reached[service.case_id]
        assert service.programme.kind == "program"
        assert service.atensi_component is None or service.atensi_component.kind == "atensi"
        assert service.amount is not None or service.in_kind or service.description
    for assessment in Assessment.objects.all():
        assert any(t.to_stage == Stage.ASESMEN for t in paths[assessment.case_id])


def test_cases_only_for_existing_persons_and_staff_is_reused():
    from kesos.accounts.models import Assignment, User
    from ppks.models import Case

    run(persons=200, cases=0, seed=5)
    assert not Case.objects.exists()
    run(persons=0, cases=100, seed=5)
    run(persons=0, cases=100, seed=6)
    assert Case.objects.count() == 200 and Person.objects.count() == 200
    staff = User.objects.filter(username__startswith="sintetis.")
    assert staff.count() == 3 * 13 and not any(u.has_usable_password() for u in staff)
    assert Assignment.objects.filter(user__in=staff).count() == 3 * 13
