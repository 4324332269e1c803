import contextlib

import pghistory
import pghistory.middleware
from django.db import connection

from . import context


def history_context(**metadata):
    """pghistory's context (who, from where) around a block of writes: imports, Celery tasks.

    On SQLite there are no triggers to read it, and pghistory's statement wrapper breaks the
    SQLite cursor, so there it is a no-op.
    """
    if connection.vendor != "postgresql":
        return contextlib.nullcontext()
    return pghistory.context(**metadata)


class HistoryContextMiddleware(pghistory.middleware.HistoryMiddleware):
    """pghistory's request context (user, url) plus the client address, for the change history."""

    def get_context(self, request):
        return {**super().get_context(request), "ip": context.client_ip(request)}

    def __call__(self, request):
        if connection.vendor != "postgresql":
            return self.get_response(request)
        return super().__call__(request)
