"""Set-up and assertions shared by the project tests; everything goes through the public API."""

from chalice.test import HTTPResponse

from tests.support.factories import Account


def create_project(account: Account, **fields) -> dict:
    """A project created through the API by `account` (an admin or owner)."""
    response = account.api.post("/api/v1/projects", json={"name": "Website Redesign", **fields})
    assert response.status_code == 201, response.json_body
    return response.json_body


def create_client(account: Account, name: str = "Acme Corp") -> dict:
    """A client of `account`'s org, created through the clients API."""
    response = account.api.post("/api/v1/clients", json={"name": name})
    assert response.status_code == 201, response.json_body
    return response.json_body


def add_member(account: Account, project_id: str, user: Account, role: str = "member") -> dict:
    """`account` lists `user` as an explicit member of the project (which restricts it)."""
    body = {"user_id": user.user_id, "role": role}
    response = account.api.post(f"/api/v1/projects/{project_id}/members", json=body)
    assert response.status_code == 201, response.json_body
    return response.json_body


def get_project(account: Account, project_id: str) -> HTTPResponse:
    return account.api.get(f"/api/v1/projects/{project_id}")


def update_project(account: Account, project_id: str, **fields) -> HTTPResponse:
    return account.api.put(f"/api/v1/projects/{project_id}", json=fields)


def listed_ids(account: Account, query: str = "") -> list[str]:
    """The ids on the first page of `account`'s project list (oldest first)."""
    response = account.api.get(f"/api/v1/projects{query}")
    assert response.status_code == 200, response.json_body
    return ids(response.json_body["data"])


def member_ids(account: Account, project_id: str) -> list[str]:
    """The user ids listed as explicit members of the project."""
    response = account.api.get(f"/api/v1/projects/{project_id}/members")
    assert response.status_code == 200, response.json_body
    return [member["user_id"] for member in response.json_body["data"]]


def ids(items: list[dict]) -> list[str]:
    return [item["id"] for item in items]


def audit_entries(owner: Account, entity_id: str) -> list[dict]:
    """The audit entries about one entity, newest first, as the org's owner sees them."""
    response = owner.api.get(f"/api/v1/audit-logs?entity_id={entity_id}")
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]


def project_audit_actions(owner: Account) -> list[str]:
    """Every audit action recorded about projects in the owner's org, newest first."""
    response = owner.api.get("/api/v1/audit-logs?entity_type=project")
    assert response.status_code == 200, response.json_body
    return [entry["action"] for entry in response.json_body["data"]]


def assert_no_project_written(owner: Account) -> None:
    """No project exists in the owner's org (archived included) and the audit log records none."""
    assert listed_ids(owner, "?archived=true") == []
    assert project_audit_actions(owner) == []


def error(response: HTTPResponse, status: int, code: str) -> dict:
    """The error of a response that must be the DESIGN.md envelope with this status and code."""
    assert response.status_code == status, response.json_body
    body = response.json_body["error"]
    assert body["code"] == code
    assert body["message"]
    assert body["request_id"]
    return body


def field_error(response: HTTPResponse, field: str) -> dict:
    """A 400 `validation_error` that names `field`."""
    body = error(response, 400, "validation_error")
    assert field in {detail["field"] for detail in body.get("details") or []}, body
    return body
