"""Writing the audit trail. Services, views and receivers call `audit_record`; nothing else writes it."""

import logging

from django.contrib.auth import get_user_model

from kesos.core.redact import redact, redact_data

from . import actions, context
from .actions import ACTIONS
from .models import AuditEvent

logger = logging.getLogger("kesos.audit")


def _region_of(obj, actor) -> str:
    region = getattr(obj, "scope_region", None) if obj is not None else None
    if region:
        return region
    office = getattr(actor, "office", None) if actor is not None else None
    return office.wilayah_id if office is not None else ""


def audit_record(
    *,
    action: str,
    actor=None,
    obj=None,
    username: str = "",
    object_repr: str = "",
    subject_person_id: int | None = None,
    wilayah_code: str = "",
    detail: dict | None = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    """Append one event. The request's IP, browser and path come from the audit middleware's context.

    `obj` names the record (its type, id and a masked label from `audit_label()` or `str()`);
    `subject_person_id` ties the event to a beneficiary for the data-subject report. Without `obj`,
    `object_type` and `object_id` name a record that could not be loaded (a 404). No full NIK or
    No. KK is stored: every text and the detail pass through `redact` (a search term, a typed
    username, recorded filters), whoever the caller.
    """
    if action not in ACTIONS:
        raise KeyError(f"Aksi audit '{action}' tidak ada di katalog.")
    User = get_user_model()
    if actor is not None and not isinstance(actor, User):
        actor = None  # AnonymousUser
    info = context.current()
    if obj is not None:
        object_repr = object_repr or (obj.audit_label() if hasattr(obj, "audit_label") else str(obj))
        if subject_person_id is None:
            subject_person_id = getattr(obj, "subject_person_id", None)
    event = AuditEvent.objects.create(
        action=action,
        actor=actor,
        username=redact(actor.username if actor is not None else username)[:150],
        ip=info.ip if info else None,
        user_agent=redact(info.user_agent) if info else "",
        path=redact(info.path) if info else "",
        object_type=obj._meta.label_lower if obj is not None else object_type[:60],
        object_id=str(obj.pk) if obj is not None else redact(str(object_id))[:64],
        object_repr=redact(object_repr)[:200],
        subject_person_id=subject_person_id,
        wilayah_code=wilayah_code or _region_of(obj, actor),
        detail=redact_data(detail or {}),
    )
    logger.info("audit %s user=%s object=%s:%s", action, event.username, event.object_type, event.object_id)
    return event


def audit_refusal(**event) -> None:
    """`audit_record` for an operation being refused: the refusal rolls the operation's transaction
    back, so during a request the row is written once the response is ready; elsewhere at once."""
    if not context.defer(lambda: audit_record(**event)):
        audit_record(**event)


def audit_export(*, actor, what: str, count: int, filters: dict, roles, region: str = "", fmt: str = "csv") -> None:
    """Record a list export: one event per region it covered (the region filtered on, or each region
    the actor holds `roles` over), so every data subject's report in those regions finds it."""
    from kesos.accounts.scope import scope_of

    for code in [region] if region else scope_of(actor).regions_for(*roles):
        audit_record(
            action=actions.EXPORT, actor=actor, object_repr=f"{what} ({count} baris)", wilayah_code=code,
            detail={"format": fmt, "filters": filters, "rows": count},
        )  # fmt: skip


def _common_region(codes: set[str]) -> str:
    """The narrowest region holding every code: 63.71.01.1001 and 63.71.02.2001 give 63.71."""
    parts = [code.split(".") for code in codes if code]
    if not parts:
        return ""
    common = []
    for level in zip(*parts, strict=False):
        if len(set(level)) > 1:
            break
        common.append(level[0])
    return ".".join(common)


def audit_list_read(*, actor, rows, model=None, about=None, what: str = "") -> AuditEvent:
    """Record one read of a by-name list page (HTML or API): one event per request, however many rows.

    The event carries the row count, the regions of the rows (its own region is the narrowest one
    holding them all, so that region's auditors see it) and, bounded by the page size, the ids of
    the rows and of the persons they are about, so the data-subject report finds "appeared in a list".
    `about` is the record a sub-list belongs to (a case's notes): its region and person count for
    every row. `rows` is the page already fetched: nothing here queries per row.
    """
    rows = list(rows)
    model = model or (type(rows[0]) if rows else None)
    label = model._meta.label_lower if model is not None else ""
    if about is not None:
        regions = {about.scope_region} if getattr(about, "scope_region", None) else set()
        person_ids = [about.subject_person_id] if getattr(about, "subject_person_id", None) else []
    else:
        regions = {region for row in rows if (region := getattr(row, "scope_region", None))}
        person_ids = sorted({pid for row in rows if (pid := getattr(row, "subject_person_id", None))})
    name = what or (str(model._meta.verbose_name_plural) if model is not None else "data")
    return audit_record(
        action=actions.LIST,
        actor=actor,
        object_type=about._meta.label_lower if about is not None else label,
        object_id=str(about.pk) if about is not None else "",
        object_repr=f"Daftar {name} ({len(rows)} baris)",
        # A list about one person (a case's notes, an exact-NIK search): the event is theirs.
        subject_person_id=person_ids[0] if len(person_ids) == 1 else None,
        wilayah_code=_common_region(regions),
        detail={
            "list": label,
            "rows": len(rows),
            "regions": sorted(regions),
            "ids": [row.pk for row in rows],
            "person_ids": person_ids,
        },
    )


def audit_not_found(*, actor, model, pk) -> AuditEvent | None:
    """Record a by-name route's 404: the record is out of the user's scope or does not exist.
    Probing ids one by one shows in the trail; which of the two it was is not told to anyone."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return audit_record(
        action=actions.NOT_FOUND,
        actor=actor,
        object_type=model._meta.label_lower,
        object_id=str(pk),
        object_repr=f"{model._meta.verbose_name} #{str(pk)[:40]}",
        detail={"requested_id": str(pk)[:64]},
    )
