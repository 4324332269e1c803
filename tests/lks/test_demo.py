"""The quick start's LKS demo (issue 5, item 9): Kalimantan Selatan's 135 LKS as in article 001."""

import datetime

import pytest
from django.db.models import Count
from django.utils import timezone

from kesos.accounts.models import Assignment, Role, User
from kesos.audit.subject import SECTIONS
from kesos.core.demo import load_demo
from lks import selectors
from lks.choices import PermitKind, RegistrationStatus
from lks.demo import FEATURED
from lks.models import Accreditation, Lks, Placement, Registration
from lks.subject import person_placement_history, person_placements

pytestmark = pytest.mark.django_db

KALSEL_KABKOTA = {"63.01", "63.02", "63.03", "63.04", "63.05", "63.06", "63.07", "63.08", "63.09", "63.10",
                  "63.11", "63.71", "63.72"}  # fmt: skip


@pytest.fixture
def demo():
    first = load_demo()
    second = load_demo()
    return first, second


def types_recap():
    rows = Lks.types.through.objects.values("lkstype__code").annotate(n=Count("lks_id"))
    return {row["lkstype__code"]: row["n"] for row in rows}


def test_loading_the_demo_twice_gives_the_135_lks_of_article_001_once(demo):
    assert Lks.objects.count() == 135
    assert Lks.objects.values("name").distinct().count() == 135
    assert types_recap() == {"anak": 120, "lansia": 3, "disabilitas": 9, "napza": 3}
    assert all(n == 1 for n in Lks.objects.annotate(n=Count("types")).values_list("n", flat=True))
    first, second = demo
    assert "135 LKS (120 anak, 3 lanjut usia, 9 disabilitas, 3 NAPZA)" in second.lines
    assert any("penghuni" in line for line in first.lines)


def test_the_lks_lie_in_real_desa_of_all_13_kab_kota_of_kalsel(demo):
    codes = list(Lks.objects.values_list("wilayah_id", "wilayah__level", "wilayah__active"))
    assert all(code.startswith("63.") and level == 4 and active for code, level, active in codes)
    by_kabkota = {}
    for code, *_ in codes:
        by_kabkota[code[:5]] = by_kabkota.get(code[:5], 0) + 1
    assert set(by_kabkota) == KALSEL_KABKOTA
    # Banjarmasin and Banjar, the most populous, hold the most.
    assert sorted(by_kabkota, key=by_kabkota.get)[-2:] == ["63.03", "63.71"]


def test_the_expiry_watch_has_something_to_show(demo):
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=90)
    current_td = Registration.objects.filter(pk__in=Lks.objects.values("tanda_daftar"))
    assert current_td.filter(valid_until__gte=today, valid_until__lte=soon).count() >= 3
    assert current_td.filter(valid_until__lt=today).exists()
    assert Lks.objects.filter(tanda_daftar__isnull=True).count() >= 5
    current_acc = Accreditation.objects.filter(pk__in=Lks.objects.values("accreditation"))
    assert current_acc.filter(valid_until__gte=today, valid_until__lte=soon).count() >= 2
    assert set(current_acc.values_list("grade", flat=True)) == {"A", "B", "C"}
    assert Lks.objects.filter(izin_operasional__isnull=False).count() >= 60
    assert selectors.expiring_lks(today=today).count() >= 10
    assert Registration.objects.filter(status=RegistrationStatus.DIAJUKAN).exists()


def test_each_lks_points_at_its_latest_issued_documents(demo):
    for lks in Lks.objects.prefetch_related("registrations", "accreditations"):
        for kind, pointer in ((PermitKind.TANDA_DAFTAR, lks.tanda_daftar_id),
                              (PermitKind.IZIN_OPERASIONAL, lks.izin_operasional_id)):  # fmt: skip
            issued = [r for r in lks.registrations.all() if r.kind == kind and r.status == RegistrationStatus.TERBIT]
            latest = max(issued, key=lambda r: (r.valid_until, r.issued_on, r.pk), default=None)
            assert pointer == (latest.pk if latest else None), lks.name
        accreditations = list(lks.accreditations.all())
        latest = max(accreditations, key=lambda a: (a.accredited_on, a.pk), default=None)
        assert lks.accreditation_id == (latest.pk if latest else None), lks.name
    renewals = Registration.objects.filter(kind=PermitKind.TANDA_DAFTAR, renewal=True, status=RegistrationStatus.TERBIT)
    assert renewals.exists()


def test_an_accreditation_lasts_as_its_grade_says(demo):
    years = {"A": 5, "B": 3, "C": 2}
    for a in Accreditation.objects.all():
        assert a.valid_until.year - a.accredited_on.year == years[a.grade], a.certificate_number


def test_the_featured_lksa_has_residents_and_its_own_operator(demo):
    lks = Lks.objects.get(name=FEATURED)
    assert lks.wilayah_id.startswith("63.71.")
    residents = Placement.objects.filter(lks=lks, exit_on__isnull=True)
    assert residents.count() == 3
    assert residents.count() <= lks.capacity
    operator = User.objects.get(username="operator.lks")
    assignment = Assignment.objects.get(user=operator)
    assert (assignment.role, assignment.lks, assignment.wilayah_id) == (Role.OPERATOR_LKS, lks, "63.71")
    assert list(Lks.objects.visible_to(operator)) == [lks]
    # Its accreditation ends within 30 days: the daily job tells its operator.
    assert 0 <= (lks.accreditation.valid_until - timezone.localdate()).days <= 30


def test_the_data_subject_report_of_a_resident_lists_their_placement(demo):
    assert person_placements in SECTIONS and person_placement_history in SECTIONS  # registered at startup
    placement = Placement.objects.select_related("person", "lks").filter(lks__name=FEATURED).first()
    section = person_placements(placement.person)
    assert section.title == "Penghuni LKS"
    assert [(row[0], row[1], row[2]) for row in section.rows] == [(FEATURED, placement.admitted_on, "—")]
    history = person_placement_history(placement.person)
    assert history.rows  # one creation event on PostgreSQL; the SQLite notice otherwise
