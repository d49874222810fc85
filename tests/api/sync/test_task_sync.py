"""A client that keeps an offline copy of the tasks converges with `updated_since` and /sync/deletions."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from chalicelib.core.sync import Tombstone
from chalicelib.core.timeutil import epoch_seconds, to_rfc3339
from tests.api.tasks.helpers import ids, project, restricted_project, task
from tests.support import factories


def _get(client, path: str, **params):
    return client.get(f"{path}?{urlencode(params)}")


def _deletions(account, since: str, entity_type: str = "task", **params):
    response = _get(account.api, "/api/v1/sync/deletions", **{"since": since, "type": entity_type, **params})
    assert response.status_code == 200, response.json_body
    return response.json_body


def _changed_tasks(account, since: str) -> list[str]:
    return ids(_get(account.api, "/api/v1/tasks", **{"updated_since": since, "per_page": 100}))


def _sync_point(account) -> str:
    """What a client stores after a sync: the server's `next_since` (asked before it reads the lists)."""
    return _deletions(account, to_rfc3339(datetime.now(UTC) - timedelta(minutes=1)))["next_since"]


def _instant_after_setup() -> str:
    """A sync point right after the set-up (the server's 60 s overlap would include the set-up itself)."""
    return to_rfc3339(datetime.now(UTC))


def test_a_sync_returns_exactly_the_changed_tasks_and_the_deleted_ids(owner):
    # GIVEN a client holding the full list of four tasks
    project_id = project(owner)
    kept, edited, deleted, moved = (task(owner, project_id, title=title)["id"] for title in "abcd")
    assert set(ids(owner.api.get("/api/v1/tasks"))) == {kept, edited, deleted, moved}
    since = _instant_after_setup()
    # WHEN one task is edited, one deleted, one changes status and one is created
    assert owner.api.put(f"/api/v1/tasks/{edited}", json={"title": "edited"}).status_code == 200
    assert owner.api.delete(f"/api/v1/tasks/{deleted}").status_code == 204
    assert owner.api.put(f"/api/v1/tasks/{moved}/status", json={"status": "in_progress"}).status_code == 200
    created = task(owner, project_id, title="e")["id"]
    # THEN the list since the sync point has exactly the changed and created tasks
    assert set(_changed_tasks(owner, since)) == {edited, moved, created}
    # AND the deletions since then name exactly the deleted task
    deletions = _deletions(owner, since)["data"]
    assert [(d["id"], d["type"]) for d in deletions] == [(deleted, "task")]
    assert deletions[0]["deleted_at"] >= since


def test_a_task_list_without_changes_since_the_sync_point_is_empty(owner):
    # GIVEN tasks created before the sync point
    project_id = project(owner)
    task(owner, project_id)
    since = _instant_after_setup()
    # WHEN the client syncs with nothing changed
    # THEN nothing comes back
    assert _changed_tasks(owner, since) == []
    assert _deletions(owner, since)["data"] == []


def test_updated_since_also_applies_within_a_project(owner):
    # GIVEN two projects with a task each, and one edited after the sync point
    first, second = project(owner, name="One"), project(owner, name="Two")
    old, edited = task(owner, first)["id"], task(owner, second)["id"]
    since = _instant_after_setup()
    owner.api.put(f"/api/v1/tasks/{edited}", json={"title": "new"})
    owner.api.put(f"/api/v1/tasks/{old}", json={"title": "new too"})
    # WHEN the client syncs one project
    response = _get(owner.api, "/api/v1/tasks", **{"updated_since": since, "project_id": second})
    # THEN only that project's changed task comes back
    assert ids(response) == [edited]


def test_next_since_is_a_minute_before_the_request_so_writes_in_flight_are_not_missed(owner):
    # WHEN a client asks for deletions
    before = datetime.now(UTC)
    body = _deletions(owner, to_rfc3339(before - timedelta(hours=1)))
    # THEN the sync point to store next is about a minute before the request
    next_since = datetime.fromisoformat(body["next_since"].replace("Z", "+00:00"))
    assert before - timedelta(seconds=61) <= next_since <= before


def test_deleting_a_project_leaves_tombstones_for_it_and_its_tasks_from_the_background_job(owner):
    # GIVEN a project with two tasks
    project_id = project(owner)
    first, second = task(owner, project_id)["id"], task(owner, project_id)["id"]
    since = _instant_after_setup()
    # WHEN the project is deleted and the background job removes its tasks
    assert owner.api.delete(f"/api/v1/projects/{project_id}").status_code == 204
    factories.drain_jobs()
    # THEN the deletions name the project and both tasks
    assert [d["id"] for d in _deletions(owner, since, "project")["data"]] == [project_id]
    assert {d["id"] for d in _deletions(owner, since)["data"]} == {first, second}


def test_deletions_are_paged_with_a_cursor(owner):
    # GIVEN three deleted tasks
    project_id = project(owner)
    task_ids = [task(owner, project_id)["id"] for _ in range(3)]
    since = _instant_after_setup()
    for task_id in task_ids:
        owner.api.delete(f"/api/v1/tasks/{task_id}")
    # WHEN the client pages the deletions two at a time
    first = _deletions(owner, since, per_page=2)
    second = _deletions(owner, since, per_page=2, cursor=first["next_cursor"])
    # THEN every deletion comes exactly once, oldest first
    assert first["has_more"] and not second["has_more"]
    assert [d["id"] for d in first["data"] + second["data"]] == task_ids


# --- the sync point ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01T00:00:00Z", "2026-03-28T09:00:00"])
def test_a_malformed_updated_since_is_a_400_naming_it(owner, value):
    # WHEN the list is asked for changes since something that is not an RFC 3339 instant with a zone
    response = _get(owner.api, "/api/v1/tasks", **{"updated_since": value})
    # THEN the answer names the parameter
    assert response.status_code == 400
    assert response.json_body["error"]["details"][0]["field"] == "updated_since"


def test_a_malformed_or_missing_since_on_deletions_is_a_400_naming_it(owner):
    bad = _get(owner.api, "/api/v1/sync/deletions", **{"since": "soon", "type": "task"})
    missing = _get(owner.api, "/api/v1/sync/deletions", **{"type": "task"})
    unknown_type = _get(owner.api, "/api/v1/sync/deletions", **{"since": _instant_after_setup(), "type": "x"})
    assert (bad.status_code, bad.json_body["error"]["details"][0]["field"]) == (400, "since")
    assert (missing.status_code, missing.json_body["error"]["details"][0]["field"]) == (400, "since")
    assert (unknown_type.status_code, unknown_type.json_body["error"]["details"][0]["field"]) == (400, "type")


def test_a_sync_point_older_than_30_days_is_a_410_asking_for_a_full_resync(owner):
    # GIVEN a sync point just past the 30 days tombstones are kept
    too_old = to_rfc3339(datetime.now(UTC) - timedelta(days=30, minutes=1))
    # WHEN the client syncs the list or the deletions with it
    listed = _get(owner.api, "/api/v1/tasks", **{"updated_since": too_old})
    deleted = _get(owner.api, "/api/v1/sync/deletions", **{"since": too_old, "type": "task"})
    # THEN both say a full resync is needed, naming the parameter
    assert (listed.status_code, listed.json_body["error"]["code"]) == (410, "resync_required")
    assert listed.json_body["error"]["details"][0]["field"] == "updated_since"
    assert (deleted.status_code, deleted.json_body["error"]["code"]) == (410, "resync_required")
    assert deleted.json_body["error"]["details"][0]["field"] == "since"


def test_a_sync_point_just_inside_30_days_is_accepted(owner):
    recent_enough = to_rfc3339(datetime.now(UTC) - timedelta(days=30) + timedelta(minutes=1))
    assert _get(owner.api, "/api/v1/tasks", **{"updated_since": recent_enough}).status_code == 200
    assert _deletions(owner, recent_enough)["data"] == []


def _stored_tombstone(org_id: str, task_id: str, deleted_at: datetime) -> None:
    pk, sk = Tombstone.keys(org_id, "task", deleted_at, task_id)
    Tombstone(
        pk,
        sk,
        id=task_id,
        type="task",
        org_id=org_id,
        deleted_at=deleted_at,
        expires_at=epoch_seconds(deleted_at + timedelta(days=30)),
    ).save()


def test_a_tombstone_past_its_30_days_is_not_returned_even_before_ttl_removes_it(owner):
    # GIVEN a tombstone whose 30 days ran out a minute ago (TTL deletion lags), and one that has a minute left
    now = datetime.now(UTC)
    _stored_tombstone(owner.org_id, "tsk_expired", now - timedelta(days=30, minutes=1))
    _stored_tombstone(owner.org_id, "tsk_kept", now - timedelta(days=30) + timedelta(minutes=1))
    # WHEN the client asks from the oldest sync point still accepted
    since = to_rfc3339(now - timedelta(days=30) + timedelta(seconds=5))
    # THEN only the tombstone still within its 30 days comes back
    assert [d["id"] for d in _deletions(owner, since)["data"]] == ["tsk_kept"]


def test_tombstones_carry_a_ttl_of_30_days(owner):
    # WHEN a task is deleted
    task_id = task(owner, project(owner))["id"]
    owner.api.delete(f"/api/v1/tasks/{task_id}")
    # THEN its tombstone expires (TTL attribute) 30 days after the deletion
    (tombstone,) = Tombstone.query(Tombstone.partition(owner.org_id, "task"))
    assert tombstone.expires_at == epoch_seconds(tombstone.deleted_at + timedelta(days=30))


# --- who sees what -------------------------------------------------------------------------------------------


def test_another_orgs_deletions_and_changes_are_not_visible(owner, outsider):
    # GIVEN a task of another org edited and one deleted after the sync point
    project_id = project(outsider)
    edited, deleted = task(outsider, project_id)["id"], task(outsider, project_id)["id"]
    since = _instant_after_setup()
    outsider.api.put(f"/api/v1/tasks/{edited}", json={"title": "x"})
    outsider.api.delete(f"/api/v1/tasks/{deleted}")
    # WHEN this org's owner syncs
    # THEN none of it shows
    assert _changed_tasks(owner, since) == []
    assert _deletions(owner, since)["data"] == []


def test_a_member_does_not_see_deletions_in_projects_private_to_others(owner, member):
    # GIVEN a task in a project private to the owner and one in an open project, both deleted
    private = task(owner, restricted_project(owner, members=[owner]))["id"]
    public = task(owner, project(owner, name="Open"))["id"]
    since = _instant_after_setup()
    owner.api.delete(f"/api/v1/tasks/{private}")
    owner.api.delete(f"/api/v1/tasks/{public}")
    # WHEN the member and the owner sync
    # THEN the member sees only the open project's deletion; the owner sees both
    assert [d["id"] for d in _deletions(member, since)["data"]] == [public]
    assert {d["id"] for d in _deletions(owner, since)["data"]} == {private, public}


def test_deletions_need_credentials(api):
    response = _get(api, "/api/v1/sync/deletions", **{"since": "2026-01-01T00:00:00Z", "type": "task"})
    assert response.status_code == 401


def test_a_deletions_cursor_from_another_org_is_refused(owner, outsider):
    # GIVEN a cursor into the other org's task deletions
    project_id = project(outsider)
    task_ids = [task(outsider, project_id)["id"] for _ in range(2)]
    since = _instant_after_setup()
    for task_id in task_ids:
        outsider.api.delete(f"/api/v1/tasks/{task_id}")
    cursor = _deletions(outsider, since, per_page=1)["next_cursor"]
    assert cursor
    # WHEN this org's owner pages with it
    response = _get(owner.api, "/api/v1/sync/deletions", since=since, type="task", cursor=cursor)
    # THEN it is a 400 naming the cursor, not the other org's deletions
    assert (response.status_code, response.json_body["error"]["details"][0]["field"]) == (400, "cursor")
