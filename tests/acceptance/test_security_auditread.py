"""Issue 13, "Done when": paging through the person API writes one audit event per page with its row
count, and a user who exceeds the throttle gets 429. End to end, through the login page and the API."""

import io
import zipfile

import pytest
from django.urls import reverse

from kesos.accounts.models import Role
from kesos.audit.models import AuditEvent
from ppks.models import Person
from tests.acceptance.test_access import login, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def people(count: int, village: str, nik_prefix: str, name: str) -> list[Person]:
    return Person.objects.bulk_create(
        Person(name=f"{name} {i:03d}", sex="L", wilayah_id=village, nik=f"{nik_prefix}{i:04d}")
        for i in range(1, count + 1)
    )


def test_paging_through_the_person_api_writes_one_audit_event_per_page_that_the_subject_report_sees():
    make_user("operator.banjarmasin", "63.71", Role.OPERATOR_KABKOTA, "63.71")
    make_user("admin.kalsel", "63", Role.ADMIN_PROVINSI, "63")
    make_user("auditor.banjarmasin", "63.71", Role.AUDITOR, "63.71")
    # 60 in kecamatan 01 (sorted first by name), 60 in kecamatan 02: page 1 is all of kecamatan 01.
    first = people(60, "63.71.01.1001", "637101010180", "Ahmad")
    people(60, "63.71.02.1001", "637102010180", "Bahrul")
    operator = login("operator.banjarmasin")

    url, pages = reverse("ppks-api:person-list"), []
    while url:
        body = operator.get(url).json()
        pages.append([row["id"] for row in body["results"]])
        url = body["next"]
    assert [len(page) for page in pages] == [50, 50, 20]

    events = list(AuditEvent.objects.filter(action="data.list", username="operator.banjarmasin").order_by("id"))
    assert len(events) == 3  # one per page, not one per row
    assert [e.detail["rows"] for e in events] == [50, 50, 20]
    assert [e.object_repr for e in events] == [f"Daftar orang ({n} baris)" for n in (50, 50, 20)]
    # The region of each page: the narrowest one holding its rows.
    assert [e.wilayah_code for e in events] == ["63.71.01.1001", "63.71", "63.71.02.1001"]
    assert events[1].detail["regions"] == ["63.71.01.1001", "63.71.02.1001"]
    assert [e.detail["person_ids"] for e in events] == [sorted(page) for page in pages]
    assert all(e.ip == "127.0.0.1" and e.path.startswith("/api/v1/ppks/orang/") for e in events)

    # The kab/kota auditor sees the reads in the trail.
    trail = login("auditor.banjarmasin").get(reverse("audit:event_list"), {"aksi": "data.list"}).content.decode()
    assert trail.count("Daftar orang (50 baris)") == 2 and "Daftar orang (20 baris)" in trail

    # The data-subject report of a person on page 1 says they appeared in a list read by the operator;
    # page 2 and 3 did not hold them, so only one list read is theirs.
    on_page_one = first[0]
    assert on_page_one.pk in pages[0]
    report = login("admin.kalsel").post(reverse("audit:subject_report"), {"nik": on_page_one.nik})
    assert report.status_code == 200
    with zipfile.ZipFile(io.BytesIO(report.content)) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "Melihat daftar data perorangan" in strings and "operator.banjarmasin" in strings
    assert "Daftar orang (50 baris)" in strings and "Daftar orang (20 baris)" not in strings


def test_a_user_who_pages_faster_than_the_throttle_allows_gets_429_in_indonesian(settings):
    rates = {"user": "1000/hour", "anon": "100/hour", "by_name_list": "3/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    make_user("operator.banjarmasin", "63.71", Role.OPERATOR_KABKOTA, "63.71")
    make_user("operator.banjarbaru", "63.72", Role.OPERATOR_KABKOTA, "63.72")
    person = people(3, "63.71.01.1001", "637101010180", "Ahmad")[0]
    operator = login("operator.banjarmasin")

    for _ in range(3):
        assert operator.get(reverse("ppks-api:person-list")).status_code == 200
    refused = operator.get(reverse("ppks-api:person-list"), {"page": 2})
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Terlalu banyak permintaan ke API. Coba lagi dalam")
    assert int(refused["Retry-After"]) > 0
    # The other by-name lists share the budget; a single record is still within the user's rate.
    assert operator.get(reverse("ppks-api:case-list")).status_code == 429
    assert operator.get(reverse("ppks-api:person-detail", args=[person.pk])).status_code == 200
    # The refused pages were not served, so they are not in the trail as reads.
    assert AuditEvent.objects.filter(action="data.list", username="operator.banjarmasin").count() == 3
    # The limit is per user: a colleague is not slowed down.
    assert login("operator.banjarbaru").get(reverse("ppks-api:person-list")).status_code == 200

    # Every API request counts against the user's own rate too (the colleague has made one).
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**rates, "user": "2/hour"}}
    colleague = login("operator.banjarbaru")
    assert colleague.get(reverse("ppks-api:referensi-list")).status_code == 200
    assert colleague.get(reverse("ppks-api:referensi-list")).status_code == 429
