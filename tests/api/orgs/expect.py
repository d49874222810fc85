"""Assertions shared by the organization tests."""

from chalice.test import HTTPResponse


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
