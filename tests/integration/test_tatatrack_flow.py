"""A TataTrack client's day on the real local stack, only through `/api/...` (the document's paths and camelCase
bodies): sign in → list workspaces → switch → create a task → list tasks → update it → delete it."""

import httpx
import pytest

from tests.support.stack import LocalStack

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = LocalStack(tmp_path_factory.mktemp("tatatrack") / "local")
    stack.start()
    yield stack
    stack.stop()


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def test_a_tatatrack_client_flow_end_to_end(stack):
    with httpx.Client(base_url=stack.base_url, timeout=30) as http:
        # GIVEN an account (signed up on the native API) with a second workspace
        signed_up = http.post(
            "/api/v1/auth/register", json={"email": "tata@example.com", "password": PASSWORD, "name": "Tata User"}
        )
        assert signed_up.status_code == 201, signed_up.text
        first_token = signed_up.json()["access_token"]
        second = http.post("/api/workspaces/create", json={"name": "Client Work"}, headers=_auth(first_token))
        assert second.status_code == 201, second.text

        # WHEN the client signs in
        login = http.post("/api/auth/login", json={"email": "tata@example.com", "password": PASSWORD})
        assert login.status_code == 200, login.text
        token = login.json()["accessToken"]

        # AND lists the workspaces
        listed = http.get("/api/workspaces", headers=_auth(token))
        assert listed.status_code == 200, listed.text
        workspaces = listed.json()["workspaces"]
        assert [w["name"] for w in workspaces] == ["Tata User's workspace", "Client Work"]
        target = next(w for w in workspaces if w["name"] == "Client Work")
        assert target["isActive"] is False

        # AND switches to the second one, without signing in again
        switched = http.post("/api/workspaces/switch", json={"workspaceId": target["id"]}, headers=_auth(token))
        assert switched.status_code == 200, switched.text
        assert switched.json()["workspace"]["id"] == target["id"]
        token = switched.json()["accessToken"]

        # AND creates a project and a task in it
        project = http.post("/api/projects", json={"name": "Portal", "emoji": "🚀"}, headers=_auth(token))
        assert project.status_code == 201, project.text
        project_id = project.json()["id"]
        me = http.get("/api/profile", headers=_auth(token)).json()
        created = http.post(
            "/api/tasks",
            json={
                "title": "Wire up SSO",
                "status": "todo",
                "priority": "high",
                "projectId": project_id,
                "assigneeId": me["id"],
                "dueDate": "2026-05-01",
            },
            headers=_auth(token),
        )
        assert created.status_code == 201, created.text
        task_id = created.json()["id"]

        # AND lists tasks
        tasks = http.get("/api/tasks", headers=_auth(token))
        assert tasks.status_code == 200, tasks.text
        body = tasks.json()
        assert [t["id"] for t in body["tasks"]] == [task_id]
        assert [p["id"] for p in body["projects"]] == [project_id]
        assert [u["id"] for u in body["users"]] == [me["id"]]

        # AND marks it done
        updated = http.put(f"/api/tasks/{task_id}", json={"status": "done"}, headers=_auth(token))
        assert updated.status_code == 200, updated.text
        assert updated.json()["status"] == "done"
        assert http.get("/api/tasks?status=done", headers=_auth(token)).json()["tasks"][0]["id"] == task_id

        # AND deletes it
        deleted = http.delete(f"/api/tasks/{task_id}", headers=_auth(token))
        assert deleted.status_code == 200, deleted.text

        # THEN the workspace has no tasks left, and the first workspace never saw any
        assert http.get("/api/tasks", headers=_auth(token)).json()["tasks"] == []
        gone = http.get(f"/api/tasks/{task_id}", headers=_auth(token))
        assert gone.status_code == 404
        assert gone.json()["error"]["code"] == "not_found"
        assert http.get("/api/tasks", headers=_auth(first_token)).json()["tasks"] == []
