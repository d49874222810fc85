"""PATCH and DELETE /tasks/bulk: many tasks in one request, each under the single endpoints' rules (decision 95)."""

import pytest

from tests.api.tasks.helpers import project, restricted_project, task

UNKNOWN = "tsk_01HV0000000000000000000000"


def _patch(account, ids: list[str], changes: dict):
    return account.api.patch("/api/v1/tasks/bulk", json={"ids": ids, "changes": changes})


def _delete(account, ids: list[str]):
    return account.api.delete("/api/v1/tasks/bulk", json={"ids": ids})


def _by_id(response) -> dict[str, dict]:
    assert response.status_code == 200, response.json_body
    return {result["id"]: result for result in response.json_body["results"]}


def _stats(account, project_id: str) -> dict:
    rows = account.api.get("/api/v1/projects/stats").json_body["data"]
    return next({"total": row["total"], "done": row["done"]} for row in rows if row["project_id"] == project_id)


def _field(response) -> set[str]:
    assert response.status_code == 400, response.json_body
    return {detail["field"] for detail in response.json_body["error"]["details"]}


# --- PATCH /tasks/bulk ---------------------------------------------------------------------------------------


def test_bulk_patch_changes_every_task_and_answers_each(owner, member):
    # GIVEN three tasks
    project_id = project(owner)
    ids = [task(owner, project_id, title=f"Task {n}")["id"] for n in range(3)]
    # WHEN they are all given a priority and an assignee in one request
    response = _patch(owner, ids, {"priority": "urgent", "assignee_id": member.user_id})
    # THEN each result is a 200 carrying the changed task, in the order asked
    body = response.json_body
    assert response.status_code == 200
    assert [r["id"] for r in body["results"]] == ids
    assert all(r["status"] == 200 and r["error"] is None for r in body["results"])
    assert all(r["task"]["priority"] == "urgent" for r in body["results"])
    assert (body["succeeded"], body["failed"]) == (3, 0)
    # AND reading them back shows the change
    for task_id in ids:
        stored = owner.api.get(f"/api/v1/tasks/{task_id}").json_body
        assert (stored["priority"], stored["assignee_id"]) == ("urgent", member.user_id)


def test_bulk_patch_writes_one_audit_entry_per_task(owner):
    # GIVEN two tasks
    project_id = project(owner)
    ids = [task(owner, project_id, title=f"Task {n}")["id"] for n in range(2)]
    # WHEN both are renamed in bulk
    _patch(owner, ids, {"title": "Renamed"})
    # THEN each task's audit log has its own update entry
    for task_id in ids:
        entries = owner.api.get(f"/api/v1/audit-logs?entity_id={task_id}").json_body["data"]
        assert entries[0]["action"] == "updated"
        assert entries[0]["changes"]["title"]["to"] == "Renamed"


def test_bulk_status_change_follows_the_workflow_and_keeps_project_counts(owner):
    # GIVEN a project with three open tasks
    project_id = project(owner)
    ids = [task(owner, project_id, title=f"Task {n}")["id"] for n in range(3)]
    # WHEN two are moved to done in bulk
    results = _by_id(_patch(owner, ids[:2], {"status": "done"}))
    # THEN both are done (completed), and the project's stats count them
    assert all(results[i]["task"]["completed_at"] is not None for i in ids[:2])
    assert _stats(owner, project_id) == {"total": 3, "done": 2}


def test_bulk_patch_with_an_unknown_status_is_400_and_changes_nothing(owner):
    # GIVEN two tasks
    project_id = project(owner)
    ids = [task(owner, project_id, title=f"Task {n}")["id"] for n in range(2)]
    # WHEN they are moved to a status the workflow does not have
    response = _patch(owner, ids, {"status": "shipped", "priority": "high"})
    # THEN it is a 400 naming changes.status, and neither task changed
    assert "changes.status" in _field(response)
    assert all(owner.api.get(f"/api/v1/tasks/{i}").json_body["priority"] == "medium" for i in ids)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"changes": {"priority": "high"}}, "ids"),
        ({"ids": [], "changes": {"priority": "high"}}, "ids"),
        ({"ids": [UNKNOWN, UNKNOWN], "changes": {"priority": "high"}}, "ids"),
        ({"ids": [UNKNOWN]}, "changes"),
        ({"ids": [UNKNOWN], "changes": {}}, "changes"),
        ({"ids": [UNKNOWN], "changes": {"priority": "whenever"}}, "changes.priority"),
        ({"ids": [UNKNOWN], "changes": {"org_id": "org_x"}}, "changes.org_id"),
        ({"ids": [7], "changes": {"priority": "high"}}, "ids.0"),
    ],
)
def test_a_bad_bulk_patch_body_is_400_naming_the_field(owner, body, field):
    # WHEN the body is missing ids, repeats one, changes nothing, or changes a field badly
    response = owner.api.patch("/api/v1/tasks/bulk", json=body)
    # THEN it is a 400 naming the field
    assert field in _field(response)


def test_more_than_100_ids_is_400_and_nothing_is_written(owner):
    # GIVEN a task and 100 more ids
    project_id = project(owner)
    real = task(owner, project_id)["id"]
    ids = [real] + [f"tsk_01HV{n:022d}" for n in range(100)]
    # WHEN 101 tasks are patched and deleted at once
    patched = _patch(owner, ids, {"priority": "high"})
    deleted = _delete(owner, ids)
    # THEN both are 400 naming ids, and the task is untouched
    assert "ids" in _field(patched) and "ids" in _field(deleted)
    assert owner.api.get(f"/api/v1/tasks/{real}").json_body["priority"] == "medium"


def test_exactly_100_ids_are_accepted(owner):
    # GIVEN a task and 99 ids that name no task
    project_id = project(owner)
    real = task(owner, project_id)["id"]
    ids = [real] + [f"tsk_01HV{n:022d}" for n in range(99)]
    # WHEN the 100 are patched
    body = _patch(owner, ids, {"priority": "low"}).json_body
    # THEN the task is changed and the other 99 answer 404 each
    assert (body["succeeded"], body["failed"]) == (1, 99)
    assert owner.api.get(f"/api/v1/tasks/{real}").json_body["priority"] == "low"


def test_bulk_patch_reports_per_id_errors_and_applies_the_rest(owner, outsider):
    # GIVEN one of the owner's tasks, another org's task, an unknown id and a malformed one
    mine = task(owner, project(owner))["id"]
    theirs = task(outsider, project(outsider))["id"]
    ids = [mine, theirs, UNKNOWN, "not-an-id"]
    # WHEN the owner patches them all
    results = _by_id(_patch(owner, ids, {"priority": "high"}))
    # THEN their own task changes; the others are each a 404 not_found, as on the single endpoint
    assert results[mine]["status"] == 200
    for other in ids[1:]:
        assert results[other]["status"] == 404
        assert results[other]["error"]["code"] == "not_found" and results[other]["task"] is None
    # AND the other org's task is untouched
    assert outsider.api.get(f"/api/v1/tasks/{theirs}").json_body["priority"] == "medium"


def test_bulk_patch_applies_per_task_validation(owner):
    # GIVEN a task due on 1 March and one without dates
    project_id = project(owner)
    due = task(owner, project_id, title="Due", due_date="2026-03-01")["id"]
    free = task(owner, project_id, title="Free")["id"]
    # WHEN both are given a start date after that due date
    results = _by_id(_patch(owner, [due, free], {"start_date": "2026-04-01"}))
    # THEN the dated task answers 400 with the documented message, and the other one is changed
    assert results[due]["status"] == 400
    assert results[due]["error"]["message"] == "start_date must be on or before due_date"
    assert results[free]["status"] == 200 and results[free]["task"]["start_date"] == "2026-04-01"


def test_a_member_needs_manage_tasks_to_change_status_in_bulk(owner, member):
    # GIVEN a task in an open project, and one in a project the member cannot see
    open_task = task(owner, project(owner))["id"]
    hidden_task = task(owner, restricted_project(owner))["id"]
    # WHEN the member moves both to done, then changes their priority
    status = _by_id(_patch(member, [open_task, hidden_task], {"status": "done"}))
    priority = _by_id(_patch(member, [open_task, hidden_task], {"priority": "low"}))
    # THEN the status change is 403 forbidden (manage_tasks), the hidden task 404 both times;
    # the priority change, which PUT /tasks/{id} allows a member, goes through
    assert status[open_task]["status"] == 403 and status[open_task]["error"]["code"] == "forbidden"
    assert status[hidden_task]["status"] == 404 and priority[hidden_task]["status"] == 404
    assert priority[open_task]["status"] == 200
    assert owner.api.get(f"/api/v1/tasks/{open_task}").json_body["status"] != "done"


# --- DELETE /tasks/bulk --------------------------------------------------------------------------------------


def test_bulk_delete_removes_the_tasks_and_keeps_project_counts_right(owner):
    # GIVEN a project with three tasks, one of them done
    project_id = project(owner)
    ids = [task(owner, project_id, title=f"Task {n}")["id"] for n in range(3)]
    assert owner.api.put(f"/api/v1/tasks/{ids[0]}/status", json={"status": "done"}).status_code == 200
    # WHEN the done task and an open one are deleted in bulk
    body = _delete(owner, ids[:2]).json_body
    # THEN both answer 204, are gone, and the project's stats count only the one left
    assert [(r["id"], r["status"]) for r in body["results"]] == [(ids[0], 204), (ids[1], 204)]
    assert (body["succeeded"], body["failed"]) == (2, 0)
    assert all(owner.api.get(f"/api/v1/tasks/{i}").status_code == 404 for i in ids[:2])
    assert _stats(owner, project_id) == {"total": 1, "done": 0}
    # AND each deletion is in its task's audit log
    for task_id in ids[:2]:
        entries = owner.api.get(f"/api/v1/audit-logs?entity_id={task_id}").json_body["data"]
        assert entries[0]["action"] == "deleted"


def test_bulk_delete_reports_per_id_errors_and_deletes_the_rest(owner, member, outsider):
    # GIVEN the member's own task, the owner's task, another org's task and an unknown id
    project_id = project(owner)
    own = task(member, project_id, title="Mine")["id"]
    owners = task(owner, project_id, title="Owner's")["id"]
    theirs = task(outsider, project(outsider))["id"]
    # WHEN the member deletes them all
    results = _by_id(_delete(member, [own, owners, theirs, UNKNOWN]))
    # THEN their own task goes (its reporter), the owner's is 403 (not reporter, no manage_tasks),
    # the other org's and the unknown are 404
    assert results[own]["status"] == 204
    assert results[owners]["status"] == 403 and results[owners]["error"]["code"] == "forbidden"
    assert results[theirs]["status"] == 404 and results[UNKNOWN]["status"] == 404
    # AND only the member's task is gone
    assert owner.api.get(f"/api/v1/tasks/{owners}").status_code == 200
    assert outsider.api.get(f"/api/v1/tasks/{theirs}").status_code == 200
    assert _stats(owner, project_id) == {"total": 1, "done": 0}


def test_deleting_a_task_twice_in_bulk_is_404_the_second_time(owner):
    # GIVEN a task deleted in bulk
    task_id = task(owner, project(owner))["id"]
    _delete(owner, [task_id])
    # WHEN it is deleted in bulk again
    results = _by_id(_delete(owner, [task_id]))
    # THEN it is a per-id 404
    assert results[task_id]["status"] == 404


def test_bulk_endpoints_need_a_writing_token(owner):
    # GIVEN a task and a read-only API token
    task_id = task(owner, project(owner))["id"]
    response = owner.api.post("/api/v1/api-tokens", json={"name": "ro", "access": "read_only"})
    reader = owner.api.as_token(response.json_body["token"])
    # WHEN the token patches and deletes in bulk
    # THEN both are 403 forbidden and the task is as it was
    patched = reader.patch("/api/v1/tasks/bulk", json={"ids": [task_id], "changes": {"priority": "high"}})
    deleted = reader.delete("/api/v1/tasks/bulk", json={"ids": [task_id]})
    assert (patched.status_code, deleted.status_code) == (403, 403)
    assert owner.api.get(f"/api/v1/tasks/{task_id}").json_body["priority"] == "medium"
