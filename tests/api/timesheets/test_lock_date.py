"""The org's lock date: time starting before it can no longer be created, edited or deleted."""

import pytest

from tests.api.timesheets.helpers import MONDAY, TUESDAY, entry, error

LOCK = TUESDAY  # Monday's time is locked, Tuesday's is not


def _lock(account, lock_date: str | None):
    return account.api.put("/api/v1/time-lock", json={"lock_date": lock_date})


@pytest.fixture
def locked(admin):
    assert _lock(admin, LOCK).status_code == 200


def test_an_admin_sets_the_lock_date_and_every_member_can_read_it(admin, member):
    response = _lock(admin, LOCK)
    assert response.status_code == 200 and response.json_body == {"lock_date": LOCK}
    assert member.api.get("/api/v1/time-lock").json_body == {"lock_date": LOCK}


def test_without_a_lock_date_nothing_is_locked(member):
    assert member.api.get("/api/v1/time-lock").json_body == {"lock_date": None}


def test_creating_time_before_the_lock_date_is_a_409_naming_it(member, locked):
    for path, body in (
        ("/api/v1/entries", {"start": f"{MONDAY}T09:00:00Z", "stop": f"{MONDAY}T10:00:00Z"}),
        ("/api/v1/time-entries", {"started_at": f"{MONDAY}T09:00:00Z", "stopped_at": f"{MONDAY}T10:00:00Z"}),
    ):
        response = member.api.post(path, json=body)
        assert response.status_code == 409, response.json_body
        assert f"lock date ({LOCK})" in error(response)["message"]
    assert member.api.get("/api/v1/entries").json_body["data"] == []


def test_time_from_the_lock_date_on_can_still_be_created(member, locked):
    assert (
        member.api.post(
            "/api/v1/entries", json={"start": f"{TUESDAY}T00:00:00Z", "stop": f"{TUESDAY}T01:00:00Z"}
        ).status_code
        == 201
    )


def test_editing_or_deleting_time_before_the_lock_date_is_a_409(admin, member):
    # GIVEN an entry on Monday, then a lock from Tuesday
    tracked = entry(member, MONDAY)
    _lock(admin, LOCK)
    # WHEN it is edited or deleted, through either route family, by its owner or an admin
    attempts = [
        member.api.patch(f"/api/v1/entries/{tracked['id']}", json={"description": "late fix"}),
        member.api.put(f"/api/v1/time-entries/{tracked['id']}", json={"started_at": f"{MONDAY}T08:00:00Z"}),
        member.api.delete(f"/api/v1/entries/{tracked['id']}"),
        admin.api.delete(f"/api/v1/time-entries/{tracked['id']}"),
    ]
    # THEN each is refused with the lock's reason, and the entry is unchanged
    for response in attempts:
        assert response.status_code == 409, response.json_body
        assert "lock date" in error(response)["message"]
    assert member.api.get(f"/api/v1/entries/{tracked['id']}").json_body == tracked


def test_moving_unlocked_time_into_the_locked_period_is_a_409(member, locked):
    tracked = entry(member, TUESDAY)
    response = member.api.patch(f"/api/v1/entries/{tracked['id']}", json={"start": f"{MONDAY}T09:00:00Z"})
    assert response.status_code == 409
    assert member.api.get(f"/api/v1/entries/{tracked['id']}").json_body["start"] == f"{TUESDAY}T09:00:00Z"


def test_moving_the_lock_date_back_unlocks_the_time_again(admin, member):
    tracked = entry(member, MONDAY)
    _lock(admin, LOCK)
    assert _lock(admin, MONDAY).status_code == 200
    assert member.api.patch(f"/api/v1/entries/{tracked['id']}", json={"description": "fixed"}).status_code == 200
    assert _lock(admin, None).json_body == {"lock_date": None}
    assert member.api.delete(f"/api/v1/entries/{tracked['id']}").status_code == 204


def test_a_timer_running_since_before_the_lock_date_can_still_be_stopped(admin, member):
    # GIVEN a timer started on Monday, still running when Tuesday is locked
    running = member.api.post("/api/v1/entries", json={"start": f"{MONDAY}T09:00:00Z"}).json_body
    _lock(admin, LOCK)
    # WHEN its owner stops it
    response = member.api.post("/api/v1/entries/stop")
    # THEN it stops: the lock covers finished time, and an open timer would otherwise run forever
    assert response.status_code == 200 and response.json_body["id"] == running["id"]
    assert response.json_body["running"] is False


def test_members_cannot_move_the_lock_date(member):
    response = _lock(member, LOCK)
    assert response.status_code == 403
    assert member.api.get("/api/v1/time-lock").json_body == {"lock_date": None}


@pytest.mark.parametrize("value", ["2999-01-01", "2026-02-30", "yesterday", 20260511])
def test_a_lock_date_in_the_future_or_malformed_is_a_400_naming_it(admin, value):
    response = admin.api.put("/api/v1/time-lock", json={"lock_date": value})
    assert response.status_code == 400
    assert error(response)["details"][0]["field"] == "lock_date"
    assert admin.api.get("/api/v1/time-lock").json_body == {"lock_date": None}


def test_the_lock_date_is_required_in_the_body(admin):
    response = admin.api.put("/api/v1/time-lock", json={})
    assert response.status_code == 400 and error(response)["details"][0]["field"] == "lock_date"


def test_another_orgs_lock_date_does_not_lock_this_orgs_time(admin, outsider):
    _lock(admin, LOCK)
    assert outsider.api.get("/api/v1/time-lock").json_body == {"lock_date": None}
    entry(outsider, MONDAY)


def test_moving_the_lock_date_is_audited(admin):
    _lock(admin, LOCK)
    logged = admin.api.get("/api/v1/audit-logs?entity_type=time_lock").json_body["data"]
    assert [item["changes"] for item in logged] == [{"lock_date": {"from": None, "to": LOCK}}]
