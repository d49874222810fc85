"""Set-up and deliveries for the Git integration tests, through the public API."""

import json
import uuid

import boto3
from chalice.test import HTTPResponse

from chalicelib.core import jobs
from chalicelib.core.config import get_settings
from chalicelib.git.providers import github_signature
from tests.support.factories import Account

GITHUB_SECRET = "It's a Secret to Everybody"
GITLAB_SECRET = "gitlab-token-0123456789abcdef"


def connect(account: Account, *, provider: str = "github", repo_url: str | None = None, **fields) -> dict:
    url = repo_url or ("https://github.com/acme/app" if provider == "github" else "https://gitlab.com/acme/web/app")
    response = account.api.post("/api/v1/git/repositories", json={"provider": provider, "repo_url": url, **fields})
    assert response.status_code == 201, response.json_body
    return response.json_body


def register_webhook(
    account: Account,
    repository_id: str,
    *,
    url: str = "http://127.0.0.1:9/hooks/git",  # nothing listens there: the copies fail fast and wait to retry
    events: list[str] | None = None,
    secret: str | None = GITHUB_SECRET,
) -> dict:
    body = {"repository_id": repository_id, "events": events or ["push", "pull_request", "branch_created"], "url": url}
    if secret is not None:
        body["secret"] = secret
    response = account.api.post("/api/v1/git/webhooks", json=body)
    assert response.status_code == 201, response.json_body
    return response.json_body


def github_delivery(
    api,
    repository_id: str,
    event: str,
    payload: dict | bytes,
    *,
    secret: str = GITHUB_SECRET,
    delivery_id: str | None = None,
    signature: str | None = None,
    headers: dict | None = None,
) -> HTTPResponse:
    """POST a delivery as GitHub would: the raw body signed with the secret in X-Hub-Signature-256."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    all_headers = {
        "content-type": "application/json",
        "x-github-event": event,
        "x-github-delivery": delivery_id or str(uuid.uuid4()),
        "x-hub-signature-256": signature if signature is not None else github_signature(secret, body),
        "user-agent": "GitHub-Hookshot/abc123",
    }
    all_headers.update(headers or {})
    return api.post(f"/api/v1/git/hooks/github/{repository_id}", body=body, headers=all_headers)


def gitlab_delivery(
    api,
    repository_id: str,
    event: str,
    payload: dict,
    *,
    token: str | None = GITLAB_SECRET,
    delivery_id: str | None = None,
) -> HTTPResponse:
    headers = {
        "content-type": "application/json",
        "x-gitlab-event": event,
        "x-gitlab-event-uuid": delivery_id or str(uuid.uuid4()),
    }
    if token is not None:
        headers["x-gitlab-token"] = token
    return api.post(f"/api/v1/git/hooks/gitlab/{repository_id}", body=json.dumps(payload).encode(), headers=headers)


def commit(message: str, *, sha: str | None = None, author: str = "Mona Lisa") -> dict:
    sha = sha or uuid.uuid4().hex + "abcdefab"
    return {
        "id": sha,
        "message": message,
        "timestamp": "2026-03-28T09:00:00Z",
        "url": f"https://github.com/acme/app/commit/{sha}",
        "author": {"name": author, "email": "mona@example.com", "username": "mona"},
    }


def push(*commits: dict, branch: str = "main") -> dict:
    return {
        "ref": f"refs/heads/{branch}",
        "created": False,
        "deleted": False,
        "commits": list(commits),
        "sender": {"login": "mona"},
    }


def pull_request(
    *, number: int = 12, action: str = "opened", merged: bool = False, title: str = "", body: str = ""
) -> dict:
    return {
        "action": action,
        "number": number,
        "pull_request": {
            "number": number,
            "title": title,
            "body": body,
            "html_url": f"https://github.com/acme/app/pull/{number}",
            "user": {"login": "mona"},
            "merged": merged,
            "head": {"ref": "feature/login"},
            "base": {"ref": "main"},
        },
        "sender": {"login": "mona"},
    }


def activity(account: Account, task_id: str) -> list[dict]:
    response = account.api.get(f"/api/v1/tasks/{task_id}/git-activity")
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]


def audit_entries(owner: Account, **filters) -> list[dict]:
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    response = owner.api.get(f"/api/v1/audit-logs?{query}")
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]


def error(response: HTTPResponse, status: int, code: str) -> dict:
    assert response.status_code == status, response.json_body
    body = response.json_body["error"]
    assert body["code"] == code
    assert body["message"]
    return body


def run_jobs(*, stop_after: str | None = None) -> list[str]:
    """Run the queued background jobs, as the jobs consumer would; the names of those that ran, in order.

    With `stop_after`, stops once a job of that name has run (one message at a time, so none is left hidden).
    """
    sqs = boto3.client("sqs")
    url = jobs.queue_url(get_settings().jobs_queue)
    names: list[str] = []
    batch = 1 if stop_after else 10
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=batch).get("Messages", []):
        result = jobs.run_batch([(m["MessageId"], m["Body"]) for m in messages])
        assert not result["batchItemFailures"], "a background job failed"
        for message in messages:
            names.append(json.loads(message["Body"])["job"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        if stop_after in names:
            break
    return names
