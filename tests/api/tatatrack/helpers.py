"""Calls and assertions shared by the TataTrack surface's tests (everything through `/api/...`)."""

import re

from tests.support.factories import Account

CAMEL = re.compile(r"^[a-z][a-zA-Z0-9]*$")


def error(response, status: int, code: str) -> dict:
    """The response is an error of this status and code in the standard envelope; returns the error object."""
    assert response.status_code == status, response.json_body
    body = response.json_body["error"]
    assert body["code"] == code
    assert body["message"]
    assert body["request_id"]
    return body


def fields_named(error_body: dict) -> set[str]:
    return {detail["field"] for detail in error_body.get("details", [])}


def assert_camel(value) -> None:
    """Every key of every object in the body is camelCase (no snake_case leaks from the native API)."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert CAMEL.match(key), f"{key!r} is not camelCase"
            assert_camel(item)
    elif isinstance(value, list):
        for item in value:
            assert_camel(item)


def project(account: Account, name: str = "Website", **fields) -> dict:
    response = account.api.post("/api/projects", json={"name": name, **fields})
    assert response.status_code == 201, response.json_body
    return response.json_body


def task(account: Account, project_id: str, title: str = "Login page", **fields) -> dict:
    response = account.api.post("/api/tasks", json={"title": title, "projectId": project_id, **fields})
    assert response.status_code == 201, response.json_body
    return response.json_body


def task_ids(response) -> list[str]:
    return [item["id"] for item in response.json_body["tasks"]]
