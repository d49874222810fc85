"""TRCR's GET /time-entries filters as the document writes them (`from=2026-03-01&to=2026-03-31`)."""

import pytest

from tests.support import factories


@pytest.fixture
def owner(api):
    return factories.register(api)


def _entry(owner, started_at: str, stopped_at: str) -> str:
    response = owner.api.post("/api/v1/time-entries", json={"started_at": started_at, "stopped_at": stopped_at})
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]


def test_time_entry_list_accepts_the_documents_date_range_and_counts_the_last_day(owner):
    # GIVEN entries on the last day of February, the first and last days of March, and 1 April
    _entry(owner, "2026-02-28T23:00:00Z", "2026-02-28T23:30:00Z")
    first = _entry(owner, "2026-03-01T00:00:00Z", "2026-03-01T01:00:00Z")
    last = _entry(owner, "2026-03-31T22:00:00Z", "2026-03-31T23:00:00Z")
    _entry(owner, "2026-04-01T00:00:00Z", "2026-04-01T01:00:00Z")
    # WHEN the list is asked for March with plain dates, as in the document's example
    response = owner.api.get("/api/v1/time-entries?from=2026-03-01&to=2026-03-31")
    # THEN both March entries are listed, 31 March included, and nothing outside
    assert response.status_code == 200, response.json_body
    assert sorted(entry["id"] for entry in response.json_body["data"]) == sorted([first, last])


def test_time_entry_list_keeps_a_timestamp_to_exclusive(owner):
    _entry(owner, "2026-03-31T22:00:00Z", "2026-03-31T23:00:00Z")
    response = owner.api.get("/api/v1/time-entries?from=2026-03-01T00:00:00Z&to=2026-03-31T22:00:00Z")
    assert response.status_code == 200, response.json_body
    assert response.json_body["data"] == []


@pytest.mark.parametrize("query", ["from=2026-02-30", "to=31-03-2026", "to=2026-03-31T10:00:00"])
def test_time_entry_list_with_a_malformed_date_is_400_naming_the_field(owner, query):
    response = owner.api.get(f"/api/v1/time-entries?{query}")
    assert response.status_code == 400
    assert response.json_body["error"]["details"][0]["field"] == query.split("=")[0]
