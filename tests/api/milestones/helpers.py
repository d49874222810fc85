"""Set-up and assertions for milestone tests, through the public API."""

from chalice.test import HTTPResponse

from tests.support.factories import Account


def project(account: Account, *, name: str = "Website") -> str:
    response = account.api.post("/api/v1/projects", json={"name": name})
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]


def project_url(org_id: str, project_id: str) -> str:
    return f"/api/v1/organizations/{org_id}/projects/{project_id}/milestones"


def milestone_url(org_id: str, milestone_id: str) -> str:
    return f"/api/v1/organizations/{org_id}/milestones/{milestone_id}"


def milestone(
    account: Account, project_id: str, *, title: str = "Public beta", target_date: str = "2026-07-01", **fields
) -> dict:
    body = {"title": title, "target_date": target_date, **fields}
    response = account.api.post(project_url(account.org_id, project_id), json=body)
    assert response.status_code == 201, response.json_body
    return response.json_body


def listed(account: Account, project_id: str, query: str = "") -> list[dict]:
    response = account.api.get(project_url(account.org_id, project_id) + query)
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]


def titles(account: Account, project_id: str) -> list[str]:
    return [item["title"] for item in listed(account, project_id)]


def make_manager(owner: Account, project_id: str, account: Account) -> None:
    """`account` becomes a manager of the project (manage_tasks there); the project becomes restricted."""
    body = {"user_id": account.user_id, "role": "manager"}
    response = owner.api.post(f"/api/v1/projects/{project_id}/members", json=body)
    assert response.status_code == 201, response.json_body


def audit_actions(owner: Account, entity_type: str = "milestone") -> list[str]:
    """Audit actions recorded about milestones in the owner's org, newest first."""
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
    assert response.status_code == expected, response.json_body
    assert response.json_body["error"]["code"] == code
