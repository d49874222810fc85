"""Set-up and assertions shared by the tests of what hangs off a task (comments, checklists, labels,
dependencies), all through the public API."""

import json

from chalice.test import HTTPResponse

from chalicelib.core import jobs
from chalicelib.tasks.service import TASK_DELETED_JOB
from tests.support.factories import Account


def project(account: Account, *, name: str = "Website") -> str:
    response = account.api.post("/api/v1/projects", json={"name": name})
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]


def task(account: Account, project_id: str, *, title: str = "Login page", **fields) -> dict:
    response = account.api.post("/api/v1/tasks", json={"title": title, "project_id": project_id, **fields})
    assert response.status_code == 201, response.json_body
    return response.json_body


def label(account: Account, name: str = "bug", color: str = "#EF4444") -> dict:
    response = account.api.post("/api/v1/labels", json={"name": name, "color": color})
    assert response.status_code == 201, response.json_body
    return response.json_body


def make_manager(owner: Account, project_id: str, account: Account) -> None:
    """`account` becomes a manager of the project (manage_tasks there); the project becomes restricted."""
    add_to_project(owner, project_id, account, role="manager")


def add_to_project(owner: Account, project_id: str, account: Account, *, role: str = "member") -> None:
    """`account` becomes an explicit member of the project; the project becomes restricted to its members."""
    body = {"user_id": account.user_id, "role": role}
    response = owner.api.post(f"/api/v1/projects/{project_id}/members", json=body)
    assert response.status_code == 201, response.json_body


def delete_task(account: Account, task_id: str) -> None:
    response = account.api.delete(f"/api/v1/tasks/{task_id}")
    assert response.status_code == 204, response.json_body


def rerun_task_deleted_job(account: Account, task_id: str) -> None:
    """Deliver the task-deleted job once more under a new id, as an SQS redelivery after a crash would."""
    payload = {"org_id": account.org_id, "task_id": task_id}
    jobs.run(json.dumps({"id": f"job_rerun_{task_id}", "job": TASK_DELETED_JOB, "payload": payload}))


def audit_actions(owner: Account, entity_type: str) -> list[str]:
    """Audit actions recorded about one entity type in the owner's org, newest first."""
    response = owner.api.get(f"/api/v1/audit-logs?entity_type={entity_type}")
    assert response.status_code == 200, response.json_body
    return [entry["action"] for entry in response.json_body["data"]]


def field_error(response: HTTPResponse, field: str) -> None:
    """A 400 validation_error whose details name `field`."""
    assert response.status_code == 400, response.json_body
    error = response.json_body["error"]
    assert error["code"] == "validation_error"
    assert field in {detail["field"] for detail in error.get("details") or []}, error


def status(response: HTTPResponse, expected: int, code: str) -> None:
    """An error response with this status and envelope code."""
    assert response.status_code == expected, response.json_body
    assert response.json_body["error"]["code"] == code


def ids(items: list[dict]) -> list[str]:
    return [item["id"] for item in items]
