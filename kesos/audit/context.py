"""Where the current request came from, for audit rows written deep inside services and receivers."""

import contextvars
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from kesos.core.redact import redact


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None
    user_agent: str
    path: str


_current: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar("kesos_audit_request", default=None)
# Audit rows about refused operations, written once the request is served (see `defer`).
_deferred: contextvars.ContextVar[list | None] = contextvars.ContextVar("kesos_audit_deferred", default=None)
logger = logging.getLogger("kesos.audit")


def client_ip(request) -> str | None:
    """The client's address. Behind our own reverse proxy (USE_X_FORWARDED_FOR), the address that
    proxy appended last to X-Forwarded-For; earlier entries are whatever the client claimed."""
    if settings.USE_X_FORWARDED_FOR:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR") or None


def info_from(request) -> RequestInfo:
    return RequestInfo(
        ip=client_ip(request),
        user_agent=redact(request.META.get("HTTP_USER_AGENT", ""))[:300],
        # A NIK typed into an address (?q=6372...) must not reach the audit trail or the Auditor's pages.
        path=redact(request.get_full_path())[:500],
    )


def current() -> RequestInfo | None:
    return _current.get()


def defer(write: Callable[[], object]) -> bool:
    """Run `write` when the current request has been served; False when there is no request.

    A service that refuses an operation raises inside its own transaction, which rolls back every
    row written in it; an audit row about the refusal must be written after that rollback."""
    pending = _deferred.get()
    if pending is None:
        return False
    pending.append(write)
    return True


def _write_deferred(pending: list) -> None:
    for write in pending:
        try:
            write()
        except Exception:  # one failed row must not hide the response or the other rows
            logger.exception("deferred audit row not written")


class AuditContextMiddleware:
    """Remembers the request's IP, browser and path for the audit rows written while serving it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(info_from(request))
        deferred_token = _deferred.set([])
        try:
            return self.get_response(request)
        finally:
            # ATOMIC_REQUESTS is off: here no transaction of the request is open any more.
            _write_deferred(_deferred.get())
            _deferred.reset(deferred_token)
            _current.reset(token)
