"""Exact NIK / No. KK searches: counted against a per-user limit and audited, one event per search.

An exact number finds one person among millions, so it is the lookup an insider would script. Every
route that searches by a full number (pages, exports, API, pickers) calls `number_search_allow`
before the query and `number_search_record` after it. The event carries the masked number, the
route and the row count, never the number itself.
"""

from __future__ import annotations

from kesos.core.masking import mask_number
from kesos.core.ratelimit import Limit, hit
from kesos.wilayah.nik import normalize_digits

from . import actions
from .services import audit_record

NUMBER_SEARCH = Limit("nik_search", 30, 60)


def exact_number(term) -> str:
    """The 16 digits of `term` when it is a full NIK / No. KK (separators allowed), else ''."""
    digits = normalize_digits((term or "").strip()) if isinstance(term, str) else ""
    return digits if len(digits) == 16 and digits.isdigit() else ""


def number_search_allow(*, actor, term) -> str:
    """Count an exact-number search against the user's limit (`RateLimited` past it). Returns the
    number, or '' when `term` is not one (names are not counted)."""
    number = exact_number(term)
    if number:
        hit(NUMBER_SEARCH, user_key=actor.pk)
    return number


def number_search_record(*, actor, term, route: str, rows: int, found=()) -> None:
    """One audit event for one exact-number search. `found` is the page of results: when it holds a
    single record, the event is tied to its data subject (the data-subject report lists it)."""
    number = exact_number(term)
    if not number:
        return
    found = list(found[:2]) if found is not None else []
    subject = getattr(found[0], "subject_person_id", None) if len(found) == 1 else None
    region = getattr(found[0], "scope_region", "") if len(found) == 1 else ""
    audit_record(
        action=actions.NUMBER_SEARCH,
        actor=actor,
        object_repr=f"Pencarian {mask_number(number)} ({rows} hasil)",
        subject_person_id=subject,
        wilayah_code=region or "",
        detail={"route": route, "term": mask_number(number), "rows": rows},
    )


def page_number_search_allowed(request, term) -> bool:
    """`number_search_allow` for a page: past the limit the user is told so (in the page's messages)
    and the caller answers 429 without searching."""
    from django.contrib import messages

    from kesos.core.ratelimit import RateLimited

    try:
        number_search_allow(actor=request.user, term=term)
    except RateLimited as exc:
        messages.error(request, str(exc))
        return False
    return True
