"""How an invoice's revenue is split over its lines (profitability per project) and how periods are named."""

from datetime import UTC, datetime

from chalicelib.reports.service import _periods, _shares


def test_a_split_adds_up_to_the_cent_with_the_largest_remainders_rounded_up():
    # 100 over three equal lines: 33.33 each, the leftover cent to the first
    assert _shares(100, [1, 1, 1]) == [34, 33, 33]
    # 37051 over 20000 / 18000 / 1001: 19000.03 / 17100.02 / 950.95 → the cent left over goes to the .95
    assert _shares(37051, [20000, 18000, 1001]) == [19000, 17100, 951]


def test_a_split_is_exact_when_the_shares_are_whole():
    assert _shares(36000, [20000, 18000, 2000]) == [18000, 16200, 1800]


def test_nothing_to_split_over_gives_nothing():
    assert _shares(500, [0, 0]) == [0, 0]


def test_periods_cover_the_range_including_partial_ones():
    start, end = datetime(2025, 11, 15, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)
    assert _periods(start, end, "month") == ["2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
    assert _periods(start, end, "quarter") == ["2025-Q4", "2026-Q1"]
    assert _periods(start, end, "year") == ["2025", "2026"]
