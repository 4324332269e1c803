"""Uniqueness races answered with the service's own message, never a server error.

A service checks for a duplicate (same NIK, a person already placed…) and then inserts. Two requests
at the same moment both pass the check; the database's unique constraint lets one insert through and
makes the other wait for it, then fail with IntegrityError. `insert_unique` runs the insert in a
savepoint and, on that failure, runs the service's check again: the winner is committed by then and
visible, so the check raises the same ValidationError a later request would have got.
"""

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

T = TypeVar("T")


def insert_unique(insert: Callable[[], T], *, check: Callable[[], None], message: dict | str | None = None) -> T:
    """`insert()` in a savepoint; when a unique constraint refuses it, `check()` (which raises the
    service's ValidationError), else ValidationError(`message`) when given, else the IntegrityError."""
    try:
        with transaction.atomic():
            return insert()
    except IntegrityError:
        check()
        if message is not None:
            raise ValidationError(message) from None
        raise
