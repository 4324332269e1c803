"""kesos.core.redact: a NIK or No. KK however typed or encoded is masked; other numbers are left alone."""

import logging

import pytest

from kesos.core.redact import REDACTED, redact, redact_data

NIK = "6371011403580001"


@pytest.mark.parametrize(
    "value",
    [
        f"/ppks/orang/?q={NIK}&page=2",
        "q=6371+0114+0358+0001",
        "q=6371%200114%200358%200001",
        "6371.0114.0358.0001",
        "6371-0114-0358-0001",
        f"Not Found: /ppks/orang/{NIK}/",
    ],
)
def test_a_nik_however_typed_or_encoded_is_redacted(value):
    cleaned = redact(value)
    assert REDACTED in cleaned
    assert "0358" not in cleaned


def test_other_numbers_are_left_alone():
    for value in ("081234567890", "6371-2026-000042", "12345678901234567", "63.71.01.1001"):
        assert redact(value) == value


def test_nested_data_is_redacted_keys_and_values():
    assert redact_data({"filters": {"q": NIK, NIK: [1, NIK]}}) == {"filters": {"q": REDACTED, REDACTED: [1, REDACTED]}}


@pytest.mark.parametrize("name", ["django.request", "django.server", "django.security"])
def test_djangos_request_loggers_redact_their_records(name):
    logger = logging.getLogger(name)
    record = logger.makeRecord(name, logging.WARNING, __file__, 1, '"GET /ppks/orang/?q=%s HTTP/1.1" 404', (NIK,), None)
    assert logger.filter(record)
    assert NIK not in record.getMessage() and "/ppks/orang/?q=" in record.getMessage()
