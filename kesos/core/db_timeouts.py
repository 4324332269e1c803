"""Time bounds on PostgreSQL connections: connect, statement and lock timeouts.

Settings build the web's bounds into DATABASES (KESOS_DB_*): a page waits seconds, not minutes, for
a connection, a statement or a row lock, and then answers 503 (kesos.core.outage). The Celery worker
(kesos/celery.py) and management commands (manage.py) switch to the longer KESOS_WORKER_DB_* bounds
before they open a connection, since a recap or a migration may rightly run a long statement.
The bounds travel as libpq's `options` (`-c statement_timeout=...`), so they hold from the first
statement of every connection without an extra query. Imported by settings: no models here.
"""

from __future__ import annotations

import re

POSTGRESQL = "django.db.backends.postgresql"
_OURS = re.compile(r"\s*-c\s*(statement_timeout|lock_timeout)=\S+")


def connection_options(connect_timeout: float, *, statement: float, lock: float, options: str = "") -> dict:
    """psycopg connection parameters for these bounds in seconds (0: no bound). `options` is the
    libpq `options` string already configured (from DATABASE_URL); ours replace any earlier ones."""
    params = [_OURS.sub("", options).strip()]
    params.append(f"-c statement_timeout={int(statement * 1000)}")
    params.append(f"-c lock_timeout={int(lock * 1000)}")
    result = {"options": " ".join(p for p in params if p)}
    if connect_timeout:
        result["connect_timeout"] = max(2, int(connect_timeout))  # libpq and psycopg: whole seconds, 2 at least
    return result


def use_timeouts(profile: str) -> None:
    """Give every PostgreSQL connection of this process the bounds of `profile` ("web" or "worker").

    Changes the connection settings in place and closes this thread's open connections, so the next
    query connects with the new bounds. Call before work starts (a worker's init signal)."""
    from django.conf import settings
    from django.db import connections

    bounds = settings.KESOS_DB_TIMEOUTS[profile]
    for alias in connections:
        db = settings.DATABASES[alias]
        if db.get("ENGINE") != POSTGRESQL:
            continue
        options = db.setdefault("OPTIONS", {})
        options.update(
            connection_options(settings.KESOS_DB_CONNECT_TIMEOUT, **bounds, options=options.get("options", ""))
        )
        connection = connections[alias]
        if connection.settings_dict is not db:
            connection.settings_dict.setdefault("OPTIONS", {}).update(options)
        connection.close()


def use_worker_timeouts() -> None:
    use_timeouts("worker")
