"""What statuses do to tasks: auto-advance on completed progress, who may move a task, and who is told."""

from chalicelib.core.events import Event
from tests.api.statuses.helpers import create_status, task
from tests.support import factories


def _status_events(org_id: str, task_id: str) -> list[Event]:
    """The org's outbox events about status changes of one task."""
    found = Event.query(f"ORG#{org_id}", Event.SK.startswith("EVENT#"))
    return [e for e in found if e.type == "task_status_changed" and e.data["task_id"] == task_id]


def _manager(api, owner, project_id: str):
    """A plain org member who manages the project."""
    manager = factories.join(api, owner, role="member", name="Max Manager")
    for account, role in ((owner, "manager"), (manager, "manager")):
        added = owner.api.post(
            f"/api/v1/projects/{project_id}/members", json={"user_id": account.user_id, "role": role}
        )
        assert added.status_code == 201, added.json_body
    return manager


def test_full_progress_in_an_auto_advance_status_moves_the_task_on(owner, project_id):
    # GIVEN a progress-tracking status that auto-advances to done, and a task in it
    create_status(owner, "qa_review", supports_progress=True, on_complete="auto_advance", next_status_code="done")
    reviewed = task(owner, project_id, status="qa_review", progress=40)
    # WHEN its progress is updated to 100
    response = owner.api.put(f"/api/v1/tasks/{reviewed['id']}", json={"progress": 100})
    # THEN the task is done, with a completion time
    assert response.status_code == 200, response.json_body
    assert response.json_body["status"] == "done"
    assert response.json_body["completed_at"]
    assert owner.api.get(f"/api/v1/tasks/{reviewed['id']}").json_body["status"] == "done"


def test_partial_progress_keeps_the_task_in_its_status(owner, project_id):
    # GIVEN a task in an auto-advancing status
    create_status(owner, "qa_review", supports_progress=True, on_complete="auto_advance", next_status_code="done")
    reviewed = task(owner, project_id, status="qa_review")
    # WHEN its progress goes to 99
    response = owner.api.put(f"/api/v1/tasks/{reviewed['id']}", json={"progress": 99})
    # THEN it stays where it is
    assert (response.json_body["status"], response.json_body["completed_at"]) == ("qa_review", None)


def test_full_progress_without_auto_advance_keeps_the_task_in_its_status(owner, project_id):
    # GIVEN a progress-tracking status with no completion action, and a task in it
    create_status(owner, "drafting", supports_progress=True, next_status_code="done")
    drafted = task(owner, project_id, status="drafting")
    # WHEN its progress is updated to 100
    response = owner.api.put(f"/api/v1/tasks/{drafted['id']}", json={"progress": 100})
    # THEN it stays in its status
    assert response.json_body["status"] == "drafting"


def test_auto_advance_counts_the_task_in_its_new_status(owner, project_id):
    # GIVEN a task in an auto-advancing status
    create_status(owner, "qa_review", supports_progress=True, on_complete="auto_advance", next_status_code="done")
    reviewed = task(owner, project_id, status="qa_review")
    # WHEN it reaches 100 %
    owner.api.put(f"/api/v1/tasks/{reviewed['id']}", json={"progress": 100})
    # THEN the project's stats count it as done
    stats = owner.api.get("/api/v1/projects/stats").json_body["data"]
    assert [(s["total"], s["done"]) for s in stats if s["project_id"] == project_id] == [(1, 1)]


def test_a_plain_member_cannot_use_the_status_endpoint(owner, member, project_id):
    # GIVEN a task in a project the member can see but does not manage
    current = task(owner, project_id)
    # WHEN the member moves it
    response = member.api.put(f"/api/v1/tasks/{current['id']}/status", json={"status": "in_progress"})
    # THEN it is forbidden and the task did not move
    assert response.status_code == 403
    assert owner.api.get(f"/api/v1/tasks/{current['id']}").json_body["status"] == "open"


def test_a_project_manager_moves_a_task(api, owner, project_id):
    # GIVEN a plain org member who manages the task's project
    manager = _manager(api, owner, project_id)
    current = task(owner, project_id)
    # WHEN the manager moves the task
    response = manager.api.put(f"/api/v1/tasks/{current['id']}/status", json={"status": "in_progress"})
    # THEN it moves
    assert response.status_code == 200, response.json_body
    assert response.json_body["status"] == "in_progress"


def test_unknown_status_on_the_status_endpoint_is_400(owner, project_id):
    # GIVEN a task
    current = task(owner, project_id)
    # WHEN it is moved to a status the workflow does not have
    response = owner.api.put(f"/api/v1/tasks/{current['id']}/status", json={"status": "shipped"})
    # THEN it is a 400 naming the status
    assert response.status_code == 400
    assert response.json_body["error"]["details"][0]["field"] == "status"


def test_a_status_change_notifies_reporter_and_assignee_but_not_the_caller(api, owner, member, project_id):
    # GIVEN a task reported by the owner and assigned to a member, and a manager who is neither
    manager = _manager(api, owner, project_id)
    current = task(owner, project_id, assignee_id=member.user_id)
    # WHEN the manager moves the task
    manager.api.put(f"/api/v1/tasks/{current['id']}/status", json={"status": "in_progress"})
    # THEN one outbox event tells reporter and assignee, linking to the task
    [event] = _status_events(owner.org_id, current["id"])
    assert sorted(event.recipients) == sorted([owner.user_id, member.user_id])
    assert event.actor_id == manager.user_id
    assert event.data["link"] == f"/tasks?task={current['id']}"
    assert (event.data["from"], event.data["to"]) == ("open", "in_progress")


def test_the_caller_is_not_told_about_their_own_status_change(owner, member, project_id):
    # GIVEN a task the owner reported and assigned to a member
    current = task(owner, project_id, assignee_id=member.user_id)
    # WHEN the owner moves it
    owner.api.put(f"/api/v1/tasks/{current['id']}/status", json={"status": "done"})
    # THEN only the assignee is a recipient
    [event] = _status_events(owner.org_id, current["id"])
    assert event.recipients == [member.user_id]


def test_no_event_when_nobody_else_is_concerned(owner, project_id):
    # GIVEN a task the owner reported and nobody else is assigned to
    current = task(owner, project_id)
    # WHEN the owner moves it
    owner.api.put(f"/api/v1/tasks/{current['id']}/status", json={"status": "in_progress"})
    # THEN no status event is written
    assert _status_events(owner.org_id, current["id"]) == []
