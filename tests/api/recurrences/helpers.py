"""Set-up and look-ups shared by the recurrence tests, through the public API and the app's own handlers."""

import uuid

from tests.support.factories import Account


def task(account: Account, project_id: str, *, title: str = "Check backups", **fields) -> dict:
    response = account.api.post("/api/v1/tasks", json={"title": title, "project_id": project_id, **fields})
    assert response.status_code == 201, response.json_body
    return response.json_body


def recur(account: Account, task_id: str, pattern: str = "daily") -> dict:
    response = account.api.post(f"/api/v1/tasks/{task_id}/recurrence", json={"recurrence_pattern": pattern})
    assert response.status_code == 201, response.json_body
    return response.json_body


def complete(account: Account, task_id: str):
    return account.api.put(f"/api/v1/tasks/{task_id}/status", json={"status": "done"})


def project_tasks(account: Account, project_id: str) -> list[dict]:
    response = account.api.get(f"/api/v1/tasks?project_id={project_id}&order=asc&per_page=100")
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]


def run_schedule(app, at: str) -> int:
    """Fire the hourly recurrence schedule as EventBridge would, at the instant `at`."""
    event = {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": at,
        "region": "us-east-1",
        "resources": [],
        "detail": {},
    }
    return app.handler_map["materialise_recurrences"](event, None)
