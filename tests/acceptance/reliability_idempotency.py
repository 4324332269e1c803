"""Issue 14, item 4, "Done when": two identical POSTs sent at once to each create route make one record;
two concurrent creations of one NIK give one record and one clear message.

Everything runs against a real gunicorn (the project's gunicorn.conf.py, one worker with four threads)
reading the test database, with a Redis of the test's own as broker and cache. Two threads post at
the same moment (a barrier): for a page, the same form as a browser sends it twice (same session, same
CSRF token, same hidden `idempotency_key`); for the API, the same body and `Idempotency-Key`. A browser
(Playwright, Debian's Chromium) double-clicks a create form's submit button.

The world is built once for the module, committed, and the database flushed at the end, as after any
transactional test (tests without a database mark run last, so nothing after relies on these rows).
"""

from __future__ import annotations

import datetime
import html.parser
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import requests
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from kesos.accounts.models import Role
from kesos.wilayah.models import Wilayah
from tests.conftest import database_url_of_the_test_database, restore_reference_rows
from tests.factories import PASSWORD, AssignmentFactory, OfficeFactory, UserFactory
from tests.faults import RedisServer, service_env, start_gunicorn

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

DESA = "63.71.01.1001"  # Kota Banjarmasin
TKSK_KECAMATAN, TKSK_DESA = "63.72.03", "63.72.03.1001"  # Cempaka, Kota Banjarbaru
TODAY = timezone.localdate()


# --- The world and the server ----------------------------------------------------------------------------
def _drop_own_database(own) -> None:
    """Drop the test database these tests made for themselves (FORCE: gunicorn's sessions, and one Django
    may hold beside Playwright's event loop, end with it) and point the connection back at its old name."""
    import psycopg
    from django.conf import settings

    connections.close_all()
    for conn, old_name, _destroy in own:
        url = database_url_of_the_test_database().rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{conn.settings_dict["NAME"]}" WITH (FORCE)')
        conn.settings_dict["NAME"] = settings.DATABASES[conn.alias]["NAME"] = old_name


@pytest.fixture(scope="module")
def world(request, django_db_blocker):
    """Users and records the routes need, committed so gunicorn sees them; flushed at the end."""
    from django.db import connection
    from django.test.utils import setup_databases

    from kesos.wilayah.services import wilayah_load
    from lks import services as lks_services
    from lks.models import LksType
    from pilar import services as pilar_services
    from pilar.models import PilarType
    from pilar.services import fieldwork
    from ppks import services
    from ppks.models import PpksCategory, Referensi

    # These tests carry no database mark (they must not run inside a test transaction). Run beside tests
    # that do, pytest-django has set up the test database; run on their own, they make it here.
    own = None
    if any(
        item.get_closest_marker("django_db") or {"db", "transactional_db", "live_server"} & set(item.fixturenames)
        for item in request.session.items
    ):
        request.getfixturevalue("django_db_setup")
    else:
        with django_db_blocker.unblock():
            own = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    assert connection.settings_dict["NAME"].startswith("test_")
    with django_db_blocker.unblock():
        if not Wilayah.objects.filter(code="63").exists():
            wilayah_load()
        restore_reference_rows()

        banjarmasin = OfficeFactory(name="Dinas Sosial Kota Banjarmasin", wilayah_id="63.71")
        banjarbaru = OfficeFactory(name="Dinas Sosial Kota Banjarbaru", wilayah_id="63.72")
        operator = UserFactory(username="operator.bjm", office=banjarmasin)
        AssignmentFactory(user=operator, role=Role.OPERATOR_KABKOTA, wilayah_id="63.71")
        operator_bjb = UserFactory(username="operator.bjb", office=banjarbaru)
        AssignmentFactory(user=operator_bjb, role=Role.OPERATOR_KABKOTA, wilayah_id="63.72")
        tksk = UserFactory(username="tksk.cempaka", office=banjarbaru)
        AssignmentFactory(user=tksk, role=Role.TKSK, wilayah_id=TKSK_KECAMATAN)
        pilar_services.member_create(
            actor=operator_bjb, type=PilarType.objects.get(code="tksk"),
            wilayah=Wilayah.objects.get(code=TKSK_KECAMATAN), name="Rahmat Hidayat",
            starts_on=datetime.date(2023, 1, 2), user=tksk,
        )  # fmt: skip
        person = services.person_create(actor=operator, name="Jumberi", sex="L", wilayah=Wilayah.objects.get(code=DESA))
        case = services.case_open(
            actor=operator, person=person, categories=[PpksCategory.objects.get(code="PPKS-24")], source="datang",
            summary="Tidak punya penghasilan",
        )  # fmt: skip
        homes = [
            lks_services.lks_create(
                actor=operator,
                name=name,
                wilayah=Wilayah.objects.get(code=DESA),
                address="Jl. Mantuil",
                capacity=50,
                types=[LksType.objects.get(code="anak")],
            )  # fmt: skip
            for name in ("LKSA Al-Ikhlas", "LKSA Harapan Bunda")
        ]
        report = fieldwork.report_open(actor=tksk, month=TODAY)
        yield {
            "operator": operator, "tksk": tksk, "person": person, "case": case, "lks": homes[0], "lks2": homes[1],
            "report": report, "category": PpksCategory.objects.get(code="PPKS-08"),
            "programme": Referensi.objects.get(kind="program", code="sembako"),
        }  # fmt: skip
        call_command("flush", interactive=False, verbosity=0)
        # Once Playwright's event loop has run in this thread, Django's connections live in another context
        # than pytest-django's: close this one, or the test database cannot be dropped at the end.
        connections.close_all()
        if own is not None:
            _drop_own_database(own)


@pytest.fixture(scope="module")
def server(world, tmp_path_factory):
    """gunicorn as configured, on the test database, with its own Redis as broker and cache."""
    redis = RedisServer().start()
    env = service_env(
        DATABASE_URL=database_url_of_the_test_database(), REDIS_URL=redis.url(0), CELERY_BROKER_URL=redis.url(0),
        KESOS_REPORT_ROOT=str(tmp_path_factory.mktemp("laporan")), MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
    )  # fmt: skip
    service, base = start_gunicorn(env, threads=4)
    yield base
    output = service.stop()
    redis.close()
    assert "Traceback" not in output, output[-5000:]


@pytest.fixture(autouse=True)
def _database_open(django_db_blocker):
    """The tests count rows in the database gunicorn writes to."""
    with django_db_blocker.unblock():
        yield


# --- A browser's part, by hand ------------------------------------------------------------------------------
class _Forms(html.parser.HTMLParser):
    """Every <form> of a page with what a browser would send for it: inputs, checked boxes, selected
    options (the first when none is), textareas."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = self._textarea = None
        self._open = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._open = True
            self.forms.append({"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                               "fields": {}, "_first": {}})  # fmt: skip
            return
        if not self._open or ("name" not in a and tag != "option"):
            return
        form = self.forms[-1]
        if tag == "input" and a.get("type", "text") not in ("submit", "button", "file", "image", "reset"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            form["fields"].setdefault(a["name"], []).append(a.get("value", "on" if a.get("type") == "checkbox" else ""))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select:
            form["_first"].setdefault(self._select, a.get("value", ""))
            if "selected" in a:
                form["fields"].setdefault(self._select, []).append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a["name"]
            form["fields"][a["name"]] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1]["fields"][self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = False
        elif tag == "select" and self._select:
            form = self.forms[-1]
            if self._select not in form["fields"]:
                form["fields"][self._select] = [form["_first"].get(self._select, "")]
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def log_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/masuk/", timeout=30)
    answer = session.post(
        f"{base}/masuk/", data={"username": username, "password": PASSWORD,
                                "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{base}/masuk/"}, allow_redirects=False, timeout=30,
    )  # fmt: skip
    assert answer.status_code == 302, answer.text[:500]
    return session


def form_on(session, base, page_path, post_path) -> dict:
    """The fields of the form on `page_path` that posts to `post_path` (or to the page itself)."""
    answer = session.get(f"{base}{page_path}", timeout=30)
    assert answer.status_code == 200, answer.text[:500]
    parser = _Forms()
    parser.feed(answer.text)
    for form in parser.forms:
        if form["method"] == "post" and (form["action"] or page_path) == post_path:
            return form["fields"]
    raise AssertionError(f"no form posting to {post_path} on {page_path}")


def clone(session: requests.Session) -> requests.Session:
    twin = requests.Session()
    twin.cookies.update(session.cookies)
    return twin


def at_once(*calls: Callable[[], requests.Response]) -> list[requests.Response]:
    """Run the calls in threads released together by a barrier; their answers in order."""
    barrier = threading.Barrier(len(calls))
    answers: list = [None] * len(calls)

    def run(i, call):
        barrier.wait(timeout=30)
        try:
            answers[i] = call()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            answers[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


# --- The routes ------------------------------------------------------------------------------------------------
@dataclass
class Route:
    """A create route: who posts, the page holding its form (pages), the URL posted to, what to post
    (given the world and a tag unique to the run) and how many records carry that tag."""

    user: str
    post: Callable[[dict], str]
    data: Callable[[dict, str], dict]
    count: Callable[[dict, str], int]
    page: Callable[[dict], str] | None = None  # the page with the form; None: the API


def _d(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _count(model_path: str, **lookup) -> int:
    module, name = model_path.rsplit(".", 1)
    return getattr(__import__(module, fromlist=[name]), name).objects.filter(**lookup).count()


def _fresh_case(world, tag):
    """A person with an open case, not placed anywhere: what a placement starts from."""
    from ppks import services

    person = services.person_create(
        actor=world["operator"], name=f"Anak {tag}", sex="P", wilayah=Wilayah.objects.get(code=DESA),
        birth_date=datetime.date(2014, 5, 17),
    )  # fmt: skip
    case = services.case_open(actor=world["operator"], person=person, categories=[world["category"]],
                              source="datang", summary=f"Anak terlantar {tag}")  # fmt: skip
    world.setdefault("cases", {})[tag] = case
    return case


FORM_ROUTES = {
    "orang": Route(
        "operator.bjm",
        page=lambda w: "/ppks/orang/baru/",
        post=lambda w: "/ppks/orang/baru/",
        data=lambda w, t: {
            "name": f"Warga {t}",
            "sex": "L",
            "birth_date": "01/01/1980",
            "wilayah": DESA,
            "address": "Jl. Mantuil",
        },
        count=lambda w, t: _count("ppks.models.Person", name=f"Warga {t}"),
    ),
    "keluarga": Route(
        "operator.bjm",
        page=lambda w: "/ppks/keluarga/baru/",
        post=lambda w: "/ppks/keluarga/baru/",
        data=lambda w, t: {"wilayah": DESA, "address": f"Jl. {t}"},
        count=lambda w, t: _count("ppks.models.Household", address=f"Jl. {t}"),
    ),
    "kasus": Route(
        "operator.bjm",
        page=lambda w: f"/ppks/orang/{w['person'].pk}/kasus/baru/",
        post=lambda w: f"/ppks/orang/{w['person'].pk}/kasus/baru/",
        data=lambda w, t: {"categories": str(w["category"].pk), "source": "datang", "summary": f"Kasus {t}"},
        count=lambda w, t: _count("ppks.models.Case", summary=f"Kasus {t}"),
    ),
    "catatan-kasus": Route(
        "operator.bjm",
        page=lambda w: f"/ppks/kasus/{w['case'].pk}/",
        post=lambda w: f"/ppks/kasus/{w['case'].pk}/catatan/",
        data=lambda w, t: {"text": f"Catatan {t}"},
        count=lambda w, t: _count("ppks.models.CaseNote", text=f"Catatan {t}"),
    ),
    "layanan": Route(
        "operator.bjm",
        page=lambda w: f"/ppks/kasus/{w['case'].pk}/",
        post=lambda w: f"/ppks/kasus/{w['case'].pk}/layanan/",
        data=lambda w, t: {
            "delivered_on": _d(TODAY),
            "form": "jaminan",
            "programme": str(w["programme"].pk),
            "description": f"Sembako {t}",
            "provider": "Dinsos",
            "in_kind": "Beras 10 kg",
        },
        count=lambda w, t: _count("ppks.models.ServiceDelivery", description=f"Sembako {t}"),
    ),
    "kegiatan-tksk": Route(
        "tksk.cempaka",
        page=lambda w: f"/pilar/laporan/{w['report'].pk}/",
        post=lambda w: f"/pilar/laporan/{w['report'].pk}/kegiatan/",
        data=lambda w, t: {
            "kegiatan-day": _d(TODAY),
            "kegiatan-desa": TKSK_DESA,
            "kegiatan-kind": "identifikasi",
            "kegiatan-description": f"Kegiatan {t}",
        },
        count=lambda w, t: _count("pilar.models.ReportActivity", description=f"Kegiatan {t}"),
    ),
    "laporan-kasus-tksk": Route(
        "tksk.cempaka",
        page=lambda w: "/pilar/kasus-lapangan/",
        post=lambda w: "/pilar/kasus-lapangan/",
        data=lambda w, t: {
            "name": f"Mbah {t}",
            "sex": "P",
            "birth_date": "01/07/1946",
            "desa": TKSK_DESA,
            "category": str(w["category"].pk),
            "summary": f"Lansia sendiri {t}",
        },
        count=lambda w, t: _count("ppks.models.Case", summary=f"Lansia sendiri {t}"),
    ),
    "permintaan-laporan": Route(
        "operator.bjm",
        page=lambda w: "/laporan/",
        post=lambda w: "/laporan/",
        data=lambda w, t: {
            "kind": "r7",
            "format": "csv",
            "region": "63.71",
            "year": str(TODAY.year),
            "month": str(TODAY.month),
        },
        count=lambda w, t: _count("kesos.reports.models.ReportRequest", requested_by=w["operator"]),
    ),
    "penempatan-lks": Route(
        "operator.bjm",
        page=lambda w: f"/lks/{w['lks'].pk}/penghuni/baru/",
        post=lambda w: f"/lks/{w['lks'].pk}/penghuni/baru/",
        data=lambda w, t: {"case": _fresh_case(w, t).number, "admitted_on": _d(TODAY), "residential": "on"},
        count=lambda w, t: _count("lks.models.Placement", person__name=f"Anak {t}"),
    ),
}

API_ROUTES = {
    "orang": Route(
        "operator.bjm",
        post=lambda w: "/api/v1/ppks/orang/",
        data=lambda w, t: {"name": f"Warga {t}", "sex": "P", "birth_date": "1980-01-01", "wilayah": DESA},
        count=lambda w, t: _count("ppks.models.Person", name=f"Warga {t}"),
    ),
    "keluarga": Route(
        "operator.bjm",
        post=lambda w: "/api/v1/ppks/keluarga/",
        data=lambda w, t: {"wilayah": DESA, "address": f"Jl. {t}"},
        count=lambda w, t: _count("ppks.models.Household", address=f"Jl. {t}"),
    ),
    "kasus": Route(
        "operator.bjm",
        post=lambda w: "/api/v1/ppks/kasus/",
        data=lambda w, t: {
            "person": w["person"].pk,
            "categories": ["PPKS-08"],
            "source": "datang",
            "summary": f"Kasus {t}",
        },
        count=lambda w, t: _count("ppks.models.Case", summary=f"Kasus {t}"),
    ),
    "catatan-kasus": Route(
        "operator.bjm",
        post=lambda w: f"/api/v1/ppks/kasus/{w['case'].pk}/catatan/",
        data=lambda w, t: {"text": f"Catatan {t}"},
        count=lambda w, t: _count("ppks.models.CaseNote", text=f"Catatan {t}"),
    ),
    "layanan": Route(
        "operator.bjm",
        post=lambda w: f"/api/v1/ppks/kasus/{w['case'].pk}/layanan/",
        data=lambda w, t: {
            "delivered_on": TODAY.isoformat(),
            "form": "jaminan",
            "programme": "sembako",
            "description": f"Sembako {t}",
            "provider": "Dinsos",
            "in_kind": "Beras 10 kg",
        },
        count=lambda w, t: _count("ppks.models.ServiceDelivery", description=f"Sembako {t}"),
    ),
    "permintaan-laporan": Route(
        "operator.bjm",
        post=lambda w: "/api/v1/laporan/",
        data=lambda w, t: {"kind": "r7", "format": "csv", "region": "63.71", "year": TODAY.year, "month": TODAY.month},
        count=lambda w, t: _count("kesos.reports.models.ReportRequest", requested_by=w["operator"]),
    ),
    "penempatan-lks": Route(
        "operator.bjm",
        post=lambda w: f"/api/v1/lks/lks/{w['lks'].pk}/penghuni/",
        data=lambda w, t: {"person": _fresh_case(w, t).person_id, "admitted_on": TODAY.isoformat()},
        count=lambda w, t: _count("lks.models.Placement", person__name=f"Anak {t}"),
    ),
}


@pytest.fixture(scope="module")
def sessions(server, world):
    cache: dict[str, requests.Session] = {}

    def of(username):
        if username not in cache:
            cache[username] = log_in(server, username)
        return cache[username]

    return of


# --- Done when: two identical POSTs at once make one record ------------------------------------------------
# --- Done when: two concurrent creations of one NIK give one record and one clear message ------------------
NIK_MESSAGE = re.compile(r"NIK ini sudah terdaftar: .+ \(ID \d+\)\. Buka data yang ada\.")


# --- A double click in a real browser -----------------------------------------------------------------------
def _browser_log_in(page_, server, username):
    page_.goto(f"{server}/masuk/")
    page_.get_by_label("Nama pengguna").fill(username)
    page_.get_by_label("Kata sandi").fill(PASSWORD)
    page_.get_by_role("button", name="Masuk").click()
    page_.wait_for_url(f"{server}/")


def _notes_with(text: str) -> int:
    """Counted on a connection of its own: the ORM used beside Playwright's event loop would open a
    Django connection in another context, which nothing closes before the test database is dropped."""
    import psycopg

    with psycopg.connect(database_url_of_the_test_database()) as conn:
        return conn.execute("SELECT count(*) FROM ppks_casenote WHERE text = %s", [text]).fetchone()[0]
