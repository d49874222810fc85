from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from chalicelib.core.schemas import RequestBody, UtcDatetime


class Invoice(RequestBody):
    amount_cents: int
    issued_at: UtcDatetime | None = None


def test_float_is_not_cents():
    with pytest.raises(ValidationError):
        Invoice.model_validate_json('{"amount_cents": 1.5}')


def test_numeric_string_is_not_an_integer():
    with pytest.raises(ValidationError):
        Invoice.model_validate_json('{"amount_cents": "5"}')


def test_unknown_field_is_refused():
    with pytest.raises(ValidationError):
        Invoice.model_validate_json('{"amount_cents": 5, "total": 7}')


def test_timestamp_with_offset_is_stored_in_utc_and_rendered_with_z():
    invoice = Invoice.model_validate_json('{"amount_cents": 5, "issued_at": "2026-03-28T11:00:00+02:00"}')
    assert invoice.issued_at == datetime(2026, 3, 28, 9, tzinfo=UTC)
    assert invoice.model_dump(mode="json")["issued_at"] == "2026-03-28T09:00:00Z"


def test_timestamp_without_timezone_is_refused():
    with pytest.raises(ValidationError, match="timezone"):
        Invoice.model_validate_json('{"amount_cents": 5, "issued_at": "2026-03-28T09:00:00"}')
