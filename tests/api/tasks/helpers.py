"""Set-up for task tests, through the public API."""

from tests.support import factories


def project(account, *, name: str = "Website", **fields) -> str:
    response = account.api.post("/api/v1/projects", json={"name": name, **fields})
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]


def task(account, project_id: str, *, title: str = "Task", **fields) -> dict:
    response = account.api.post("/api/v1/tasks", json={"title": title, "project_id": project_id, **fields})
    assert response.status_code == 201, response.json_body
    return response.json_body


def label(account, *, name: str = "bug", color: str = "#ff0000") -> str:
    response = account.api.post("/api/v1/labels", json={"name": name, "color": color})
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]


def ids(response) -> list[str]:
    assert response.status_code == 200, response.json_body
    return [item["id"] for item in response.json_body["data"]]


def restricted_project(owner, *, members=()) -> str:
    """A project only its listed members (and admins) can see."""
    project_id = project(owner, name="Secret")
    for account in members or [owner]:
        added = owner.api.post(f"/api/v1/projects/{project_id}/members", json={"user_id": account.user_id})
        assert added.status_code == 201, added.json_body
    return project_id


__all__ = ["factories"]
