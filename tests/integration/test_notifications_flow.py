"""The async backbone end to end on the local stack: a task status change → outbox → the local worker's
publisher → SQS → the events consumer → an in-app notification and an `.eml` for whoever asked for them."""

import email
import email.policy
import re
import time
from email.message import Message
from pathlib import Path

import boto3
import httpx
import pytest

from tests.support.stack import LocalStack

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery staple"
DEADLINE_SECONDS = 60


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = LocalStack(tmp_path_factory.mktemp("notifications") / "local")
    stack.start()
    yield stack
    stack.stop()


def _emails(stack: LocalStack, to: str) -> list[Message]:
    found = []
    for path in sorted(Path(stack.local_dir, "mail").glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if to in message["To"]:
            found.append(message)
    return found


def _wait_for(what: str, check):
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.25)
    raise AssertionError(f"gave up waiting for {what}")


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _join(stack: LocalStack, http: httpx.Client, owner_token: str, address: str, name: str) -> dict:
    """Invite `address`, wait for the invitation email the worker sends, accept it: the member's sign-in."""
    invited = http.post(
        "/api/v1/members/invite", json={"email": address, "role": "member", "name": name}, headers=_auth(owner_token)
    )
    assert invited.status_code == 201, invited.text
    invitation = _wait_for(f"the invitation to {address}", lambda: _emails(stack, address))[-1]
    token = re.search(r"token=([\w\-]+)", invitation.get_body(("plain",)).get_content()).group(1)
    accepted = http.post("/api/v1/invitations/accept", json={"token": token, "password": PASSWORD})
    assert accepted.status_code == 200, accepted.text
    return accepted.json()


def _events_queue_idle(stack: LocalStack, monkeypatch) -> bool:
    for key, value in stack.aws_env.items():
        monkeypatch.setenv(key, value)
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName="stint-events")["QueueUrl"]
    counts = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return counts == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}


def test_a_status_change_reaches_whoever_asked_and_nobody_else(stack, monkeypatch):
    with httpx.Client(base_url=stack.base_url, timeout=30) as http:
        # GIVEN an owner, a member who keeps email on and a member who turned status changes off entirely
        owner = http.post(
            "/api/v1/auth/register", json={"email": "olive@example.com", "password": PASSWORD, "name": "Olive Owner"}
        ).json()
        wants = _join(stack, http, owner["access_token"], "wendy@example.com", "Wendy Wants")
        quiet = _join(stack, http, owner["access_token"], "quinn@example.com", "Quinn Quiet")
        off = {"notification_type": "task_status_changed", "email_enabled": False, "in_app_enabled": False}
        assert http.put("/api/v1/notifications/preferences", json=off, headers=_auth(quiet["access_token"])).is_success
        # AND a task that Quinn reports and Wendy works on
        project = http.post("/api/v1/projects", json={"name": "Website"}, headers=_auth(owner["access_token"])).json()
        task = http.post(
            "/api/v1/tasks",
            json={"title": "Launch page", "project_id": project["id"], "assignee_id": wants["user"]["id"]},
            headers=_auth(quiet["access_token"]),
        ).json()

        # WHEN the owner moves the task to done
        moved = http.put(
            f"/api/v1/tasks/{task['id']}/status", json={"status": "done"}, headers=_auth(owner["access_token"])
        )
        assert moved.status_code == 200, moved.text

        # THEN, through the worker and SQS, Wendy gets an in-app notification linking to the task …
        def wendys_notification():
            listed = http.get("/api/v1/notifications", headers=_auth(wants["access_token"])).json()["data"]
            return [n for n in listed if n["type"] == "task_status_changed"]

        [notification] = _wait_for("Wendy's notification", wendys_notification)
        assert notification["data"]["link"] == f"/tasks?task={task['id']}"
        # … and an .eml with a text and an HTML part
        [mail] = _wait_for(
            "Wendy's email", lambda: [m for m in _emails(stack, "wendy@example.com") if "done" in m["Subject"]]
        )
        assert f"/tasks?task={task['id']}" in mail.get_body(("plain",)).get_content()
        assert mail.get_body(("html",)) is not None
        # AND once the events queue is idle, Quinn has neither
        _wait_for("the events queue to be idle", lambda: _events_queue_idle(stack, monkeypatch))
        quiet_list = http.get("/api/v1/notifications", headers=_auth(quiet["access_token"])).json()["data"]
        assert [n for n in quiet_list if n["type"] == "task_status_changed"] == []
        assert [m for m in _emails(stack, "quinn@example.com") if "done" in m["Subject"]] == []
