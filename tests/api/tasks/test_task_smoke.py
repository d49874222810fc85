from tests.support import factories


def _project(owner):
    response = owner.api.post("/api/v1/projects", json={"name": "Website"})
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]


def test_create_list_update_and_complete_a_task(api):
    owner = factories.register(api)
    project_id = _project(owner)
    created = owner.api.post(
        "/api/v1/tasks",
        json={
            "title": "Login page",
            "project_id": project_id,
            "priority": "high",
            "start_date": "2026-04-01",
            "due_date": "2026-04-15",
        },
    )
    assert created.status_code == 201, created.json_body
    task = created.json_body
    listed = owner.api.get(f"/api/v1/tasks?project_id={project_id}&status=open&sort=priority&order=desc")
    assert [t["id"] for t in listed.json_body["data"]] == [task["id"]]
    done = owner.api.put(f"/api/v1/tasks/{task['id']}/status", json={"status": "done"})
    assert done.status_code == 200, done.json_body
    assert done.json_body["completed_at"]
    stats = owner.api.get("/api/v1/projects/stats").json_body["data"]
    assert stats == [{"project_id": project_id, "name": "Website", "total": 1, "done": 1}]


def test_start_date_after_due_date_is_400_with_the_documented_message(api):
    owner = factories.register(api)
    project_id = _project(owner)
    response = owner.api.post(
        "/api/v1/tasks",
        json={"title": "x", "project_id": project_id, "start_date": "2026-04-16", "due_date": "2026-04-15"},
    )
    assert response.status_code == 400
    assert response.json_body["error"]["message"] == "start_date must be on or before due_date"
