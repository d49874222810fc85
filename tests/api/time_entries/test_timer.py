"""One running timer per user, in both documents' words."""

import pytest

from tests.api.tasks.helpers import project
from tests.support import factories


@pytest.fixture
def owner(api):
    return factories.register(api)


def test_starting_a_timer_stops_the_running_one_at_the_new_start(owner):
    # GIVEN a running entry created with an explicit start
    first = owner.api.post("/api/v1/entries", json={"start": "2026-05-24T14:00:00Z", "description": "a"})
    assert first.status_code == 201, first.json_body
    # WHEN another running entry starts later
    second = owner.api.post("/api/v1/entries", json={"start": "2026-05-24T15:00:00Z", "description": "b"})
    # THEN the first stopped exactly there and only the second runs
    assert second.status_code == 201, second.json_body
    stopped = owner.api.get(f"/api/v1/entries/{first.json_body['id']}").json_body
    assert stopped["stop"] == "2026-05-24T15:00:00Z" and stopped["duration"] == 3600
    assert owner.api.get("/api/v1/entries/current").json_body["id"] == second.json_body["id"]


def test_stop_with_nothing_running_is_404(owner):
    assert owner.api.post("/api/v1/entries/stop").status_code == 404
    assert owner.api.get("/api/v1/entries/current").json_body is None
    assert owner.api.get("/api/v1/time/current").json_body is None


def test_trcr_start_stop_and_current(owner):
    started = owner.api.post("/api/v1/time-entries/start", json={"description": "docs"})
    assert started.status_code == 201, started.json_body
    entry_id = started.json_body["id"]
    assert owner.api.get("/api/v1/time/current").json_body["id"] == entry_id
    stopped = owner.api.post(f"/api/v1/time-entries/{entry_id}/stop")
    assert stopped.status_code == 200 and stopped.json_body["stopped_at"]
    assert owner.api.get("/api/v1/time/current").json_body is None


def test_manual_trcr_entry_needs_both_ends_and_stop_after_start(owner):
    missing = owner.api.post("/api/v1/time-entries", json={"started_at": "2026-03-28T09:00:00Z"})
    assert missing.status_code == 400
    assert missing.json_body["error"]["details"][0]["field"] == "stopped_at"
    backwards = owner.api.post(
        "/api/v1/time-entries", json={"started_at": "2026-03-28T09:00:00Z", "stopped_at": "2026-03-28T08:00:00Z"}
    )
    assert backwards.status_code == 400


def test_idempotency_key_returns_the_original_and_refuses_another_body(owner):
    body = {"start": "2026-05-24T14:00:00Z", "stop": "2026-05-24T15:30:00Z", "idempotency_key": "k-1"}
    first = owner.api.post("/api/v1/entries", json=body)
    again = owner.api.post("/api/v1/entries", json=body)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json_body["id"] == first.json_body["id"]
    other = owner.api.post("/api/v1/entries", json={**body, "description": "different"})
    assert other.status_code == 409
    assert len(owner.api.get("/api/v1/entries").json_body["data"]) == 1


def test_patch_can_clear_project_with_null(owner):
    project_id = project(owner)
    created = owner.api.post(
        "/api/v1/entries",
        json={"start": "2026-05-24T14:00:00Z", "stop": "2026-05-24T15:00:00Z", "project_id": project_id},
    ).json_body
    patched = owner.api.patch(f"/api/v1/entries/{created['id']}", json={"project_id": None})
    assert patched.status_code == 200 and patched.json_body["project_id"] is None


def test_tags_are_normalised_and_counted(owner):
    owner.api.post(
        "/api/v1/entries",
        json={"start": "2026-05-24T14:00:00Z", "stop": "2026-05-24T15:00:00Z", "tags": ["Client-Work", " writing "]},
    )
    owner.api.post(
        "/api/v1/entries",
        json={"start": "2026-05-24T16:00:00Z", "stop": "2026-05-24T17:00:00Z", "tags": ["client-work"]},
    )
    tags = {tag["name"]: tag["count"] for tag in owner.api.get("/api/v1/tags").json_body["data"]}
    assert tags == {"client-work": 2, "writing": 1}


def test_members_only_see_their_own_entries(api, owner):
    member = factories.join(api, owner)
    mine = member.api.post("/api/v1/entries", json={"start": "2026-05-24T14:00:00Z", "stop": "2026-05-24T15:00:00Z"})
    theirs = owner.api.post("/api/v1/entries", json={"start": "2026-05-24T14:00:00Z", "stop": "2026-05-24T15:00:00Z"})
    listed = [e["id"] for e in member.api.get(f"/api/v1/entries?user_id={owner.user_id}").json_body["data"]]
    assert listed == [mine.json_body["id"]]
    assert member.api.get(f"/api/v1/entries/{theirs.json_body['id']}").status_code == 404
    assert len(owner.api.get("/api/v1/entries").json_body["data"]) == 2


def test_from_is_inclusive_and_to_exclusive(owner):
    for start in ("2026-05-01T00:00:00Z", "2026-05-02T00:00:00Z", "2026-05-03T00:00:00Z"):
        owner.api.post("/api/v1/entries", json={"start": start, "stop": start.replace("00:00:00", "01:00:00")})
    listed = owner.api.get("/api/v1/entries?from=2026-05-01T00:00:00Z&to=2026-05-03T00:00:00Z").json_body["data"]
    assert [e["start"] for e in listed] == ["2026-05-02T00:00:00Z", "2026-05-01T00:00:00Z"]
