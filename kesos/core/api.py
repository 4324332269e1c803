"""REST framework hooks shared by every API view."""

from django.core.exceptions import ValidationError
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError, PermissionDenied, Throttled
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from kesos.accounts.permissions import can
from kesos.audit import actions
from kesos.audit.services import audit_list_read, audit_record

from . import outage
from .adapters import api_validation_error
from .ratelimit import counter_store
from .versioning import STALE_MESSAGE, StaleEdit


def exception_handler(exc, context):
    """DRF's handler, plus an audit row for each permission denial (403) to a logged-in user, the
    throttle's 429 told in Indonesian (the Retry-After header stays), and a 503 with Retry-After when
    the database or the broker is unavailable (kesos.core.outage; logged once per outage)."""
    request = context.get("request")
    unavailable = outage.respond_to(request, exc)
    if unavailable is not None:
        set_rollback()
        return unavailable
    response = drf_exception_handler(exc, context)
    if isinstance(exc, Throttled) and response is not None:
        wait = f" Coba lagi dalam {int(exc.wait) + 1} detik." if exc.wait is not None else " Coba lagi nanti."
        response.data = {"detail": "Terlalu banyak permintaan ke API." + wait}
    if response is not None and response.status_code == 403 and request is not None and request.user.is_authenticated:
        audit_record(action=actions.DENIED, actor=request.user, detail={"reason": str(exc)[:200]})
    return response


class Conflict(APIException):
    """409: the record changed since the client read it (kesos.core.versioning.StaleEdit)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class RuleGate:
    """A viewset mixin: roles without `gate_rule` are refused outright (403) before anything else;
    objects out of the user's scope are then 404 through the selectors."""

    gate_rule: str
    gate_message: str = "Peran Anda tidak dapat menggunakan layanan ini."

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not can(request.user, self.gate_rule):
            raise PermissionDenied(self.gate_message)


def service_call(call):
    """Run a service for the API: its ValidationError becomes a 400, a stale version a 409."""
    try:
        return call()
    except StaleEdit as exc:
        raise Conflict(STALE_MESSAGE) from exc
    except ValidationError as exc:
        raise api_validation_error(exc) from exc


JSON_MAX_DEPTH = 32


def _check_json(value, depth=0):
    if depth > JSON_MAX_DEPTH:
        raise ParseError(f"JSON terlalu dalam: paling banyak {JSON_MAX_DEPTH} tingkat.")
    if isinstance(value, str):
        if "\x00" in value:
            raise ParseError("JSON berisi karakter NUL (\\u0000) yang tidak diizinkan.")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_json(key, depth + 1)
            _check_json(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_json(item, depth + 1)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; a body nested beyond JSON_MAX_DEPTH or carrying NUL characters is a 400
    (deep nesting would otherwise end in a RecursionError, NUL in a database error)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(f"JSON terlalu dalam: paling banyak {JSON_MAX_DEPTH} tingkat.") from exc
        _check_json(data)
        return data


# --- Throttling ------------------------------------------------------------------------------------
class _RatesFromSettings:
    """DRF binds the rates when the class is defined; read them at request time so settings (and a
    test's override) apply. Counters live in the shared cache under our rate-limit prefix, or in this
    process's memory while the shared cache is unavailable (as kesos.core.ratelimit's)."""

    cache_format = "kesos:rl:drf:%(scope)s:%(ident)s"

    @property
    def cache(self):
        return counter_store()

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class UserThrottle(_RatesFromSettings, UserRateThrottle):
    """Every API request of a logged-in user (rate `user`)."""


class AnonThrottle(_RatesFromSettings, AnonRateThrottle):
    """Requests without a session, per client address (rate `anon`)."""


class ByNameListThrottle(_RatesFromSettings, UserRateThrottle):
    """The by-name list pages (persons, households, cases, residents): a stricter per-user rate
    (`by_name_list`), so nobody pages through a whole region at machine speed."""

    scope = "by_name_list"


class AuditedByNameList:
    """A viewset mixin for by-name lists: each `list` page read writes one audit event (row count,
    regions, the persons on the page) and counts against the stricter by-name list throttle."""

    def get_throttles(self):
        throttles = super().get_throttles()
        if getattr(self, "action", None) == "list":
            throttles.append(ByNameListThrottle())
        return throttles

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        audit_list_read(actor=self.request.user, rows=rows, model=queryset.model)
        return page
