"""Tasks: creation rules, updates, the workflow, and every list filter and sort."""

import pytest

from tests.api.tasks.helpers import ids, label, project, restricted_project, task
from tests.support import factories


@pytest.fixture
def owner(api):
    return factories.register(api)


@pytest.fixture
def project_id(owner):
    return project(owner)


# --- creation ------------------------------------------------------------------------------------------------


def test_created_task_has_documented_defaults(owner, project_id):
    # WHEN a task is created with only the required fields
    created = task(owner, project_id, title="Write docs")
    # THEN it is open, medium priority, reported by the caller, with dates and labels empty
    assert created["id"].startswith("tsk_")
    assert (created["status"], created["priority"], created["reporter_id"]) == ("open", "medium", owner.user_id)
    assert created["start_date"] is None and created["due_date"] is None and created["label_ids"] == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("priority", "critical"),
        ("complexity", 4),
        ("progress", 101),
        ("progress", 50.5),
        ("estimated_hours", -1),
        ("title", ""),
        ("label_ids", "lbl_x"),
        ("org_id", "org_x"),
    ],
)
def test_invalid_field_is_400_naming_it_and_writes_nothing(owner, project_id, field, value):
    # WHEN a task is created with one bad field
    response = owner.api.post("/api/v1/tasks", json={"title": "x", "project_id": project_id, field: value})
    # THEN the answer names the field and no task exists
    assert response.status_code == 400
    assert response.json_body["error"]["details"][0]["field"].startswith(field)
    assert ids(owner.api.get(f"/api/v1/tasks?project_id={project_id}")) == []


@pytest.mark.parametrize("field", ["assignee_id", "group_id"])
def test_reference_to_nothing_is_400_naming_the_field(owner, project_id, field):
    response = owner.api.post("/api/v1/tasks", json={"title": "x", "project_id": project_id, field: "usr_nobody"})
    assert response.status_code == 400
    assert response.json_body["error"]["details"][0]["field"] == field


def test_label_of_another_org_is_400(api, owner, project_id):
    # GIVEN a label that belongs to someone else's organization
    foreign_label = label(factories.register(api))
    # WHEN a task is created with it THEN it is refused
    response = owner.api.post(
        "/api/v1/tasks", json={"title": "x", "project_id": project_id, "label_ids": [foreign_label]}
    )
    assert response.status_code == 400
    assert response.json_body["error"]["details"][0]["field"] == "label_ids"


def test_project_of_another_org_is_400(api, owner):
    foreign_project = project(factories.register(api))
    response = owner.api.post("/api/v1/tasks", json={"title": "x", "project_id": foreign_project})
    assert response.status_code == 400
    assert response.json_body["error"]["details"][0]["field"] == "project_id"


def test_unknown_status_is_400_listing_valid_ones(owner, project_id):
    response = owner.api.post("/api/v1/tasks", json={"title": "x", "project_id": project_id, "status": "later"})
    assert response.status_code == 400
    assert "open" in response.json_body["error"]["message"]


def test_start_after_due_on_update_is_400_with_the_documented_message(owner, project_id):
    # GIVEN a task due on the 15th
    created = task(owner, project_id, due_date="2026-04-15")
    # WHEN its start is moved after that
    response = owner.api.put(f"/api/v1/tasks/{created['id']}", json={"start_date": "2026-04-20"})
    # THEN it is refused with the documented message and nothing changes
    assert response.status_code == 400
    assert response.json_body["error"]["message"] == "start_date must be on or before due_date"
    assert owner.api.get(f"/api/v1/tasks/{created['id']}").json_body["start_date"] is None


# --- updates -------------------------------------------------------------------------------------------------


def test_null_clears_optional_fields(owner, project_id):
    created = task(owner, project_id, due_date="2026-04-15", complexity=3, assignee_id=owner.user_id)
    response = owner.api.put(
        f"/api/v1/tasks/{created['id']}", json={"due_date": None, "complexity": None, "assignee_id": None}
    )
    assert response.status_code == 200
    assert (response.json_body["due_date"], response.json_body["complexity"], response.json_body["assignee_id"]) == (
        None,
        None,
        None,
    )


def test_title_cannot_be_nulled(owner, project_id):
    created = task(owner, project_id)
    response = owner.api.put(f"/api/v1/tasks/{created['id']}", json={"title": None})
    assert response.status_code == 400
    assert response.json_body["error"]["details"][0]["field"] == "title"


def test_moving_to_a_terminal_status_sets_completed_at_and_back_clears_it(owner, project_id):
    created = task(owner, project_id)
    done = owner.api.put(f"/api/v1/tasks/{created['id']}", json={"status": "done"}).json_body
    assert done["completed_at"] is not None
    reopened = owner.api.put(f"/api/v1/tasks/{created['id']}", json={"status": "open"}).json_body
    assert reopened["completed_at"] is None


def test_member_cannot_use_the_status_endpoint_without_manage_tasks(api, owner, project_id):
    # GIVEN a plain member and a task they can see
    member = factories.join(api, owner)
    created = task(owner, project_id)
    # WHEN they call PUT /tasks/{id}/status THEN it is forbidden
    response = member.api.put(f"/api/v1/tasks/{created['id']}/status", json={"status": "done"})
    assert response.status_code == 403


def test_delete_removes_the_task_and_its_counts(owner, project_id):
    created = task(owner, project_id)
    assert owner.api.delete(f"/api/v1/tasks/{created['id']}").status_code == 204
    assert owner.api.get(f"/api/v1/tasks/{created['id']}").status_code == 404
    [stats] = owner.api.get("/api/v1/projects/stats").json_body["data"]
    assert (stats["total"], stats["done"]) == (0, 0)


# --- visibility and tenancy ----------------------------------------------------------------------------------


def test_member_cannot_see_tasks_of_a_project_restricted_to_others(api, owner, project_id):
    # GIVEN a member, an open project and a project restricted to the owner
    member = factories.join(api, owner)
    visible = task(owner, project_id, title="open to all")
    hidden = task(owner, restricted_project(owner), title="secret")
    # WHEN the member lists and gets tasks
    listed = ids(member.api.get("/api/v1/tasks"))
    # THEN only the open project's task shows, and the hidden one is a 404
    assert visible["id"] in listed and hidden["id"] not in listed
    assert member.api.get(f"/api/v1/tasks/{hidden['id']}").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/tasks/{id}", None),
        ("put", "/api/v1/tasks/{id}", {"title": "mine now"}),
        ("delete", "/api/v1/tasks/{id}", None),
        ("put", "/api/v1/tasks/{id}/status", {"status": "done"}),
        ("put", "/api/v1/tasks/{id}/reorder", {"position": 0}),
    ],
)
def test_another_orgs_task_is_404(api, owner, project_id, method, path, body):
    # GIVEN a task in another organization
    stranger = factories.register(api)
    foreign = task(stranger, project(stranger))
    # WHEN this org's owner addresses it THEN it does not exist for them
    kwargs = {"json": body} if body is not None else {}
    response = getattr(owner.api, method)(path.format(id=foreign["id"]), **kwargs)
    assert response.status_code == 404
    assert response.json_body["error"]["code"] == "not_found"


def test_unauthenticated_task_calls_are_401(api):
    assert api.get("/api/v1/tasks").status_code == 401
    assert api.post("/api/v1/tasks", json={"title": "x", "project_id": "prj_x"}).status_code == 401


# --- listing -------------------------------------------------------------------------------------------------


def test_filters_combine(owner, project_id):
    # GIVEN tasks that differ in one attribute each
    bug = label(owner)
    match = task(owner, project_id, priority="high", assignee_id=owner.user_id, label_ids=[bug])
    task(owner, project_id, priority="low", assignee_id=owner.user_id, label_ids=[bug])
    task(owner, project_id, priority="high", label_ids=[bug])
    task(owner, project_id, priority="high", assignee_id=owner.user_id)
    task(owner, project(owner, name="Other"), priority="high", assignee_id=owner.user_id, label_ids=[bug])
    # WHEN filtering on all of them at once
    query = f"project_id={project_id}&priority=high&assignee_id={owner.user_id}&label_ids={bug}&status=open"
    # THEN only the task matching every filter is returned
    assert ids(owner.api.get(f"/api/v1/tasks?{query}")) == [match["id"]]


def test_search_matches_title_case_insensitively(owner, project_id):
    wanted = task(owner, project_id, title="Fix Login Page")
    task(owner, project_id, title="Write docs")
    assert ids(owner.api.get("/api/v1/tasks?search=login")) == [wanted["id"]]


def test_sort_by_priority_descending_within_project_and_status(owner, project_id):
    low = task(owner, project_id, priority="low")
    urgent = task(owner, project_id, priority="urgent")
    medium = task(owner, project_id, priority="medium")
    response = owner.api.get(f"/api/v1/tasks?project_id={project_id}&status=open&sort=priority&order=desc")
    assert ids(response) == [urgent["id"], medium["id"], low["id"]]


def test_sort_by_priority_without_keys_is_sorted_in_memory(owner, project_id):
    low = task(owner, project_id, priority="low")
    high = task(owner, project_id, priority="high")
    response = owner.api.get("/api/v1/tasks?sort=priority&order=asc")
    assert ids(response) == [low["id"], high["id"]]


def test_created_at_order_both_ways(owner, project_id):
    first, second = task(owner, project_id), task(owner, project_id)
    assert ids(owner.api.get(f"/api/v1/tasks?project_id={project_id}&order=asc")) == [first["id"], second["id"]]
    assert ids(owner.api.get(f"/api/v1/tasks?project_id={project_id}&order=desc")) == [second["id"], first["id"]]


def test_updated_at_sort_puts_the_latest_change_first(owner, project_id):
    first, second = task(owner, project_id), task(owner, project_id)
    owner.api.put(f"/api/v1/tasks/{first['id']}", json={"title": "touched"})
    assert ids(owner.api.get("/api/v1/tasks?sort=updated_at&order=desc"))[0] == first["id"]
    assert second["id"] in ids(owner.api.get("/api/v1/tasks?sort=updated_at&order=desc"))


def test_cursor_pages_cover_every_task_once(owner, project_id):
    created = [task(owner, project_id, title=f"t{i}")["id"] for i in range(5)]
    seen, cursor = [], None
    while True:
        path = f"/api/v1/tasks?project_id={project_id}&per_page=2" + (f"&cursor={cursor}" if cursor else "")
        body = owner.api.get(path).json_body
        seen += [item["id"] for item in body["data"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(created) and len(seen) == len(created)


def test_page_numbers_work_too(owner, project_id):
    created = [task(owner, project_id)["id"] for _ in range(3)]
    page_two = owner.api.get(f"/api/v1/tasks?project_id={project_id}&per_page=2&page=2&order=asc")
    assert ids(page_two) == [created[2]]
    assert page_two.json_body["page"] == 2 and page_two.json_body["per_page"] == 2


def test_per_page_over_the_maximum_is_400(owner):
    response = owner.api.get("/api/v1/tasks?per_page=101")
    assert response.status_code == 400
    assert response.json_body["error"]["details"][0]["field"] == "per_page"


def test_group_and_position_order_follow_reorder(owner, project_id):
    first, second, third = (task(owner, project_id) for _ in range(3))
    moved = owner.api.put(f"/api/v1/tasks/{third['id']}/reorder", json={"position": 0})
    assert moved.status_code == 200, moved.json_body
    ordered = ids(owner.api.get(f"/api/v1/tasks?project_id={project_id}&sort=position&order=asc"))
    assert ordered == [third["id"], first["id"], second["id"]]


# --- counters ------------------------------------------------------------------------------------------------


def test_dashboard_counts_the_callers_assigned_tasks(owner, project_id):
    # GIVEN tasks assigned to the owner: one done, one overdue and urgent, one overdue, one not yet due
    done = task(owner, project_id, assignee_id=owner.user_id)
    owner.api.put(f"/api/v1/tasks/{done['id']}", json={"status": "done"})
    task(owner, project_id, assignee_id=owner.user_id, due_date="2020-01-01", priority="urgent")
    task(owner, project_id, assignee_id=owner.user_id, due_date="2020-01-02")
    task(owner, project_id, assignee_id=owner.user_id, due_date="2999-01-01")
    task(owner, project_id, due_date="2020-01-01")  # not assigned to them
    # WHEN they read the dashboard
    summary = owner.api.get("/api/v1/dashboard/summary").json_body
    # THEN the counts are theirs only
    assert summary == {"total_tasks": 4, "completed_tasks": 1, "overdue_tasks": 2, "overdue_urgent_tasks": 1}


def test_project_stats_follow_status_changes(owner, project_id):
    tasks = [task(owner, project_id) for _ in range(3)]
    owner.api.put(f"/api/v1/tasks/{tasks[0]['id']}/status", json={"status": "done"})
    owner.api.put(f"/api/v1/tasks/{tasks[1]['id']}/status", json={"status": "closed"})
    [stats] = owner.api.get("/api/v1/projects/stats").json_body["data"]
    assert (stats["total"], stats["done"]) == (3, 2)


def test_deleting_a_project_deletes_its_tasks(owner, project_id):
    created = task(owner, project_id)
    assert owner.api.delete(f"/api/v1/projects/{project_id}").status_code == 204
    factories.drain_jobs()
    assert owner.api.get(f"/api/v1/tasks/{created['id']}").status_code == 404
    assert ids(owner.api.get("/api/v1/tasks")) == []
