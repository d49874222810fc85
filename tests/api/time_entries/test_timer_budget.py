"""Starting a timer costs at most two DynamoDB calls besides authentication (issue 6's budget)."""

import pytest

from chalicelib.core.metrics import count_dynamodb_calls
from tests.support import factories


@pytest.fixture
def owner(api):
    return factories.register(api)


@pytest.mark.parametrize("running_before", [False, True])
def test_a_timer_start_is_one_read_and_one_transaction(owner, running_before):
    # GIVEN a user with, or without, a timer already running
    if running_before:
        assert owner.api.post("/api/v1/entries/start", json={"description": "first"}).status_code == 201
    # WHEN they start a timer
    with count_dynamodb_calls() as calls:
        response = owner.api.post("/api/v1/entries/start", json={"description": "next"})
    # THEN besides authentication's one BatchGetItem it took the timer read and one transaction
    assert response.status_code == 201, response.json_body
    assert dict(calls) == {"BatchGetItem": 1, "GetItem": 1, "TransactWriteItems": 1}


def test_the_replaced_timer_stops_exactly_when_the_new_one_starts(owner):
    first = owner.api.post("/api/v1/entries/start", json={"description": "first"}).json_body
    second = owner.api.post("/api/v1/entries/start", json={"description": "second"}).json_body
    stopped = owner.api.get(f"/api/v1/entries/{first['id']}").json_body
    assert stopped["stop"] == second["start"]
    assert owner.api.get("/api/v1/entries/current").json_body["id"] == second["id"]


def test_an_entry_changed_while_running_is_still_stopped_and_keeps_its_changes(owner):
    # GIVEN a running timer whose description was edited (its version moved on)
    first = owner.api.post("/api/v1/entries/start", json={"description": "first"}).json_body
    assert owner.api.patch(f"/api/v1/entries/{first['id']}", json={"description": "edited"}).status_code == 200
    # WHEN another timer starts
    assert owner.api.post("/api/v1/entries/start", json={}).status_code == 201
    # THEN the edited entry stopped with its edit, and can still be edited (its version stayed coherent)
    stopped = owner.api.get(f"/api/v1/entries/{first['id']}").json_body
    assert (stopped["description"], stopped["stop"] is not None) == ("edited", True)
    assert owner.api.patch(f"/api/v1/entries/{first['id']}", json={"description": "again"}).status_code == 200


def test_a_new_running_entry_that_starts_before_the_running_one_is_400(owner):
    owner.api.post("/api/v1/entries", json={"start": "2026-05-04T10:00:00Z"})
    response = owner.api.post("/api/v1/entries", json={"start": "2026-05-04T09:00:00Z"})
    assert response.status_code == 400
    assert response.json_body["error"]["details"][0]["field"] == "start"
    assert owner.api.get("/api/v1/entries/current").json_body["start"] == "2026-05-04T10:00:00Z"
