"""Without PayPal credentials (a developer's machine, tests) the local sandbox completes the subscription flow."""

import pytest

from chalicelib.core.config import get_settings
from tests.api.auth.helpers import assert_error
from tests.api.billing.helpers import approve_in_sandbox, audit_actions, query_of, state, subscribe


def test_without_paypal_credentials_the_approval_link_points_at_this_api(owner):
    # WHEN the owner subscribes to Pro with no PayPal configured
    created = subscribe(owner, "pro")
    # THEN the subscription awaits approval at a sandbox page of this API, and the plan is still Free
    assert created["status"] == "approval_pending"
    assert created["subscription_id"].startswith("I-SANDBOX")
    assert created["approval_url"].startswith("http://127.0.0.1:8000/api/v1/billing/sandbox/approve?token=")
    billing = state(owner)
    assert billing["plan"] == "free"
    assert billing["pending_subscription"]["id"] == created["subscription_id"]


def test_opening_the_sandbox_approval_link_activates_the_plan_and_returns_the_payer(owner):
    # GIVEN a Pro subscription awaiting approval, with the client's own return page
    created = subscribe(owner, "pro", return_url="https://app.example.com/billing/done?from=stint")
    # WHEN the payer's browser opens the approval link
    response = approve_in_sandbox(owner, created["approval_url"])
    # THEN they are sent back to the return page with the subscription id, as PayPal does
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("https://app.example.com/billing/done?")
    assert query_of(location) == {"from": ["stint"], "subscription_id": [created["subscription_id"]]}
    # AND the org is on Pro, with Pro's limits, and nothing is pending
    billing = state(owner)
    assert billing["plan"] == "pro"
    assert billing["limits"] == {"members": 50, "projects": 200, "storage_bytes": 100 * 1024**3}
    assert billing["subscription"]["id"] == created["subscription_id"]
    assert billing["subscription"]["status"] == "active"
    assert billing["pending_subscription"] is None
    assert audit_actions(owner, created["subscription_id"]) == ["subscription_activated", "subscription_created"]


def test_the_default_return_page_answers_the_payer_without_credentials(owner, api):
    # GIVEN a Business subscription created without a return URL, approved in the sandbox
    created = subscribe(owner, "business")
    location = approve_in_sandbox(owner, created["approval_url"]).headers["Location"]
    # WHEN the browser follows the redirect
    response = api.get(location.removeprefix("http://127.0.0.1:8000"))
    # THEN a plain page confirms it, and the org is on Business
    assert response.status_code == 200
    assert response.json_body["subscription_id"] == created["subscription_id"]
    assert response.json_body["approved"] is True
    assert state(owner)["plan"] == "business"


def test_opening_the_approval_link_twice_activates_once(owner):
    # GIVEN an approved sandbox subscription
    created = subscribe(owner, "pro")
    approve_in_sandbox(owner, created["approval_url"])
    # WHEN the link is opened again
    again = approve_in_sandbox(owner, created["approval_url"])
    # THEN the payer is returned again, and the activation was recorded once
    assert again.status_code == 302
    assert audit_actions(owner, created["subscription_id"]).count("subscription_activated") == 1


def test_a_tampered_sandbox_link_is_refused_and_changes_nothing(owner, api):
    # GIVEN a subscription awaiting approval
    created = subscribe(owner, "pro")
    # WHEN someone opens the link with an altered token
    response = api.get(created["approval_url"].removeprefix("http://127.0.0.1:8000")[:-3] + "abc")
    # THEN it is refused and the org stays on Free
    assert_error(response, 401, "unauthorized")
    assert state(owner)["plan"] == "free"


def test_the_sandbox_approval_route_does_not_exist_where_paypal_is_configured(owner, api, paypal):
    # GIVEN PayPal configured
    # WHEN someone opens a sandbox approval URL
    response = api.get("/api/v1/billing/sandbox/approve?token=anything")
    # THEN there is no such page
    assert_error(response, 404, "not_found")


@pytest.fixture
def deployed_without_paypal(app):
    """A deployed stage (dev) whose PayPal settings were never filled in."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STINT_STAGE", "dev")
        get_settings.cache_clear()
        yield
    get_settings.cache_clear()


def test_a_deployed_stage_without_paypal_credentials_never_grants_a_plan(owner, api, deployed_without_paypal):
    # WHEN the owner subscribes on a deployed stage where PayPal is not configured
    response = owner.api.post("/api/v1/billing/create-subscription", json={"plan": "business"})
    # THEN billing is unavailable, there is no sandbox approval page, and the org stays on Free
    assert_error(response, 503, "internal_error")
    assert_error(api.get("/api/v1/billing/sandbox/approve?token=x"), 404, "not_found")
    assert state(owner)["plan"] == "free"
