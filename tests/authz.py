"""The authorization matrix: every URL pattern and API route, and who may reach what through it.

`MATRIX` holds one `Route` per named URL pattern (Django admin is one entry for its namespace).
`missing_entries()` lists routes with no entry, so a new endpoint fails the suite until its access
rules are written down here. `check_route()` logs in as each persona of the `World` and compares
what it gets with what the matrix says, object by object: in-scope objects answer 200, objects
out of scope answer 404, personas whose role may not use the route get 403, anonymous visitors
are sent to the login page (pages) or refused (API).

Expected visibility is declared by hand in `World.SEES`, independent of the code under test.
Later issues add their routes, personas and objects here rather than writing their own matrix.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from kesos.accounts.models import Assignment, Office, Role, User
from kesos.reports.models import ReportRequest
from lks.models import ChangeRequest, Lks, Placement, Registration
from pilar.models import Event, Member, MonthlyReport, Nomination, PilarType, Posting, Selection
from ppks.models import Case, Household, Person, PersonCategory, PpksCategory

# --- The world: personas in different regions, and objects in and out of their scope -------------
PERSONAS = {
    # name: (office region, role, assignment region)
    "admin_kalsel": ("63", Role.ADMIN_PROVINSI, "63"),
    "admin_kalteng": ("62", Role.ADMIN_PROVINSI, "62"),
    "operator_bjm": ("63.71", Role.OPERATOR_KABKOTA, "63.71"),
    "operator_bjb": ("63.72", Role.OPERATOR_KABKOTA, "63.72"),
    "peksos_bjm": ("63.71", Role.PEKERJA_SOSIAL, "63.71"),
    "tksk_cempaka": ("63.72", Role.TKSK, "63.72.03"),
    "tksk_ended": ("63.72", Role.TKSK, "63.72.03"),  # assignment ended yesterday
    "operator_lks": ("63.71", Role.OPERATOR_LKS, "63.71"),  # operates lks_bjm
    "pimpinan": ("63", Role.PIMPINAN, "63"),
    "auditor": ("63", Role.AUDITOR, "63"),
    "superuser": ("63", None, None),
}
ANONYMOUS = "anonymous"

PERSONS = {
    # name: (desa code, NIK)
    "p_bjm": ("63.71.01.1001", "6371011403580001"),  # Banjarmasin Selatan
    "p_cempaka": ("63.72.03.1001", "6372031412650002"),  # Cempaka, Banjarbaru: kecamatan A of the TKSK
    "p_landasan": ("63.72.02.1003", "6372024505990003"),  # Landasan Ulin, Banjarbaru: kecamatan B
    "p_kalteng": ("62.71.01.1001", "6271010101800004"),  # Palangka Raya, Kalteng
}

# LKS: (desa code, resident placed there)
LKS = {
    "lks_bjm": ("63.71.01.1001", "p_bjm"),
    "lks_bjb": ("63.72.02.1003", "p_landasan"),
    "lks_kalteng": ("62.71.01.1001", "p_kalteng"),
}

BY_NAME = {"admin_kalsel", "admin_kalteng", "operator_bjm", "operator_bjb", "peksos_bjm", "tksk_cempaka"}
SUPERVISORS = {"admin_kalsel", "admin_kalteng", "operator_bjm", "operator_bjb"}
LKS_READERS = SUPERVISORS | {"peksos_bjm", "operator_lks"}
LKS_KEEPERS = SUPERVISORS | {"operator_lks"}  # edit the profile, apply, upload
ADMINS = {"admin_kalsel", "admin_kalteng"}
AGGREGATES = SUPERVISORS | {"pimpinan"}
TKSK_SELF = {"tksk_cempaka"}  # the TKSK whose pilar record (m_cempaka) is linked to their account

# Pilar: TKSK posted on a kecamatan (the one in Cempaka is tksk_cempaka's own record), and events
# organised by a province or a kab/kota. Reports belong to a member; nominations to an event.
MEMBERS = {"m_bjm": "63.71.01", "m_cempaka": "63.72.03", "m_kalteng": "62.71.01"}
EVENTS = {"e_kalsel": ("63", "m_bjm"), "e_bjm": ("63.71", "m_bjm"), "e_kalteng": ("62", "m_kalteng")}
# Report requests: (requested by, region); None is the monthly schedule's recap of the province.
RECAPS = {"rq_kalsel": ("admin_kalsel", "63"), "rq_bjm": ("operator_bjm", "63.71"), "rq_jadwal": (None, "63"),
          "rq_kalteng": ("admin_kalteng", "62")}  # fmt: skip
AUDITORS = {"auditor"}
EVERYONE = set(PERSONAS)


class World:
    """Creates the personas and objects; `sees(persona, family)` is the hand-written truth."""

    SEES = {
        "person": {
            "admin_kalsel": {"p_bjm", "p_cempaka", "p_landasan"},
            "admin_kalteng": {"p_kalteng"},
            "operator_bjm": {"p_bjm"},
            "operator_bjb": {"p_cempaka", "p_landasan"},
            "peksos_bjm": {"p_bjm"},
            "tksk_cempaka": {"p_cempaka"},
        },
        # LKS (and their registrations, change requests, residents): the region's Dinsos roles, and the
        # Operator LKS their own institution only.
        "lks": {
            "admin_kalsel": {"lks_bjm", "lks_bjb"},
            "admin_kalteng": {"lks_kalteng"},
            "operator_bjm": {"lks_bjm"},
            "operator_bjb": {"lks_bjb"},
            "peksos_bjm": {"lks_bjm"},
            "operator_lks": {"lks_bjm"},
        },
        "member": {
            "admin_kalsel": {"m_bjm", "m_cempaka"},
            "admin_kalteng": {"m_kalteng"},
            "operator_bjm": {"m_bjm"},
            "operator_bjb": {"m_cempaka"},
            "tksk_cempaka": {"m_cempaka"},
        },
        # Events are the organiser's: a provincial event is not a kab/kota operator's.
        "event": {
            "admin_kalsel": {"e_kalsel", "e_bjm"},
            "admin_kalteng": {"e_kalteng"},
            "operator_bjm": {"e_bjm"},
        },
        # Report requests: one's own, and the scheduled recaps of a region one may request them for.
        "recap": {
            "admin_kalsel": {"rq_kalsel", "rq_jadwal"},
            "admin_kalteng": {"rq_kalteng"},
            "operator_bjm": {"rq_bjm"},
            "pimpinan": {"rq_jadwal"},
        },
        # Users an Admin Provinsi manages: non-staff accounts whose roles all lie in their province (or, with
        # no role left, whose office does), never Admin Provinsi (themselves included), Pimpinan or Auditor.
        "user": {
            "admin_kalsel": {
                *("operator_bjm", "operator_bjb", "peksos_bjm"),
                *("tksk_cempaka", "tksk_ended", "operator_lks"),
            },
            # Their own operator, who once worked in Kalsel.
            "admin_kalteng": {"former_kalsel"},
        },
    }

    def __init__(self):
        today = datetime.date.today()
        self.objects = {"lks": {}, "registration": {}, "change_request": {}, "placement": {}}
        for name, (code, _) in LKS.items():
            self.objects["lks"][name] = Lks.objects.create(
                name=f"Panti Matriks {name}", wilayah_id=code, address="Jl. Uji", capacity=10
            )
        offices = {}
        for code in ("63", "63.71", "63.72", "62"):
            offices[code], _ = Office.objects.get_or_create(
                name=f"Dinas Sosial Matriks {code}", defaults={"wilayah_id": code}
            )
        self.users = {}
        for name, (office, role, region) in PERSONAS.items():
            user = User.objects.create_user(
                username=f"m_{name}",
                password="Sandi-Matriks-2026",
                office=offices[office],
                full_name=f"Pegawai {name}",
                is_staff=name == "superuser",
                is_superuser=name == "superuser",
            )
            if role:
                ended = today - datetime.timedelta(days=1) if name == "tksk_ended" else None
                Assignment.objects.create(
                    user=user, role=role, wilayah_id=region, starts_on=datetime.date(2026, 1, 1), ends_on=ended,
                    lks=self.objects["lks"]["lks_bjm"] if role == Role.OPERATOR_LKS else None,
                )  # fmt: skip
            self.users[name] = user
        # Users as objects: a colleague in Kalsel, a TKSK in Kalsel, an admin of Kalteng, and the accounts
        # no Admin Provinsi manages: the superuser, the Auditor and the Pimpinan of Kalsel, and a Kalteng
        # operator whose only link to Kalsel is an assignment that has ended.
        self.objects["person"] = {}
        self.objects["user"] = {
            f"user_{n}": self.users[n]
            for n in ("operator_bjm", "tksk_cempaka", "admin_kalteng", "superuser", "auditor", "pimpinan")
        }
        former = User.objects.create_user(
            username="m_former_kalsel", office=offices["62"], full_name="Pegawai former_kalsel"
        )
        Assignment.objects.create(user=former, role=Role.OPERATOR_KABKOTA, wilayah_id="62.71", starts_on=today)
        Assignment.objects.create(
            user=former, role=Role.OPERATOR_KABKOTA, wilayah_id="63.71", starts_on=datetime.date(2025, 1, 1),
            ends_on=datetime.date(2025, 12, 31),
        )  # fmt: skip
        self.objects["user"]["user_former_kalsel"] = former
        self.objects["household"], self.objects["category"], self.objects["case"] = {}, {}, {}
        lut = PpksCategory.objects.get(code="PPKS-08")
        for name, (code, nik) in PERSONS.items():
            person = Person.objects.create(nik=nik, name=f"Orang {name}", sex="L", wilayah_id=code)
            self.objects["person"][name] = person
            # A household and a category holding beside each person, in the same region.
            self.objects["household"][f"h_{name[2:]}"] = Household.objects.create(
                no_kk=f"{nik[:6]}0101200{len(self.objects['household'])}", wilayah_id=code
            )
            self.objects["category"][f"c_{name[2:]}"] = PersonCategory.objects.create(
                person=person, category=lut, source="datang", recorded_on=datetime.date(2026, 1, 5)
            )
            self.objects["case"][f"k_{name[2:]}"] = Case.objects.create(
                number=f"MATRIKS-{name}",
                person=person,
                wilayah_id=code,
                source="datang",
                reported_by=self.users["admin_kalsel"],
                summary="Kasus uji matriks",
                opened_at=timezone.now(),
            )

        # Beside each LKS: an open application, a pending change request, and a resident.
        for name, (_, resident) in LKS.items():
            lks = self.objects["lks"][name]
            suffix = name[4:]
            self.objects["registration"][f"r_{suffix}"] = Registration.objects.create(
                lks=lks, applied_on=today, applied_by=self.users["admin_kalsel"]
            )
            self.objects["change_request"][f"u_{suffix}"] = ChangeRequest.objects.create(
                lks=lks, changes={"npwp": {"old": "", "new": "1"}}, requested_by=self.users["admin_kalsel"],
                requested_at=timezone.now(),
            )  # fmt: skip
            self.objects["placement"][f"pl_{suffix}"] = Placement.objects.create(
                lks=lks, person=self.objects["person"][resident], admitted_on=datetime.date(2026, 1, 5),
                created_by=self.users["admin_kalsel"],
            )  # fmt: skip

        # Pilar: members with a posting, a report each, events (selections) with a nomination each.
        tksk = PilarType.objects.get(code="tksk")
        self.objects["member"], self.objects["report"] = {}, {}
        for name, code in MEMBERS.items():
            user = self.users["tksk_cempaka"] if name == "m_cempaka" else None
            member = Member.objects.create(type=tksk, name=f"Pilar {name}", wilayah_id=code, user=user)
            Posting.objects.create(member=member, wilayah_id=code, starts_on=datetime.date(2025, 1, 1))
            self.objects["member"][name] = member
            self.objects["report"][f"rp_{name[2:]}"] = MonthlyReport.objects.create(
                member=member, month=today.replace(day=1), wilayah_id=code
            )
        self.objects["event"], self.objects["nomination"] = {}, {}
        for name, (code, nominee) in EVENTS.items():
            event = Event.objects.create(
                kind="seleksi", name=f"Seleksi {name}", starts_on=today, ends_on=today, venue="Aula", wilayah_id=code
            )
            self.objects["event"][name] = event
            selection = Selection.objects.create(event=event)
            self.objects["nomination"][f"n_{name[2:]}"] = Nomination.objects.create(
                selection=selection, member=self.objects["member"][nominee], kabkota_id=MEMBERS[nominee][:5]
            )

        # Finished recaps with their files (KESOS_REPORT_ROOT is a temporary directory in tests).
        root = Path(settings.KESOS_REPORT_ROOT)
        root.mkdir(parents=True, exist_ok=True)
        self.objects["recap"] = {}
        for name, (requester, code) in RECAPS.items():
            (root / f"{name}.csv").write_text("No,Kabupaten/Kota\n")
            self.objects["recap"][name] = ReportRequest.objects.create(
                kind="r1", format="csv", params={"region": code, "year": 2026}, region_id=code,
                requested_by=self.users[requester] if requester else None, scheduled=requester is None,
                status=ReportRequest.Status.DONE, file=f"{name}.csv", rows=0,
            )  # fmt: skip

    def sees(self, persona: str, family: str) -> set[str]:
        if family == "report":
            return {f"rp_{name[2:]}" for name in self.SEES["member"].get(persona, set())}
        if family == "nomination":
            return {f"n_{name[2:]}" for name in self.SEES["event"].get(persona, set())}
        if family in ("member", "event", "recap"):
            return self.SEES[family].get(persona, set())
        if family in ("registration", "change_request", "placement"):
            prefix = {"registration": "r_", "change_request": "u_", "placement": "pl_"}[family]
            return {prefix + name[4:] for name in self.SEES["lks"].get(persona, set())}
        if family == "lks":
            return self.SEES["lks"].get(persona, set())
        if family == "user":
            return {f"user_{n}" for n in self.SEES["user"].get(persona, set())}
        persons = self.SEES["person"].get(persona, set())
        if family == "household":
            return {f"h_{p[2:]}" for p in persons}
        if family == "category":
            return {f"c_{p[2:]}" for p in persons}
        if family == "case":
            return {f"k_{p[2:]}" for p in persons}
        return persons


# --- The matrix ------------------------------------------------------------------------------------
@dataclass
class Route:
    """How one route is reached and who may reach it.

    kind:
      public      anyone, logged in or not, gets `ok_status`
      login       any logged-in user gets 200 (anonymous: login redirect or API 403)
      function    personas in `allowed` get 200, other logged-in users 403
      object      per object of `family`: 403 for personas not in `allowed`; for the others 404 if
                  they do not see the object, 403 if they see it but may not act on it
                  (`acts_on`), else `ok_status`
      list        personas in `allowed` get 200 and exactly the names of the objects they see;
                  others get 403
      admin       Django admin: staff only
    """

    name: str
    kind: str
    allowed: set[str] = field(default_factory=set)
    family: str = ""
    kwargs: Callable | None = None  # (obj) -> kwargs for reverse()
    method: str = "get"
    data: dict | None = None
    api: bool = False
    ok_status: int = 200
    # What a logged-in persona gets from a `login` or `public` route, when not `ok_status`.
    user_status: int | None = None
    # Personas that get another status from a `login` route (404: the URL's object is outside their province).
    overrides: dict[str, int] = field(default_factory=dict)
    # Objects the persona sees but whose row the role may not act on (e.g. TKSK editing others' records).
    acts_on: Callable | None = None  # (persona, obj_name) -> bool
    # False for POST actions with side effects (deactivate a user): the matrix checks only the refusals,
    # the action's own tests check that it works.
    check_success: bool = True
    # How a `list` route shows an object (default: str(obj)).
    label: Callable | None = None


def pk(obj):
    return {"pk": obj.pk}


def user_url(user):
    return reverse("accounts:user", args=[user.pk])


# The body of an exact-NIK search (POST …/cari/) that finds nobody.
NOBODY_NIK = {"q": "6371010101010000"}


def first_assignment(user):
    assignment = user.assignments.first()
    return {"pk": user.pk, "assignment_pk": assignment.pk if assignment else 0}


def tksk_acts_on_own_only(persona, obj_name):
    # TKSK edit only the people they reported, and nobody in the world was reported by one.
    return persona != "tksk_cempaka"


MATRIX = {
    r.name: r
    for r in [
        Route("home", "login"),
        Route("healthz", "public"),
        Route("login", "public", user_status=302),  # a logged-in user is sent on to the home page
        Route("logout", "public", method="post", ok_status=302),
        # Own account: second factor and password
        Route("twofactor:enrol", "login"),
        Route("twofactor:verify", "login", user_status=302),  # no confirmed device: sent to enrolment
        Route("twofactor:password_change", "login"),
        Route("twofactor:password_change_done", "login"),
        # Region table: any logged-in user, limited to their province.
        # Redirects to the user's province; the superuser, tied to none, gets the list of provinces.
        Route("wilayah:browse", "login", user_status=302, overrides={"superuser": 200}),
        Route("wilayah:detail", "login", kwargs=lambda _: {"code": "63"}, overrides={"admin_kalteng": 404}),
        Route("wilayah-api:children", "login", api=True),
        Route(
            "wilayah-api:detail", "login", api=True, kwargs=lambda _: {"code": "63"}, overrides={"admin_kalteng": 404}
        ),
        Route("api-schema", "login", api=True),
        # Recaps: the aggregate roles request them over their regions; requests are the requester's,
        # scheduled recaps belong to everyone who may request that recap for that region.
        Route("dashboard:index", "function", allowed=AGGREGATES),
        # SPM targets (R4): the region's Dinsos; a region outside theirs is 404
        Route("reports:spm_list", "function", allowed=SUPERVISORS),
        Route("reports:spm_create", "function", allowed=SUPERVISORS),
        Route(
            "reports:spm_edit",
            "login",
            kwargs=lambda _: {"code": "63.71", "year": 2026},
            overrides={**dict.fromkeys(EVERYONE - SUPERVISORS, 403), "admin_kalteng": 404, "operator_bjb": 404},
        ),
        Route("reports:index", "list", allowed=AGGREGATES, family="recap", label=lambda r: f'id="laporan-{r.pk}"'),
        Route("reports:status", "object", allowed=AGGREGATES, family="recap", kwargs=pk),
        Route("reports:download", "object", allowed=AGGREGATES, family="recap", kwargs=pk),
        Route(
            "reports-api:report-list",
            "list",
            allowed=AGGREGATES,
            family="recap",
            api=True,
            label=lambda r: f'"id":{r.pk},',
        ),
        Route("reports-api:report-detail", "object", allowed=AGGREGATES, family="recap", kwargs=pk, api=True),
        Route("reports-api:report-download", "object", allowed=AGGREGATES, family="recap", kwargs=pk, api=True),
        Route("api-docs", "login", api=True),
        # Beneficiaries
        Route("ppks:person_list", "list", allowed=BY_NAME, family="person"),
        Route("ppks:person", "object", allowed=BY_NAME, family="person", kwargs=pk),
        Route("ppks:person_edit", "object", allowed=BY_NAME, family="person", kwargs=pk, acts_on=tksk_acts_on_own_only),
        Route("ppks:person_print", "object", allowed=BY_NAME, family="person", kwargs=pk),
        Route("ppks:person_create", "function", allowed=BY_NAME),
        Route("ppks:person_export", "list", allowed=SUPERVISORS, family="person"),
        Route("ppks-api:person-list", "list", allowed=BY_NAME, family="person", api=True),
        Route("ppks-api:person-cari", "function", allowed=BY_NAME, method="post", data=NOBODY_NIK, api=True),
        Route("ppks-api:person-detail", "object", allowed=BY_NAME, family="person", kwargs=pk, api=True),
        Route(
            "ppks:person_category_add",
            "object",
            allowed=BY_NAME,
            family="person",
            kwargs=pk,
            method="post",
            check_success=False,
            acts_on=tksk_acts_on_own_only,
        ),
        Route(
            "ppks:category_verify",
            "object",
            allowed=SUPERVISORS,
            family="category",
            kwargs=pk,
            method="post",
            check_success=False,
        ),
        Route(
            "ppks:category_end",
            "object",
            allowed=BY_NAME,
            family="category",
            kwargs=pk,
            method="post",
            check_success=False,
            acts_on=tksk_acts_on_own_only,
        ),
        Route("ppks:person_merge", "object", allowed=SUPERVISORS, family="person", kwargs=pk),
        Route(
            "ppks:person_merge_undo",
            "object",
            allowed=SUPERVISORS,
            family="person",
            kwargs=lambda p: {"merge_pk": 0},
            method="post",
            check_success=False,
        ),
        # Cases: scoped like persons
        Route("ppks:person_case_open", "object", allowed=BY_NAME, family="person", kwargs=pk),
        Route("ppks:household_case_open", "object", allowed=BY_NAME, family="household", kwargs=pk),
        Route("ppks:case_list", "list", allowed=BY_NAME, family="case", label=lambda case: case.number),
        Route("ppks:case", "object", allowed=BY_NAME, family="case", kwargs=pk),
        Route(
            "ppks:case_transition",
            "object",
            allowed=BY_NAME,
            family="case",
            kwargs=pk,
            method="post",
            check_success=False,
        ),
        Route(
            "ppks:case_assign",
            "object",
            allowed=SUPERVISORS,
            family="case",
            kwargs=pk,
            method="post",
            check_success=False,
        ),
        *(
            Route(name, "object", allowed=BY_NAME, family="case", kwargs=pk, method="post", check_success=False)
            for name in ("ppks:assessment_add", "ppks:plan_item_add", "ppks:service_add", "ppks:note_add")
        ),
        Route(
            "ppks:plan_item_done",
            "object",
            allowed=BY_NAME,
            family="case",
            method="post",
            check_success=False,
            kwargs=lambda case: {"pk": case.pk, "item_pk": 0},
        ),
        # Case work is read by the assigned worker, the supervisors and the case's reporter (here a
        # supervisor); other by-name roles see the case and its stage: 403 on its case work.
        *(
            Route(
                name,
                "object",
                allowed=BY_NAME,
                family="case",
                kwargs=pk,
                api=True,
                acts_on=lambda persona, obj: persona in SUPERVISORS,
            )
            for name in (
                "ppks-api:case-assessments",
                "ppks-api:case-plan",
                "ppks-api:case-services",
                "ppks-api:case-notes",
                "ppks-api:case-referrals",
            )
        ),
        Route(
            "ppks-api:case-attachments",
            "object",
            allowed=BY_NAME,
            family="case",
            kwargs=pk,
            api=True,
            acts_on=lambda persona, obj: persona in SUPERVISORS,
        ),
        # Referrals, attachments (letters and photos are for the assigned worker and supervisors), due work
        *(
            Route(
                name,
                "object",
                allowed=BY_NAME,
                family="case",
                kwargs=kwargs,
                method=method,
                check_success=False,
                acts_on=lambda persona, obj: persona in SUPERVISORS,
            )
            for name, kwargs, method in [
                ("ppks:referral_send", pk, "post"),
                ("ppks:referral_update", lambda case: {"pk": case.pk, "referral_pk": 0}, "post"),
                ("ppks:attachment_add", pk, "post"),
                ("ppks:attachment", lambda case: {"pk": case.pk, "attachment_pk": 0}, "get"),
            ]
        ),
        Route("ppks:referral_overdue", "function", allowed=SUPERVISORS),
        Route("ppks:my_work", "function", allowed=BY_NAME),
        Route("ppks-api:case-list", "list", allowed=BY_NAME, family="case", api=True, label=lambda case: case.number),
        Route("ppks-api:case-cari", "function", allowed=BY_NAME, method="post", data=NOBODY_NIK, api=True),
        Route("ppks-api:case-detail", "object", allowed=BY_NAME, family="case", kwargs=pk, api=True),
        Route(
            "ppks-api:case-transition",
            "object",
            allowed=BY_NAME,
            family="case",
            kwargs=pk,
            api=True,
            method="post",
            check_success=False,
        ),
        Route(
            "ppks-api:case-assign",
            "object",
            allowed=BY_NAME,
            family="case",
            kwargs=pk,
            api=True,
            method="post",
            check_success=False,
            acts_on=lambda persona, obj: persona in SUPERVISORS,
        ),
        # Households: scoped like persons
        Route("ppks:household_list", "list", allowed=BY_NAME, family="household"),
        Route("ppks:household_create", "function", allowed=BY_NAME),
        Route("ppks:household", "object", allowed=BY_NAME, family="household", kwargs=pk),
        Route(
            "ppks:household_member_new",
            "object",
            allowed=BY_NAME,
            family="household",
            kwargs=pk,
            acts_on=tksk_acts_on_own_only,
        ),
        Route(
            "ppks:household_member_add",
            "object",
            allowed=BY_NAME,
            family="household",
            kwargs=pk,
            acts_on=tksk_acts_on_own_only,
        ),
        Route(
            "ppks:household_member_end",
            "object",
            allowed=BY_NAME,
            family="household",
            method="post",
            kwargs=lambda h: {"pk": h.pk, "member_pk": 0},
            check_success=False,
        ),
        Route(
            "ppks:household_category_add",
            "object",
            allowed=BY_NAME,
            family="household",
            kwargs=pk,
            method="post",
            check_success=False,
            acts_on=tksk_acts_on_own_only,
        ),
        # User management (Admin Provinsi, users of their province)
        # A user is listed when the list links to their page (their name is also in the page header: one's own).
        Route("accounts:user_list", "list", allowed=ADMINS, family="user", label=lambda u: f'href="{user_url(u)}"'),
        Route("accounts:user_create", "function", allowed=ADMINS),
        Route("accounts:user", "object", allowed=ADMINS, family="user", kwargs=pk),
        Route("accounts:user_edit", "object", allowed=ADMINS, family="user", kwargs=pk),
        Route("accounts:user_password", "object", allowed=ADMINS, family="user", kwargs=pk),
        Route("accounts:assignment_add", "object", allowed=ADMINS, family="user", kwargs=pk),
        *(
            Route(name, "object", allowed=ADMINS, family="user", kwargs=kwargs, method="post", check_success=False)
            for name, kwargs in [
                ("accounts:user_deactivate", pk),
                ("accounts:user_activate", pk),
                ("accounts:user_reset_2fa", pk),
                ("accounts:assignment_end", first_assignment),
            ]
        ),
        Route("ppks-api:person-categories", "object", allowed=BY_NAME, family="person", kwargs=pk, api=True),
        Route("ppks-api:household-list", "list", allowed=BY_NAME, family="household", api=True),
        Route("ppks-api:household-cari", "function", allowed=BY_NAME, method="post", data=NOBODY_NIK, api=True),
        Route("ppks-api:household-detail", "object", allowed=BY_NAME, family="household", kwargs=pk, api=True),
        Route(
            "ppks-api:household-add-member",
            "object",
            allowed=BY_NAME,
            family="household",
            kwargs=pk,
            api=True,
            method="post",
            check_success=False,
            acts_on=tksk_acts_on_own_only,
        ),
        Route("ppks-api:category-list", "login", api=True),
        Route("ppks-api:referensi-list", "login", api=True),
        # Welfare institutions (LKS): the region's Dinsos roles; the Operator LKS only their own
        Route("lks:lks_list", "list", allowed=LKS_READERS, family="lks"),
        Route("lks:lks_create", "function", allowed=SUPERVISORS),
        Route("lks:lks_export", "list", allowed=SUPERVISORS, family="lks"),
        Route("lks:expiry_list", "function", allowed=LKS_READERS),
        Route("lks:queue", "function", allowed=SUPERVISORS),
        Route("lks:lks", "object", allowed=LKS_READERS, family="lks", kwargs=pk),
        Route(
            "lks:lks_edit",
            "object",
            allowed=LKS_READERS,
            family="lks",
            kwargs=pk,
            acts_on=lambda persona, obj: persona in LKS_KEEPERS,
        ),  # fmt: skip
        *(
            Route(name, "object", allowed=LKS_KEEPERS, family="lks", kwargs=pk)
            for name in (
                "lks:registration_apply",
                "lks:board_member_add",
                "lks:staff_add",
                "lks:assistance_add",
                "lks:document_upload",
            )
        ),  # fmt: skip
        *(
            Route(name, "object", allowed=SUPERVISORS, family="lks", kwargs=pk)
            for name in ("lks:registration_record", "lks:accreditation_add", "lks:placement_create")
        ),
        *(
            Route(name, "object", allowed=LKS_KEEPERS, family="lks", kwargs=kwargs, method="post", check_success=False)
            for name, kwargs in [
                ("lks:board_member_end", lambda lks: {"pk": lks.pk, "member_pk": 0}),
                ("lks:staff_end", lambda lks: {"pk": lks.pk, "staff_pk": 0}),
            ]
        ),
        Route(
            "lks:document",
            "object",
            allowed=LKS_READERS,
            family="lks",
            check_success=False,
            kwargs=lambda lks: {"pk": lks.pk, "document_pk": 0},
        ),  # fmt: skip
        Route("lks:registration", "object", allowed=LKS_READERS, family="registration", kwargs=pk),
        *(
            Route(
                name,
                "object",
                allowed=SUPERVISORS,
                family="registration",
                kwargs=pk,
                method="post",
                check_success=False,
            )
            for name in (
                "lks:registration_check",
                "lks:registration_visit",
                "lks:registration_issue",
                "lks:registration_reject",
            )
        ),  # fmt: skip
        Route(
            "lks:change_request_decide",
            "object",
            allowed=SUPERVISORS,
            family="change_request",
            kwargs=pk,
            method="post",
            check_success=False,
        ),  # fmt: skip
        # Residents: by-name data for the supervisors, social workers and the LKS's own operator
        Route("lks:resident_list", "object", allowed=LKS_READERS, family="lks", kwargs=pk),
        Route("lks:resident_export", "object", allowed=LKS_KEEPERS, family="lks", kwargs=pk),
        Route("lks:placement", "object", allowed=LKS_READERS, family="placement", kwargs=pk),
        Route(
            "lks:placement_exit",
            "object",
            allowed=LKS_READERS,
            family="placement",
            kwargs=pk,
            method="post",
            check_success=False,
            acts_on=lambda persona, obj: persona in LKS_KEEPERS,
        ),  # fmt: skip
        Route("lks-api:lks-list", "list", allowed=LKS_READERS, family="lks", api=True),
        Route("lks-api:lks-detail", "object", allowed=LKS_READERS, family="lks", kwargs=pk, api=True),
        *(
            Route(name, "object", allowed=LKS_READERS, family="lks", kwargs=pk, api=True)
            for name in ("lks-api:lks-residents", "lks-api:lks-accreditations", "lks-api:lks-registrations")
        ),
        Route("lks-api:lks-expiring", "function", allowed=LKS_READERS, api=True),
        Route("lks-api:type-list", "login", api=True),
        # Pilar sosial: the roster and events for the Dinsos; a TKSK reaches their own record and reports
        Route("pilar:member_list", "list", allowed=SUPERVISORS, family="member"),
        Route("pilar:member_create", "function", allowed=SUPERVISORS),
        Route("pilar:member_export", "list", allowed=SUPERVISORS, family="member"),
        Route("pilar:coverage", "function", allowed=AGGREGATES),
        Route("pilar:member", "object", allowed=SUPERVISORS | TKSK_SELF, family="member", kwargs=pk),
        *(
            Route(name, "object", allowed=SUPERVISORS, family="member", kwargs=pk)
            for name in (
                "pilar:member_edit",
                "pilar:posting_move",
                "pilar:posting_end",
                "pilar:training_add",
                "pilar:award_add",
                "pilar:allowance_add",
            )
        ),  # fmt: skip
        Route("pilar:event_list", "list", allowed=SUPERVISORS, family="event"),
        Route("pilar:event_create", "function", allowed=SUPERVISORS),
        *(
            Route(name, "object", allowed=SUPERVISORS, family="event", kwargs=pk)
            for name in (
                "pilar:event",
                "pilar:event_edit",
                "pilar:participant_add",
                "pilar:attendance",
                "pilar:attendance_pdf",
                "pilar:event_recap",
                "pilar:selection",
            )
        ),  # fmt: skip
        *(
            Route(
                name, "object", allowed=SUPERVISORS, family="event", kwargs=kwargs, method="post", check_success=False
            )
            for name, kwargs in [
                ("pilar:participant_remove", lambda e: {"pk": e.pk, "participant_pk": 0}),
                ("pilar:criterion_add", pk),
                ("pilar:nomination_add", pk),
                ("pilar:selection_close", pk),
            ]
        ),
        Route("pilar:nomination_score", "object", allowed=SUPERVISORS, family="nomination", kwargs=pk),
        Route("pilar:report_list", "function", allowed=SUPERVISORS | TKSK_SELF),
        Route("pilar:report_current", "function", allowed=TKSK_SELF, ok_status=302),
        Route("pilar:submissions", "function", allowed=SUPERVISORS),
        Route("pilar:field_case", "function", allowed=TKSK_SELF),
        Route("pilar:report", "object", allowed=SUPERVISORS | TKSK_SELF, family="report", kwargs=pk),
        *(
            Route(name, "object", allowed=TKSK_SELF, family="report", kwargs=pk, method="post", check_success=False)
            for name in ("pilar:activity_add", "pilar:finding_set", "pilar:photo_add", "pilar:report_submit")
        ),
        Route(
            "pilar:report_acknowledge",
            "object",
            allowed=SUPERVISORS,
            family="report",
            kwargs=pk,
            method="post",
            check_success=False,
        ),  # fmt: skip
        Route(
            "pilar:photo",
            "object",
            allowed=SUPERVISORS | TKSK_SELF,
            family="report",
            check_success=False,
            kwargs=lambda r: {"pk": r.pk, "photo_pk": 0},
        ),  # fmt: skip
        Route("pilar-api:member-list", "list", allowed=SUPERVISORS, family="member", api=True),
        Route("pilar-api:member-cari", "function", allowed=SUPERVISORS, method="post", data=NOBODY_NIK, api=True),
        Route("pilar-api:member-detail", "object", allowed=SUPERVISORS, family="member", kwargs=pk, api=True),
        Route("pilar-api:type-list", "login", api=True),
        Route("pilar-api:coverage", "function", allowed=AGGREGATES, api=True),
        # The user's own inbox
        Route("inbox:list", "login"),
        Route("inbox:read", "login", method="post", user_status=302),
        # Audit
        Route("audit:event_list", "function", allowed=AUDITORS),
        Route("audit:change_list", "function", allowed=AUDITORS),
        Route("audit:subject_report", "function", allowed=ADMINS),
        # Django admin
        Route("admin", "admin"),
    ]
}


# --- Enumerating the project's routes -----------------------------------------------------------
def all_route_names(patterns=None, namespace="") -> set[str]:
    """Every named URL pattern, namespaced ("ppks:person"); the admin site counts as one ("admin")."""
    names = set()
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            if ns == "admin":
                names.add("admin")
                continue
            inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            names |= all_route_names(p.url_patterns, inner)
        elif isinstance(p, URLPattern):
            if p.name is None:
                names.add(f"{namespace}:<unnamed {p.pattern}>")
            else:
                names.add(f"{namespace}:{p.name}" if namespace else p.name)
    return names


def missing_entries() -> set[str]:
    return all_route_names() - set(MATRIX)


# --- Checking one route ------------------------------------------------------------------------------
def _request(client, route: Route, url: str):
    send = getattr(client, route.method)
    if route.method == "get":
        return send(url)
    return send(url, route.data or {}, content_type="application/json") if route.api else send(url, route.data or {})


def _anonymous_refused(route: Route, response) -> bool:
    if route.api:
        return response.status_code in (401, 403)
    return response.status_code == 302 and reverse("login") in response["Location"]


def check_route(client_class, world: World, route: Route) -> list[str]:
    """Every deviation from the matrix, as readable lines ('tksk_cempaka GET ...: 200, expected 404')."""
    failures = []

    def expect(persona, url, expected, response):
        if response.status_code != expected:
            failures.append(f"{persona} {route.method.upper()} {url}: {response.status_code}, expected {expected}")

    def client_for(persona):
        client = client_class()
        if persona != ANONYMOUS:
            client.force_login(world.users[persona])
        return client

    if route.kind == "admin":
        url = reverse("admin:index")
        for persona in [ANONYMOUS, *EVERYONE]:
            response = client_for(persona).get(url)
            expected = 200 if persona == "superuser" else 302
            expect(persona, url, expected, response)
        return failures

    objects = world.objects.get(route.family, {}) if route.kind == "object" else {None: None}
    for obj_name, obj in objects.items():
        url = reverse(route.name, kwargs=route.kwargs(obj) if route.kwargs else None)
        anonymous = _request(client_for(ANONYMOUS), route, url)
        if route.kind == "public":
            expect(ANONYMOUS, url, route.ok_status, anonymous)
        elif not _anonymous_refused(route, anonymous):
            failures.append(f"anonymous {route.method.upper()} {url}: {anonymous.status_code}, not refused")
        for persona in sorted(EVERYONE):
            if (
                route.kind == "object"
                and not route.check_success
                and persona in route.allowed
                and obj_name in world.sees(persona, route.family)
            ):
                continue  # the action would really happen; its own tests check it
            response = _request(client_for(persona), route, url)
            if route.kind == "public":
                expect(persona, url, route.user_status or route.ok_status, response)
            elif route.kind == "login":
                expect(persona, url, route.overrides.get(persona, route.user_status or 200), response)
            elif route.kind == "function":
                expect(persona, url, route.ok_status if persona in route.allowed else 403, response)
            elif route.kind == "object":
                if persona not in route.allowed:
                    expected = 403  # the role may not use this kind of page at all
                elif obj_name not in world.sees(persona, route.family):
                    expected = 404  # out of scope: its existence does not leak
                elif route.acts_on is None or route.acts_on(persona, obj_name):
                    expected = route.ok_status
                else:
                    expected = 403
                expect(persona, url, expected, response)
            elif route.kind == "list":
                if persona not in route.allowed:
                    expect(persona, url, 403, response)
                    continue
                expect(persona, url, 200, response)
                body = b"".join(response.streaming_content) if response.streaming else response.content
                text = body.decode()
                for name, other in world.objects[route.family].items():
                    label = route.label(other) if route.label else str(other)
                    shown = re.search(re.escape(label) + r"(?!\d)", text) is not None
                    if shown != (name in world.sees(persona, route.family)):
                        failures.append(
                            f"{persona} {url}: {label} {'listed' if shown else 'missing'}, "
                            f"expected {'listed' if not shown else 'hidden'}"
                        )
    return failures
