"""Webhooks are for an org's admins and owner: members get 403, another org's webhooks are 404 (as missing)."""

import pytest

from tests.api.webhooks.helpers import create_webhook, error

URL = "https://hooks.example.com/stint"
ID_ROUTES = [
    ("GET", "/api/v1/webhooks/{id}", None),
    ("PATCH", "/api/v1/webhooks/{id}", {"description": "x"}),
    ("DELETE", "/api/v1/webhooks/{id}", None),
    ("POST", "/api/v1/webhooks/{id}/rotate-secret", None),
    ("POST", "/api/v1/webhooks/{id}/ping", None),
    ("GET", "/api/v1/webhooks/{id}/deliveries", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ID_ROUTES)
def test_another_org_s_webhook_is_not_found(owner, outsider, method, path, body):
    # GIVEN a webhook in the outsider's org
    theirs = create_webhook(outsider, URL)
    # WHEN the owner of another org names it
    response = owner.api.request(method, path.format(id=theirs["id"]), json=body)
    # THEN it is 404, and it is unchanged
    error(response, 404, "not_found")
    assert outsider.api.get(f"/api/v1/webhooks/{theirs['id']}").json_body["description"] is None


@pytest.mark.parametrize(("method", "path", "body"), ID_ROUTES)
def test_a_malformed_webhook_id_is_not_found(owner, method, path, body):
    error(owner.api.request(method, path.format(id="whs_nope"), json=body), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [*ID_ROUTES, ("GET", "/api/v1/webhooks", None), ("POST", "/api/v1/webhooks", {"url": URL, "events": ["task.*"]})],
)
def test_members_may_not_manage_webhooks(owner, member, method, path, body):
    hook = create_webhook(owner, URL)
    error(member.api.request(method, path.format(id=hook["id"]), json=body), 403, "forbidden")
    assert [item["id"] for item in owner.api.get("/api/v1/webhooks").json_body["data"]] == [hook["id"]]


def test_the_list_holds_only_the_org_s_own_webhooks(owner, outsider):
    mine = create_webhook(owner, URL)
    create_webhook(outsider, URL)
    assert [item["id"] for item in owner.api.get("/api/v1/webhooks").json_body["data"]] == [mine["id"]]


def test_webhooks_need_credentials(api):
    error(api.get("/api/v1/webhooks"), 401, "unauthorized")
    error(api.get("/api/v1/webhook-event-types"), 401, "unauthorized")
