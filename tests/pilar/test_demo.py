"""The quick start's pilar demo (issue 6, item 8): one TKSK per kecamatan of Kalteng, the events of
the five articles with the Muara Enim Rakor's 200 participants by group, and a working TKSK account."""

import datetime

import pytest
from django.db.models import Count
from django.utils import timezone

from kesos.accounts.models import User
from kesos.core.demo import load_demo
from kesos.wilayah.models import Level, Wilayah
from kesos.wilayah.nik import parse_nik
from pilar import selectors
from pilar.choices import EventKind, MemberStatus, SelectionStatus
from pilar.models import Attendance, Event, Member, MonthlyReport, Participant, Posting, Training
from pilar.services import fieldwork

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        Member.objects.count(), Posting.objects.count(), Event.objects.count(), Participant.objects.count(),
        Attendance.objects.count(), Training.objects.count(), MonthlyReport.objects.count(),
    )  # fmt: skip


@pytest.fixture
def demo():
    first = load_demo()
    before = snapshot()
    second = load_demo()
    assert snapshot() == before  # the second run adds nothing
    return first, second


def kalteng_tksk():
    return Member.objects.filter(type__code="tksk", wilayah__code__startswith="62.")


def test_loading_twice_gives_136_tksk_in_kalteng_each_on_its_own_kecamatan(demo):
    kecamatan = set(
        Wilayah.objects.filter(level=Level.KECAMATAN, active=True, code__startswith="62.").values_list(
            "code", flat=True
        )
    )
    assert len(kecamatan) == 136
    tksk = list(kalteng_tksk().prefetch_related("postings"))
    assert len(tksk) == 136
    assert {m.wilayah_id for m in tksk} == kecamatan
    assert len({m.nik for m in tksk}) == 136 and all(m.status == MemberStatus.AKTIF for m in tksk)
    for m in tksk:
        info = parse_nik(m.nik)
        assert (info.birth_date, info.sex) == (m.birth_date, m.sex), m.name
        (posting,) = m.postings.all()
        assert posting.wilayah_id == m.wilayah_id and posting.ends_on is None
        assert 2009 <= posting.starts_on.year <= 2023 and m.sk_number and m.sk_issuer in ("kemensos", "kadis_provinsi")
    assert min(p.starts_on.year for m in tksk for p in m.postings.all()) == 2009
    row = {r.code: r for r in selectors.coverage(within="62")}
    assert sum(r.kecamatan_with_tksk for r in row.values()) == sum(r.kecamatan for r in row.values()) == 136
    first, second = demo
    assert "136/136 kecamatan Kalimantan Tengah dengan TKSK aktif" in second.lines


def test_the_muara_enim_rakor_recap_reproduces_article_004(demo):
    rakor = Event.objects.get(kind=EventKind.RAKOR, starts_on=datetime.date(2023, 11, 6))
    assert rakor.wilayah_id == "16.03" and rakor.venue == "Ballroom Hotel Griya Sintesa Muara Enim"
    recap, total = selectors.event_recap(rakor)
    assert [(r.label, r.count) for r in recap] == [
        ("Kasi Kesos Kecamatan", 22), ("TKSK", 22), ("Korcam/Pendamping PKH", 78), ("Korwil", 1),
        ("Pendamping Disabilitas", 1), ("LKS", 14), ("Karang Taruna", 2), ("Tagana", 25), ("Operator", 21),
        ("OPD terkait", 14),
    ]  # fmt: skip
    assert total == 200
    assert (
        Participant.objects.filter(event=rakor).values("name").distinct().count()
        == Participant.objects.filter(event=rakor).count()
    )


def test_the_events_of_the_five_articles_are_there(demo):
    events = {e.starts_on: e for e in Event.objects.all()}
    bimtek_2019 = events[datetime.date(2019, 7, 22)]
    assert (bimtek_2019.kind, bimtek_2019.ends_on, bimtek_2019.wilayah_id) == (
        "bimtek",
        datetime.date(2019, 7, 24),
        "62",
    )
    lks_2022 = events[datetime.date(2022, 8, 23)]
    assert lks_2022.ends_on == datetime.date(2022, 8, 25) and "Pemberdayaan Sosial" in lks_2022.organiser
    delegates = Participant.objects.filter(event=lks_2022)
    assert delegates.count() == delegates.filter(lks__isnull=False, group__code="lks").count() == 30
    pillars_2024 = events[datetime.date(2024, 6, 10)]
    groups = dict(
        Participant.objects.filter(event=pillars_2024)
        .values("group__code")
        .annotate(n=Count("id"))
        .values_list("group__code", "n")
    )
    assert groups == {"psm": 13, "tksk": 13, "lks": 13, "karang_taruna": 13, "dinsos": 13}
    selection = Event.objects.get(kind=EventKind.SELEKSI).selection
    assert selection.status == SelectionStatus.TERBUKA and selection.event.starts_on.month == 7
    assert sum(selection.criteria.values_list("weight", flat=True)) == 100
    assert selection.nominations.count() >= 3


def test_the_136_kalteng_tksk_have_the_2023_bimtek_in_their_training_history(demo):
    bimtek = Event.objects.get(name__startswith="Bimbingan Teknis Peningkatan Kemampuan Potensi TKSK")
    assert bimtek.starts_on.year == 2023 and bimtek.starts_on.weekday() == 0  # a Monday, as the article says
    assert Participant.objects.filter(event=bimtek, member__in=kalteng_tksk()).count() == 136
    assert Training.objects.filter(event=bimtek, member__in=kalteng_tksk()).count() == 136
    recap, total = selectors.event_recap(bimtek)
    assert [(r.label, r.count) for r in recap] == [("TKSK", 136)]


def test_the_demo_tksk_account_files_reports_for_cempaka(demo):
    user = User.objects.get(username="tksk.cempaka")
    member = fieldwork.tksk_member_of(user)
    assert member.wilayah_id == "63.72.03" and member.name == user.full_name
    report = fieldwork.report_open(actor=user, month=timezone.localdate())
    assert report.wilayah_id == "63.72.03"
    # Last month: Cempaka's report was accepted, another kecamatan's is waiting, the rest sent nothing.
    operator = User.objects.get(username="operator.banjarbaru")
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    rows = {row.kecamatan: row for row in selectors.submissions(user=operator, month=last_month)}
    assert len(rows) == 5 and rows["Cempaka"].received and rows["Cempaka"].activities == 4
    assert sum(row.received for row in rows.values()) == 2
