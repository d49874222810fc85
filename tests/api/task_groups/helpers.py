"""Set-up and assertions for task-group tests, through the public API."""

from chalice.test import HTTPResponse

from tests.support.factories import Account


def project(account: Account, *, name: str = "Website") -> str:
    response = account.api.post("/api/v1/projects", json={"name": name})
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]


def group(account: Account, project_id: str, name: str = "Backlog") -> dict:
    response = account.api.post(f"/api/v1/projects/{project_id}/task-groups", json={"name": name})
    assert response.status_code == 201, response.json_body
    return response.json_body


def listed(account: Account, project_id: str) -> list[dict]:
    response = account.api.get(f"/api/v1/projects/{project_id}/task-groups")
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]


def listed_names(account: Account, project_id: str) -> list[str]:
    return [item["name"] for item in listed(account, project_id)]


def task(account: Account, project_id: str, *, title: str = "Task", **fields) -> dict:
    response = account.api.post("/api/v1/tasks", json={"title": title, "project_id": project_id, **fields})
    assert response.status_code == 201, response.json_body
    return response.json_body


def collapsed(account: Account, project_id: str) -> list[str]:
    response = account.api.get(f"/api/v1/projects/{project_id}/task-groups/collapsed")
    assert response.status_code == 200, response.json_body
    return response.json_body["group_ids"]


def make_manager(owner: Account, project_id: str, account: Account) -> None:
    """`account` becomes a manager of the project (manage_tasks there); the project becomes restricted."""
    body = {"user_id": account.user_id, "role": "manager"}
    response = owner.api.post(f"/api/v1/projects/{project_id}/members", json=body)
    assert response.status_code == 201, response.json_body


def audit_actions(owner: Account, entity_id: str) -> list[str]:
    """Audit actions recorded about one entity, newest first."""
    response = owner.api.get(f"/api/v1/audit-logs?entity_id={entity_id}")
    assert response.status_code == 200, response.json_body
    return [entry["action"] for entry in response.json_body["data"]]


def field_error(response: HTTPResponse, field: str) -> None:
    """A 400 validation_error whose details name `field`."""
    assert response.status_code == 400, response.json_body
    error = response.json_body["error"]
    assert error["code"] == "validation_error"
    assert field in {detail["field"] for detail in error.get("details") or []}, error


def status(response: HTTPResponse, expected: int, code: str) -> None:
    assert response.status_code == expected, response.json_body
    assert response.json_body["error"]["code"] == code
