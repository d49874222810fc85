"""Reading a user's notifications and preferences through the API, and making things happen to them."""

from tests.support import factories, task_setup
from tests.support.factories import Account
from tests.support.outbox import deliver_events


def notifications(account: Account, query: str = "") -> list[dict]:
    response = account.api.get(f"/api/v1/notifications{query}")
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]


def set_preference(account: Account, notification_type: str, **channels: bool) -> dict:
    response = account.api.put(
        "/api/v1/notifications/preferences", json={"notification_type": notification_type, **channels}
    )
    assert response.status_code == 200, response.json_body
    return response.json_body


def preferences(account: Account) -> dict[str, dict]:
    response = account.api.get("/api/v1/notifications/preferences")
    assert response.status_code == 200, response.json_body
    return {item["notification_type"]: item for item in response.json_body["data"]}


def assigned_task(owner: Account, project_id: str, assignee: Account, **fields) -> dict:
    """A task the owner reports and `assignee` works on; the assignment's own notification is delivered."""
    task = task_setup.task(owner, project_id, assignee_id=assignee.user_id, **fields)
    deliver_events()
    return task


def change_status(account: Account, task_id: str, status: str = "done") -> None:
    response = account.api.put(f"/api/v1/tasks/{task_id}/status", json={"status": status})
    assert response.status_code == 200, response.json_body


def emails_to(account: Account) -> list:
    return [message for message in factories.sent_emails() if account.email in message["To"]]
