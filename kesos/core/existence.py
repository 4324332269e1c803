"""What a registration may tell about a record the user cannot see (NIK, No. KK, name and birth date).

Registering an identifier that is already taken has to be refused, and the refusal says that the
record exists. How much more it says depends on where the record is:

- in the user's scope: which record (the caller's own message, leading to it);
- in the user's province but outside their scope: the kab/kota Dinsos that holds it, as before.
  Every kab/kota of a province answers to the same provincial Dinsos, whose admin sees all of it,
  and moving a person between two of its kab/kota is ordinary work that starts with that call;
- in another province: only that another office holds it, and whom to ask in the user's own
  province (office to office, not operator to operator).

Each answer about a record outside the user's scope is an audit event in the holder's region (so
that Dinsos sees who asks about its people, and the person's data-subject report lists it) and
counts against a per-user limit. Past the limit every registration check is refused until the
window ends, whether the identifier exists or not, so the refusal itself tells nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from kesos.audit import actions
from kesos.audit.services import audit_refusal

from .masking import mask_number
from .ratelimit import Limit, RateLimited, exceeded, hit

PROBE_LIMIT = Limit("duplicate_probe", 20, 3600)


class ProbeLimited(ValidationError):
    """Too many answers about records outside the user's scope: refused (429 on the API)."""

    def __init__(self, field: str, retry_after: int):
        self.retry_after = retry_after
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__(
            {
                field: "Terlalu banyak pemeriksaan data yang terdaftar di luar wilayah Anda. "
                f"Coba lagi dalam {minutes} menit, atau hubungi Dinas Sosial provinsi Anda."
            }
        )


def provinces_of(user) -> set[str]:
    """The provinces the user works in: their office's and those of their current assignments."""
    from kesos.accounts.scope import scope_of

    codes = {code[:2] for codes in scope_of(user).regions.values() for code in codes}
    if getattr(user, "office_id", None):
        codes.add(user.office.wilayah_id[:2])
    return codes


def office_for(code: str) -> str:
    """The Dinsos that holds a record of region `code`: its kab/kota office, else its province's."""
    from kesos.accounts.models import Office

    office = Office.objects.filter(wilayah_id=code[:5]).first() or Office.objects.filter(wilayah_id=code[:2]).first()
    return office.name if office else "Dinas Sosial setempat"


def own_province_contact(user) -> str:
    """Whom the user asks about a record held in another province: their own provincial Dinsos."""
    from kesos.accounts.models import Office

    province = getattr(user, "province_code", None) or min(provinces_of(user), default="")
    office = Office.objects.filter(wilayah_id=province).first() if province else None
    if office is None:
        return "Dinas Sosial provinsi Anda"
    address = office.address.strip().splitlines()[0] if office.address.strip() else ""
    return f"{office.name} ({address})" if address else office.name


def same_province(user, code: str) -> bool:
    return bool(code) and code[:2] in provinces_of(user)


def guard(actor, field: str) -> None:
    """Before any look-up: a user past the limit is refused whatever they typed."""
    retry_after = exceeded(PROBE_LIMIT, user_key=actor.pk)
    if retry_after:
        raise ProbeLimited(field, retry_after)


def record(*, actor, field: str, what: str, holders: list, value: str = "") -> None:
    """One answer about `holders`, records outside the actor's scope: each audited in its region; one hit."""
    for holder in holders:
        region = holder.wilayah_id
        audit_refusal(
            action=actions.EXISTS_ELSEWHERE, actor=actor, obj=holder, wilayah_code=region,
            object_repr=f"{what} {mask_number(value)}".strip(),
            detail={
                "field": field, "value": mask_number(value), "holder_region": region,
                "asker_provinces": sorted(provinces_of(actor)), "same_province": same_province(actor, region),
            },
        )  # fmt: skip
    try:
        hit(PROBE_LIMIT, user_key=actor.pk)
    except RateLimited as exc:
        raise ProbeLimited(field, exc.retry_after) from None


def taken_elsewhere(*, actor, field: str, what: str, holder, value: str) -> str:
    """The message for `value` of `field` taken by `holder`, which the actor cannot see; audited and counted."""
    region = holder.wilayah_id
    record(actor=actor, field=field, what=what, holders=[holder], value=value)
    if same_province(actor, region):
        return f"{what} ini sudah terdaftar di wilayah lain. Hubungi {office_for(region)} untuk data tersebut."
    contact = own_province_contact(actor)
    return f"Data dengan {what} ini sudah terdaftar di kantor lain. Hubungi {contact} untuk koordinasi."
