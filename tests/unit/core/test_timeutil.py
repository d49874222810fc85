"""Timestamps far from today still render, parse and sort (found by fuzzing the API, decision 67)."""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from chalicelib.core.schemas import RequestBody, UtcDatetime
from chalicelib.core.timeutil import from_rfc3339, to_rfc3339, to_sortable


class _Body(RequestBody):
    at: UtcDatetime


def test_a_year_before_1000_is_written_with_four_digits_and_reads_back():
    instant = datetime(322, 5, 1, 21, 56, 6, 285000, tzinfo=UTC)
    assert to_rfc3339(instant) == "0322-05-01T21:56:06.285Z"
    assert from_rfc3339(to_rfc3339(instant)) == instant


def test_sortable_keys_keep_their_width_and_order_across_centuries():
    early, late = datetime(999, 12, 31, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
    assert len(to_sortable(early)) == len(to_sortable(late))
    assert to_sortable(early) < to_sortable(late)


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_an_offset_that_leaves_the_representable_range_is_a_validation_error(text):
    with pytest.raises(ValidationError, match="is out of range"):
        _Body.model_validate_json(f'{{"at": "{text}"}}')
