"""Where the current request came from, for audit rows written deep inside services and receivers."""

import contextvars
from dataclasses import dataclass

from django.conf import settings

from kesos.core.redact import redact


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None
    user_agent: str
    path: str


_current: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar("kesos_audit_request", default=None)


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


class AuditContextMiddleware:
    """Remembers the request's IP, browser and path for the audit rows written while serving it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(info_from(request))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
