"""Tenancy on every TataTrack `:id` route: another workspace's ids are 404 and nothing changes."""

import pytest

from tests.api.tatatrack.helpers import error, project, task

ROUTES = [
    ("GET", "/api/projects/{project_id}", None),
    ("PUT", "/api/projects/{project_id}", {"name": "Taken over"}),
    ("PATCH", "/api/projects/{project_id}", {"name": "Taken over"}),
    ("DELETE", "/api/projects/{project_id}", None),
    ("GET", "/api/tasks/{task_id}", None),
    ("PUT", "/api/tasks/{task_id}", {"title": "Taken over"}),
    ("PATCH", "/api/tasks/{task_id}", {"status": "done"}),
    ("DELETE", "/api/tasks/{task_id}", None),
    ("GET", "/api/tasks?projectId={project_id}", None),
    ("POST", "/api/tasks", {"title": "Sneaky", "projectId": "{project_id}"}),
    ("PUT", "/api/team", {"userId": "{user_id}", "role": "admin"}),
    ("DELETE", "/api/team", {"userId": "{user_id}"}),
    ("POST", "/api/team/resend", {"userId": "{user_id}"}),
    ("POST", "/api/workspaces/switch", {"workspaceId": "{org_id}"}),
    ("DELETE", "/api/profile/api-tokens/{token_id}", None),
]


@pytest.fixture
def theirs(owner, member):
    """A project, a task, a member and an API token of the owner's workspace."""
    created = project(owner)
    token = owner.api.post("/api/profile/api-tokens", json={"name": "Zapier"}).json_body
    return {
        "project_id": created["id"],
        "task_id": task(owner, created["id"], title="Original")["id"],
        "user_id": member.user_id,
        "org_id": owner.org_id,
        "token_id": token["id"],
        "token": token["token"],
    }


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_another_workspaces_ids_are_not_found(owner, member, outsider, theirs, method, path, body):
    # WHEN the owner of another workspace calls the route with this workspace's ids
    payload = {key: value.format(**theirs) for key, value in body.items()} if body else None
    response = outsider.api.request(method, path.format(**theirs), json=payload)
    # THEN it is a 404 (or a 400 naming the reference, for a body that refers to it) and nothing changed
    if method == "POST" and path == "/api/tasks" or path.startswith("/api/tasks?"):
        assert error(response, 400, "validation_error")["details"][0]["field"] == "projectId"
    else:
        error(response, 404, "not_found")
    assert owner.api.get(f"/api/tasks/{theirs['task_id']}").json_body["title"] == "Original"
    assert owner.api.get(f"/api/projects/{theirs['project_id']}").json_body["name"] == "Website"
    assert owner.api.as_token(theirs["token"]).get("/api/profile").status_code == 200
    roles = {m["userId"]: m["role"] for m in owner.api.get("/api/team").json_body["members"]}
    assert roles[member.user_id] == "member"
