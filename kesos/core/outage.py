"""Outages of the services a request depends on (PostgreSQL, the Redis cache, the Celery broker).

Each dependency has one `Outage` per process. It logs a warning with the cause when the dependency
first fails and one info line when it works again, so an outage is two log lines however many
requests it touches, not a traceback per request. `unavailable(exc)` tells an outage (a dependency
that cannot be reached, a timeout, a lock that was not granted) from a bug; `unavailable_response`
is the 503 with `Retry-After` a user or an API client gets for it, built without touching the
database or the cache (they may be what is down).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger("kesos.outage")


class Outage:
    """Whether one dependency is failing in this process, logged once when it starts and once when it ends.

    An outage ends at the first success that comes `quiet_seconds` after the last failure, so a
    dependency that flaps (some connections fail, others still work) is one outage, not many.
    """

    def __init__(self, name: str, quiet_seconds: float | None = None):
        self.name = name
        self._quiet = quiet_seconds
        self._lock = threading.Lock()
        self.down_since: float | None = None  # time.monotonic() of the first failure
        self.last_failure = 0.0
        self.failures = 0

    @property
    def quiet_seconds(self) -> float:
        if self._quiet is not None:
            return self._quiet
        return float(getattr(settings, "KESOS_OUTAGE_QUIET_SECONDS", 10))

    @property
    def down(self) -> bool:
        return self.down_since is not None

    def failed(self, cause: BaseException | str) -> None:
        now = time.monotonic()
        with self._lock:
            self.last_failure = now
            self.failures += 1
            if self.down_since is not None:
                return
            self.down_since = now
            self.failures = 1
        logger.warning("%s tidak tersedia: %s", self.name, describe(cause))

    def succeeded(self) -> None:
        if self.down_since is None:  # the common case: no lock taken
            return
        now = time.monotonic()
        with self._lock:
            if self.down_since is None or now - self.last_failure < self.quiet_seconds:
                return
            lasted, failures = self.last_failure - self.down_since, self.failures
            self.down_since = None
            self.failures = 0
        logger.info("%s kembali tersedia (gangguan sekitar %.0f detik, %d kegagalan).", self.name, lasted, failures)

    def failed_within(self, seconds: float) -> bool:
        """Whether the last failure was less than `seconds` ago (callers skip the dependency meanwhile)."""
        return self.down_since is not None and time.monotonic() - self.last_failure < seconds

    def reset(self) -> None:
        """Forget the state (tests)."""
        with self._lock:
            self.down_since = None
            self.last_failure = 0.0
            self.failures = 0


def describe(cause: BaseException | str) -> str:
    if isinstance(cause, str):
        return cause
    text = " ".join(str(cause).split())[:300]
    return f"{type(cause).__name__}: {text}" if text else type(cause).__name__


database = Outage("Basis data (PostgreSQL)")
cache = Outage("Cache (Redis)")
broker = Outage("Broker tugas (Redis/Celery)")


# --- Which errors are an outage -------------------------------------------------------------------
@dataclass(frozen=True)
class Unavailable:
    """What is unavailable, and the sentence that tells the user."""

    outage: Outage
    message: str


DB_DOWN = "Basis data sedang tidak dapat dihubungi."
DB_LOCKED = "Data yang Anda minta sedang dipakai oleh proses lain, sehingga belum dapat diproses."
DB_SLOW = "Basis data terlalu lama menjawab, sehingga permintaan Anda dihentikan."
BROKER_DOWN = "Antrean tugas (Redis) sedang tidak dapat dihubungi."


def unavailable(exc: BaseException) -> Unavailable | None:
    """The outage `exc` reveals, or None when it is a bug (which stays a 500).

    PostgreSQL: Django wraps psycopg's errors in its own classes of the same names. Connection
    failures, `statement_timeout` (QueryCanceled), `lock_timeout` (LockNotAvailable), a deadlock, a server
    shutting down or out of connections are all psycopg OperationalErrors; a connection lost
    mid-request is an InterfaceError. Bugs (IntegrityError, ProgrammingError, DataError) are not.
    SQLite: only "database is locked" (its busy timeout) counts.
    """
    from django import db

    if isinstance(exc, db.InterfaceError):
        return Unavailable(database, DB_DOWN)
    if isinstance(exc, db.OperationalError):
        cause = exc.__cause__
        try:
            from psycopg import errors as pg
        except ImportError:  # pragma: no cover - psycopg is a runtime dependency
            pg = None
        if pg is not None and isinstance(cause, pg.Error):
            if isinstance(cause, pg.LockNotAvailable | pg.DeadlockDetected | pg.SerializationFailure):
                return Unavailable(database, DB_LOCKED)
            if isinstance(cause, pg.QueryCanceled):
                return Unavailable(database, DB_SLOW)
            return Unavailable(database, DB_DOWN)
        if "database is locked" in str(exc):
            return Unavailable(database, DB_LOCKED)
        return None
    return _broker_error(exc)


def _broker_error(exc: BaseException) -> Unavailable | None:
    import kombu.exceptions
    import redis.exceptions

    errors = (kombu.exceptions.OperationalError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
    if isinstance(exc, errors):
        return Unavailable(broker, BROKER_DOWN)
    return None


# --- The answer ----------------------------------------------------------------------------------
def retry_after() -> int:
    return int(getattr(settings, "KESOS_RETRY_AFTER_SECONDS", 30))


def unavailable_message(request, what: Unavailable) -> str:
    wait = retry_after()
    text = f"{what.message} Silakan coba lagi dalam {wait} detik."
    if request is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
        text += " Bila Anda sedang menyimpan data, periksa dulu apakah data itu sudah tersimpan sebelum mengirim ulang."
    return text


def unavailable_response(request, what: Unavailable):
    """503 with Retry-After: JSON `{"detail": ...}` under /api/, the Indonesian error page elsewhere.

    Rendered without a request context: no context processor (inbox badge, office name) runs, so
    neither the database nor the cache is touched. Marked as logged so Django's request logger does
    not add an error line (and traceback) per request: the Outage logs once per outage instead."""
    from django.http import HttpResponse, JsonResponse
    from django.template.loader import render_to_string

    message = unavailable_message(request, what)
    path = getattr(request, "path_info", "") or ""
    if path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(render_to_string("errors/503.html", {"message": message}), status=503)
    response["Retry-After"] = str(retry_after())
    response["Cache-Control"] = "no-store"
    response._has_been_logged = True
    return response


def respond_to(request, exc: BaseException):
    """The 503 for `exc` when it is an outage (recorded once per outage), else None."""
    what = unavailable(exc)
    if what is None:
        return None
    what.outage.failed(exc.__cause__ or exc)
    return unavailable_response(request, what)
