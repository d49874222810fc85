"""Org admins create, list, change, rotate and delete webhook subscriptions; bad input is a 400 naming the field."""

from dataclasses import replace

import pytest

from chalicelib.core.config import get_settings
from chalicelib.webhooks import service
from tests.api.webhooks.helpers import create_webhook, error, pump, verify

URL = "https://hooks.example.com/stint"


def test_an_admin_creates_a_webhook_and_sees_its_secret_only_in_that_answer(owner, admin):
    # WHEN an admin subscribes a URL to task events
    response = admin.api.post(
        "/api/v1/webhooks", json={"url": URL, "events": ["task.created", "task.status_changed"], "description": "CI"}
    )
    # THEN it is created, enabled, with a signing secret that is not cached
    assert response.status_code == 201, response.json_body
    created = response.json_body
    assert created["id"].startswith("whs_") and created["secret"].startswith("whsec_")
    assert created["events"] == ["task.created", "task.status_changed"] and created["enabled"] is True
    assert response.headers["Cache-Control"] == "no-store"
    # AND the secret never shows again, in the list or on its own
    listed = owner.api.get("/api/v1/webhooks").json_body["data"]
    assert [hook["id"] for hook in listed] == [created["id"]]
    assert "secret" not in listed[0]
    fetched = owner.api.get(f"/api/v1/webhooks/{created['id']}").json_body
    assert "secret" not in fetched and fetched["description"] == "CI"


def test_a_webhook_s_url_events_and_description_can_be_changed(owner):
    hook = create_webhook(owner, URL)
    body = {"url": "https://other.example.com/x", "events": ["invoice.*"], "description": "Billing"}
    response = owner.api.patch(f"/api/v1/webhooks/{hook['id']}", json=body)
    assert response.status_code == 200, response.json_body
    assert {k: response.json_body[k] for k in body} == body
    assert owner.api.get(f"/api/v1/webhooks/{hook['id']}").json_body["events"] == ["invoice.*"]


def test_a_deleted_webhook_is_gone(owner):
    hook = create_webhook(owner, URL)
    assert owner.api.delete(f"/api/v1/webhooks/{hook['id']}").status_code == 204
    error(owner.api.get(f"/api/v1/webhooks/{hook['id']}"), 404, "not_found")
    assert owner.api.get("/api/v1/webhooks").json_body["data"] == []


@pytest.mark.parametrize("url", ["ftp://hooks.example.com/x", "not a url", "https://hooks.example.com/x#frag", ""])
def test_a_url_that_is_not_https_is_refused_naming_url(owner, url):
    response = owner.api.post("/api/v1/webhooks", json={"url": url, "events": ["task.created"]})
    assert error(response, 400, "validation_error")["details"][0]["field"] == "url"
    assert owner.api.get("/api/v1/webhooks").json_body["data"] == []


@pytest.fixture
def production(monkeypatch):
    """Settings as in AWS: private targets (and plain http) are not allowed."""
    settings = replace(get_settings(), webhooks_allow_private_targets=0)
    monkeypatch.setattr(service, "get_settings", lambda: settings)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.0.0.8/hook",
        "https://192.168.1.20:8443/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://localhost/hook",
    ],
)
def test_private_and_loopback_targets_are_refused_naming_url(owner, production, url):
    response = owner.api.post("/api/v1/webhooks", json={"url": url, "events": ["task.created"]})
    body = error(response, 400, "validation_error")
    assert body["details"][0]["field"] == "url"
    assert "private" in body["details"][0]["message"]
    assert owner.api.get("/api/v1/webhooks").json_body["data"] == []


def test_plain_http_is_refused_outside_local_settings(owner, production):
    response = owner.api.post("/api/v1/webhooks", json={"url": "http://hooks.example.com/x", "events": ["task.*"]})
    body = error(response, 400, "validation_error")
    assert body["details"][0] == {"field": "url", "message": "must be an https URL"}


def test_a_webhook_cannot_be_moved_to_a_private_address_either(owner, production):
    hook = create_webhook(owner, URL)
    response = owner.api.patch(f"/api/v1/webhooks/{hook['id']}", json={"url": "https://10.1.2.3/x"})
    assert error(response, 400, "validation_error")["details"][0]["field"] == "url"
    assert owner.api.get(f"/api/v1/webhooks/{hook['id']}").json_body["url"] == URL


def test_an_unknown_event_type_is_refused_naming_it(owner):
    body = {"url": URL, "events": ["task.created", "task.exploded"]}
    response = owner.api.post("/api/v1/webhooks", json=body)
    detail = error(response, 400, "validation_error")["details"][0]
    assert detail["field"] == "events"
    assert "task.exploded" in detail["message"] and "task.created" not in detail["message"]


@pytest.mark.parametrize("events", [[], ["webhook.ping"], ["nothing.*"], "task.created"])
def test_events_must_be_a_non_empty_list_of_catalogued_types(owner, events):
    response = owner.api.post("/api/v1/webhooks", json={"url": URL, "events": events})
    assert error(response, 400, "validation_error")["details"][0]["field"] == "events"


def test_unknown_fields_are_refused(owner):
    response = owner.api.post("/api/v1/webhooks", json={"url": URL, "events": ["task.*"], "secret": "mine"})
    assert error(response, 400, "validation_error")["details"][0]["field"] == "secret"
    hook = create_webhook(owner, URL)
    response = owner.api.patch(f"/api/v1/webhooks/{hook['id']}", json={"consecutive_failures": 0})
    assert error(response, 400, "validation_error")["details"][0]["field"] == "consecutive_failures"


def test_the_event_type_catalogue_lists_every_resource_family(owner):
    listed = owner.api.get("/api/v1/webhook-event-types").json_body["data"]
    names = {item["type"] for item in listed}
    assert {"task.created", "task.status_changed", "time_entry.stopped", "invoice.sent", "invoice.paid"} <= names
    assert {"project.deleted", "member.joined", "member.removed"} <= names
    assert all(item["description"] for item in listed)


def test_an_org_has_at_most_twenty_webhooks(owner):
    for n in range(service.MAX_WEBHOOKS_PER_ORG):
        create_webhook(owner, f"{URL}/{n}")
    response = owner.api.post("/api/v1/webhooks", json={"url": URL, "events": ["task.*"]})
    error(response, 409, "conflict")
    assert len(owner.api.get("/api/v1/webhooks?per_page=100").json_body["data"]) == service.MAX_WEBHOOKS_PER_ORG


def test_a_rotated_secret_signs_the_next_deliveries_and_the_old_one_no_longer_does(owner, receiver):
    # GIVEN a webhook whose secret was rotated
    hook = create_webhook(owner, receiver.url)
    response = owner.api.post(f"/api/v1/webhooks/{hook['id']}/rotate-secret")
    assert response.status_code == 200, response.json_body
    rotated = response.json_body["secret"]
    assert rotated != hook["secret"] and response.headers["Cache-Control"] == "no-store"
    # WHEN it is pinged
    assert owner.api.post(f"/api/v1/webhooks/{hook['id']}/ping").status_code == 202
    pump()
    # THEN the delivery verifies with the new secret only
    [received] = receiver.requests
    assert verify(rotated, received.body, received.headers["stint-signature"])
    assert not verify(hook["secret"], received.body, received.headers["stint-signature"])


def test_changing_a_webhook_is_in_the_audit_log(owner):
    hook = create_webhook(owner, URL)
    owner.api.patch(f"/api/v1/webhooks/{hook['id']}", json={"events": ["member.*"]})
    entries = owner.api.get(f"/api/v1/audit-logs?entity_id={hook['id']}").json_body["data"]
    assert [entry["action"] for entry in entries] == ["updated", "created"]
    assert entries[0]["changes"]["events"] == {"from": ["task.*"], "to": ["member.*"]}
