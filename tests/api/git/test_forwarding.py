"""Registered webhook URLs receive a signed JSON copy of each processed event, with retries, never to private
addresses where those are not allowed. The receiver is an HTTP server on 127.0.0.1 started by the test."""

import hashlib
import hmac
from dataclasses import replace

import pytest

from chalicelib.core import outbound
from chalicelib.core.config import get_settings
from chalicelib.git import service
from tests.api.git.helpers import (
    GITHUB_SECRET,
    GITLAB_SECRET,
    commit,
    connect,
    github_delivery,
    gitlab_delivery,
    pull_request,
    push,
    register_webhook,
    run_jobs,
)


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    """Retries are queued without SQS's delay, so the test's job runner picks them up at once."""
    monkeypatch.setattr(service, "RETRY_DELAYS", (0, 0, 0, 0))


@pytest.fixture
def repo(owner) -> dict:
    return connect(owner)


def _signed_by(secret: str, received) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), received.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, received.headers["x-stint-signature-256"])


def test_a_processed_push_is_sent_to_the_webhook_url_signed_with_its_secret(api, owner, repo, login_task, receiver):
    # GIVEN a webhook for pushes that sends to the test's server
    webhook = register_webhook(owner, repo["id"], url=receiver.url, events=["push"], secret=GITHUB_SECRET)
    # WHEN GitHub delivers a push that mentions a task, and the jobs run
    sha = "d" * 40
    github_delivery(api, repo["id"], "push", push(commit(f"Start {login_task['id']}", sha=sha)), delivery_id="gh-1")
    run_jobs()
    # THEN the server got one JSON copy of the event, signed over its exact bytes with the webhook's secret
    [received] = receiver.requests
    assert received.path == "/hooks/git"
    assert received.headers["content-type"] == "application/json"
    assert received.headers["x-stint-event"] == "push"
    assert _signed_by(webhook["secret"], received)
    body = received.json
    assert body["event"] == "push" and body["delivery_id"] == "gh-1" and body["provider"] == "github"
    assert body["repository"] == {"id": repo["id"], "full_name": "acme/app", "repo_url": "https://github.com/acme/app"}
    assert body["linked_task_ids"] == [login_task["id"]]
    assert [c["sha"] for c in body["data"]["commits"]] == [sha]
    assert received.headers["x-stint-delivery"] == body["id"]


def test_only_the_event_types_a_webhook_subscribes_to_are_sent(api, owner, repo, receiver):
    register_webhook(owner, repo["id"], url=receiver.url, events=["pull_request"])
    github_delivery(api, repo["id"], "push", push(commit("Nothing to see")))
    run_jobs()
    assert receiver.requests == []
    github_delivery(api, repo["id"], "pull_request", pull_request(number=3))
    run_jobs()
    assert [r.json["event"] for r in receiver.requests] == ["pull_request"]
    assert receiver.requests[0].json["data"]["number"] == 3


def test_every_subscribed_webhook_gets_its_own_copy_signed_with_its_own_secret(api, owner, repo, receiver):
    first = register_webhook(owner, repo["id"], url=receiver.url + "/a", secret=GITHUB_SECRET)
    second = register_webhook(owner, repo["id"], url=receiver.url + "/b", secret="second-secret-0123456789")
    github_delivery(api, repo["id"], "push", push(commit("x")))
    run_jobs()
    by_path = {r.path: r for r in receiver.requests}
    assert set(by_path) == {"/hooks/git/a", "/hooks/git/b"}
    assert _signed_by(first["secret"], by_path["/hooks/git/a"])
    assert _signed_by(second["secret"], by_path["/hooks/git/b"])


def test_a_new_gitlab_branch_is_sent_as_branch_created_and_push(api, owner, receiver):
    repository = connect(owner, provider="gitlab")
    register_webhook(owner, repository["id"], url=receiver.url, secret=GITLAB_SECRET)
    payload = {"ref": "refs/heads/feature", "before": "0" * 40, "after": "e" * 40, "user_username": "jo", "commits": []}
    gitlab_delivery(api, repository["id"], "Push Hook", payload)
    run_jobs()
    assert sorted(r.json["event"] for r in receiver.requests) == ["branch_created", "push"]
    assert all(_signed_by(GITLAB_SECRET, r) for r in receiver.requests)


def test_a_failing_receiver_is_retried_with_the_same_delivery_id_until_it_answers(api, owner, repo, receiver):
    # GIVEN a receiver that fails twice (500, then 503) before answering 200
    register_webhook(owner, repo["id"], url=receiver.url)
    receiver.statuses[:] = [500, 503, 200]
    # WHEN a push is processed
    github_delivery(api, repo["id"], "push", push(commit("x")))
    run_jobs()
    # THEN it was sent three times, as the same copy
    assert len(receiver.requests) == 3
    assert len({r.headers["x-stint-delivery"] for r in receiver.requests}) == 1
    assert len({r.body for r in receiver.requests}) == 1


def test_delivery_gives_up_after_five_attempts(api, owner, repo, receiver):
    register_webhook(owner, repo["id"], url=receiver.url)
    receiver.statuses[:] = [500] * 10
    github_delivery(api, repo["id"], "push", push(commit("x")))
    run_jobs()
    assert len(receiver.requests) == service.FORWARD_ATTEMPTS == 5


def test_a_receiver_that_refuses_the_copy_is_not_retried(api, owner, repo, receiver):
    register_webhook(owner, repo["id"], url=receiver.url)
    receiver.statuses[:] = [410]
    github_delivery(api, repo["id"], "push", push(commit("x")))
    run_jobs()
    assert len(receiver.requests) == 1


def test_a_receiver_slower_than_the_timeout_is_retried(api, owner, repo, receiver, monkeypatch):
    # GIVEN a short timeout and a receiver that is too slow the first time
    monkeypatch.setattr(outbound, "TIMEOUT_SECONDS", 0.2)
    register_webhook(owner, repo["id"], url=receiver.url)
    receiver.pauses[:] = [1.0, 0.0]
    # WHEN a push is processed
    github_delivery(api, repo["id"], "push", push(commit("x")))
    run_jobs()
    # THEN the copy was sent again after the timed-out attempt
    assert len(receiver.requests) == 2


def test_nothing_is_sent_to_a_private_address_where_private_targets_are_not_allowed(
    api, owner, repo, receiver, monkeypatch
):
    # GIVEN a webhook pointing at 127.0.0.1, registered while private targets were allowed
    register_webhook(owner, repo["id"], url=receiver.url)
    # WHEN private targets are not allowed (as in AWS) and a push is processed
    production = replace(get_settings(), webhooks_allow_private_targets=0)
    monkeypatch.setattr(service, "get_settings", lambda: production)
    github_delivery(api, repo["id"], "push", push(commit("x")))
    names = run_jobs()
    # THEN the copy is dropped without a request and without retries
    assert receiver.requests == []
    assert names.count("git_forward") == 1


def test_a_webhook_deleted_before_its_copy_is_sent_gets_nothing(api, owner, repo, receiver):
    # GIVEN two webhooks, and a processed push whose copies are queued but not sent yet
    webhook = register_webhook(owner, repo["id"], url=receiver.url)
    register_webhook(owner, repo["id"], url=receiver.url + "/kept")
    github_delivery(api, repo["id"], "push", push(commit("x")))
    run_jobs(stop_after="git_delivery")
    # WHEN one webhook is deleted before its copy goes out
    assert owner.api.delete(f"/api/v1/git/webhooks/{webhook['id']}").status_code == 204
    run_jobs()
    # THEN only the other one receives it
    assert [r.path for r in receiver.requests] == ["/hooks/git/kept"]
