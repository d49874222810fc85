"""Set-up and look-ups shared by the workflow-status tests."""

from tests.support.factories import Account

BUILTIN_CODES = ["open", "in_progress", "done", "closed"]


def statuses(account: Account) -> list[dict]:
    response = account.api.get("/api/v1/task-statuses")
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]


def codes(account: Account) -> list[str]:
    return [status["code"] for status in statuses(account)]


def status_id(account: Account, code: str) -> str:
    return next(status["id"] for status in statuses(account) if status["code"] == code)


def create_status(account: Account, code: str = "qa_review", **fields) -> dict:
    body = {"code": code, "label": code.replace("_", " ").title(), "color": "#8b5cf6", **fields}
    response = account.api.post("/api/v1/task-statuses", json=body)
    assert response.status_code == 201, response.json_body
    return response.json_body


def task(account: Account, project_id: str, *, title: str = "Landing page", **fields) -> dict:
    response = account.api.post("/api/v1/tasks", json={"title": title, "project_id": project_id, **fields})
    assert response.status_code == 201, response.json_body
    return response.json_body
