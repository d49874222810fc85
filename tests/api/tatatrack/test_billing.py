"""`/api/billing/*`: create and cancel a subscription, PayPal's webhook, the plan state, in camelCase."""

from tests.api.billing import fake_paypal
from tests.api.billing.conftest import paypal  # noqa: F401 (the fixture: PayPal faked on loopback)
from tests.api.billing.helpers import activated, approve_in_sandbox
from tests.api.tatatrack.helpers import assert_camel, error, fields_named


def _subscribe(account, plan="pro", **extra):
    response = account.api.post("/api/billing/create-subscription", json={"plan": plan, **extra})
    assert response.status_code == 201, response.json_body
    assert_camel(response.json_body)
    return response.json_body


def test_create_subscription_answers_the_approval_url_and_the_plan_follows_approval(owner):
    # WHEN the owner subscribes to Pro (the local sandbox stands in for PayPal)
    created = _subscribe(owner, returnUrl="https://app.example.com/billing/done")
    assert created["status"] == "approval_pending"
    assert created["approvalUrl"]
    # AND the payer approves
    assert approve_in_sandbox(owner, created["approvalUrl"]).status_code == 302
    # THEN the workspace is on Pro
    billing = owner.api.get("/api/billing").json_body
    assert_camel(billing)
    assert billing["plan"] == "pro"
    assert billing["subscription"]["id"] == created["subscriptionId"]
    assert billing["pendingSubscription"] is None


def test_cancel_subscription_returns_the_workspace_to_free(owner):
    created = _subscribe(owner)
    approve_in_sandbox(owner, created["approvalUrl"])
    response = owner.api.post("/api/billing/cancel-subscription", json={"reason": "Too expensive"})
    assert response.status_code == 200, response.json_body
    assert_camel(response.json_body)
    assert owner.api.get("/api/billing").json_body["plan"] == "free"


def test_members_cannot_subscribe(member):
    error(member.api.post("/api/billing/create-subscription", json={"plan": "pro"}), 403, "forbidden")


def test_snake_case_or_unknown_plans_are_400_naming_the_field(owner):
    response = owner.api.post("/api/billing/create-subscription", json={"plan": "gold", "return_url": "https://x.io"})
    assert fields_named(error(response, 400, "validation_error")) == {"plan", "return_url"}
    response = owner.api.post("/api/billing/create-subscription", json={"plan": "pro", "returnUrl": "ftp://x"})
    assert fields_named(error(response, 400, "validation_error")) == {"returnUrl"}


def test_the_webhook_applies_a_verified_event_once(api, owner, paypal):  # noqa: F811
    # GIVEN a Pro subscription awaiting approval at (fake) PayPal
    created = _subscribe(owner)
    body = activated(created["subscriptionId"], owner.org_id, plan_id=fake_paypal.PLAN_PRO, event_id="WH-TT-1")
    # WHEN PayPal delivers the activation to the TataTrack path, twice
    first = api.as_token(None).post("/api/billing/webhook", json=body, headers=paypal.sign(body))
    again = api.as_token(None).post("/api/billing/webhook", json=body, headers=paypal.sign(body))
    # THEN it is processed once and the workspace is on Pro
    assert first.status_code == 200, first.json_body
    assert first.json_body == {"eventId": "WH-TT-1", "processed": True}
    assert again.json_body == {"eventId": "WH-TT-1", "processed": False}
    assert owner.api.get("/api/billing").json_body["plan"] == "pro"


def test_a_webhook_event_that_fails_verification_changes_nothing(api, owner, paypal):  # noqa: F811
    created = _subscribe(owner)
    body = activated(created["subscriptionId"], owner.org_id, plan_id=fake_paypal.PLAN_PRO, event_id="WH-TT-2")
    forged = {**paypal.sign({"something": "else"}), "PAYPAL-TRANSMISSION-SIG": "forged"}
    error(api.as_token(None).post("/api/billing/webhook", json=body, headers=forged), 400, "validation_error")
    assert owner.api.get("/api/billing").json_body["plan"] == "free"
