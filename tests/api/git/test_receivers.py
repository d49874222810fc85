"""The provider receivers: signatures, delivery ids once, ping, unknown events, body size — no bearer token."""

import json

import pytest

from chalicelib.git.providers import github_signature
from tests.api.git.helpers import (
    GITHUB_SECRET,
    GITLAB_SECRET,
    activity,
    commit,
    connect,
    error,
    github_delivery,
    gitlab_delivery,
    push,
    register_webhook,
    run_jobs,
)
from tests.support import factories


def _delivery_jobs() -> int:
    """How many deliveries were queued for processing (running every queued job)."""
    return run_jobs().count("git_delivery")


@pytest.fixture
def github_repo(owner) -> dict:
    repository = connect(owner)
    register_webhook(owner, repository["id"], secret=GITHUB_SECRET)
    factories.drain_jobs()
    return repository


@pytest.fixture
def gitlab_repo(owner) -> dict:
    repository = connect(owner, provider="gitlab")
    register_webhook(owner, repository["id"], secret=GITLAB_SECRET)
    factories.drain_jobs()
    return repository


def test_a_signed_github_push_is_accepted_and_queued_without_a_bearer_token(api, github_repo, login_task):
    run_jobs()
    # WHEN GitHub delivers a push signed with the webhook secret, with no Authorization header
    response = github_delivery(api, github_repo["id"], "push", push(commit(f"Start {login_task['id']}")))
    # THEN it is accepted for processing, and only queued so far
    assert response.status_code == 202, response.json_body
    assert response.json_body["status"] == "accepted"
    assert _delivery_jobs() == 1


def test_the_documented_signature_vector_is_accepted_by_the_receiver(api, github_repo):
    # GIVEN GitHub's documented example: secret "It's a Secret to Everybody", body "Hello, World!"
    signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    # WHEN it arrives as a ping with exactly that body and signature
    response = github_delivery(api, github_repo["id"], "ping", b"Hello, World!", signature=signature)
    # THEN the signature is accepted (a ping is answered)
    assert response.status_code == 200, response.json_body
    assert response.json_body["status"] == "pong"


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "sha256=" + "0" * 64,
        github_signature("another secret of 16+ chars", b"x"),
    ],
    ids=["missing", "garbage", "another-secret"],
)
def test_a_forged_or_missing_github_signature_is_401_and_nothing_is_recorded(
    api, owner, github_repo, login_task, signature
):
    # GIVEN a push that mentions a task
    payload = push(commit(f"Fixes {login_task['id']}"))
    # WHEN it arrives with a signature that is not the body's under the secret
    response = github_delivery(api, github_repo["id"], "push", payload, signature=signature, delivery_id="d-forged")
    # THEN it is refused in the envelope, nothing was queued, and the same delivery id still works when signed
    error(response, 401, "unauthorized")
    assert _delivery_jobs() == 0
    assert activity(owner, login_task["id"]) == []
    assert github_delivery(api, github_repo["id"], "push", payload, delivery_id="d-forged").status_code == 202


def test_a_body_altered_after_signing_is_401(api, github_repo):
    body = json.dumps(push(commit("original"))).encode()
    signature = github_signature(GITHUB_SECRET, body)
    tampered = body.replace(b"original", b"tampered")
    error(github_delivery(api, github_repo["id"], "push", tampered, signature=signature), 401, "unauthorized")


def test_a_replayed_github_delivery_is_processed_once(api, owner, github_repo, login_task):
    # GIVEN a signed push that mentions a task, delivered and processed
    payload = push(commit(f"Start {login_task['id']}"))
    first = github_delivery(api, github_repo["id"], "push", payload, delivery_id="72d3162e-cc78-11e3-81ab-4c9367dc0958")
    assert first.status_code == 202
    assert _delivery_jobs() == 1
    # WHEN the very same delivery (same id, same signed body) arrives again
    replay = github_delivery(
        api, github_repo["id"], "push", payload, delivery_id="72d3162e-cc78-11e3-81ab-4c9367dc0958"
    )
    # THEN it is answered as a duplicate, nothing is queued, and the task shows the commit once
    assert replay.status_code == 200
    assert replay.json_body["status"] == "duplicate"
    assert _delivery_jobs() == 0
    assert len(activity(owner, login_task["id"])) == 1


def test_a_ping_is_answered_and_records_nothing(api, github_repo):
    response = github_delivery(api, github_repo["id"], "ping", {"zen": "Keep it logically awesome.", "hook_id": 1})
    assert (response.status_code, response.json_body["status"]) == (200, "pong")
    assert _delivery_jobs() == 0


def test_an_unsigned_ping_is_401(api, github_repo):
    error(github_delivery(api, github_repo["id"], "ping", {"zen": "x"}, signature=""), 401, "unauthorized")


def test_unknown_events_are_accepted_and_ignored(api, github_repo):
    response = github_delivery(api, github_repo["id"], "issues", {"action": "opened", "issue": {"number": 1}})
    assert (response.status_code, response.json_body["status"]) == (200, "ignored")
    assert _delivery_jobs() == 0


def test_a_body_over_one_megabyte_is_refused_before_anything_else(api, github_repo):
    # GIVEN a correctly signed body just over 1 MB
    body = b'{"padding": "' + b"x" * 1_000_000 + b'"}'
    # WHEN it is delivered
    response = github_delivery(api, github_repo["id"], "push", body)
    # THEN it is refused as too large, in the envelope
    error(response, 413, "payload_too_large")
    assert _delivery_jobs() == 0


def test_a_missing_delivery_id_is_a_400_naming_the_header(api, github_repo):
    response = github_delivery(api, github_repo["id"], "push", push(), headers={"x-github-delivery": ""})
    assert error(response, 400, "validation_error")["details"][0]["field"] == "X-GitHub-Delivery"


def test_a_signed_body_that_is_not_json_is_a_400(api, github_repo):
    assert github_delivery(api, github_repo["id"], "push", b"not json").status_code == 400


def test_form_encoded_github_deliveries_are_accepted(api, owner, github_repo, login_task):
    from urllib.parse import quote

    payload = json.dumps(push(commit(f"Start {login_task['id']}")))
    body = f"payload={quote(payload)}".encode()
    headers = {"content-type": "application/x-www-form-urlencoded"}
    assert github_delivery(api, github_repo["id"], "push", body, headers=headers).status_code == 202
    factories.drain_jobs()
    assert len(activity(owner, login_task["id"])) == 1


def test_unknown_repositories_and_the_wrong_provider_are_404(api, github_repo):
    error(github_delivery(api, "repo_01HV0000000000000000000000", "push", push()), 404, "not_found")
    error(github_delivery(api, "not-an-id", "push", push()), 404, "not_found")
    error(gitlab_delivery(api, github_repo["id"], "Push Hook", {}, token=GITHUB_SECRET), 404, "not_found")


def test_a_repository_without_webhooks_accepts_no_delivery(api, owner):
    repository = connect(owner)
    error(github_delivery(api, repository["id"], "push", push()), 401, "unauthorized")


def test_a_deleted_webhooks_secret_no_longer_verifies(api, owner, github_repo):
    [webhook] = owner.api.get("/api/v1/git/webhooks").json_body["data"]
    assert owner.api.delete(f"/api/v1/git/webhooks/{webhook['id']}").status_code == 204
    error(github_delivery(api, github_repo["id"], "push", push()), 401, "unauthorized")


def test_gitlab_deliveries_are_verified_by_their_token_and_processed_once(api, owner, gitlab_repo, login_task):
    payload = {
        "object_kind": "push",
        "ref": "refs/heads/main",
        "before": "a" * 40,
        "after": "b" * 40,
        "user_username": "jo",
        "commits": [commit(f"Start {login_task['id']}")],
    }
    error(gitlab_delivery(api, gitlab_repo["id"], "Push Hook", payload, token=None), 401, "unauthorized")
    error(
        gitlab_delivery(api, gitlab_repo["id"], "Push Hook", payload, token="wrong-token-0123456789"),
        401,
        "unauthorized",
    )
    first = gitlab_delivery(api, gitlab_repo["id"], "Push Hook", payload, delivery_id="uuid-1")
    again = gitlab_delivery(api, gitlab_repo["id"], "Push Hook", payload, delivery_id="uuid-1")
    assert (first.status_code, again.json_body["status"]) == (202, "duplicate")
    factories.drain_jobs()
    assert [item["kind"] for item in activity(owner, login_task["id"])] == ["commit"]


def test_a_gitlab_delivery_without_its_event_uuid_is_a_400(api, gitlab_repo):
    response = api.post(
        f"/api/v1/git/hooks/gitlab/{gitlab_repo['id']}",
        body=b"{}",
        headers={"content-type": "application/json", "x-gitlab-event": "Push Hook", "x-gitlab-token": GITLAB_SECRET},
    )
    assert error(response, 400, "validation_error")["details"][0]["field"] == "X-Gitlab-Event-UUID"


def test_a_delivery_costs_one_query_and_one_conditional_put_and_a_forgery_only_the_query(api, github_repo):
    from chalicelib.core.metrics import count_dynamodb_calls

    with count_dynamodb_calls() as calls:
        assert github_delivery(api, github_repo["id"], "push", push(commit("x"))).status_code == 202
    assert (calls["Query"], calls["PutItem"], calls.total) == (1, 1, 2)
    with count_dynamodb_calls() as calls:
        assert github_delivery(api, github_repo["id"], "push", push(), signature="sha256=00").status_code == 401
    assert (calls["Query"], calls.total) == (1, 1)
