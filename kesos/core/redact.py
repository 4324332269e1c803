"""Keep full NIKs and No. KKs (16 digits) out of anything stored or logged: audit rows, log lines, URLs.

Pure Python (no Django import) so the gunicorn access logger can use it before Django is set up.
A run of 16 digits, optionally grouped the way people type them ("6372 0341 0590 0001",
"6372.0341.0590.0001") or the way a browser encodes the spaces in a query string ("+", "%20"),
becomes REDACTED. Longer digit runs are left alone: they are not NIKs.
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "****************"

_SEP = r"(?:[\s.\-+]|%20|%2[dDeE])?"
_NUMBER = re.compile(rf"(?<![0-9])(?:[0-9]{_SEP}){{15}}[0-9](?![0-9])")


def redact(value: str) -> str:
    """`value` with every NIK-like 16-digit run replaced by REDACTED."""
    if not value or not isinstance(value, str):
        return value
    return _NUMBER.sub(REDACTED, value)


def redact_data(value: Any) -> Any:
    """`redact` applied to every string (keys included) inside dicts, lists and tuples, e.g. a JSON detail."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact_data(k): redact_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(redact_data(v) for v in value)
    return value


def has_number(value: str) -> bool:
    """Whether `value` carries a NIK-like 16-digit run."""
    return bool(value) and isinstance(value, str) and _NUMBER.search(value) is not None


class RedactingFilter:
    """A logging filter that redacts the formatted message (and the exception text) of every record it
    passes, in place, so every handler downstream sees the redacted line."""

    def filter(self, record) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string: leave the record to the handler's own error path
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if getattr(record, "exc_text", None):
            record.exc_text = redact(record.exc_text)
        return True
