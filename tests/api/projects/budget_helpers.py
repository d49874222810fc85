"""Set-up for the budget tests: projects with budgets, time logged on them, and the alerts that follow."""

from tests.api.projects.helpers import create_project
from tests.support import factories
from tests.support.factories import Account
from tests.support.outbox import deliver_events

HOUR = 3600


def budget_project(account: Account, **fields) -> dict:
    """A project with a 10-hour budget unless `fields` say otherwise."""
    return create_project(account, **{"budget_type": "hours", "budget_amount": 10 * HOUR, **fields})


def log(account: Account, project_id: str, hours: float, *, day: int = 1, **fields) -> dict:
    """A finished entry of `hours` on the project, starting at 09:00 UTC on day `day` of March 2026."""
    start = f"2026-03-{day:02d}T09:00:00Z"
    seconds = int(hours * HOUR)
    stop = f"2026-03-{day:02d}T{9 + seconds // HOUR:02d}:{seconds % HOUR // 60:02d}:00Z"
    response = account.api.post(
        "/api/v1/entries", json={"start": start, "stop": stop, "project_id": project_id, **fields}
    )
    assert response.status_code == 201, response.json_body
    return response.json_body


def settle() -> None:
    """Deliver events until none are left (a usage event's handling may emit a budget alert)."""
    while deliver_events():
        pass


def progress(account: Account, project_id: str) -> dict | None:
    """The project's budget progress once every pending event has been handled."""
    settle()
    response = account.api.get(f"/api/v1/projects/{project_id}")
    assert response.status_code == 200, response.json_body
    return response.json_body["budget_progress"]


def budget_alerts(account: Account, project_id: str) -> list[dict]:
    """The budget alerts in `account`'s in-app notifications about this project, oldest first."""
    settle()
    response = account.api.get("/api/v1/notifications?per_page=100")
    assert response.status_code == 200, response.json_body
    alerts = [n for n in response.json_body["data"] if n["type"] == "budget_alert"]
    return [n for n in reversed(alerts) if n["data"]["project_id"] == project_id]


def budget_emails(account: Account) -> list:
    return [m for m in factories.sent_emails() if account.email in m["To"] and "budget" in m["Subject"]]
