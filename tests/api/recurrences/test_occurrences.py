"""Occurrences of recurring tasks: on completion and on schedule, exactly once per slot."""

import os
import threading
from collections import Counter
from contextlib import contextmanager

from moto.dynamodb.models import DynamoDBBackend

from tests.api.recurrences.helpers import complete, project_tasks, recur, run_schedule, task
from tests.support import factories


def _label(owner, name: str) -> str:
    response = owner.api.post("/api/v1/labels", json={"name": name, "color": "#00aa00"})
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]


@contextmanager
def commits_meet(parties: int):
    """Each of `parties` transactions waits until all have read what they need, then they commit one at a time.

    DynamoDB applies a transaction atomically; moto does not lock, so the lock stands in for that.
    """
    barrier, lock, original = (
        threading.Barrier(parties, timeout=30),
        threading.Lock(),
        DynamoDBBackend.transact_write_items,
    )

    def commit(self, *args, **kwargs):
        barrier.wait()
        with lock:
            return original(self, *args, **kwargs)

    DynamoDBBackend.transact_write_items = commit
    try:
        yield
    finally:
        DynamoDBBackend.transact_write_items = original


def in_parallel(*calls) -> list:
    """Run each call in its own thread; their results, in order."""
    results, environment = [None] * len(calls), os.environ
    # chalice's test client swaps os.environ during a request; overlapping requests would leave it swapped.
    threads = [
        threading.Thread(target=lambda i=i, call=call: results.__setitem__(i, call())) for i, call in enumerate(calls)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        os.environ = environment  # noqa: B003 (puts back the very mapping chalice swapped out)
    return results


def test_completing_a_recurring_task_creates_its_next_occurrence(owner, member, project_id):
    # GIVEN a daily task due 2026-04-01 with an assignee, labels, priority and description
    labels = [_label(owner, "ops"), _label(owner, "infra")]
    current = task(
        owner,
        project_id,
        title="Rotate logs",
        description="See runbook",
        priority="high",
        assignee_id=member.user_id,
        label_ids=labels,
        estimated_hours=0.5,
        due_date="2026-04-01",
    )
    rule = recur(owner, current["id"], "daily")
    # WHEN the task is completed
    response = complete(owner, current["id"])
    # THEN one new open task exists: the same work, due the next day, in the series
    assert response.status_code == 200, response.json_body
    [new] = [t for t in project_tasks(owner, project_id) if t["id"] != current["id"]]
    assert new["status"] == "open" and new["completed_at"] is None
    assert new["due_date"] == "2026-04-02"
    assert new["recurrence_id"] == rule["id"]
    assert {k: new[k] for k in ("title", "description", "priority", "assignee_id", "label_ids", "project_id")} == {
        "title": "Rotate logs",
        "description": "See runbook",
        "priority": "high",
        "assignee_id": member.user_id,
        "label_ids": labels,
        "project_id": project_id,
    }
    # AND the rule now follows the new task, one day further on
    after = owner.api.get(f"/api/v1/tasks/{new['id']}/recurrence").json_body
    assert after["id"] == rule["id"]
    assert after["task_id"] == new["id"]
    assert after["next_run_at"] == "2026-04-03T00:00:00Z"


def test_the_new_occurrence_is_counted_with_the_completion(owner, project_id):
    # GIVEN an open weekly task: completing it moves it out of `open` while its occurrence enters `open`
    current = task(owner, project_id, assignee_id=owner.user_id, due_date="2026-04-01")
    recur(owner, current["id"], "weekly")
    # WHEN it is completed
    complete(owner, current["id"])
    # THEN the project's and the assignee's counts include both tasks
    stats = owner.api.get("/api/v1/projects/stats").json_body["data"]
    assert [(s["total"], s["done"]) for s in stats if s["project_id"] == project_id] == [(2, 1)]
    dashboard = owner.api.get("/api/v1/dashboard/summary").json_body
    assert (dashboard["total_tasks"], dashboard["completed_tasks"]) == (2, 1)


def test_completing_through_a_task_update_also_creates_the_occurrence(owner, project_id):
    # GIVEN a daily task
    current = task(owner, project_id, due_date="2026-04-01")
    recur(owner, current["id"], "daily")
    # WHEN it is moved to `done` by a plain update
    response = owner.api.put(f"/api/v1/tasks/{current['id']}", json={"status": "done"})
    # THEN the next occurrence exists
    assert response.status_code == 200
    assert [t["due_date"] for t in project_tasks(owner, project_id)] == ["2026-04-01", "2026-04-02"]


def test_completing_an_earlier_task_of_the_series_again_creates_nothing(owner, project_id):
    # GIVEN a daily task that was completed (so its next occurrence exists) and then reopened
    current = task(owner, project_id, due_date="2026-04-01")
    recur(owner, current["id"], "daily")
    complete(owner, current["id"])
    owner.api.put(f"/api/v1/tasks/{current['id']}/status", json={"status": "open"})
    # WHEN it is completed a second time
    response = complete(owner, current["id"])
    # THEN no further occurrence appears: only the series' latest task spawns the next one
    assert response.status_code == 200
    assert len(project_tasks(owner, project_id)) == 2


def test_completing_the_latest_occurrence_continues_the_series(owner, project_id):
    # GIVEN a weekly series whose first task was completed
    current = task(owner, project_id, due_date="2026-04-01")
    recur(owner, current["id"], "weekly")
    complete(owner, current["id"])
    second = project_tasks(owner, project_id)[-1]
    # WHEN the new occurrence is completed as well
    complete(owner, second["id"])
    # THEN a third task follows, one week later again
    assert [t["due_date"] for t in project_tasks(owner, project_id)] == ["2026-04-01", "2026-04-08", "2026-04-15"]


def test_completing_a_task_without_rule_creates_nothing(owner, project_id):
    # GIVEN a one-off task
    current = task(owner, project_id)
    # WHEN it is completed
    complete(owner, current["id"])
    # THEN it stays the only task
    assert [t["id"] for t in project_tasks(owner, project_id)] == [current["id"]]


def test_two_racing_completions_create_exactly_one_occurrence(owner, project_id):
    # GIVEN a daily task
    current = task(owner, project_id, due_date="2026-04-01")
    recur(owner, current["id"], "daily")
    # WHEN two completions read the task at the same time and then both try to commit
    with commits_meet(2):
        responses = in_parallel(lambda: complete(owner, current["id"]), lambda: complete(owner, current["id"]))
    # THEN one wins, the other is told the task changed, and exactly one new task exists
    assert sorted(r.status_code for r in responses) == [200, 409]
    assert [t["due_date"] for t in project_tasks(owner, project_id)] == ["2026-04-01", "2026-04-02"]


def test_the_schedule_creates_a_due_occurrence_once_even_when_run_twice(app, owner, project_id):
    # GIVEN a daily task due 2026-04-01 nobody completes
    current = task(owner, project_id, due_date="2026-04-01")
    rule = recur(owner, current["id"], "daily")
    # WHEN the hourly schedule runs at the next slot, and runs again
    first = run_schedule(app, "2026-04-02T00:10:00Z")
    second = run_schedule(app, "2026-04-02T00:10:00Z")
    # THEN one occurrence was created, due that day, and the rule moved on to the next day
    assert (first, second) == (1, 0)
    assert [t["due_date"] for t in project_tasks(owner, project_id)] == ["2026-04-01", "2026-04-02"]
    assert owner.api.get(f"/api/v1/tasks/{current['id']}/recurrence").json_body["next_run_at"] == (
        "2026-04-03T00:00:00Z"
    )
    assert owner.api.get(f"/api/v1/tasks/{current['id']}/recurrence").json_body["id"] == rule["id"]


def test_the_schedule_creates_nothing_before_the_slot(app, owner, project_id):
    # GIVEN a daily task due 2026-04-01
    current = task(owner, project_id, due_date="2026-04-01")
    recur(owner, current["id"], "daily")
    # WHEN the schedule runs just before its next slot
    created = run_schedule(app, "2026-04-01T23:59:59Z")
    # THEN nothing is created
    assert created == 0
    assert len(project_tasks(owner, project_id)) == 1


def test_a_late_schedule_catches_up_with_one_occurrence(app, owner, project_id):
    # GIVEN a daily task due 2026-04-01 and a schedule that did not run for days
    current = task(owner, project_id, due_date="2026-04-01")
    recur(owner, current["id"], "daily")
    # WHEN it runs again on 2026-04-05
    created = run_schedule(app, "2026-04-05T10:00:00Z")
    # THEN one occurrence is created (for the first missed slot) and the rule skips to the next future slot
    assert created == 1
    assert len(project_tasks(owner, project_id)) == 2
    assert owner.api.get(f"/api/v1/tasks/{current['id']}/recurrence").json_body["next_run_at"] == (
        "2026-04-06T00:00:00Z"
    )


def test_after_a_completion_the_schedule_does_not_repeat_the_same_slot(app, owner, project_id):
    # GIVEN a daily task completed early: the occurrence for 2026-04-02 exists already
    current = task(owner, project_id, due_date="2026-04-01")
    recur(owner, current["id"], "daily")
    complete(owner, current["id"])
    # WHEN the schedule runs on 2026-04-02
    created = run_schedule(app, "2026-04-02T00:10:00Z")
    # THEN it creates nothing: that slot is taken
    assert created == 0
    assert [t["due_date"] for t in project_tasks(owner, project_id)] == ["2026-04-01", "2026-04-02"]


def test_stopping_a_recurrence_stops_future_occurrences_and_keeps_the_task(app, owner, project_id):
    # GIVEN a daily task whose recurrence is stopped
    current = task(owner, project_id, due_date="2026-04-01")
    rule = recur(owner, current["id"], "daily")
    assert owner.api.delete(f"/api/v1/recurrences/{rule['id']}").status_code == 204
    # WHEN the task is completed and the schedule runs past its slot
    completed = complete(owner, current["id"])
    created = run_schedule(app, "2026-04-03T00:10:00Z")
    # THEN no occurrence appears and the task itself is still there (done)
    assert completed.status_code == 200
    assert created == 0
    assert [(t["id"], t["status"]) for t in project_tasks(owner, project_id)] == [(current["id"], "done")]


def test_deleting_the_series_latest_task_stops_the_rule(app, owner, project_id):
    # GIVEN a daily task
    current = task(owner, project_id, due_date="2026-04-01")
    rule = recur(owner, current["id"], "daily")
    # WHEN the task is deleted and the background jobs have run
    assert owner.api.delete(f"/api/v1/tasks/{current['id']}").status_code == 204
    factories.drain_jobs()
    # THEN the rule is gone and the schedule creates nothing
    assert owner.api.delete(f"/api/v1/recurrences/{rule['id']}").status_code == 404
    assert run_schedule(app, "2026-04-03T00:10:00Z") == 0
    assert project_tasks(owner, project_id) == []


def test_the_schedule_ends_a_series_whose_latest_task_is_gone(app, owner, project_id):
    # GIVEN a daily task deleted before the clean-up job ran
    current = task(owner, project_id, due_date="2026-04-01")
    recur(owner, current["id"], "daily")
    owner.api.delete(f"/api/v1/tasks/{current['id']}")
    # WHEN the schedule reaches the slot, twice
    created = [run_schedule(app, "2026-04-02T00:10:00Z"), run_schedule(app, "2026-04-03T00:10:00Z")]
    # THEN nothing is created from the deleted task
    assert created == [0, 0]
    assert project_tasks(owner, project_id) == []


def test_deleting_an_earlier_task_keeps_the_series(owner, project_id):
    # GIVEN a daily series whose first task was completed (the second is now the latest)
    current = task(owner, project_id, due_date="2026-04-01")
    rule = recur(owner, current["id"], "daily")
    complete(owner, current["id"])
    # WHEN the first task is deleted and the background jobs have run
    owner.api.delete(f"/api/v1/tasks/{current['id']}")
    factories.drain_jobs()
    # THEN the rule still follows the second task
    second = project_tasks(owner, project_id)[0]
    response = owner.api.get(f"/api/v1/tasks/{second['id']}/recurrence")
    assert response.status_code == 200
    assert (response.json_body["id"], response.json_body["task_id"]) == (rule["id"], second["id"])


def test_occurrences_and_the_rules_progress_are_audited(app, owner, project_id):
    # GIVEN a daily task completed by the owner, and a later slot reached by the schedule
    current = task(owner, project_id, due_date="2026-04-01")
    rule = recur(owner, current["id"], "daily")
    complete(owner, current["id"])
    run_schedule(app, "2026-04-03T00:10:00Z")
    # WHEN the audit log is read for the rule
    entries = owner.api.get(f"/api/v1/audit-logs?entity_id={rule['id']}").json_body["data"]
    # THEN its creation and both advances are there: one by the owner, one by the schedule (no user)
    assert Counter((e["action"], e["user_id"]) for e in entries) == Counter(
        [("created", owner.user_id), ("advanced", owner.user_id), ("advanced", None)]
    )
    # AND each new task has its creation entry
    new_ids = [t["id"] for t in project_tasks(owner, project_id) if t["id"] != current["id"]]
    assert len(new_ids) == 2
    for task_id in new_ids:
        created = owner.api.get(f"/api/v1/audit-logs?entity_id={task_id}").json_body["data"]
        assert [e["action"] for e in created] == ["created"]


def test_new_occurrences_can_be_found_by_search(app, owner, project_id):
    # GIVEN a daily task completed once, and a later slot reached by the schedule
    current = task(owner, project_id, title="Rotate certificates", due_date="2026-04-01")
    recur(owner, current["id"], "daily")
    complete(owner, current["id"])
    run_schedule(app, "2026-04-03T00:10:00Z")
    # WHEN the background jobs have run and the title is searched
    factories.drain_jobs()
    response = owner.api.get("/api/v1/search?q=certificates&type=task")
    # THEN every task of the series is found
    assert response.status_code == 200, response.json_body
    found = sorted(hit["id"] for hit in response.json_body["data"])
    assert len(found) == 3
    assert found == sorted(t["id"] for t in project_tasks(owner, project_id))
