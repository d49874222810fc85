"""TRCR's time reports read `to=2026-03-31` (the document's examples) as the last day counted."""

import pytest

from tests.support import factories


@pytest.fixture
def owner(api):
    return factories.register(api)


def _entry(account, start: str, stop: str) -> None:
    response = account.api.post("/api/v1/entries", json={"start": start, "stop": stop})
    assert response.status_code == 201, response.json_body


def test_timesheet_for_march_counts_work_done_on_31_march(owner):
    # GIVEN 1 h on 2 March, 2 h on 31 March and 4 h on 1 April
    _entry(owner, "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z")
    _entry(owner, "2026-03-31T09:00:00Z", "2026-03-31T11:00:00Z")
    _entry(owner, "2026-04-01T09:00:00Z", "2026-04-01T13:00:00Z")
    # WHEN the timesheet is asked exactly as the document's example does
    response = owner.api.get("/api/v1/reports/timesheet?from=2026-03-01&to=2026-03-31&group_by=month")
    # THEN March holds 3 h (31 March included, April left out) and the range ends at the end of 31 March
    assert response.status_code == 200, response.json_body
    assert [(row["group"], row["seconds"]) for row in response.json_body["rows"]] == [("2026-03-01", 3 * 3600)]
    assert response.json_body["to"] == "2026-04-01T00:00:00Z"


def test_timesheet_with_a_timestamp_to_stops_at_that_instant(owner):
    _entry(owner, "2026-03-31T09:00:00Z", "2026-03-31T11:00:00Z")
    response = owner.api.get("/api/v1/reports/timesheet?from=2026-03-01T00:00:00Z&to=2026-03-31T09:00:00Z")
    assert response.status_code == 200, response.json_body
    assert response.json_body["rows"] == []


def test_utilization_for_march_counts_31_march_as_a_working_day(owner):
    # GIVEN 8 h on Tuesday 31 March 2026; March 2026 has 22 working days
    _entry(owner, "2026-03-31T08:00:00Z", "2026-03-31T16:00:00Z")
    report = owner.api.get("/api/v1/reports/utilization?from=2026-03-01&to=2026-03-31").json_body
    [row] = report["rows"]
    assert (row["tracked_hours"], row["available_hours"]) == (8.0, 22 * 8.0)


def test_a_one_day_timesheet_is_that_whole_day(owner):
    _entry(owner, "2026-03-31T09:00:00Z", "2026-03-31T10:00:00Z")
    response = owner.api.get("/api/v1/reports/timesheet?from=2026-03-31&to=2026-03-31")
    assert response.status_code == 200, response.json_body
    assert [row["seconds"] for row in response.json_body["rows"]] == [3600]
