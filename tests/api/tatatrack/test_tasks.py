"""`/api/tasks`: the document's statuses over the workflow, `{tasks, projects, users}` lists, camelCase bodies."""

from tests.api.tatatrack.helpers import assert_camel, error, fields_named, project, task, task_ids
from tests.support import factories


def test_created_task_speaks_the_documents_names(owner, member):
    # GIVEN a project
    prj = project(owner)
    # WHEN a task is created with the documented body
    response = owner.api.post(
        "/api/tasks",
        json={
            "title": "Ship it",
            "status": "in_progress",
            "priority": "high",
            "projectId": prj["id"],
            "assigneeId": member.user_id,
            "dueDate": "2026-05-01",
        },
    )
    # THEN it is created with the same names and values, in camelCase
    assert response.status_code == 201, response.json_body
    body = response.json_body
    assert_camel(body)
    assert body["title"] == "Ship it"
    assert body["status"] == "in_progress"
    assert body["priority"] == "high"
    assert body["projectId"] == prj["id"]
    assert body["assigneeId"] == member.user_id
    assert body["dueDate"] == "2026-05-01"
    assert body["id"].startswith("tsk_")


def test_todo_is_the_workflows_open_status_and_the_default(owner):
    prj = project(owner)
    created = task(owner, prj["id"])
    assert created["status"] == "todo"
    assert created["workflowStatus"] == "open"
    # AND the native API sees the same task as open
    assert owner.api.get(f"/api/v1/tasks/{created['id']}").json_body["status"] == "open"


def test_list_returns_tasks_with_their_projects_and_people(owner, member):
    # GIVEN a task assigned to a member
    prj = project(owner, name="Apollo")
    created = task(owner, prj["id"], assigneeId=member.user_id)
    # WHEN tasks are listed
    response = owner.api.get("/api/tasks")
    # THEN the body has tasks, projects and users, each in camelCase
    assert response.status_code == 200, response.json_body
    body = response.json_body
    assert_camel(body)
    assert task_ids(response) == [created["id"]]
    assert [p["name"] for p in body["projects"]] == ["Apollo"]
    people = {user["id"]: user for user in body["users"]}
    assert people[member.user_id]["fullName"] == "Sam Member"
    assert people[owner.user_id]["role"] == "owner"
    assert body["hasMore"] is False
    assert body["nextCursor"] is None


def test_list_filters_by_document_status(owner):
    # GIVEN one task in each of the three statuses
    prj = project(owner)
    todo = task(owner, prj["id"], title="a")
    doing = task(owner, prj["id"], title="b", status="in_progress")
    done = task(owner, prj["id"], title="c", status="done")
    # WHEN the list is filtered by each status
    # THEN each filter finds its own task only
    assert task_ids(owner.api.get("/api/tasks?status=todo")) == [todo["id"]]
    assert task_ids(owner.api.get("/api/tasks?status=in_progress")) == [doing["id"]]
    assert task_ids(owner.api.get("/api/tasks?status=done")) == [done["id"]]


def test_closed_and_custom_statuses_read_as_done_and_in_progress(owner):
    # GIVEN a task closed and one moved to a custom status through the native API
    prj = project(owner)
    closed = task(owner, prj["id"], title="closed")
    review = task(owner, prj["id"], title="review")
    created = owner.api.post("/api/v1/task-statuses", json={"code": "review", "label": "Review", "color": "#123456"})
    assert created.status_code == 201, created.json_body
    assert owner.api.put(f"/api/v1/tasks/{closed['id']}", json={"status": "closed"}).status_code == 200
    assert owner.api.put(f"/api/v1/tasks/{review['id']}", json={"status": "review"}).status_code == 200
    # WHEN they are read through the TataTrack surface
    # THEN a terminal status is done and any other is in_progress
    assert owner.api.get(f"/api/tasks/{closed['id']}").json_body["status"] == "done"
    assert owner.api.get(f"/api/tasks/{review['id']}").json_body["status"] == "in_progress"
    assert task_ids(owner.api.get("/api/tasks?status=done")) == [closed["id"]]
    assert task_ids(owner.api.get("/api/tasks?status=in_progress")) == [review["id"]]


def test_list_filters_by_project_and_assignee(owner, member):
    first, second = project(owner, name="One"), project(owner, name="Two")
    mine = task(owner, first["id"], assigneeId=member.user_id)
    task(owner, second["id"])
    assert task_ids(owner.api.get(f"/api/tasks?projectId={first['id']}")) == [mine["id"]]
    assert task_ids(owner.api.get(f"/api/tasks?assigneeId={member.user_id}")) == [mine["id"]]


def test_list_pages_with_limit_and_cursor(owner):
    # GIVEN three tasks
    prj = project(owner)
    made = [task(owner, prj["id"], title=f"t{n}")["id"] for n in range(3)]
    # WHEN they are listed two at a time
    first = owner.api.get("/api/tasks?limit=2")
    second = owner.api.get(f"/api/tasks?limit=2&cursor={first.json_body['nextCursor']}")
    # THEN the pages hold every task once, newest first
    assert first.json_body["hasMore"] is True
    assert task_ids(first) + task_ids(second) == list(reversed(made))
    assert second.json_body["hasMore"] is False


def test_list_limit_over_the_maximum_is_400(owner):
    error_body = error(owner.api.get("/api/tasks?limit=101"), 400, "validation_error")
    assert fields_named(error_body) == {"limit"}


def test_update_changes_status_and_assignee(owner, member):
    # GIVEN a task to do
    prj = project(owner)
    created = task(owner, prj["id"])
    # WHEN the documented update is sent
    response = owner.api.put(f"/api/tasks/{created['id']}", json={"status": "done", "assigneeId": member.user_id})
    # THEN the task is done in the workflow and assigned
    assert response.status_code == 200, response.json_body
    assert response.json_body["status"] == "done"
    assert response.json_body["workflowStatus"] == "done"
    assert response.json_body["completedAt"] is not None
    assert response.json_body["assigneeId"] == member.user_id


def test_patch_updates_too_and_null_clears_the_due_date(owner):
    prj = project(owner)
    created = task(owner, prj["id"], dueDate="2026-05-01", priority="low")
    response = owner.api.patch(f"/api/tasks/{created['id']}", json={"dueDate": None, "priority": "medium"})
    assert response.status_code == 200, response.json_body
    assert response.json_body["dueDate"] is None
    assert response.json_body["priority"] == "medium"


def test_in_progress_on_a_task_already_in_a_custom_active_status_keeps_it(owner):
    # GIVEN a task in a custom non-terminal status (in_progress in the document's terms)
    prj = project(owner)
    created = task(owner, prj["id"])
    owner.api.post("/api/v1/task-statuses", json={"code": "review", "label": "Review", "color": "#123456"})
    owner.api.put(f"/api/v1/tasks/{created['id']}", json={"status": "review"})
    # WHEN a client re-sends the status it was shown
    response = owner.api.put(f"/api/tasks/{created['id']}", json={"status": "in_progress", "title": "Renamed"})
    # THEN the workflow status is kept
    assert response.status_code == 200, response.json_body
    assert response.json_body["workflowStatus"] == "review"
    assert response.json_body["title"] == "Renamed"


def test_urgent_reads_as_high_and_resending_high_keeps_it_urgent(owner):
    prj = project(owner)
    created = task(owner, prj["id"])
    owner.api.put(f"/api/v1/tasks/{created['id']}", json={"priority": "urgent"})
    assert owner.api.get(f"/api/tasks/{created['id']}").json_body["priority"] == "high"
    owner.api.put(f"/api/tasks/{created['id']}", json={"priority": "high"})
    assert owner.api.get(f"/api/v1/tasks/{created['id']}").json_body["priority"] == "urgent"


def test_unknown_status_is_400_naming_status(owner):
    prj = project(owner)
    response = owner.api.post("/api/tasks", json={"title": "x", "projectId": prj["id"], "status": "open"})
    assert fields_named(error(response, 400, "validation_error")) == {"status"}
    assert owner.api.get("/api/tasks").json_body["tasks"] == []


def test_snake_case_fields_are_refused(owner):
    prj = project(owner)
    response = owner.api.post("/api/tasks", json={"title": "x", "project_id": prj["id"]})
    error_body = error(response, 400, "validation_error")
    assert {"projectId", "project_id"} <= fields_named(error_body)


def test_an_assignee_outside_the_workspace_is_400_naming_assigneeId(owner, outsider):
    prj = project(owner)
    response = owner.api.post("/api/tasks", json={"title": "x", "projectId": prj["id"], "assigneeId": outsider.user_id})
    error_body = error(response, 400, "validation_error")
    assert fields_named(error_body) == {"assigneeId"}
    assert error_body["message"].startswith("assigneeId:")
    assert owner.api.get("/api/tasks").json_body["tasks"] == []


def test_another_workspaces_project_is_400_naming_projectId(owner, outsider):
    theirs = project(outsider)
    response = owner.api.post("/api/tasks", json={"title": "x", "projectId": theirs["id"]})
    assert fields_named(error(response, 400, "validation_error")) == {"projectId"}


def test_an_integer_id_is_read_as_text(owner):
    response = owner.api.post("/api/tasks", json={"title": "x", "projectId": 1})
    assert fields_named(error(response, 400, "validation_error")) == {"projectId"}


def test_float_assignee_or_bad_date_is_400(owner):
    prj = project(owner)
    response = owner.api.post("/api/tasks", json={"title": "x", "projectId": prj["id"], "dueDate": "May 1st"})
    assert fields_named(error(response, 400, "validation_error")) == {"dueDate"}


def test_due_before_start_is_400_in_the_documents_names(owner):
    prj = project(owner)
    response = owner.api.post(
        "/api/tasks", json={"title": "x", "projectId": prj["id"], "startDate": "2026-05-02", "dueDate": "2026-05-01"}
    )
    error_body = error(response, 400, "validation_error")
    assert fields_named(error_body) == {"startDate"}
    assert error_body["message"] == "startDate must be on or before dueDate"


def test_delete_removes_the_task(owner):
    prj = project(owner)
    created = task(owner, prj["id"])
    response = owner.api.delete(f"/api/tasks/{created['id']}")
    assert response.status_code == 200, response.json_body
    assert response.json_body == {"success": True}
    error(owner.api.get(f"/api/tasks/{created['id']}"), 404, "not_found")


def test_a_member_cannot_delete_someone_elses_task(owner, member):
    prj = project(owner)
    created = task(owner, prj["id"])
    error(member.api.delete(f"/api/tasks/{created['id']}"), 403, "forbidden")
    assert owner.api.get(f"/api/tasks/{created['id']}").status_code == 200


def test_a_member_does_not_see_tasks_of_a_project_restricted_to_others(api, owner, member):
    # GIVEN a project restricted to another member
    prj = project(owner)
    other = factories.join(api, owner, name="Mo Member")
    owner.api.post(f"/api/v1/projects/{prj['id']}/members", json={"user_id": other.user_id})
    hidden = task(owner, prj["id"])
    # WHEN the member lists and reads tasks
    # THEN the task is not there
    assert member.api.get("/api/tasks").json_body["tasks"] == []
    error(member.api.get(f"/api/tasks/{hidden['id']}"), 404, "not_found")
