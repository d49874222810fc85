"""create-subscription and cancel-subscription against PayPal (a fake on loopback)."""

import pytest

from tests.api.auth.helpers import assert_error
from tests.api.billing import fake_paypal
from tests.api.billing.helpers import CANCEL, CREATE, activated, audit_actions, deliver, event, state, subscribe
from tests.support.factories import drain_jobs


def _active(api, paypal, owner, plan: str = "pro") -> str:
    """An org whose subscription PayPal has activated; its id."""
    subscription_id = subscribe(owner, plan)["subscription_id"]
    plan_id = fake_paypal.PLAN_PRO if plan == "pro" else fake_paypal.PLAN_BUSINESS
    body = activated(subscription_id, owner.org_id, plan_id=plan_id, event_id=f"WH-ACT-{subscription_id}")
    assert deliver(api, paypal, body).status_code == 200
    return subscription_id


def test_create_subscription_asks_paypal_and_returns_its_approval_url(owner, paypal):
    # WHEN the owner subscribes to Pro
    created = subscribe(owner, "pro", return_url="https://app.example.com/billing/done")
    # THEN PayPal was asked for the Pro plan for this org, with where to send the payer back
    [call] = paypal.calls("/v1/billing/subscriptions")
    assert call.body["plan_id"] == fake_paypal.PLAN_PRO
    assert call.body["custom_id"] == owner.org_id
    assert call.body["application_context"]["return_url"] == "https://app.example.com/billing/done"
    assert (
        call.body["application_context"]["cancel_url"] == "http://127.0.0.1:8000/api/v1/billing/return?cancelled=true"
    )
    assert call.headers["authorization"].startswith("Bearer A21-token-")
    assert call.headers["paypal-request-id"]
    # AND the answer carries PayPal's approval link; the org waits on Free with the subscription pending
    assert created["approval_url"].startswith("https://www.sandbox.paypal.com/webapps/billing/subscriptions?")
    assert created["subscription_id"] in paypal.subscriptions
    billing = state(owner)
    assert (billing["plan"], billing["pending_subscription"]["id"]) == ("free", created["subscription_id"])
    assert audit_actions(owner, created["subscription_id"]) == ["subscription_created"]


def test_the_paypal_access_token_is_fetched_once_and_reused(owner, admin, paypal):
    # WHEN two subscriptions are created one after the other
    subscribe(owner, "pro")
    subscribe(admin, "business")
    # THEN PayPal issued one OAuth token, with our client credentials
    assert len(paypal.calls("/v1/oauth2/token")) == 1
    assert paypal.calls("/v1/oauth2/token")[0].body == {"form": "grant_type=client_credentials"}


def test_paypal_failing_twice_is_retried_with_the_same_request_id(owner, paypal):
    # GIVEN PayPal answers 503 twice before it recovers (after the token is issued)
    subscribe(owner, "pro")
    paypal.fail_next(503, 503)
    # WHEN the owner subscribes again
    response = owner.api.post(CREATE, json={"plan": "business"})
    # THEN the third try succeeded, and every try was the same request to PayPal
    assert response.status_code == 201, response.json_body
    tries = paypal.calls("/v1/billing/subscriptions")[1:]
    assert len(tries) == 3
    assert len({call.headers["paypal-request-id"] for call in tries}) == 1
    assert state(owner)["pending_subscription"]["id"] == response.json_body["subscription_id"]


def test_paypal_down_is_503_and_nothing_is_written(owner, paypal):
    # GIVEN PayPal answers 503 to every try
    paypal.fail_next(503, 503, 503)
    # WHEN the owner subscribes
    response = owner.api.post(CREATE, json={"plan": "pro"})
    # THEN the answer says to retry later, and no subscription is pending
    error = assert_error(response, 503, "internal_error")
    assert error["message"] == "PayPal is not answering right now; retry shortly."
    assert response.headers["Retry-After"] == "1"
    assert state(owner)["pending_subscription"] is None


def test_a_member_cannot_subscribe_and_paypal_is_not_asked(member, paypal):
    # WHEN a plain member subscribes
    response = member.api.post(CREATE, json={"plan": "pro"})
    # THEN it is forbidden, before PayPal hears of it
    assert_error(response, 403, "forbidden")
    assert paypal.requests == []


def test_an_admin_can_subscribe(admin, paypal):
    assert subscribe(admin, "business")["plan"] == "business"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"plan": "gold"}, "plan"),
        ({}, "plan"),
        ({"plan": "free"}, "plan"),
        ({"plan": "pro", "return_url": "javascript:alert(1)"}, "return_url"),
        ({"plan": "pro", "cancel_url": "not a url"}, "cancel_url"),
        ({"plan": "pro", "org_id": "org_01HV0000000000000000000000"}, "org_id"),
    ],
)
def test_bad_subscription_requests_are_400_naming_the_field_and_paypal_is_not_asked(owner, paypal, body, field):
    # WHEN the owner sends a bad request
    response = owner.api.post(CREATE, json=body)
    # THEN it is a 400 naming the field, and nothing reached PayPal
    error = assert_error(response, 400, "validation_error")
    assert field in {detail["field"] for detail in error["details"]}
    assert paypal.requests == []


def test_subscribing_while_a_subscription_is_active_is_409(api, owner, paypal):
    # GIVEN an active Pro subscription
    _active(api, paypal, owner)
    # WHEN the owner subscribes to Business
    response = owner.api.post(CREATE, json={"plan": "business"})
    # THEN they are told to cancel first
    error = assert_error(response, 409, "conflict")
    assert "cancel it" in error["message"]


def test_cancel_subscription_cancels_at_paypal_and_returns_to_free(api, owner, paypal):
    # GIVEN an active Pro subscription
    subscription_id = _active(api, paypal, owner)
    # WHEN the owner cancels it, saying why
    response = owner.api.post(CANCEL, json={"reason": "Too expensive"})
    # THEN PayPal cancelled it with that reason, and the org is on Free
    assert response.status_code == 200, response.json_body
    [call] = paypal.calls(f"/v1/billing/subscriptions/{subscription_id}/cancel")
    assert call.body == {"reason": "Too expensive"}
    assert paypal.subscriptions[subscription_id]["status"] == "CANCELLED"
    assert response.json_body["plan"] == "free"
    assert response.json_body["subscription"]["status"] == "cancelled"
    assert audit_actions(owner, subscription_id)[0] == "subscription_cancelled"


def test_paypal_cancelling_later_changes_nothing_more(api, owner, paypal):
    # GIVEN a subscription cancelled from Stint
    subscription_id = _active(api, paypal, owner)
    owner.api.post(CANCEL, json={})
    # WHEN PayPal's CANCELLED event arrives afterwards
    body = {"id": subscription_id, "status": "CANCELLED", "plan_id": fake_paypal.PLAN_PRO}
    late = event("BILLING.SUBSCRIPTION.CANCELLED", body, event_id="WH-LATE-CANCEL", at="2099-01-01T00:00:00Z")
    response = deliver(api, paypal, late)
    # THEN it is accepted and the org simply stays cancelled on Free
    assert response.status_code == 200
    billing = state(owner)
    assert (billing["plan"], billing["subscription"]["status"]) == ("free", "cancelled")


def test_a_subscription_already_gone_at_paypal_is_still_cancelled_here(api, owner, paypal):
    # GIVEN an active subscription that PayPal no longer knows
    subscription_id = _active(api, paypal, owner)
    del paypal.subscriptions[subscription_id]
    # WHEN the owner cancels it
    response = owner.api.post(CANCEL, json={})
    # THEN the org is back on Free
    assert response.status_code == 200, response.json_body
    assert response.json_body["plan"] == "free"


def test_cancelling_a_subscription_awaiting_approval_drops_it_without_asking_paypal(owner, paypal):
    # GIVEN a subscription the payer never approved
    subscribe(owner, "pro")
    # WHEN the owner cancels
    response = owner.api.post(CANCEL, json={})
    # THEN nothing is pending any more, and PayPal was not asked to cancel anything
    assert response.status_code == 200
    assert response.json_body["pending_subscription"] is None
    assert [call for call in paypal.requests if call.path.endswith("/cancel")] == []


def test_cancelling_without_a_subscription_is_409(owner, paypal):
    assert_error(owner.api.post(CANCEL, json={}), 409, "conflict")


def test_a_member_cannot_cancel(api, owner, member, paypal):
    # GIVEN an active subscription
    _active(api, paypal, owner)
    # WHEN a plain member cancels it
    response = member.api.post(CANCEL, json={})
    # THEN it is forbidden and the org stays on Pro
    assert_error(response, 403, "forbidden")
    assert state(owner)["plan"] == "pro"


def test_cancelling_with_paypal_down_is_503_and_keeps_the_plan(api, owner, paypal):
    # GIVEN an active subscription, and PayPal failing every try
    _active(api, paypal, owner)
    paypal.fail_next(503, 503, 503)
    # WHEN the owner cancels
    response = owner.api.post(CANCEL, json={})
    # THEN they are asked to retry, and the org is still on Pro
    assert_error(response, 503, "internal_error")
    assert state(owner)["plan"] == "pro"


def test_another_orgs_admin_cannot_touch_this_orgs_subscription(api, owner, outsider, paypal):
    # GIVEN an active subscription in the owner's org
    _active(api, paypal, owner)
    # WHEN another org's owner cancels "their" subscription
    response = outsider.api.post(CANCEL, json={})
    # THEN there is none in their org, and the owner's stays active
    assert_error(response, 409, "conflict")
    assert state(owner)["plan"] == "pro"


def test_deleting_the_organization_cancels_its_subscription_at_paypal(api, owner, paypal):
    # GIVEN an org paying for Pro
    subscription_id = _active(api, paypal, owner)
    # WHEN the owner deletes the org and the deletion job runs
    assert owner.api.delete(f"/api/v1/organizations/{owner.org_id}").status_code == 204
    drain_jobs()
    # THEN PayPal was told to stop charging for it
    assert paypal.subscriptions[subscription_id]["status"] == "CANCELLED"
    [call] = paypal.calls(f"/v1/billing/subscriptions/{subscription_id}/cancel")
    assert call.body == {"reason": "Organization deleted"}
