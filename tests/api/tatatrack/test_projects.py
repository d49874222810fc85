"""`/api/projects` and `/api/projects/:id`: projects with emoji and dates; one project with tasks, team, media."""

import base64

from tests.api.tatatrack.helpers import assert_camel, error, fields_named, project, task
from tests.support import factories

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def test_create_with_the_documented_body(owner):
    response = owner.api.post(
        "/api/projects",
        json={
            "name": "Launch",
            "description": "Q2 launch",
            "emoji": "🚀",
            "startDate": "2026-04-01",
            "endDate": "2026-06-30",
        },
    )
    assert response.status_code == 201, response.json_body
    body = response.json_body
    assert_camel(body)
    assert (body["name"], body["description"], body["emoji"]) == ("Launch", "Q2 launch", "🚀")
    assert (body["startDate"], body["endDate"]) == ("2026-04-01", "2026-06-30")
    assert body["id"].startswith("prj_")


def test_end_before_start_is_400_naming_startDate(owner):
    response = owner.api.post("/api/projects", json={"name": "x", "startDate": "2026-06-30", "endDate": "2026-04-01"})
    error_body = error(response, 400, "validation_error")
    assert fields_named(error_body) == {"startDate"}
    assert error_body["message"] == "startDate must be on or before endDate"
    assert owner.api.get("/api/projects").json_body["projects"] == []


def test_members_cannot_create_projects(member):
    error(member.api.post("/api/projects", json={"name": "Mine"}), 403, "forbidden")


def test_list_pages_the_workspaces_projects(owner):
    made = [project(owner, name=f"P{n}")["id"] for n in range(3)]
    first = owner.api.get("/api/projects?limit=2").json_body
    second = owner.api.get(f"/api/projects?limit=2&cursor={first['nextCursor']}").json_body
    assert_camel(first)
    assert [p["id"] for p in first["projects"] + second["projects"]] == made
    assert (first["hasMore"], second["hasMore"]) == (True, False)


def test_update_with_the_documented_body(owner):
    created = project(owner)
    response = owner.api.put(f"/api/projects/{created['id']}", json={"name": "New name", "description": "Updated"})
    assert response.status_code == 200, response.json_body
    assert (response.json_body["name"], response.json_body["description"]) == ("New name", "Updated")
    assert owner.api.patch(f"/api/projects/{created['id']}", json={"emoji": "✅"}).json_body["emoji"] == "✅"


def test_update_with_an_unknown_field_is_400(owner):
    created = project(owner)
    response = owner.api.put(f"/api/projects/{created['id']}", json={"owner": "me"})
    assert fields_named(error(response, 400, "validation_error")) == {"owner"}


def test_get_returns_the_project_with_tasks_team_and_media(api, owner, member):
    # GIVEN a project with a task that carries an image
    created = project(owner, name="Apollo")
    first = task(owner, created["id"], title="Design")
    upload = owner.api.post(
        f"/api/v1/files/upload?task_id={first['id']}",
        body=b'--b\r\nContent-Disposition: form-data; name="file"; filename="shot.png"\r\n'
        b"Content-Type: image/png\r\n\r\n" + PNG + b"\r\n--b--\r\n",
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    assert upload.status_code == 201, upload.json_body
    # WHEN the project is read
    response = owner.api.get(f"/api/projects/{created['id']}")
    # THEN it comes with its tasks, the workspace's members as its team, and the image as media
    assert response.status_code == 200, response.json_body
    body = response.json_body
    assert_camel(body)
    assert body["name"] == "Apollo"
    assert [t["id"] for t in body["tasks"]] == [first["id"]]
    assert {m["userId"] for m in body["team"]} == {owner.user_id, member.user_id}
    assert [(m["filename"], m["taskId"], m["contentType"]) for m in body["media"]] == [
        ("shot.png", first["id"], "image/png")
    ]
    assert body["media"][0]["url"]
    assert body["hasMoreTasks"] is False


def test_a_restricted_projects_team_is_its_explicit_members(api, owner, member):
    created = project(owner)
    body = {"user_id": member.user_id, "role": "manager"}
    added = owner.api.post(f"/api/v1/projects/{created['id']}/members", json=body)
    assert added.status_code == 201
    team = owner.api.get(f"/api/projects/{created['id']}").json_body["team"]
    assert [(m["userId"], m["fullName"], m["projectRole"]) for m in team] == [(member.user_id, "Sam Member", "manager")]


def test_delete_removes_the_project(owner):
    created = project(owner)
    response = owner.api.delete(f"/api/projects/{created['id']}")
    assert response.status_code == 200, response.json_body
    error(owner.api.get(f"/api/projects/{created['id']}"), 404, "not_found")


def test_an_unknown_or_numeric_id_is_404(owner):
    error(owner.api.get("/api/projects/1"), 404, "not_found")
    error(owner.api.get("/api/projects/prj_01HV0000000000000000000000"), 404, "not_found")


def test_a_member_without_access_to_a_restricted_project_gets_404(api, owner, member):
    created = project(owner)
    other = factories.join(api, owner, name="Mo Member")
    owner.api.post(f"/api/v1/projects/{created['id']}/members", json={"user_id": other.user_id})
    error(member.api.get(f"/api/projects/{created['id']}"), 404, "not_found")
