"""Recurrence rules: POST/GET /tasks/{id}/recurrence, PUT/DELETE /recurrences/{id} (TRCR "Task Recurrences")."""

import pytest

from tests.api.recurrences.helpers import recur, task


@pytest.mark.parametrize(
    ("pattern", "due_date", "next_run_at"),
    [
        ("daily", "2026-04-01", "2026-04-02T00:00:00Z"),
        ("weekly", "2026-04-01", "2026-04-08T00:00:00Z"),
        ("monthly", "2026-03-31", "2026-04-30T00:00:00Z"),  # the day clamps to short months
        ("monthly", "2026-04-15", "2026-05-15T00:00:00Z"),
        ("0 9 * * 1-5", "2026-04-03", "2026-04-06T09:00:00Z"),  # due on a Friday: next weekday 09:00 is Monday
    ],
)
def test_next_occurrence_falls_one_step_after_the_tasks_due_date(owner, project_id, pattern, due_date, next_run_at):
    # GIVEN a task due on `due_date` (the clock stands at 2026-03-28)
    current = task(owner, project_id, due_date=due_date)
    # WHEN it is made recurring
    response = owner.api.post(f"/api/v1/tasks/{current['id']}/recurrence", json={"recurrence_pattern": pattern})
    # THEN the rule is due one step of the pattern after that date (for monthly: on the next slot after today)
    assert response.status_code == 201, response.json_body
    rule = response.json_body
    assert rule["id"].startswith("rec_")
    assert rule["task_id"] == current["id"]
    assert rule["recurrence_pattern"] == pattern
    assert rule["next_run_at"] == next_run_at
    assert rule["next_due_date"] == next_run_at[:10]


def test_a_task_without_due_date_recurs_from_today(owner, project_id):
    # GIVEN a task with no due date, on Saturday 2026-03-28
    current = task(owner, project_id)
    # WHEN it becomes a daily task
    rule = recur(owner, current["id"], "daily")
    # THEN the next occurrence is tomorrow
    assert rule["next_run_at"] == "2026-03-29T00:00:00Z"


def test_a_task_due_in_the_past_recurs_from_now(owner, project_id):
    # GIVEN a task that was due weeks ago (a Sunday)
    current = task(owner, project_id, due_date="2026-03-01")
    # WHEN it becomes weekly
    rule = recur(owner, current["id"], "weekly")
    # THEN the next slot is the first Sunday still ahead, not one in the past
    assert rule["next_run_at"] == "2026-03-29T00:00:00Z"


def test_keywords_and_cron_spacing_are_normalised(owner, project_id):
    # GIVEN two tasks
    first, second = task(owner, project_id), task(owner, project_id)
    # WHEN patterns are given in capitals and with extra spaces
    weekly = recur(owner, first["id"], "Weekly")
    cron = recur(owner, second["id"], "  30  8 * *   1 ")
    # THEN they are stored in their canonical form
    assert weekly["recurrence_pattern"] == "weekly"
    assert cron["recurrence_pattern"] == "30 8 * * 1"


@pytest.mark.parametrize(
    "pattern",
    ["hourly", "every day", "61 * * * *", "* * * *", "0 0 * * * 0", "0 0 31 2 *", "", 5, None],
)
def test_invalid_pattern_is_400_naming_recurrence_pattern_and_writes_nothing(owner, project_id, pattern):
    # GIVEN a task
    current = task(owner, project_id)
    # WHEN a rule is requested with a pattern that is no keyword and no valid (ever firing) 5-field cron
    response = owner.api.post(f"/api/v1/tasks/{current['id']}/recurrence", json={"recurrence_pattern": pattern})
    # THEN it is refused naming the field, and the task has no rule
    assert response.status_code == 400, response.json_body
    assert response.json_body["error"]["details"][0]["field"] == "recurrence_pattern"
    assert owner.api.get(f"/api/v1/tasks/{current['id']}/recurrence").status_code == 404


def test_missing_pattern_and_unknown_fields_are_400(owner, project_id):
    # GIVEN a task
    current = task(owner, project_id)
    # WHEN the body lacks the pattern, or carries a field the API does not take
    missing = owner.api.post(f"/api/v1/tasks/{current['id']}/recurrence", json={})
    extra = owner.api.post(
        f"/api/v1/tasks/{current['id']}/recurrence", json={"recurrence_pattern": "daily", "next_run_at": "x"}
    )
    # THEN both are 400 naming the field
    assert missing.status_code == 400
    assert missing.json_body["error"]["details"][0]["field"] == "recurrence_pattern"
    assert extra.status_code == 400
    assert extra.json_body["error"]["details"][0]["field"] == "next_run_at"


def test_second_rule_on_a_task_is_409(owner, project_id):
    # GIVEN a recurring task
    current = task(owner, project_id)
    first = recur(owner, current["id"], "daily")
    # WHEN another rule is requested for it
    response = owner.api.post(f"/api/v1/tasks/{current['id']}/recurrence", json={"recurrence_pattern": "weekly"})
    # THEN it is a conflict and the first rule stands
    assert response.status_code == 409
    assert owner.api.get(f"/api/v1/tasks/{current['id']}/recurrence").json_body["id"] == first["id"]


def test_get_answers_the_tasks_rule(owner, project_id):
    # GIVEN a weekly task
    current = task(owner, project_id, due_date="2026-04-01")
    rule = recur(owner, current["id"], "weekly")
    # WHEN its recurrence is read
    response = owner.api.get(f"/api/v1/tasks/{current['id']}/recurrence")
    # THEN it is the rule as created
    assert response.status_code == 200
    assert response.json_body == rule


def test_task_without_rule_has_no_recurrence(owner, project_id):
    # GIVEN a one-off task
    current = task(owner, project_id)
    # WHEN its recurrence is read
    response = owner.api.get(f"/api/v1/tasks/{current['id']}/recurrence")
    # THEN there is none
    assert response.status_code == 404
    assert response.json_body["error"]["code"] == "not_found"


def test_put_changes_the_pattern_and_reschedules(owner, project_id):
    # GIVEN a daily task due 2026-04-01
    current = task(owner, project_id, due_date="2026-04-01")
    rule = recur(owner, current["id"], "daily")
    # WHEN it becomes monthly
    response = owner.api.put(f"/api/v1/recurrences/{rule['id']}", json={"recurrence_pattern": "monthly"})
    # THEN the next slot is a month after the task's due date, and a read agrees
    assert response.status_code == 200, response.json_body
    assert response.json_body["recurrence_pattern"] == "monthly"
    assert response.json_body["next_run_at"] == "2026-05-01T00:00:00Z"
    assert owner.api.get(f"/api/v1/tasks/{current['id']}/recurrence").json_body == response.json_body


def test_put_without_changes_keeps_the_rule(owner, project_id):
    # GIVEN a daily rule
    rule = recur(owner, task(owner, project_id)["id"], "daily")
    # WHEN it is updated with an empty body
    response = owner.api.put(f"/api/v1/recurrences/{rule['id']}", json={})
    # THEN nothing changed
    assert response.status_code == 200
    assert response.json_body == rule


@pytest.mark.parametrize("pattern", [None, "fortnightly", "0 25 * * *"])
def test_put_with_invalid_pattern_is_400_and_keeps_the_rule(owner, project_id, pattern):
    # GIVEN a daily rule
    current = task(owner, project_id)
    rule = recur(owner, current["id"], "daily")
    # WHEN its pattern is set to null or something invalid
    response = owner.api.put(f"/api/v1/recurrences/{rule['id']}", json={"recurrence_pattern": pattern})
    # THEN it is a 400 naming the field and the rule is unchanged
    assert response.status_code == 400
    assert response.json_body["error"]["details"][0]["field"] == "recurrence_pattern"
    assert owner.api.get(f"/api/v1/tasks/{current['id']}/recurrence").json_body == rule


def test_delete_removes_the_rule_and_keeps_the_task(owner, project_id):
    # GIVEN a recurring task
    current = task(owner, project_id)
    rule = recur(owner, current["id"], "daily")
    # WHEN the recurrence is stopped
    response = owner.api.delete(f"/api/v1/recurrences/{rule['id']}")
    # THEN the rule is gone, the task is still there
    assert response.status_code == 204
    assert owner.api.get(f"/api/v1/tasks/{current['id']}/recurrence").status_code == 404
    assert owner.api.get(f"/api/v1/tasks/{current['id']}").status_code == 200
    assert owner.api.put(f"/api/v1/recurrences/{rule['id']}", json={"recurrence_pattern": "weekly"}).status_code == 404
    assert owner.api.delete(f"/api/v1/recurrences/{rule['id']}").status_code == 404


def test_a_stopped_task_can_be_made_recurring_again(owner, project_id):
    # GIVEN a task whose recurrence was stopped
    current = task(owner, project_id)
    stopped = recur(owner, current["id"], "daily")
    owner.api.delete(f"/api/v1/recurrences/{stopped['id']}")
    # WHEN a new rule is created for it
    response = owner.api.post(f"/api/v1/tasks/{current['id']}/recurrence", json={"recurrence_pattern": "weekly"})
    # THEN it is a fresh rule
    assert response.status_code == 201, response.json_body
    assert response.json_body["id"] != stopped["id"]


def test_member_who_can_see_the_task_manages_its_recurrence(owner, member, project_id):
    # GIVEN a task in a project open to the whole org
    current = task(owner, project_id)
    # WHEN a plain member makes it recurring, changes and stops the rule
    rule = recur(member, current["id"], "daily")
    updated = member.api.put(f"/api/v1/recurrences/{rule['id']}", json={"recurrence_pattern": "weekly"})
    deleted = member.api.delete(f"/api/v1/recurrences/{rule['id']}")
    # THEN each step succeeds (recurrence is part of editing a task, which members may do)
    assert rule["created_by"] == member.user_id
    assert updated.status_code == 200
    assert deleted.status_code == 204


def test_tasks_and_rules_of_a_project_the_member_cannot_see_are_404(owner, member):
    # GIVEN a recurring task in a project restricted to the owner
    secret = owner.api.post("/api/v1/projects", json={"name": "Secret"}).json_body["id"]
    assert owner.api.post(f"/api/v1/projects/{secret}/members", json={"user_id": owner.user_id}).status_code == 201
    current = task(owner, secret)
    rule = recur(owner, current["id"], "daily")
    # WHEN the member reaches for the task's recurrence or the rule
    responses = [
        member.api.get(f"/api/v1/tasks/{current['id']}/recurrence"),
        member.api.post(f"/api/v1/tasks/{current['id']}/recurrence", json={"recurrence_pattern": "weekly"}),
        member.api.put(f"/api/v1/recurrences/{rule['id']}", json={"recurrence_pattern": "weekly"}),
        member.api.delete(f"/api/v1/recurrences/{rule['id']}"),
    ]
    # THEN neither exists for them
    assert [r.status_code for r in responses] == [404, 404, 404, 404]


def test_another_orgs_task_and_rule_are_404(owner, outsider, project_id):
    # GIVEN a recurring task in the owner's org
    current = task(owner, project_id)
    rule = recur(owner, current["id"], "daily")
    # WHEN the owner of another org uses their ids
    responses = [
        outsider.api.get(f"/api/v1/tasks/{current['id']}/recurrence"),
        outsider.api.post(f"/api/v1/tasks/{current['id']}/recurrence", json={"recurrence_pattern": "weekly"}),
        outsider.api.put(f"/api/v1/recurrences/{rule['id']}", json={"recurrence_pattern": "weekly"}),
        outsider.api.delete(f"/api/v1/recurrences/{rule['id']}"),
    ]
    # THEN nothing is found, and the rule is untouched
    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert owner.api.get(f"/api/v1/tasks/{current['id']}/recurrence").json_body == rule


@pytest.mark.parametrize(
    "recurrence_id", ["rec_nope", "tsk_01JD0000000000000000000000", "rec_01JD0000000000000000000000"]
)
def test_malformed_or_unknown_rule_id_is_404(owner, recurrence_id):
    # WHEN an id that is malformed, of another kind, or unknown is used
    response = owner.api.put(f"/api/v1/recurrences/{recurrence_id}", json={"recurrence_pattern": "weekly"})
    # THEN it is a 404, never a 500
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/tasks/tsk_01JD0000000000000000000000/recurrence"),
        ("GET", "/api/v1/tasks/tsk_01JD0000000000000000000000/recurrence"),
        ("PUT", "/api/v1/recurrences/rec_01JD0000000000000000000000"),
        ("DELETE", "/api/v1/recurrences/rec_01JD0000000000000000000000"),
    ],
)
def test_unauthenticated_calls_are_401(api, method, path):
    # WHEN the routes are called without credentials
    response = api.request(method, path, json={"recurrence_pattern": "daily"})
    # THEN they are refused
    assert response.status_code == 401
    assert response.json_body["error"]["code"] == "unauthorized"


def test_rule_changes_are_audited(owner, project_id):
    # GIVEN a rule that is created, changed and stopped
    rule = recur(owner, task(owner, project_id)["id"], "daily")
    owner.api.put(f"/api/v1/recurrences/{rule['id']}", json={"recurrence_pattern": "weekly"})
    owner.api.delete(f"/api/v1/recurrences/{rule['id']}")
    # WHEN the audit log is read for the rule
    response = owner.api.get(f"/api/v1/audit-logs?entity_id={rule['id']}")
    # THEN each change is there, by the owner, with what changed
    assert response.status_code == 200, response.json_body
    entries = {entry["action"]: entry for entry in response.json_body["data"]}
    assert set(entries) == {"created", "updated", "deleted"}
    assert all(entry["user_id"] == owner.user_id for entry in entries.values())
    assert entries["updated"]["changes"]["recurrence_pattern"] == {"from": "daily", "to": "weekly"}
