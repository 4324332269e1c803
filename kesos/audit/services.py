"""Writing the audit trail. Services, views and receivers call `audit_record`; nothing else writes it."""

import logging

from django.contrib.auth import get_user_model

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
) -> AuditEvent:
    """Append one event. The request's IP, browser and path come from the audit middleware's context.

    `obj` names the record (its type, id and a masked label from `audit_label()` or `str()`);
    `subject_person_id` ties the event to a beneficiary for the data-subject report.
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
        username=(actor.username if actor is not None else username)[:150],
        ip=info.ip if info else None,
        user_agent=info.user_agent if info else "",
        path=info.path if info else "",
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=object_repr[:200],
        subject_person_id=subject_person_id,
        wilayah_code=wilayah_code or _region_of(obj, actor),
        detail=detail or {},
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
