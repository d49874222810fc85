"""Set-up and assertions shared by the client tests."""

from chalice.test import HTTPResponse

from tests.support.factories import Account


def create_client(account: Account, **fields) -> dict:
    """A client created through the API by `account` (an admin or owner)."""
    response = account.api.post("/api/v1/clients", json={"name": "Acme Corp", **fields})
    assert response.status_code == 201, response.json_body
    return response.json_body


def add_contact(account: Account, client_id: str, **fields) -> dict:
    """A contact added to the client through the API by `account`."""
    response = account.api.post(f"/api/v1/clients/{client_id}/contacts", json={"name": "John Smith", **fields})
    assert response.status_code == 201, response.json_body
    return response.json_body


def log_activity(account: Account, client_id: str, **fields) -> dict:
    """An activity logged for the client through the API by `account`."""
    body = {"type": "meeting", "title": "Quarterly review", **fields}
    response = account.api.post(f"/api/v1/clients/{client_id}/activities", json=body)
    assert response.status_code == 201, response.json_body
    return response.json_body


def ids(items: list[dict]) -> list[str]:
    return [item["id"] for item in items]


def audit_entries(owner: Account, entity_id: str) -> list[dict]:
    """The audit entries about one entity, newest first, as the org's owner sees them."""
    response = owner.api.get(f"/api/v1/audit-logs?entity_id={entity_id}")
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]


def audit_actions(owner: Account, entity_type: str) -> list[str]:
    """The actions the audit log records for one entity type, newest first."""
    response = owner.api.get(f"/api/v1/audit-logs?entity_type={entity_type}")
    assert response.status_code == 200, response.json_body
    return [entry["action"] for entry in response.json_body["data"]]


def error(response: HTTPResponse, status: int, code: str) -> dict:
    """The error of a response that must be the DESIGN.md envelope with this status and code."""
    assert response.status_code == status, response.json_body
    body = response.json_body["error"]
    assert body["code"] == code
    assert body["message"]
    return body


def field_error(response: HTTPResponse, field: str) -> dict:
    """A 400 `validation_error` that names `field`."""
    body = error(response, 400, "validation_error")
    assert field in {detail["field"] for detail in body.get("details") or []}, body
    return body
