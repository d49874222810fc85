"""DynamoDB calls per request of the 10 most used routes (bench/route_calls.py): counts only, never times.

Routes within the budget (reads ≤ 2, writes ≤ 3) must stay there; routes over it today (bench/RESULTS.md says
which and why) must not get worse. No route may Scan.
"""

import pytest

from bench import route_calls

# Reads and writes per request today (the request meter's batched flush excluded, as in the bench).
TODAY = {
    "GET /tasks": (2, 0),
    "GET /tasks/{id}": (2, 0),
    "POST /tasks": (2, 1),
    "PUT /tasks/{id}": (2, 1),
    "PUT /tasks/{id}/status": (2, 1),
    "POST /time-entries/start": (2, 1),
    "POST /time-entries/{id}/stop": (2, 1),
    "GET /time-entries": (2, 0),
    "GET /projects": (2, 0),
    "GET /search": (2, 0),
}


@pytest.fixture
def measured(api) -> dict[str, route_calls.RouteCalls]:
    results = {}
    for route in route_calls._routes(api):
        status, calls, _ = route_calls._measure(route)
        results[route.label] = route_calls._route_calls(route.label, status, calls)
    return results


def test_the_ten_routes_answer_successfully(measured):
    assert sorted(measured) == sorted(TODAY)
    assert all(200 <= item.status < 300 for item in measured.values())


def test_no_frequent_route_scans(measured):
    assert [label for label, item in measured.items() if item.scans] == []


def test_no_frequent_route_makes_more_calls_than_today(measured):
    worse = {
        label: (item.reads, item.writes)
        for label, item in measured.items()
        if item.reads > TODAY[label][0] or item.writes > TODAY[label][1]
    }
    assert worse == {}


def test_routes_within_the_budget_stay_within_it(measured):
    within = [label for label, (reads, writes) in TODAY.items() if reads <= 2 and writes <= 3]
    assert [label for label in within if not measured[label].within_budget] == []
