"""Optimistic locking: an edit based on an older version of a record is refused, never silently
overwritten. Models that take part carry a `version` counter; services save through `save_versioned`."""

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

STALE_MESSAGE = "Data ini telah diubah oleh pengguna lain sejak Anda membukanya. Muat ulang halaman lalu ulangi."


class StaleEdit(ValidationError):
    """The record changed since the user loaded it."""


def save_versioned(obj, *, version: int, changes: dict) -> list[str]:
    """Write `changes` to `obj` if its stored version is still `version`; refresh `obj` and return
    the names of the fields whose value changed. Raises StaleEdit otherwise."""
    before = {field: getattr(obj, field) for field in changes}
    extra = {"updated_at": timezone.now()} if any(f.name == "updated_at" for f in obj._meta.fields) else {}
    updated = (
        type(obj)._base_manager.filter(pk=obj.pk, version=version).update(**changes, **extra, version=F("version") + 1)
    )
    if not updated:
        raise StaleEdit(STALE_MESSAGE)
    obj.refresh_from_db()
    return sorted(field for field in changes if before[field] != getattr(obj, field))
