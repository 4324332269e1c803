"""User management: every change to an account or an assignment goes through one function here.

Each function takes the acting user first, checks `accounts.manage_users`, enforces the scope rule
(nobody grants a region, or places a user in an office, outside the regions where they hold Admin
Provinsi; nobody touches an account `user_visible` does not list; nobody grants Admin Provinsi,
Auditor or Pimpinan, which only the system administrator gives in the Django admin), keeps the
separation of duties (an Auditor holds no operational role), writes its audit event and runs in
one transaction. No function here sets `is_staff` or `is_superuser`. Errors are `ValidationError`s keyed
by field, in Indonesian, so a form can show them next to what the user typed.
"""

import datetime

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from kesos.audit import actions
from kesos.audit.services import audit_record
from kesos.core.races import insert_unique
from kesos.wilayah.models import Level, Wilayah

from .models import Assignment, Office, Role, User
from .permissions import require
from .scope import forget_scope, scope_of
from .selectors import RESERVED_ROLES, user_visible

MANAGE = "accounts.manage_users"

# The region level each role is assigned at, and how to say so when the level is wrong.
ROLE_LEVELS: dict[str, tuple[frozenset[int], str]] = {
    Role.ADMIN_PROVINSI: (frozenset({Level.PROVINSI}), "Admin Dinsos Provinsi ditugaskan per provinsi."),
    Role.PIMPINAN: (frozenset({Level.PROVINSI}), "Pimpinan ditugaskan per provinsi."),
    Role.AUDITOR: (frozenset({Level.PROVINSI}), "Auditor ditugaskan per provinsi."),
    Role.OPERATOR_KABKOTA: (frozenset({Level.KABKOTA}), "Operator Dinsos ditugaskan per kabupaten/kota."),
    # The kab/kota of the LKS they operate: derived from the LKS, never chosen (see _lks_grant).
    Role.OPERATOR_LKS: (frozenset({Level.KABKOTA}), "Operator LKS ditugaskan per kabupaten/kota."),
    Role.PEKERJA_SOSIAL: (
        frozenset({Level.KABKOTA, Level.KECAMATAN}),
        "Pekerja sosial ditugaskan per kabupaten/kota atau kecamatan.",
    ),
    Role.TKSK: (frozenset({Level.KECAMATAN}), "TKSK ditugaskan per kecamatan."),
}


# Roles that act on beneficiaries' data or run the system: an Auditor, who checks them, holds none of them.
OPERATIONAL_ROLES = frozenset(
    {Role.ADMIN_PROVINSI, Role.OPERATOR_KABKOTA, Role.PEKERJA_SOSIAL, Role.TKSK, Role.OPERATOR_LKS}
)
RESERVED_ROLE = "Peran ini hanya dapat diberikan oleh administrator sistem."
SEPARATION_OF_DUTIES = "Auditor tidak boleh merangkap peran operasional (pemisahan tugas): akhiri dulu peran {role}."


def duty_conflict(role: str, others) -> str | None:
    """The Indonesian refusal when `role` may not be held together with any of the roles `others`, else None."""
    for other in others:
        if (role == Role.AUDITOR and other in OPERATIONAL_ROLES) or (
            role in OPERATIONAL_ROLES and other == Role.AUDITOR
        ):
            operational = other if role == Role.AUDITOR else role
            return SEPARATION_OF_DUTIES.format(role=Role(operational).label)
    return None


def _duty_errors(user: User, role: str, starts_on: datetime.date) -> dict[str, str]:
    """Separation of duties against the user's assignments that are in force on or after `starts_on`."""
    if user.pk is None:
        return {}
    others = Assignment.objects.filter(user=user).filter(Q(ends_on__isnull=True) | Q(ends_on__gt=starts_on))
    message = duty_conflict(role, others.values_list("role", flat=True))
    return {"role": message} if message else {}


def _admin_covers(actor, code: str | None) -> bool:
    return scope_of(actor).covers(code, Role.ADMIN_PROVINSI)


def _require_visible(actor, user: User) -> None:
    """Views already 404 out-of-scope users; this guards the other doors (API, imports, shell)."""
    if user.pk is None or not user_visible(actor=actor).filter(pk=user.pk).exists():
        raise PermissionDenied("Pengguna ini di luar kewenangan Anda.")


def _grant_errors(actor, role: str, wilayah: Wilayah | None) -> dict[str, str]:
    """What is wrong with granting `role` over `wilayah`, as field → message (empty when fine)."""
    errors = {}
    if role not in Role.values:
        errors["role"] = "Peran tidak dikenal."
    elif role in RESERVED_ROLES:
        errors["role"] = RESERVED_ROLE
    if wilayah is None:
        errors["wilayah"] = "Pilih wilayah tugas."
    elif not _admin_covers(actor, wilayah.code):
        errors["wilayah"] = "Wilayah di luar kewenangan Anda."
    elif not wilayah.active:
        errors["wilayah"] = "Wilayah ini sudah tidak aktif."
    elif role in ROLE_LEVELS and wilayah.level not in ROLE_LEVELS[role][0]:
        errors["wilayah"] = ROLE_LEVELS[role][1]
    return errors


def _lks_grant(actor, role: str, lks, wilayah: Wilayah | None) -> tuple[Wilayah | None, dict[str, str]]:
    """An Operator LKS works for one LKS the actor can see; their region is that LKS's kab/kota.
    Other roles are not tied to an LKS. Returns the region to assign and what is wrong (field → message)."""
    if role != Role.OPERATOR_LKS:
        return wilayah, ({"lks": "LKS hanya dipilih untuk peran Operator LKS."} if lks is not None else {})
    from lks.models import Lks

    if lks is None:
        return None, {"lks": "Pilih LKS yang dikelola operator ini."}
    if (
        lks.pk is None
        or not Lks.objects.visible_to(actor).filter(pk=lks.pk).exists()
        or not _admin_covers(actor, lks.wilayah_id)
    ):
        return None, {"lks": "LKS di luar kewenangan Anda."}
    kabkota = Wilayah.objects.filter(code=lks.wilayah_id[:5]).first()
    if kabkota is None or not kabkota.active:
        return None, {"lks": "Kabupaten/kota LKS ini sudah tidak aktif."}
    return kabkota, {}


def _office_errors(actor, office: Office | None) -> dict[str, str]:
    if office is None:
        return {"office": "Pilih dinas tempat pengguna bekerja."}
    if not _admin_covers(actor, office.wilayah_id):
        return {"office": "Dinas di luar kewenangan Anda."}
    return {}


def _password_errors(password: str, user: User) -> dict[str, list[str]]:
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        return {"password": exc.messages}
    return {}


def _forget(actor, user: User) -> None:
    forget_scope(user)
    if actor.pk == user.pk:
        forget_scope(actor)


def _assignment_create(
    *, actor, user: User, role: str, wilayah: Wilayah, starts_on: datetime.date, lks=None
) -> Assignment:
    assignment = Assignment.objects.create(user=user, role=role, wilayah=wilayah, lks=lks, starts_on=starts_on)
    detail = {"user": user.username, "role": role, "wilayah": wilayah.code, "starts_on": starts_on.isoformat()}
    if lks is not None:
        detail["lks"] = lks.pk
    audit_record(action=actions.ASSIGNMENT_ADD, actor=actor, obj=assignment, wilayah_code=wilayah.code, detail=detail)
    _forget(actor, user)
    return assignment


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    full_name: str,
    office: Office,
    password: str,
    nip: str = "",
    phone: str = "",
    role: str,
    wilayah: Wilayah | None = None,
    lks=None,
) -> User:
    """Create an account with its first assignment, starting today. An Operator LKS gets `lks` (required
    for that role, refused for the others) and the LKS's kab/kota as region, whatever `wilayah` says."""
    require(actor, MANAGE)
    username = (username or "").strip()
    user = User(username=username, full_name=full_name.strip(), nip=nip.strip(), phone=phone.strip(), office=office)
    errors: dict = {}
    if not username:
        errors["username"] = "Isi nama pengguna."
    else:
        try:
            User.username_validator(username)
        except ValidationError:
            errors["username"] = "Nama pengguna hanya boleh berisi huruf, angka dan tanda @ . + - _"
        if "username" not in errors and User.objects.filter(username__iexact=username).exists():
            errors["username"] = "Nama pengguna ini sudah dipakai."
    if not user.full_name:
        errors["full_name"] = "Isi nama lengkap."
    errors |= _office_errors(actor, office)
    wilayah, lks_errors = _lks_grant(actor, role, lks, wilayah)
    errors |= lks_errors or _grant_errors(actor, role, wilayah)
    errors |= _password_errors(password, user)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    # Two administrators creating one username at once: the second gets the same message.
    insert_unique(user.save, check=lambda: None, message={"username": "Nama pengguna ini sudah dipakai."})
    audit_record(
        action=actions.USER_CREATE,
        actor=actor,
        obj=user,
        detail={"username": user.username, "office": office.pk, "role": role, "wilayah": wilayah.code}
        | ({"lks": lks.pk} if lks is not None else {}),
    )
    _assignment_create(actor=actor, user=user, role=role, wilayah=wilayah, lks=lks, starts_on=timezone.localdate())
    return user


@transaction.atomic
def user_update(*, actor, user: User, full_name: str, nip: str, phone: str, office: Office) -> User:
    require(actor, MANAGE)
    _require_visible(actor, user)
    errors = _office_errors(actor, office)
    if not (full_name or "").strip():
        errors["full_name"] = "Isi nama lengkap."
    if errors:
        raise ValidationError(errors)
    new = {"full_name": full_name.strip(), "nip": nip.strip(), "phone": phone.strip(), "office_id": office.pk}
    changed = {field: value for field, value in new.items() if getattr(user, field) != value}
    if not changed:
        return user
    for field, value in changed.items():
        setattr(user, field, value)
    if "office_id" in changed:
        user.office = office
    user.save(update_fields=[field.removesuffix("_id") for field in changed])
    audit_record(action=actions.USER_UPDATE, actor=actor, obj=user, detail={"changed": sorted(changed)})
    return user


@transaction.atomic
def user_deactivate(*, actor, user: User) -> User:
    """Stop the account from logging in; its open sessions end on their next request."""
    require(actor, MANAGE)
    _require_visible(actor, user)
    if user.pk == actor.pk:
        raise ValidationError({"user": "Anda tidak dapat menonaktifkan akun Anda sendiri."})
    if not user.is_active:
        raise ValidationError({"user": "Akun ini sudah tidak aktif."})
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(action=actions.USER_DEACTIVATE, actor=actor, obj=user)
    forget_scope(user)
    return user


@transaction.atomic
def user_activate(*, actor, user: User) -> User:
    require(actor, MANAGE)
    _require_visible(actor, user)
    if user.is_active:
        raise ValidationError({"user": "Akun ini sudah aktif."})
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(action=actions.USER_ACTIVATE, actor=actor, obj=user)
    forget_scope(user)
    return user


@transaction.atomic
def user_set_password(*, actor, user: User, password: str) -> User:
    """Set the password the admin typed. Changing it rotates the session hash: the user is logged out everywhere."""
    require(actor, MANAGE)
    _require_visible(actor, user)
    if errors := _password_errors(password, user):
        raise ValidationError(errors)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(action=actions.USER_PASSWORD_RESET, actor=actor, obj=user)
    return user


@transaction.atomic
def user_reset_second_factor(*, actor, user: User) -> int:
    """Remove the user's authenticator devices so they enrol again at their next login. Returns how many."""
    require(actor, MANAGE)
    _require_visible(actor, user)
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    audit_record(action=actions.USER_OTP_RESET, actor=actor, obj=user, detail={"devices": deleted})
    return deleted


@transaction.atomic
def assignment_add(
    *, actor, user: User, role: str, wilayah: Wilayah | None = None, starts_on: datetime.date | None = None, lks=None
) -> Assignment:
    """Give a user one more role. For an Operator LKS, `lks` names the institution and sets the region."""
    require(actor, MANAGE)
    _require_visible(actor, user)
    starts_on = starts_on or timezone.localdate()
    wilayah, errors = _lks_grant(actor, role, lks, wilayah)
    if errors := _duty_errors(user, role, starts_on) | (errors or _grant_errors(actor, role, wilayah)):
        raise ValidationError(errors)
    same = {"lks": lks} if role == Role.OPERATOR_LKS else {"wilayah": wilayah}
    overlapping = Assignment.objects.filter(user=user, role=role, **same).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=starts_on)
    )
    if overlapping.exists():
        if role == Role.OPERATOR_LKS:
            raise ValidationError({"lks": "Pengguna ini sudah menjadi Operator LKS tersebut."})
        raise ValidationError({"role": "Pengguna ini sudah memegang peran tersebut di wilayah itu."})
    return _assignment_create(actor=actor, user=user, role=role, wilayah=wilayah, lks=lks, starts_on=starts_on)


@transaction.atomic
def assignment_end(*, actor, assignment: Assignment, ends_on: datetime.date | None = None) -> Assignment:
    """End an assignment. `ends_on` (today by default) is the first day without the role."""
    require(actor, MANAGE)
    user = assignment.user
    _require_visible(actor, user)
    if not _admin_covers(actor, assignment.wilayah_id):
        raise ValidationError({"wilayah": "Wilayah di luar kewenangan Anda."})
    today = timezone.localdate()
    ends_on = ends_on or today
    if assignment.ends_on is not None and assignment.ends_on <= today:
        raise ValidationError({"ends_on": "Penugasan ini sudah berakhir."})
    if ends_on < assignment.starts_on:
        raise ValidationError(
            {"ends_on": f"Tanggal berakhir tidak boleh sebelum tanggal mulai ({assignment.starts_on:%d-%m-%Y})."}
        )
    if user.pk == actor.pk and assignment.role == Role.ADMIN_PROVINSI:
        raise ValidationError({"ends_on": "Anda tidak dapat mengakhiri penugasan Admin Provinsi Anda sendiri."})
    assignment.ends_on = ends_on
    assignment.save(update_fields=["ends_on", "updated_at"])
    audit_record(
        action=actions.ASSIGNMENT_END,
        actor=actor,
        obj=assignment,
        wilayah_code=assignment.wilayah_id or "",
        detail={"user": user.username, "role": assignment.role, "ends_on": ends_on.isoformat()},
    )
    _forget(actor, user)
    return assignment
