"""PayPal's webhook: each event verified with PayPal, applied once per event id, in the order PayPal made them."""

import json

import pytest

from tests.api.auth.helpers import assert_error
from tests.api.billing import fake_paypal
from tests.api.billing.helpers import WEBHOOK, activated, audit_actions, deliver, event, state, subscribe

PRO = fake_paypal.PLAN_PRO


@pytest.fixture
def pending(owner, paypal) -> str:
    """A Pro subscription created by the owner, awaiting approval at PayPal."""
    return subscribe(owner, "pro")["subscription_id"]


def _sub_event(kind: str, subscription_id: str, event_id: str, at: str = "2026-03-28T10:00:00Z", **resource):
    return event(kind, {"id": subscription_id, "plan_id": PRO, **resource}, event_id=event_id, at=at)


def _activate(api, paypal, owner, subscription_id: str, event_id: str = "WH-ACTIVATED-1", at="2026-03-28T09:00:00Z"):
    response = deliver(api, paypal, activated(subscription_id, owner.org_id, plan_id=PRO, event_id=event_id, at=at))
    assert response.status_code == 200, response.json_body
    return response


def test_a_verified_activation_moves_the_org_to_the_plan(api, owner, paypal, pending):
    # WHEN PayPal delivers BILLING.SUBSCRIPTION.ACTIVATED for the pending subscription
    response = _activate(api, paypal, owner, pending)
    # THEN the event is processed, and the org is on Pro with nothing pending
    assert response.json_body == {"event_id": "WH-ACTIVATED-1", "processed": True}
    billing = state(owner)
    assert (billing["plan"], billing["subscription"]["status"]) == ("pro", "active")
    assert billing["pending_subscription"] is None
    # AND PayPal was asked to verify exactly that event, for our webhook, with the delivery's headers
    [verification] = paypal.calls("/v1/notifications/verify-webhook-signature")
    assert verification.body["webhook_id"] == fake_paypal.WEBHOOK_ID
    assert verification.body["webhook_event"]["id"] == "WH-ACTIVATED-1"
    assert verification.body["auth_algo"] == "SHA256withRSA"
    assert verification.body["transmission_id"].startswith("tx-sig-")


def test_an_event_that_fails_verification_changes_nothing(api, owner, paypal, pending):
    # GIVEN an activation event with PayPal's headers but a signature PayPal does not vouch for
    body = activated(pending, owner.org_id, plan_id=PRO, event_id="WH-FORGED-1")
    forged = {**paypal.sign({"something": "else"}), "PAYPAL-TRANSMISSION-SIG": "forged"}
    # WHEN it is delivered
    response = api.post(WEBHOOK, json=body, headers=forged)
    # THEN it is a 400, the org is still on Free with the subscription pending, and nothing was audited
    error = assert_error(response, 400, "validation_error")
    assert error["message"] == "The event could not be verified with PayPal."
    billing = state(owner)
    assert (billing["plan"], billing["pending_subscription"]["id"]) == ("free", pending)
    assert audit_actions(owner, pending) == ["subscription_created"]


def test_an_unverified_delivery_does_not_use_up_the_event_id(api, owner, paypal, pending):
    # GIVEN a delivery of an event that failed verification
    body = activated(pending, owner.org_id, plan_id=PRO, event_id="WH-ACTIVATED-1")
    assert deliver(api, paypal, body, signed=False, headers=paypal.sign({"other": 1})).status_code == 400
    # WHEN PayPal delivers the real event with that id
    response = deliver(api, paypal, body)
    # THEN it is applied
    assert response.json_body["processed"] is True
    assert state(owner)["plan"] == "pro"


@pytest.mark.parametrize("missing", ["PAYPAL-TRANSMISSION-SIG", "PAYPAL-CERT-URL", "PAYPAL-AUTH-ALGO"])
def test_a_delivery_without_paypals_headers_is_400_without_asking_paypal(api, owner, paypal, pending, missing):
    # GIVEN an event whose delivery lacks one of PayPal's signature headers
    body = activated(pending, owner.org_id, plan_id=PRO, event_id="WH-ACTIVATED-1")
    headers = {name: value for name, value in paypal.sign(body).items() if name != missing}
    # WHEN it is delivered
    response = api.post(WEBHOOK, json=body, headers=headers)
    # THEN it is a 400 naming the header, PayPal was not asked, and nothing changed
    error = assert_error(response, 400, "validation_error")
    assert error["details"][0]["field"] == missing.lower()
    assert paypal.calls("verify-webhook-signature") == []
    assert state(owner)["plan"] == "free"


def test_a_replayed_event_is_processed_once(api, owner, paypal, pending):
    # GIVEN an activation that was processed
    _activate(api, paypal, owner, pending)
    # AND the subscription cancelled at PayPal since
    cancelled = _sub_event("BILLING.SUBSCRIPTION.CANCELLED", pending, "WH-CANCELLED-1", at="2026-03-28T11:00:00Z")
    deliver(api, paypal, cancelled)
    # WHEN PayPal delivers the (verifiable) activation again
    response = deliver(api, paypal, activated(pending, owner.org_id, plan_id=PRO, event_id="WH-ACTIVATED-1"))
    # THEN it is acknowledged as already processed, and the org stays cancelled on Free
    assert response.status_code == 200
    assert response.json_body == {"event_id": "WH-ACTIVATED-1", "processed": False}
    assert state(owner)["plan"] == "free"
    assert audit_actions(owner, pending).count("subscription_activated") == 1


def test_cancellation_returns_the_org_to_free(api, owner, paypal, pending):
    # GIVEN an active subscription
    _activate(api, paypal, owner, pending)
    # WHEN PayPal says it was cancelled
    deliver(api, paypal, _sub_event("BILLING.SUBSCRIPTION.CANCELLED", pending, "WH-CANCELLED-1"))
    # THEN the org is on Free and the subscription shows as cancelled
    billing = state(owner)
    assert (billing["plan"], billing["subscription"]["status"]) == ("free", "cancelled")
    assert billing["limits"]["projects"] == 20
    assert audit_actions(owner, pending)[0] == "subscription_ended"


def test_suspension_returns_to_free_and_reactivation_restores_the_plan(api, owner, paypal, pending):
    # GIVEN an active subscription that PayPal suspends
    _activate(api, paypal, owner, pending)
    deliver(api, paypal, _sub_event("BILLING.SUBSCRIPTION.SUSPENDED", pending, "WH-SUSPENDED-1"))
    assert (state(owner)["plan"], state(owner)["subscription"]["status"]) == ("free", "suspended")
    # WHEN PayPal re-activates it
    later = "2026-03-29T09:00:00Z"
    deliver(api, paypal, _sub_event("BILLING.SUBSCRIPTION.RE-ACTIVATED", pending, "WH-REACTIVATED-1", at=later))
    # THEN the org is back on Pro
    assert (state(owner)["plan"], state(owner)["subscription"]["status"]) == ("pro", "active")


def test_a_completed_payment_is_recorded_in_cents(api, owner, paypal, pending):
    # GIVEN an active subscription
    _activate(api, paypal, owner, pending)
    # WHEN PayPal reports the month's payment
    sale = {"id": "8PR00000AB", "state": "completed", "billing_agreement_id": pending}
    sale["amount"] = {"total": "12.99", "currency": "USD"}
    deliver(api, paypal, event("PAYMENT.SALE.COMPLETED", sale, event_id="WH-SALE-1", at="2026-03-28T09:05:00Z"))
    # THEN the last payment shows in integer cents
    payment = state(owner)["subscription"]["last_payment"]
    assert payment == {"amount": 1299, "currency": "USD", "paid_at": "2026-03-28T09:05:00Z"}
    assert audit_actions(owner, pending)[0] == "payment_received"


def test_a_failed_payment_marks_the_subscription_past_due_until_a_payment_completes(api, owner, paypal, pending):
    # GIVEN an active subscription whose payment fails
    _activate(api, paypal, owner, pending)
    deliver(api, paypal, _sub_event("BILLING.SUBSCRIPTION.PAYMENT.FAILED", pending, "WH-FAILED-1"))
    billing = state(owner)
    # THEN it is past due but keeps its plan while PayPal retries
    assert (billing["plan"], billing["subscription"]["status"]) == ("pro", "past_due")
    assert billing["subscription"]["payment_failed_at"] == "2026-03-28T10:00:00Z"
    # WHEN a payment then completes
    sale = {"id": "8PR00000AC", "billing_agreement_id": pending, "amount": {"total": "12.00", "currency": "USD"}}
    deliver(api, paypal, event("PAYMENT.SALE.COMPLETED", sale, event_id="WH-SALE-2", at="2026-03-28T12:00:00Z"))
    # THEN it is active again
    billing = state(owner)
    assert (billing["subscription"]["status"], billing["subscription"]["payment_failed_at"]) == ("active", None)


def test_an_older_event_arriving_late_does_not_undo_a_newer_one(api, owner, paypal, pending):
    # GIVEN a subscription activated at 09:00 and cancelled at 11:00
    _activate(api, paypal, owner, pending, event_id="WH-A", at="2026-03-28T09:00:00Z")
    deliver(api, paypal, _sub_event("BILLING.SUBSCRIPTION.CANCELLED", pending, "WH-C", at="2026-03-28T11:00:00Z"))
    # WHEN an activation PayPal made at 09:30 is delivered only now
    stale = activated(pending, owner.org_id, plan_id=PRO, event_id="WH-A2", at="2026-03-28T09:30:00Z")
    response = deliver(api, paypal, stale)
    # THEN it is acknowledged but the org stays cancelled on Free
    assert response.status_code == 200
    assert (state(owner)["plan"], state(owner)["subscription"]["status"]) == ("free", "cancelled")


def test_unknown_event_types_are_acknowledged_and_ignored(api, owner, paypal, pending):
    # WHEN PayPal sends an event type billing does not use
    body = _sub_event("BILLING.SUBSCRIPTION.UPDATED", pending, "WH-UPDATED-1")
    response = deliver(api, paypal, body)
    # THEN it is acknowledged (so PayPal stops retrying) and nothing changes
    assert response.json_body == {"event_id": "WH-UPDATED-1", "processed": True}
    assert state(owner)["plan"] == "free"
    assert audit_actions(owner, pending) == ["subscription_created"]


def test_an_event_about_a_subscription_stint_never_created_changes_nothing(api, owner, paypal):
    # WHEN PayPal reports the activation of a subscription made elsewhere, even naming this org
    body = activated("I-SOMEONE-ELSE", owner.org_id, plan_id=PRO, event_id="WH-ELSEWHERE-1")
    response = deliver(api, paypal, body)
    # THEN it is acknowledged and the org stays on Free
    assert response.status_code == 200
    assert state(owner)["plan"] == "free"


def test_an_event_naming_another_org_than_the_subscriptions_is_ignored(api, owner, outsider, paypal, pending):
    # WHEN an activation of the owner's subscription says it is for the outsider's org
    body = activated(pending, outsider.org_id, plan_id=PRO, event_id="WH-MIXED-1")
    deliver(api, paypal, body)
    # THEN neither org changes plan
    assert (state(owner)["plan"], state(outsider)["plan"]) == ("free", "free")


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b"{not json", "body"),
        (b"[]", "body"),
        (json.dumps({"event_type": "X", "resource": {}}).encode(), "id"),
        (json.dumps({"id": "WH-1", "resource": {}}).encode(), "event_type"),
        (json.dumps({"id": "WH-1", "event_type": "X", "resource": "no"}).encode(), "resource"),
    ],
)
def test_a_body_that_is_not_a_paypal_event_is_400(api, paypal, raw, field):
    # WHEN something that is not a PayPal event is posted, even with headers
    response = api.post(WEBHOOK, body=raw, headers=paypal.sign({}))
    # THEN it is a 400 naming what is wrong, and PayPal is not asked
    error = assert_error(response, 400, "validation_error")
    assert error["details"][0]["field"] == field
    assert paypal.calls("verify-webhook-signature") == []


def test_paypal_unable_to_verify_is_503_so_paypal_delivers_again(api, owner, paypal, pending):
    # GIVEN PayPal's verification API failing (after the token was issued)
    deliver(api, paypal, _sub_event("BILLING.SUBSCRIPTION.UPDATED", pending, "WH-WARMUP"))
    paypal.fail_next(503, 503, 503)
    # WHEN the activation arrives
    body = activated(pending, owner.org_id, plan_id=PRO, event_id="WH-ACTIVATED-1")
    response = deliver(api, paypal, body)
    # THEN the delivery is refused for now (PayPal retries non-2xx deliveries), and nothing changed
    assert_error(response, 503, "internal_error")
    assert state(owner)["plan"] == "free"
    # AND the redelivery is applied
    assert deliver(api, paypal, body).json_body["processed"] is True


def test_without_paypal_credentials_every_webhook_is_refused(api, owner):
    # GIVEN the local sandbox (no PayPal credentials)
    sub = subscribe(owner, "pro")["subscription_id"]
    body = activated(sub, owner.org_id, plan_id="SANDBOX-PRO", event_id="WH-LOCAL-1")
    headers = {name: "x" for name in ("PAYPAL-AUTH-ALGO", "PAYPAL-CERT-URL", "PAYPAL-TRANSMISSION-ID")}
    headers |= {"PAYPAL-TRANSMISSION-SIG": "x", "PAYPAL-TRANSMISSION-TIME": "x"}
    # WHEN an event is posted
    response = api.post(WEBHOOK, json=body, headers=headers)
    # THEN it cannot be verified, so it changes nothing
    assert_error(response, 400, "validation_error")
    assert state(owner)["plan"] == "free"
