"""Who may do what to which object: every object-level decision in Kesos, as `rules` predicates.

Reads are filtered by `visible_to(user)` (kesos.accounts.scope); this module decides the actions on
an object already in scope: edit it, see its full NIK, export by name, manage users, read the
audit trail. Pages, API, exports and services all ask `can(user, action, obj)`. A superuser gets
no bypass here: being a system administrator is not a licence to read beneficiaries' files.

Domain objects tell the predicates where they are through `scope_region` (a region code) and who
created them through `created_by_id`.
"""

import rules
from django.core.exceptions import PermissionDenied

from .models import Role
from .scope import AGGREGATE_ROLES, BY_NAME_ROLES, LKS_REGION_ROLES, SUPERVISOR_ROLES, scope_of

access = rules.RuleSet()


def _region(obj) -> str | None:
    return getattr(obj, "scope_region", None)


def _role_in_region(*roles):
    """A predicate: the user holds one of `roles` over the object's region (or at all, without an object)."""

    def check(user, obj=None):
        scope = scope_of(user)
        return scope.covers(_region(obj), *roles) if obj is not None else scope.has_role(*roles)

    return rules.predicate(check, name=f"role_in_region({', '.join(roles)})")


is_admin_provinsi = _role_in_region(Role.ADMIN_PROVINSI)
is_supervisor = _role_in_region(*SUPERVISOR_ROLES)
is_pekerja_sosial = _role_in_region(Role.PEKERJA_SOSIAL)
reads_by_name = _role_in_region(*BY_NAME_ROLES)
is_auditor = _role_in_region(Role.AUDITOR)
reads_lks_region = _role_in_region(*LKS_REGION_ROLES)


@rules.predicate
def operates_lks(user, obj=None):
    """An Operator LKS of the object's LKS (objects expose `scope_lks_id`), or of any LKS without an object."""
    scope = scope_of(user)
    if obj is None:
        return bool(scope.lks)
    return getattr(obj, "scope_lks_id", None) in scope.lks


@rules.predicate
def is_creator(user, obj=None):
    """Who recorded the object, while they still hold a by-name role (a TKSK keeps what they reported)."""
    return (
        obj is not None
        and user.is_authenticated
        and getattr(obj, "created_by_id", None) == user.pk
        and scope_of(user).has_role(*BY_NAME_ROLES)
    )


@rules.predicate
def is_assigned_worker(user, obj=None):
    """The social worker a case is assigned to, while they still hold the role."""
    return (
        obj is not None
        and getattr(obj, "assigned_worker_id", None) == user.pk
        and scope_of(user).has_role(Role.PEKERJA_SOSIAL, Role.OPERATOR_KABKOTA, Role.ADMIN_PROVINSI)
    )


# --- Beneficiaries (PPKS) -------------------------------------------------------------------------
access.add_rule("ppks.view_person", reads_by_name)
access.add_rule("ppks.add_person", reads_by_name)
access.add_rule("ppks.change_person", is_supervisor | is_pekerja_sosial | is_creator)
# TKSK see the NIK of the people they reported; everyone else in their kecamatan is masked for them.
access.add_rule("ppks.view_full_nik", is_supervisor | is_pekerja_sosial | is_creator)
access.add_rule("ppks.export_by_name", is_supervisor)
# Cases: opened by anyone with by-name access in the region (a TKSK files field reports);
# worked by the assigned worker and the supervisors; assigned by the supervisors.
access.add_rule("ppks.open_case", reads_by_name)
access.add_rule("ppks.work_case", is_supervisor | is_assigned_worker)
access.add_rule("ppks.assign_case", is_supervisor)
# Verifying what others reported (a TKSK's field data, a PPKS category) is the supervisors' call.
access.add_rule("ppks.verify", is_supervisor)
# Specific personal data on a case (health, disability, criminal matters, child-protection notes):
# only the assigned worker and the supervisors of the case's region.
access.add_rule("ppks.view_sensitive", is_supervisor | is_assigned_worker)
# Case work (the summary, assessments, plan, services, referrals, notes, attachments, stage notes):
# the assigned worker and the supervisors read all of it; the case's reporter reads what they wrote
# themselves (ppks.selectors.casework_visible filters the rows). Other by-name roles of the region see
# that the case exists, its stage, dates and worker, and none of its text.
access.add_rule("ppks.view_casework", is_supervisor | is_assigned_worker | is_creator)
access.add_rule("ppks.view_others_casework", is_supervisor | is_assigned_worker)
access.add_rule("ppks.merge", is_supervisor)

# --- Welfare institutions (LKS) ------------------------------------------------------------------
access.add_rule("lks.view", reads_lks_region | operates_lks)
access.add_rule("lks.add", is_supervisor)
# The LKS operator keeps their own profile; legal and registration data they change wait for the
# Dinsos to verify (lks.verify) before they take effect.
access.add_rule("lks.change", is_supervisor | operates_lks)
access.add_rule("lks.apply", is_supervisor | operates_lks)
access.add_rule("lks.verify", is_supervisor)
# Residents are by-name data about children, the elderly and people with disabilities.
access.add_rule("lks.view_residents", is_supervisor | is_pekerja_sosial | operates_lks)
access.add_rule("lks.place", is_supervisor)
access.add_rule("lks.change_resident", is_supervisor | operates_lks)
access.add_rule("lks.export_residents", is_supervisor | operates_lks)
access.add_rule("lks.view_resident_nik", is_supervisor | operates_lks)


# --- Social pillars (pilar sosial) ------------------------------------------------------------------
@rules.predicate
def is_the_member(user, obj=None):
    """The pillar the object is about (a TKSK's own record and reports), while they hold the TKSK role;
    without an object, any serving TKSK (the object check follows)."""
    if not scope_of(user).has_role(Role.TKSK):
        return False
    return obj is None or getattr(obj, "member_user_id", None) == user.pk


@rules.predicate
def is_serving_tksk(user, obj=None):
    return scope_of(user).has_role(Role.TKSK)


sees_aggregates = _role_in_region(*AGGREGATE_ROLES)
access.add_rule("pilar.view", is_supervisor)
access.add_rule("pilar.view_member", is_supervisor | is_the_member)
access.add_rule("pilar.manage", is_supervisor)
access.add_rule("pilar.event", is_supervisor)
access.add_rule("pilar.judge", is_supervisor)
access.add_rule("pilar.coverage", sees_aggregates)
# TKSK field work: the TKSK writes their own monthly report; the Dinsos of the kecamatan acknowledges it.
access.add_rule("pilar.report", is_the_member)
access.add_rule("pilar.write_reports", is_serving_tksk)
access.add_rule("pilar.acknowledge", is_supervisor)

# --- Recaps and dashboards ----------------------------------------------------------------------
# Which recap a role may request, and over which region, is in kesos.reports.kinds.
access.add_rule("reports.request", sees_aggregates)
access.add_rule("reports.dashboard", sees_aggregates)
# SPM targets (R4's sasaran, budget and realisation) are entered by the Dinsos of the region.
access.add_rule("reports.spm", is_supervisor)

# --- Accounts, audit, data-subject requests ------------------------------------------------------
access.add_rule("accounts.manage_users", is_admin_provinsi)
access.add_rule("audit.view", is_auditor)
access.add_rule("audit.subject_report", is_admin_provinsi)


def can(user, action: str, obj=None) -> bool:
    if not access.rule_exists(action):
        raise KeyError(f"Aturan akses '{action}' tidak terdaftar.")
    return user is not None and user.is_authenticated and access.test_rule(action, user, obj)


def require(user, action: str, obj=None) -> None:
    """Raise PermissionDenied (403) when the user may not do `action`. Out-of-scope objects never get here: 404."""
    if not can(user, action, obj):
        raise PermissionDenied("Anda tidak berwenang melakukan tindakan ini.")
