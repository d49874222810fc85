"""Registering, listing and deleting webhooks; their secrets are shown once and stored sealed."""

import boto3
import pytest

from chalicelib.git.service import MAX_WEBHOOKS_PER_REPOSITORY
from tests.api.git.helpers import (
    GITHUB_SECRET,
    audit_entries,
    connect,
    error,
    github_delivery,
    push,
    register_webhook,
)


@pytest.fixture
def repo(owner) -> dict:
    return connect(owner)


def test_an_admin_registers_a_webhook_and_sees_its_secret_once(owner, repo):
    # WHEN the owner registers the documented example webhook with a secret
    body = {"repository_id": repo["id"], "events": ["push", "pull_request"], "url": "https://yourapp.com/hooks/git"}
    response = owner.api.post("/api/v1/git/webhooks", json={**body, "secret": GITHUB_SECRET})
    # THEN it is registered with its secret in the answer, which no cache may keep
    assert response.status_code == 201, response.json_body
    webhook = response.json_body
    assert webhook["id"].startswith("whk_")
    assert (webhook["repository_id"], webhook["events"], webhook["url"]) == (
        repo["id"],
        ["push", "pull_request"],
        "https://yourapp.com/hooks/git",
    )
    assert webhook["secret"] == GITHUB_SECRET
    assert webhook["hook_url"] == repo["hook_url"]
    assert response.headers["Cache-Control"] == "no-store"
    # AND the list shows it without the secret
    [listed] = owner.api.get("/api/v1/git/webhooks").json_body["data"]
    assert listed["id"] == webhook["id"] and "secret" not in listed


def test_a_secret_is_generated_when_absent_and_verifies_deliveries(api, owner, repo):
    webhook = register_webhook(owner, repo["id"], secret=None)
    assert len(webhook["secret"]) >= 32
    assert github_delivery(api, repo["id"], "push", push(), secret=webhook["secret"]).status_code == 202
    assert github_delivery(api, repo["id"], "push", push(), secret=GITHUB_SECRET).status_code == 401


def test_the_secret_is_stored_sealed_not_in_clear(owner, table, repo):
    register_webhook(owner, repo["id"], secret=GITHUB_SECRET)
    items = boto3.client("dynamodb").query(
        TableName=table,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :sk)",
        ExpressionAttributeValues={":pk": {"S": f"ORG#{owner.org_id}"}, ":sk": {"S": "GITHOOK#"}},
    )["Items"]
    assert len(items) == 1
    assert GITHUB_SECRET not in str(items[0])
    assert items[0]["sealed_secret"]["S"].startswith("v1.")


def test_registration_is_audited_without_the_secret(owner, repo):
    webhook = register_webhook(owner, repo["id"], secret=GITHUB_SECRET)
    [entry] = audit_entries(owner, entity_id=webhook["id"])
    assert (entry["action"], entry["entity_type"], entry["user_id"]) == ("created", "git_webhook", owner.user_id)
    assert entry["changes"]["url"]["to"] == webhook["url"]
    assert GITHUB_SECRET not in str(entry)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"events": ["issues"]}, "events.0"),
        ({"events": []}, "events"),
        ({"events": "push"}, "events"),
        ({"url": "ftp://example.com/hook"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"secret": "short"}, "secret"),
        ({"secret": "tab\tinside-the-secret-text"}, "secret"),
        ({"repository_id": "repo_01HV0000000000000000000000"}, "repository_id"),
        ({"active": True}, "active"),
    ],
)
def test_bad_registrations_are_400_naming_the_field_and_write_nothing(owner, repo, changes, field):
    body = {"repository_id": repo["id"], "events": ["push"], "url": "https://yourapp.com/hooks/git", **changes}
    response = owner.api.post("/api/v1/git/webhooks", json=body)
    assert error(response, 400, "validation_error")["details"][0]["field"] == field
    assert owner.api.get("/api/v1/git/webhooks").json_body["data"] == []


def test_another_orgs_repository_is_refused_naming_repository_id(owner, outsider):
    theirs = connect(outsider)
    body = {"repository_id": theirs["id"], "events": ["push"], "url": "https://yourapp.com/hooks/git"}
    response = owner.api.post("/api/v1/git/webhooks", json=body)
    assert error(response, 400, "validation_error")["details"][0]["field"] == "repository_id"
    assert outsider.api.get("/api/v1/git/repositories").json_body["data"][0]["webhook_count"] == 0


def test_private_target_urls_are_refused_where_private_targets_are_not_allowed(owner, repo, monkeypatch):
    from dataclasses import replace

    from chalicelib.core.config import get_settings
    from chalicelib.git import service

    production = replace(get_settings(), webhooks_allow_private_targets=0)
    monkeypatch.setattr(service, "get_settings", lambda: production)
    for url in ("http://127.0.0.1:8000/hook", "http://169.254.169.254/latest/meta-data", "http://localhost/x"):
        body = {"repository_id": repo["id"], "events": ["push"], "url": url}
        response = owner.api.post("/api/v1/git/webhooks", json=body)
        assert error(response, 400, "validation_error")["details"][0]["field"] == "url"


def test_a_repository_has_at_most_ten_webhooks(owner, repo):
    for n in range(MAX_WEBHOOKS_PER_REPOSITORY):
        register_webhook(owner, repo["id"], url=f"https://yourapp.com/hooks/{n}")
    body = {"repository_id": repo["id"], "events": ["push"], "url": "https://yourapp.com/hooks/one-more"}
    error(owner.api.post("/api/v1/git/webhooks", json=body), 409, "conflict")
    listed = owner.api.get(f"/api/v1/git/webhooks?repository_id={repo['id']}&per_page=100").json_body["data"]
    assert len(listed) == MAX_WEBHOOKS_PER_REPOSITORY


def test_webhooks_are_listed_per_repository(owner, repo):
    other = connect(owner, repo_url="https://github.com/acme/other")
    mine = register_webhook(owner, repo["id"])
    register_webhook(owner, other["id"])
    listed = owner.api.get(f"/api/v1/git/webhooks?repository_id={repo['id']}").json_body["data"]
    assert [item["id"] for item in listed] == [mine["id"]]


def test_deleting_a_webhook_frees_its_place_and_is_audited(owner, repo):
    webhook = register_webhook(owner, repo["id"])
    assert owner.api.delete(f"/api/v1/git/webhooks/{webhook['id']}").status_code == 204
    assert owner.api.get("/api/v1/git/webhooks").json_body["data"] == []
    assert owner.api.get("/api/v1/git/repositories").json_body["data"][0]["webhook_count"] == 0
    assert [entry["action"] for entry in audit_entries(owner, entity_id=webhook["id"])] == ["deleted", "created"]
    error(owner.api.delete(f"/api/v1/git/webhooks/{webhook['id']}"), 404, "not_found")


def test_members_can_neither_register_list_nor_delete_webhooks(owner, member, repo):
    webhook = register_webhook(owner, repo["id"])
    body = {"repository_id": repo["id"], "events": ["push"], "url": "https://yourapp.com/hooks/git"}
    error(member.api.post("/api/v1/git/webhooks", json=body), 403, "forbidden")
    error(member.api.get("/api/v1/git/webhooks"), 403, "forbidden")
    error(member.api.delete(f"/api/v1/git/webhooks/{webhook['id']}"), 403, "forbidden")
    assert len(owner.api.get("/api/v1/git/webhooks").json_body["data"]) == 1
