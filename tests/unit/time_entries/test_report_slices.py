"""How a report's range is cut into key ranges read in parallel (time_entries.service._slices)."""

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.time_entries.service import REPORT_SLICES, _slices


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("since", "until"),
    [
        ("2026-05-01", "2026-06-01"),  # a month
        ("2026-01-01", "2027-01-01"),  # a year
        ("2026-05-04T09:30:00", "2026-05-04T17:00:00"),  # part of a day
        ("2026-05-04T09:30:00", "2026-05-20T01:00:00"),  # odd bounds
    ],
)
def test_slices_cover_the_range_exactly_without_overlap(since, until):
    slices = _slices(_at(since), _at(until))
    assert slices[0][0] == _at(since) and slices[-1][1] == _at(until)
    assert all(a[1] == b[0] for a, b in zip(slices, slices[1:], strict=False))
    assert all(low < high for low, high in slices)
    assert len(slices) <= REPORT_SLICES


def test_a_month_is_read_one_day_per_query():
    slices = _slices(_at("2026-05-01"), _at("2026-06-01"))
    assert len(slices) == 31
    assert {high - low for low, high in slices} == {timedelta(days=1)}


def test_a_year_is_read_in_at_most_64_queries_of_whole_days():
    slices = _slices(_at("2026-01-01"), _at("2027-01-01"))
    assert len(slices) == 61  # 365 days in steps of 6
    assert all((high - low) % timedelta(days=1) == timedelta(0) for low, high in slices[:-1])
